/* check_seccomp.c - Docker profiles as filters, and the default filter at
 * work in a child process. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/keyctl.h>

#include "report.h"
#include "seccomp-default.h"
#include "seccomp-filter.h"
#include "suites.h"

/* sc_from_json() on text; why gets the reason when it fails. */
static int from_text(const char *text, scmp_filter_ctx *ctx, char *why,
		     size_t size)
{
	json_error_t jerr;
	json_t *p = json_loads(text, 0, &jerr);
	int rc;

	ck_assert_msg(p != NULL, "test JSON: %s", jerr.text);
	why[0] = '\0';
	rc = sc_from_json(p, ctx, why, size);
	json_decref(p);
	return rc;
}

/* Run fn in a child; its exit status (0: every check held). */
static int in_child(int (*fn)(void))
{
	int status;
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		status = fn();
		fflush(NULL);
		_exit(status);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status), "child killed by signal %d",
		      WTERMSIG(status));
	return WEXITSTATUS(status);
}

static const char good[] =
	"{ \"defaultAction\": \"SCMP_ACT_ALLOW\","
	"  \"architectures\": [ \"SCMP_ARCH_X86_64\", \"SCMP_ARCH_X86\" ],"
	"  \"syscalls\": ["
	"    { \"names\": [ \"getppid\", \"no_such_syscall\" ],"
	"      \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 42 },"
	"    { \"name\": \"getpgid\", \"action\": \"SCMP_ACT_ERRNO\" },"
	"    { \"names\": [ \"personality\" ], \"action\": \"SCMP_ACT_ERRNO\","
	"      \"args\": ["
	"        { \"index\": 0, \"value\": 4, \"op\": \"SCMP_CMP_EQ\" },"
	"        { \"index\": 0, \"value\": 5, \"op\": \"SCMP_CMP_EQ\" } ] },"
	"    { \"names\": [ \"dup3\" ], \"action\": \"SCMP_ACT_ERRNO\","
	"      \"args\": [ { \"index\": 2, \"value\": 524288,"
	"        \"valueTwo\": 524288, \"op\": \"SCMP_CMP_MASKED_EQ\" } ] },"
	"    { \"names\": [ \"getpid\" ], \"action\": \"SCMP_ACT_ALLOW\" }"
	"  ] }";

START_TEST(test_sc_from_json_good)
{
	scmp_filter_ctx ctx = NULL;
	char why[256];

	ck_assert_msg(from_text(good, &ctx, why, sizeof(why)) == 0, "%s", why);
	ck_assert_ptr_nonnull(ctx);
	/* The native arch was already there; x86 was added. */
	ck_assert_int_eq(seccomp_arch_exist(ctx, SCMP_ARCH_X86), 0);
	seccomp_release(ctx);
}
END_TEST

/* Load the good profile and see each rule act. */
static int child_good_profile(void)
{
	scmp_filter_ctx ctx;
	char why[256];
	json_t *p = json_loads(good, 0, NULL);

	if (!p || sc_from_json(p, &ctx, why, sizeof(why)) < 0)
		return 10;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || sc_apply(ctx) < 0)
		return 11;
	/* glibc's getppid() cannot fail, so it sets no errno: call it raw. */
	if (syscall(SYS_getppid) != -1 || errno != 42)
		return 12;
	/* defaultErrnoRet absent: EPERM. */
	if (getpgid(0) != -1 || errno != EPERM)
		return 13;
	/* Two comparisons of arg 0 mean "either" (one rule each). */
	if (syscall(SYS_personality, 4UL) != -1 || errno != EPERM ||
	    syscall(SYS_personality, 5UL) != -1 || errno != EPERM)
		return 14;
	if (syscall(SYS_personality, 0xffffffffUL) == -1)
		return 15;
	/* MASKED_EQ: value is the mask, valueTwo the bits to match. */
	if (dup3(0, 100, O_CLOEXEC) != -1 || errno != EPERM)
		return 16;
	if (dup3(0, 100, 0) != 100)
		return 17;
	if (getpid() <= 0)
		return 18;
	return 0;
}

START_TEST(test_sc_apply_profile_rules_act)
{
	ck_assert_int_eq(in_child(child_good_profile), 0);
}
END_TEST

/* Docker's own conditions: archMap, includes, excludes. */
static const char docker_shape[] =
	"{ \"defaultAction\": \"SCMP_ACT_ALLOW\","
	"  \"archMap\": ["
	"    { \"architecture\": \"SCMP_ARCH_X86_64\","
	"      \"subArchitectures\": [ \"SCMP_ARCH_X86\","
	"                              \"SCMP_ARCH_X32\" ] },"
	"    { \"architecture\": \"SCMP_ARCH_AARCH64\","
	"      \"subArchitectures\": [ \"SCMP_ARCH_ARM\" ] },"
	"    { \"architecture\": \"SCMP_ARCH_RISCV64\","
	"      \"subArchitectures\": null } ],"
	"  \"syscalls\": ["
	"    { \"names\": [ \"getppid\" ], \"action\": \"SCMP_ACT_ERRNO\","
	"      \"errnoRet\": 11, \"includes\": { \"arches\": [ \"amd64\","
	"      \"arm64\", \"ppc64le\", \"s390x\", \"riscv64\", \"386\","
	"      \"arm\", \"x86_64\" ] } },"
	"    { \"names\": [ \"getpgid\" ], \"action\": \"SCMP_ACT_ERRNO\","
	"      \"includes\": { \"arches\": [ \"vax\" ] } },"
	"    { \"names\": [ \"getsid\" ], \"action\": \"SCMP_ACT_ERRNO\","
	"      \"includes\": { \"caps\": [ \"CAP_SYS_ADMIN\" ] } },"
	"    { \"names\": [ \"getpriority\" ], \"action\": \"SCMP_ACT_ERRNO\","
	"      \"excludes\": { \"caps\": [ \"CAP_SYS_NICE\" ] } },"
	"    { \"names\": [ \"sched_yield\" ], \"action\": \"SCMP_ACT_ERRNO\","
	"      \"includes\": { \"minKernel\": \"99.0\" } },"
	"    { \"names\": [ \"times\" ], \"action\": \"SCMP_ACT_ERRNO\","
	"      \"includes\": { \"minKernel\": \"3.0\" } }"
	"  ] }";

/* The capabilities the next child's container holds. */
static uint64_t child_caps;

/* Each entry acts or not by its conditions; -1: it failed with errno. */
static int child_docker_shape(void)
{
	int admin = !!(child_caps & (1ULL << CAP_SYS_ADMIN));
	int nice = !!(child_caps & (1ULL << CAP_SYS_NICE));
	scmp_filter_ctx ctx;
	char why[256];
	json_t *p = json_loads(docker_shape, 0, NULL);

	if (!p || sc_from_json_caps(p, child_caps, &ctx, why, sizeof(why)))
		return 10;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || sc_apply(ctx) < 0)
		return 11;
	/* The native architecture is always in the list. */
	if (syscall(SYS_getppid) != -1 || errno != EAGAIN)
		return 12;
	if (syscall(SYS_getpgid, 0) == -1)
		return 13;
	if ((syscall(SYS_getsid, 0) == -1) != admin)
		return 14;
	if ((syscall(SYS_getpriority, PRIO_PROCESS, 0) == -1) == nice)
		return 15;
	if (syscall(SYS_sched_yield) == -1)
		return 16;
	if (syscall(SYS_times, NULL) != -1 || errno != EPERM)
		return 17;
	return 0;
}

START_TEST(test_sc_from_json_caps_includes_excludes)
{
	child_caps = 0;
	ck_assert_int_eq(in_child(child_docker_shape), 0);
	child_caps = (1ULL << CAP_SYS_ADMIN) | (1ULL << CAP_SYS_NICE);
	ck_assert_int_eq(in_child(child_docker_shape), 0);
}
END_TEST

START_TEST(test_sc_from_json_arch_map)
{
	scmp_filter_ctx ctx = NULL;
	char why[256];

	ck_assert_msg(from_text(docker_shape, &ctx, why, sizeof(why)) == 0,
		      "%s", why);
	/* Sub-architectures come only from the native one's entry. */
	if (seccomp_arch_native() == SCMP_ARCH_X86_64) {
		ck_assert_int_eq(seccomp_arch_exist(ctx, SCMP_ARCH_X86), 0);
		ck_assert_int_eq(seccomp_arch_exist(ctx, SCMP_ARCH_X32), 0);
		ck_assert_int_eq(seccomp_arch_exist(ctx, SCMP_ARCH_ARM),
				 -EEXIST);
	}
	seccomp_release(ctx);
}
END_TEST

START_TEST(test_sc_from_json_bad)
{
	static const struct { const char *json, *why; } cases[] = {
		{ "[]", "the profile is not a JSON object" },
		{ "{}", "defaultAction: missing" },
		{ "{\"defaultAction\": 1}", "defaultAction: not a string" },
		{ "{\"defaultAction\": \"SCMP_ACT_FOO\"}",
		  "defaultAction: unknown action 'SCMP_ACT_FOO'" },
		{ "{\"defaultAction\": \"SCMP_ACT_ERRNO\", "
		  "\"defaultErrnoRet\": -1}",
		  "defaultErrnoRet: not an errno (0..4095)" },
		{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\", "
		  "\"architectures\": [\"SCMP_ARCH_VAX\"]}",
		  "architectures[0]: unknown architecture 'SCMP_ARCH_VAX'" },
		{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": {}}",
		  "syscalls: not an array" },
		{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": ["
		  "{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ERRNO\"},"
		  "{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ERRNO\"},"
		  "{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ERRNO\"},"
		  "{\"names\": [\"write\"], \"action\": \"SCMP_ACT_FOO\"}]}",
		  "syscalls[3].action: unknown action 'SCMP_ACT_FOO'" },
		{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": ["
		  "{\"names\": [\"read\"]}]}", "syscalls[0].action: missing" },
		{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": ["
		  "{\"action\": \"SCMP_ACT_ERRNO\"}]}",
		  "syscalls[0]: no \"names\" (or \"name\")" },
		{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": ["
		  "{\"names\": [\"read\", 7], "
		  "\"action\": \"SCMP_ACT_ERRNO\"}]}",
		  "syscalls[0].names[1]: not a string" },
		{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": ["
		  "{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ERRNO\", "
		  "\"errnoRet\": \"EPERM\"}]}",
		  "syscalls[0].errnoRet: not an errno (0..4095)" },
		{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": ["
		  "{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ERRNO\", "
		  "\"args\": [{\"index\": 6, \"value\": 0, "
		  "\"op\": \"SCMP_CMP_EQ\"}]}]}",
		  "syscalls[0].args[0].index: not an argument index (0..5)" },
		{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": ["
		  "{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ERRNO\", "
		  "\"args\": [{\"index\": 0, \"value\": 0, "
		  "\"op\": \"SCMP_CMP_EQ\"}, {\"index\": 1, \"value\": 0, "
		  "\"op\": \"SCMP_CMP_XX\"}]}]}",
		  "syscalls[0].args[1].op: unknown operator 'SCMP_CMP_XX'" },
		{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": ["
		  "{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ERRNO\", "
		  "\"args\": [{\"index\": 0, \"value\": \"1\", "
		  "\"op\": \"SCMP_CMP_EQ\"}]}]}",
		  "syscalls[0].args[0].value: not an integer" },
	};
	scmp_filter_ctx ctx = NULL;
	char why[256];
	unsigned i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		errno = 0;
		ck_assert_msg(from_text(cases[i].json, &ctx, why,
					sizeof(why)) == -1, "case %u", i);
		ck_assert_int_eq(errno, EINVAL);
		ck_assert_str_eq(why, cases[i].why);
	}
	ck_assert_ptr_null(ctx);
}
END_TEST

START_TEST(test_sc_load_file_not_json)
{
	char path[] = "/tmp/ctk-seccomp-XXXXXX", why[256];
	scmp_filter_ctx ctx = NULL;
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "{\n\"defaultAction\": \n}\n", 22), 22);
	close(fd);
	ck_assert_int_eq(sc_load_file(path, &ctx, why, sizeof(why)), -1);
	unlink(path);
	ck_assert_msg(!strncmp(why, "not valid JSON: ", 16), "%s", why);
	ck_assert_msg(strstr(why, " at line 3") != NULL, "%s", why);
	ck_assert_ptr_null(ctx);
}
END_TEST

START_TEST(test_sc_load_file_missing)
{
	scmp_filter_ctx ctx = NULL;
	char why[256];

	ck_assert_int_eq(sc_load_file("/nonexistent/ctk.json", &ctx, why,
				      sizeof(why)), -1);
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_str_eq(why, "/nonexistent/ctk.json: No such file or "
			 "directory");
}
END_TEST

START_TEST(test_sc_load_file_good)
{
	char path[] = "/tmp/ctk-seccomp-XXXXXX", why[256];
	scmp_filter_ctx ctx = NULL;
	int fd = mkstemp(path);
	ssize_t len = strlen(good);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, good, len), len);
	close(fd);
	ck_assert_msg(sc_load_file(path, &ctx, why, sizeof(why)) == 0, "%s",
		      why);
	unlink(path);
	ck_assert_ptr_nonnull(ctx);
	seccomp_release(ctx);
}
END_TEST

START_TEST(test_sc_default_builds)
{
	scmp_filter_ctx ctx = NULL;

	ck_assert_int_eq(sc_default(&ctx), 0);
	ck_assert_ptr_nonnull(ctx);
	/* Only the native architecture: another ABI is killed. */
	ck_assert_int_eq(seccomp_arch_exist(ctx, seccomp_arch_native()), 0);
	seccomp_release(ctx);
}
END_TEST

/* Probes of what the default filter denies; the same in both children. */
static long probe_add_key(void)
{
	return syscall(SYS_add_key, "user", "ctk-test", "x", 1,
		       KEY_SPEC_PROCESS_KEYRING);
}

static long probe_keyctl(void)
{
	return syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID,
		       KEY_SPEC_SESSION_KEYRING, 0);
}

/* clone(flags) with no new stack: a fork; the child exits at once. */
static long raw_clone(unsigned long flags)
{
	long pid;

#if defined(__s390__)
	pid = syscall(SYS_clone, 0UL, flags, 0, 0, 0);
#else
	pid = syscall(SYS_clone, flags, 0UL, 0, 0, 0);
#endif
	if (pid == 0)
		_exit(0);
	if (pid > 0)
		waitpid(pid, NULL, 0);
	return pid;
}

/* Under the default filter: each denied call fails as designed. */
static int child_default(void)
{
	scmp_filter_ctx ctx;
	pid_t pid = syscall(SYS_getpid);
	int status;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || sc_default(&ctx) ||
	    sc_apply(ctx) < 0)
		return 10;
	seccomp_release(ctx);
	if (probe_add_key() != -1 || errno != EPERM)
		return 11;
	if (probe_keyctl() != -1 || errno != EPERM)
		return 12;
	if (unshare(CLONE_NEWUSER) != -1 || errno != EPERM)
		return 13;
	if (raw_clone(CLONE_NEWUSER | SIGCHLD) != -1 || errno != EPERM)
		return 21;
	/* clone3: ENOSYS, so glibc falls back to clone. */
	if (syscall(SYS_clone3, NULL, 0) != -1 || errno != ENOSYS)
		return 14;
	if (getpid() != pid)
		return 15;
	/* personality: the query and PER_LINUX pass, ASLR-off does not. */
	if (personality(0xffffffff) == -1 || personality(PER_LINUX) == -1)
		return 16;
	if (personality(ADDR_NO_RANDOMIZE) != -1 || errno != EPERM ||
	    personality(READ_IMPLIES_EXEC) != -1 || errno != EPERM ||
	    syscall(SYS_personality, 0x100000000UL) != -1 || errno != EPERM)
		return 17;
	if (personality(PER_LINUX32) == -1 || personality(UNAME26) == -1 ||
	    personality(PER_LINUX32 | UNAME26) == -1 ||
	    personality(PER_LINUX) == -1)
		return 20;
	/* fork() is clone() without CLONE_NEWUSER: still allowed. */
	pid = fork();
	if (pid == 0)
		_exit(7);
	if (pid < 0 || waitpid(pid, &status, 0) != pid ||
	    !WIFEXITED(status) || WEXITSTATUS(status) != 7)
		return 18;
	if (syscall(SYS_mount, "none", "/", "tmpfs", 0, NULL) != -1 ||
	    errno != EPERM)
		return 19;
	return 0;
}

START_TEST(test_sc_default_denies)
{
	ck_assert_int_eq(in_child(child_default), 0);
}
END_TEST

/* Control: the same calls without the filter. */
static int child_control(void)
{
	if (probe_keyctl() == -1 && errno == EPERM)
		return 12;
	if (syscall(SYS_clone3, NULL, 0) != -1 || errno == ENOSYS)
		return 14;
	/* As root this always works; unprivileged it needs user
	 * namespaces enabled for unprivileged users. */
	if (geteuid() == 0 && (raw_clone(CLONE_NEWUSER | SIGCHLD) < 0 ||
				unshare(CLONE_NEWUSER) < 0))
		return 13;
	if (personality(ADDR_NO_RANDOMIZE) == -1)
		return 17;
	return 0;
}

START_TEST(test_sc_default_control)
{
	ck_assert_int_eq(in_child(child_control), 0);
}
END_TEST

START_TEST(test_sc_apply_narrates)
{
	FILE *log = tmpfile();
	char text[1024];
	size_t n;

	ck_assert_ptr_nonnull(log);
	rep_level = REP_NARRATE;
	rep_set_stream(log);
	ck_assert_int_eq(in_child(child_default), 0);
	rewind(log);
	n = fread(text, 1, sizeof(text) - 1, log);
	text[n] = '\0';
	fclose(log);
	rep_set_stream(NULL);
	rep_level = REP_EVIDENCE;
	ck_assert_msg(strstr(text, "seccomp(SECCOMP_SET_MODE_FILTER, 0, {")
		      != NULL, "%s", text);
	ck_assert_msg(strstr(text, " BPF instructions}) = 0") != NULL, "%s",
		      text);
}
END_TEST

/* The BPF compiled at build time is what sc_default() compiles to now. */
START_TEST(test_sc_default_bpf_matches_sc_default)
{
	const struct sock_filter *f;
	scmp_filter_ctx ctx;
	size_t n;
	off_t len;
	char *buf;
	int fd;

	f = sc_default_bpf(&n);
	ck_assert_int_eq(sc_default(&ctx), 0);
	fd = memfd_create("bpf", 0);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(seccomp_export_bpf(ctx, fd), 0);
	len = lseek(fd, 0, SEEK_END);
	ck_assert_uint_eq((size_t)len, n * sizeof(*f));
	buf = malloc((size_t)len);
	ck_assert_int_eq(pread(fd, buf, (size_t)len, 0), len);
	ck_assert_int_eq(memcmp(buf, f, (size_t)len), 0);
	free(buf);
	close(fd);
	seccomp_release(ctx);
}
END_TEST

Suite *seccomp_suite(void)
{
	Suite *s = suite_create("seccomp");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_sc_from_json_good);
	tcase_add_test(tc, test_sc_apply_profile_rules_act);
	tcase_add_test(tc, test_sc_from_json_caps_includes_excludes);
	tcase_add_test(tc, test_sc_from_json_arch_map);
	tcase_add_test(tc, test_sc_from_json_bad);
	tcase_add_test(tc, test_sc_load_file_not_json);
	tcase_add_test(tc, test_sc_load_file_missing);
	tcase_add_test(tc, test_sc_load_file_good);
	tcase_add_test(tc, test_sc_default_builds);
	tcase_add_test(tc, test_sc_default_denies);
	tcase_add_test(tc, test_sc_default_control);
	tcase_add_test(tc, test_sc_apply_narrates);
	tcase_add_test(tc, test_sc_default_bpf_matches_sc_default);
	suite_add_tcase(s, tc);
	return s;
}
