/* check_caps.c - capability names, docker's add/drop, the process sets. */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "caps.h"
#include "report.h"
#include "suites.h"

START_TEST(test_caps_parse_prefix_and_case)
{
	static const char *const names[] = { "NET_ADMIN", "cap_net_admin",
					     "CAP_NET_ADMIN", "Net_Admin",
					     "cAp_NeT_aDmIn" };
	unsigned i;
	int cap;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		cap = -1;
		ck_assert_msg(caps_parse(names[i], &cap) == 0, "'%s'",
			      names[i]);
		ck_assert_int_eq(cap, CAP_NET_ADMIN);
	}
	ck_assert_int_eq(caps_parse("CHOWN", &cap), 0);
	ck_assert_int_eq(cap, 0);
}
END_TEST

START_TEST(test_caps_parse_unknown)
{
	static const char *const bad[] = { "FOO", "", "12", "CAP_", "cap_",
					   "NET ADMIN", "CAP_NET_ADMIN2",
					   "ALL", "cap_cap_chown" };
	unsigned i;
	int cap = 7;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		errno = 0;
		ck_assert_msg(caps_parse(bad[i], &cap) == -1, "'%s'", bad[i]);
		ck_assert_int_eq(errno, EINVAL);
	}
	ck_assert_int_eq(cap, 7);
}
END_TEST

START_TEST(test_caps_default_contents)
{
	char buf[512];

	/* In number order: CHOWN is 0, SETFCAP 31. */
	ck_assert_str_eq(caps_str(caps_default(), buf, sizeof(buf)),
			 "CHOWN DAC_OVERRIDE FOWNER FSETID KILL SETGID SETUID "
			 "SETPCAP NET_BIND_SERVICE SYS_CHROOT SETFCAP");
	ck_assert(!(caps_default() & CAPS_BIT(CAP_SYS_ADMIN)));
	ck_assert(!(caps_default() & CAPS_BIT(CAP_NET_RAW)));
}
END_TEST

/* ALL is what the kernel knows and this process's bounding set still
 * holds (CapBnd in /proc/self/status), nothing above cap_last_cap. */
START_TEST(test_caps_all_matches_kernel)
{
	FILE *f = fopen("/proc/sys/kernel/cap_last_cap", "re");
	unsigned long long bnd = 0;
	char line[256];
	int last;

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fscanf(f, "%d", &last), 1);
	fclose(f);
	f = fopen("/proc/self/status", "re");
	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "CapBnd: %llx", &bnd) == 1)
			break;
	fclose(f);
	ck_assert_uint_eq(caps_all(), bnd);
	if (last < 63)
		ck_assert(!(caps_all() >> (last + 1)));
}
END_TEST

START_TEST(test_caps_str_empty_and_short)
{
	char buf[512], small[8];

	ck_assert_str_eq(caps_str(0, buf, sizeof(buf)), "none");
	ck_assert_str_eq(caps_str(CAPS_BIT(CAP_SYS_ADMIN) |
				  CAPS_BIT(CAP_NET_ADMIN), buf, sizeof(buf)),
			 "NET_ADMIN SYS_ADMIN");
	/* Truncated, still terminated. */
	caps_str(caps_default(), small, sizeof(small));
	ck_assert_uint_eq(strlen(small), sizeof(small) - 1);
	ck_assert_mem_eq(small, "CHOWN D", 7);
}
END_TEST

START_TEST(test_caps_modify_add_drop)
{
	char *add[] = { "NET_ADMIN", "cap_sys_time" };
	char *drop[] = { "chown", "CAP_KILL" };
	uint64_t set = caps_default();
	char why[128], buf[512];

	ck_assert_int_eq(caps_modify(&set, add, 2, drop, 2, why, sizeof(why)),
			 0);
	ck_assert_str_eq(caps_str(set, buf, sizeof(buf)),
			 "DAC_OVERRIDE FOWNER FSETID SETGID SETUID SETPCAP "
			 "NET_BIND_SERVICE NET_ADMIN SYS_CHROOT SYS_TIME "
			 "SETFCAP");
	/* Nothing to add or drop: unchanged. */
	ck_assert_int_eq(caps_modify(&set, NULL, 0, NULL, 0, why,
				     sizeof(why)), 0);
	ck_assert_str_eq(caps_str(set, buf, sizeof(buf)),
			 "DAC_OVERRIDE FOWNER FSETID SETGID SETUID SETPCAP "
			 "NET_BIND_SERVICE NET_ADMIN SYS_CHROOT SYS_TIME "
			 "SETFCAP");
}
END_TEST

START_TEST(test_caps_modify_drop_wins)
{
	char *both[] = { "NET_RAW" };
	uint64_t set = caps_default();
	char why[128];

	ck_assert_int_eq(caps_modify(&set, both, 1, both, 1, why, sizeof(why)),
			 0);
	ck_assert_uint_eq(set, caps_default());
}
END_TEST

START_TEST(test_caps_modify_drop_all)
{
	char *add[] = { "NET_BIND_SERVICE" };
	char *drop[] = { "CHOWN", "all" };
	uint64_t set = caps_default();
	char why[128], buf[512];

	ck_assert_int_eq(caps_modify(&set, add, 1, drop, 2, why, sizeof(why)),
			 0);
	ck_assert_str_eq(caps_str(set, buf, sizeof(buf)), "NET_BIND_SERVICE");
	set = caps_default();
	ck_assert_int_eq(caps_modify(&set, NULL, 0, drop, 2, why, sizeof(why)),
			 0);
	ck_assert_str_eq(caps_str(set, buf, sizeof(buf)), "none");
}
END_TEST

START_TEST(test_caps_modify_add_all)
{
	char *add[] = { "ALL" };
	char *drop[] = { "SYS_ADMIN", "NET_RAW" };
	uint64_t set = 0;
	char why[128];

	ck_assert_int_eq(caps_modify(&set, add, 1, drop, 2, why, sizeof(why)),
			 0);
	ck_assert_uint_eq(set, caps_all() & ~(CAPS_BIT(CAP_SYS_ADMIN) |
					      CAPS_BIT(CAP_NET_RAW)));
	/* ALL in both: drop ALL empties first, then ALL is added. */
	set = 0;
	ck_assert_int_eq(caps_modify(&set, add, 1, add, 1, why, sizeof(why)),
			 0);
	ck_assert_uint_eq(set, caps_all());
}
END_TEST

START_TEST(test_caps_modify_unknown)
{
	char *add[] = { "NET_ADMIN", "FOO" };
	char *drop[] = { "CAP_BAR" };
	uint64_t set = caps_default();
	char why[128];

	errno = 0;
	ck_assert_int_eq(caps_modify(&set, add, 2, NULL, 0, why, sizeof(why)),
			 -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_str_eq(why, "unknown capability 'FOO'");
	ck_assert_int_eq(caps_modify(&set, NULL, 0, drop, 1, why, sizeof(why)),
			 -1);
	ck_assert_str_eq(why, "unknown capability 'CAP_BAR'");
	ck_assert_uint_eq(set, caps_default());
}
END_TEST

/* The "CapXxx:" line of /proc/self/status as a set. */
static uint64_t status_set(const char *key)
{
	char line[256];
	uint64_t v = ~0ULL;
	FILE *f = fopen("/proc/self/status", "re");

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, key, strlen(key)))
			v = strtoull(line + strlen(key), NULL, 16);
	if (f)
		fclose(f);
	return v;
}

/*
 * In a child (in a user namespace of its own when not root, where it
 * holds every capability): drop the bounding set and the process sets to
 * podman's default, check them in /proc/self/status, then show that a
 * capability outside the permitted set cannot come back.
 */
static int child_sets(void)
{
	uint64_t def = caps_default();

	if (geteuid() != 0 && unshare(CLONE_NEWUSER) < 0)
		return 10;
	if (caps_drop_bounding(def) < 0)
		return 11;
	if (status_set("CapBnd:") != def)
		return 12;
	if (caps_set(def) < 0)
		return 13;
	if (status_set("CapEff:") != def || status_set("CapPrm:") != def ||
	    status_set("CapInh:") != def || status_set("CapAmb:") != 0)
		return 14;
	/* Control: SYS_ADMIN left permitted, so it cannot be set again. */
	if (caps_set(def | CAPS_BIT(CAP_SYS_ADMIN)) == 0 || errno != EPERM)
		return 15;
	/* Nor can the bounding set grow back (dropping more still works). */
	if (prctl(PR_CAPBSET_READ, CAP_SYS_ADMIN, 0, 0, 0) != 0)
		return 16;
	if (caps_drop_bounding(0) < 0 || status_set("CapBnd:") != 0)
		return 17;
	return 0;
}

START_TEST(test_caps_set_and_bounding)
{
	FILE *log = tmpfile();
	char text[4096];
	size_t n;
	int status;
	pid_t pid;

	ck_assert_ptr_nonnull(log);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		rep_level = REP_NARRATE;
		rep_set_stream(log);
		status = child_sets();
		fflush(log);
		_exit(status);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	ck_assert_int_eq(WEXITSTATUS(status), 0);
	/* The narration names the calls. */
	rewind(log);
	n = fread(text, 1, sizeof(text) - 1, log);
	text[n] = '\0';
	fclose(log);
	ck_assert_ptr_nonnull(strstr(text, "prctl(PR_CAPBSET_DROP, ...) x"));
	ck_assert_ptr_nonnull(strstr(text, "the bounding set is CHOWN "
				     "DAC_OVERRIDE"));
	ck_assert_ptr_nonnull(strstr(text, "cap_set_proc(caps) = 0"));
	ck_assert_ptr_nonnull(strstr(text, "cap_reset_ambient() = 0"));
	ck_assert_ptr_nonnull(strstr(text, "the bounding set is none"));
}
END_TEST

Suite *caps_suite(void)
{
	Suite *s = suite_create("caps");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_caps_parse_prefix_and_case);
	tcase_add_test(tc, test_caps_parse_unknown);
	tcase_add_test(tc, test_caps_default_contents);
	tcase_add_test(tc, test_caps_all_matches_kernel);
	tcase_add_test(tc, test_caps_str_empty_and_short);
	tcase_add_test(tc, test_caps_modify_add_drop);
	tcase_add_test(tc, test_caps_modify_drop_wins);
	tcase_add_test(tc, test_caps_modify_drop_all);
	tcase_add_test(tc, test_caps_modify_add_all);
	tcase_add_test(tc, test_caps_modify_unknown);
	tcase_add_test(tc, test_caps_set_and_bounding);
	suite_add_tcase(s, tc);
	return s;
}
