/*
 * seccomp-filter.c - which syscalls a container may make.
 *
 * Demonstrates: seccomp(SECCOMP_SET_MODE_FILTER) through libseccomp,
 * argument filters (SCMP_CMP_MASKED_EQ), and Docker's profile format.
 * See seccomp(2), seccomp_rule_add(3), seccomp_load(3), and Docker's
 * "Seccomp security profiles" page.
 *
 * Namespaces hide the host and capabilities take root's power away, but
 * every syscall still reaches the one kernel the container shares with
 * the host.  A seccomp filter is a small BPF program the kernel runs on
 * each syscall's number and arguments before the syscall itself; it
 * returns allow, an errno, or kill.  Filters are inherited by children,
 * kept across execve() and can never be removed, only stacked.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <ctype.h>
#include <stdint.h>
#include <sys/capability.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "report.h"
#include "seccomp-filter.h"

/*
 * The deny list, by group; each returns EPERM.  Docker and podman keep an
 * allow list instead (everything else gets EPERM); a deny list is shorter
 * to read, and a syscall added to the kernel later is allowed by it.
 */
static const char *const denied[] = {
	/* Loading code into the shared kernel is owning the host. */
	"kexec_load", "kexec_file_load", "init_module", "finit_module",
	"delete_module",
	/* The kernel keyring is not namespaced: keys would leak between
	 * containers and the host. */
	"keyctl", "add_key", "request_key",
	/* eBPF programs and perf events see and steer the whole kernel. */
	"bpf", "perf_event_open",
	/* open_by_handle_at opens any file of a filesystem by its handle,
	 * outside the container's root: the "shocker" escape. */
	"open_by_handle_at", "name_to_handle_at",
	/* userfaultfd makes the kernel wait at will: a tool to widen the
	 * window of kernel races. */
	"userfaultfd",
	/* Host-wide state: profiling, quotas, swap, power, accounting, the
	 * kernel log, old binary formats, terminals. */
	"lookup_dcookie", "quotactl", "swapon", "swapoff", "reboot", "acct",
	"syslog", "uselib", "vhangup",
	/* Raw I/O port access goes around every driver. */
	"iopl", "ioperm",
	/* The clocks are shared with the host (the time namespace offsets
	 * only the monotonic and boot-time clocks). */
	"settimeofday", "clock_settime", "clock_adjtime", "adjtimex",
	"stime",
	/* The runtime built the container's mount table; the container must
	 * not rebuild it (or reach the host's mounts through new ones). */
	"pivot_root", "mount", "umount2", "mount_setattr", "open_tree",
	"move_mount", "fsopen", "fsconfig", "fsmount", "fspick",
	/* Joining another namespace would leave the container. */
	"setns",
	/* Not here: ptrace.  Before Linux 4.8 a tracer could rewrite a
	 * syscall after the filter had passed it; since, Docker allows
	 * ptrace and so does this list (the pid namespace shows only the
	 * container's processes, and CAP_SYS_PTRACE is dropped). */
};

/* personality(0xffffffff) only reads the current persona. */
#define PER_QUERY	0xffffffffULL

/* Add one rule, or skip a syscall libseccomp does not know. */
static int deny(scmp_filter_ctx ctx, const char *name, int err,
		unsigned n, const struct scmp_arg_cmp *cmp)
{
	int nr = seccomp_syscall_resolve_name(name);
	int rc;

	if (nr == __NR_SCMP_ERROR)
		return 0;
	rc = seccomp_rule_add_array(ctx, SCMP_ACT_ERRNO(err), nr, n, cmp);
	if (rc < 0) {
		errno = -rc;
		return rep_fail("seccomp_rule_add(ctx, SCMP_ACT_ERRNO(%d), "
				"SCMP_SYS(%s), %u, ...)", err, name, n);
	}
	return 0;
}

/*
 * personality(2) switches execution domains; some personas turn off
 * address space randomisation (ADDR_NO_RANDOMIZE) or make data
 * executable (READ_IMPLIES_EXEC).  Docker allows only PER_LINUX (0),
 * PER_LINUX32 (8), UNAME26 (0x20000), their union and the query
 * 0xffffffff.  libseccomp takes one comparison per argument in a rule
 * (they are ANDed) and ORs the rules, so "none of these five" becomes
 * patterns (arg0 & mask) == value that together match every other value.
 * Lay the 32 bits in a ring: the 30 bits Docker never allows, in order,
 * then bits 3 and 17.  A value that is not all ones and sets one of the
 * 30 has, walking the ring from that bit, a set bit followed by a clear
 * one.  One pattern per such place ("bit i set, the next clear") catches
 * it; the two places after bits 3 and 17 also require bit 31 (the last
 * of the 30, which a run of ones reaching 3 or 17 passed), so 8, 0x20000
 * and 0x20008 match nothing.  The filter sees all 64 bits of the
 * register: anything above 0xffffffff is refused too.
 */
static int deny_personality(scmp_filter_ctx ctx)
{
	const uint64_t b3 = 1ULL << 3, b17 = 1ULL << 17, b31 = 1ULL << 31;
	struct scmp_arg_cmp cmp;
	int bit, next;

	cmp = SCMP_A0_64(SCMP_CMP_GT, PER_QUERY);
	if (deny(ctx, "personality", EPERM, 1, &cmp) < 0)
		return -1;
	for (bit = 0; bit < 32; bit++) {
		if (bit == 3 || bit == 17)
			continue;
		for (next = bit + 1; next == 3 || next == 17; next++)
			;
		if (next == 32)
			next = 3;
		cmp = SCMP_A0_64(SCMP_CMP_MASKED_EQ,
				 (1ULL << bit) | (1ULL << next), 1ULL << bit);
		if (deny(ctx, "personality", EPERM, 1, &cmp) < 0)
			return -1;
	}
	cmp = SCMP_A0_64(SCMP_CMP_MASKED_EQ, b31 | b3 | b17, b31 | b3);
	if (deny(ctx, "personality", EPERM, 1, &cmp) < 0)
		return -1;
	cmp = SCMP_A0_64(SCMP_CMP_MASKED_EQ, b31 | b3 | b17 | 1,
			 b31 | b3 | b17);
	return deny(ctx, "personality", EPERM, 1, &cmp);
}

int sc_default(scmp_filter_ctx *out)
{
	struct scmp_arg_cmp newuser;
	scmp_filter_ctx ctx;
	unsigned flags_arg = 0;
	size_t i;
	int err;

	/*
	 * Nothing reaches the kernel yet: libseccomp collects rules in
	 * memory.  The bad-arch action stays "kill": a syscall made through
	 * another ABI (int 0x80 on x86_64) has other numbers and would
	 * otherwise slip past this list.
	 */
	ctx = seccomp_init(SCMP_ACT_ALLOW);
	if (!ctx) {
		errno = ENOMEM;
		return rep_fail("seccomp_init(SCMP_ACT_ALLOW)");
	}
	for (i = 0; i < sizeof(denied) / sizeof(denied[0]); i++)
		if (deny(ctx, denied[i], EPERM, 0, NULL) < 0)
			goto out_release;
	if (deny_personality(ctx) < 0)
		goto out_release;

	/*
	 * A new user namespace gives its creator every capability inside
	 * it, and with them kernel code (filesystems, netfilter) that
	 * assumed only root could reach it: a large attack surface.  Refuse
	 * unshare() and clone() with CLONE_NEWUSER; other namespaces still
	 * need capabilities the container does not have.  clone's flags are
	 * its first argument everywhere but on s390, where they are the
	 * second.
	 */
	if (seccomp_arch_native() == SCMP_ARCH_S390 ||
	    seccomp_arch_native() == SCMP_ARCH_S390X)
		flags_arg = 1;
	newuser = SCMP_A0_64(SCMP_CMP_MASKED_EQ, CLONE_NEWUSER, CLONE_NEWUSER);
	if (deny(ctx, "unshare", EPERM, 1, &newuser) < 0)
		goto out_release;
	newuser.arg = flags_arg;
	if (deny(ctx, "clone", EPERM, 1, &newuser) < 0)
		goto out_release;

	/*
	 * clone3's flags sit in a struct in memory, which a seccomp filter
	 * cannot read (it sees only the pointer).  ENOSYS makes glibc fall
	 * back to clone(), whose flags the rule above can see.
	 */
	if (deny(ctx, "clone3", ENOSYS, 0, NULL) < 0)
		goto out_release;
	*out = ctx;
	return 0;

out_release:
	err = errno;
	seccomp_release(ctx);
	errno = err;
	return -1;
}

/* Fill why, set errno EINVAL, return -1. */
__attribute__((format(printf, 3, 4)))
static int bad(char *why, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, size, fmt, ap);
	va_end(ap);
	errno = EINVAL;
	return -1;
}

/* "SCMP_ACT_ERRNO" and the errno to return -> libseccomp action. */
static int parse_action(const char *s, int err, uint32_t *act)
{
	if (!strcmp(s, "SCMP_ACT_ALLOW"))
		*act = SCMP_ACT_ALLOW;
	else if (!strcmp(s, "SCMP_ACT_ERRNO"))
		*act = SCMP_ACT_ERRNO(err);
	else if (!strcmp(s, "SCMP_ACT_KILL") ||
		 !strcmp(s, "SCMP_ACT_KILL_THREAD"))
		*act = SCMP_ACT_KILL_THREAD;
	else if (!strcmp(s, "SCMP_ACT_KILL_PROCESS"))
		*act = SCMP_ACT_KILL_PROCESS;
	else if (!strcmp(s, "SCMP_ACT_TRAP"))
		*act = SCMP_ACT_TRAP;
	else if (!strcmp(s, "SCMP_ACT_LOG"))
		*act = SCMP_ACT_LOG;
	else if (!strcmp(s, "SCMP_ACT_TRACE"))
		*act = SCMP_ACT_TRACE(err);
	else
		return -1;
	return 0;
}

/* "SCMP_ARCH_X86_64" -> SCMP_ARCH_X86_64, or 0. */
static uint32_t parse_arch(const char *s)
{
	char low[32];
	size_t i;

	if (strncmp(s, "SCMP_ARCH_", 10) || strlen(s + 10) >= sizeof(low))
		return 0;
	for (i = 0; s[10 + i]; i++)
		low[i] = tolower((unsigned char)s[10 + i]);
	low[i] = '\0';
	return seccomp_arch_resolve_name(low);
}

/* The action in o's member key, with the errno in member errkey; path
 * is the JSON path of o ("syscalls[3]." or ""), for why. */
static int member_action(json_t *o, const char *path, const char *key,
			 const char *errkey, int def_err, uint32_t *act,
			 char *why, size_t size)
{
	json_t *a = json_object_get(o, key), *e = json_object_get(o, errkey);
	int err = def_err;

	if (!a)
		return bad(why, size, "%s%s: missing", path, key);
	if (!json_is_string(a))
		return bad(why, size, "%s%s: not a string", path, key);
	if (e && !json_is_null(e)) {
		if (!json_is_integer(e) || json_integer_value(e) < 0 ||
		    json_integer_value(e) > 4095)
			return bad(why, size, "%s%s: not an errno (0..4095)",
				   path, errkey);
		err = json_integer_value(e);
	}
	if (parse_action(json_string_value(a), err, act) < 0)
		return bad(why, size, "%s%s: unknown action '%s'", path, key,
			   json_string_value(a));
	return 0;
}

/* Add the architectures of "architectures" and Docker's "archMap". */
static int add_arches(scmp_filter_ctx ctx, json_t *p, char *why,
		      size_t size)
{
	json_t *list = json_object_get(p, "architectures");
	json_t *map = json_object_get(p, "archMap"), *v, *m;
	size_t i, j;
	uint32_t arch;
	int rc;

	if (list && !json_is_null(list) && !json_is_array(list))
		return bad(why, size, "architectures: not an array");
	json_array_foreach(list, i, v) {
		if (!json_is_string(v) ||
		    !(arch = parse_arch(json_string_value(v))))
			return bad(why, size, "architectures[%zu]: unknown "
				   "architecture %s%s%s", i,
				   json_is_string(v) ? "'" : "",
				   json_is_string(v) ? json_string_value(v) :
				   "(not a string)",
				   json_is_string(v) ? "'" : "");
		rc = seccomp_arch_add(ctx, arch);
		if (rc < 0 && rc != -EEXIST) {
			bad(why, size, "architectures[%zu]: seccomp_arch_add: "
			    "%s", i, strerror(-rc));
			errno = -rc;
			return -1;
		}
	}
	/* archMap: the sub-architectures of the native one (x86 and x32
	 * on x86_64) are added; the other entries are for other hosts. */
	if (map && !json_is_null(map) && !json_is_array(map))
		return bad(why, size, "archMap: not an array");
	json_array_foreach(map, i, m) {
		json_t *a = json_object_get(m, "architecture");
		json_t *subs = json_object_get(m, "subArchitectures");

		if (!json_is_string(a) ||
		    !(arch = parse_arch(json_string_value(a))))
			return bad(why, size, "archMap[%zu].architecture: "
				   "unknown architecture", i);
		if (arch != seccomp_arch_native())
			continue;
		json_array_foreach(subs, j, v) {
			if (!json_is_string(v) ||
			    !(arch = parse_arch(json_string_value(v))))
				return bad(why, size, "archMap[%zu]."
					   "subArchitectures[%zu]: unknown "
					   "architecture", i, j);
			rc = seccomp_arch_add(ctx, arch);
			if (rc < 0 && rc != -EEXIST) {
				bad(why, size, "archMap[%zu]: seccomp_arch_add"
				    ": %s", i, strerror(-rc));
				errno = -rc;
				return -1;
			}
		}
	}
	return 0;
}

/* An architecture as Docker's "includes"/"excludes" name it (Go's
 * GOARCH: "amd64", "arm64", ...) or as libseccomp does ("x86_64"). */
static uint32_t arch_by_go_name(const char *s)
{
	static const struct { const char *go, *scmp; } names[] = {
		{ "amd64", "x86_64" }, { "386", "x86" },
		{ "arm64", "aarch64" }, { "mipsle", "mipsel" },
		{ "mips64le", "mipsel64" }, { "mips64p32", "mips64n32" },
		{ "mips64p32le", "mipsel64n32" },
	};
	size_t i;

	for (i = 0; s && i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(s, names[i].go))
			return seccomp_arch_resolve_name(names[i].scmp);
	return s ? seccomp_arch_resolve_name(s) : 0;
}

/* Is the native architecture in the list? */
static int has_native_arch(json_t *arches)
{
	json_t *v;
	size_t i;

	json_array_foreach(arches, i, v)
		if (arch_by_go_name(json_string_value(v)) ==
		    seccomp_arch_native())
			return 1;
	return 0;
}

/* How many of the capabilities named ("CAP_SYS_ADMIN") are in held. */
static size_t caps_held(json_t *caps, uint64_t held)
{
	cap_value_t cap;
	size_t i, n = 0;
	json_t *v;

	json_array_foreach(caps, i, v)
		if (json_is_string(v) &&
		    cap_from_name(json_string_value(v), &cap) == 0 &&
		    cap >= 0 && cap < 64 && (held & (1ULL << cap)))
			n++;
	return n;
}

/* Is the running kernel at least "major.minor"? */
static int kernel_at_least(const char *min)
{
	unsigned ma, mi, kma, kmi;
	struct utsname u;

	return uname(&u) == 0 && sscanf(min, "%u.%u", &ma, &mi) == 2 &&
	       sscanf(u.release, "%u.%u", &kma, &kmi) == 2 &&
	       (kma > ma || (kma == ma && kmi >= mi));
}

/*
 * Docker's conditions on an entry, as docker evaluates them: the entry
 * counts only if every part of "includes" holds (the native architecture
 * is listed, the container holds all the capabilities, the kernel is
 * recent enough) and no part of "excludes" does.
 */
static int entry_applies(json_t *inc, json_t *exc, uint64_t caps)
{
	json_t *v;

	if ((v = json_object_get(inc, "arches")) && json_array_size(v) &&
	    !has_native_arch(v))
		return 0;
	if ((v = json_object_get(inc, "caps")) &&
	    caps_held(v, caps) != json_array_size(v))
		return 0;
	if ((v = json_object_get(inc, "minKernel")) && json_is_string(v) &&
	    !kernel_at_least(json_string_value(v)))
		return 0;
	if ((v = json_object_get(exc, "arches")) && has_native_arch(v))
		return 0;
	if ((v = json_object_get(exc, "caps")) && caps_held(v, caps))
		return 0;
	if ((v = json_object_get(exc, "minKernel")) && json_is_string(v) &&
	    kernel_at_least(json_string_value(v)))
		return 0;
	return 1;
}

/* The comparisons of one "args" array. */
static int parse_args(json_t *args, const char *path,
		      struct scmp_arg_cmp *cmp, unsigned *n, int *same,
		      char *why, size_t size)
{
	static const struct { const char *name; enum scmp_compare op; }
	ops[] = {
		{ "SCMP_CMP_NE", SCMP_CMP_NE }, { "SCMP_CMP_LT", SCMP_CMP_LT },
		{ "SCMP_CMP_LE", SCMP_CMP_LE }, { "SCMP_CMP_EQ", SCMP_CMP_EQ },
		{ "SCMP_CMP_GE", SCMP_CMP_GE }, { "SCMP_CMP_GT", SCMP_CMP_GT },
		{ "SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ },
	};
	unsigned seen = 0;
	json_t *a;
	size_t j, k;

	*n = 0;
	*same = 0;
	if (!args || json_is_null(args))
		return 0;
	if (!json_is_array(args))
		return bad(why, size, "%s.args: not an array", path);
	if (json_array_size(args) > 6)
		return bad(why, size, "%s.args: more than 6", path);
	json_array_foreach(args, j, a) {
		json_t *idx = json_object_get(a, "index");
		json_t *val = json_object_get(a, "value");
		json_t *two = json_object_get(a, "valueTwo");
		json_t *op = json_object_get(a, "op");
		const char *s = json_string_value(op);

		if (!json_is_object(a))
			return bad(why, size, "%s.args[%zu]: not an object",
				   path, j);
		if (!json_is_integer(idx) || json_integer_value(idx) < 0 ||
		    json_integer_value(idx) > 5)
			return bad(why, size, "%s.args[%zu].index: not an "
				   "argument index (0..5)", path, j);
		if (!json_is_integer(val))
			return bad(why, size, "%s.args[%zu].value: not an "
				   "integer", path, j);
		if (two && !json_is_null(two) && !json_is_integer(two))
			return bad(why, size, "%s.args[%zu].valueTwo: not an "
				   "integer", path, j);
		if (!s)
			return bad(why, size, "%s.args[%zu].op: missing", path,
				   j);
		for (k = 0; k < sizeof(ops) / sizeof(ops[0]); k++)
			if (!strcmp(s, ops[k].name))
				break;
		if (k == sizeof(ops) / sizeof(ops[0]))
			return bad(why, size, "%s.args[%zu].op: unknown "
				   "operator '%s'", path, j, s);
		cmp[j].arg = json_integer_value(idx);
		cmp[j].op = ops[k].op;
		/* MASKED_EQ: value is the mask, valueTwo what must remain. */
		cmp[j].datum_a = (uint64_t)json_integer_value(val);
		cmp[j].datum_b = (uint64_t)json_integer_value(two);
		if (seen & (1U << cmp[j].arg))
			*same = 1;
		seen |= 1U << cmp[j].arg;
	}
	*n = j;
	return 0;
}

/* One entry of "syscalls". */
static int add_syscall(scmp_filter_ctx ctx, json_t *sc, size_t i,
		       uint32_t def_act, int def_err, uint64_t caps,
		       char *why, size_t size)
{
	struct scmp_arg_cmp cmp[6];
	json_t *names = json_object_get(sc, "names"), *v;
	json_t *name = json_object_get(sc, "name");
	json_t *inc = json_object_get(sc, "includes");
	json_t *exc = json_object_get(sc, "excludes");
	char path[48], prefix[48];
	unsigned n, k;
	uint32_t act;
	int same, rc;
	size_t j;

	snprintf(path, sizeof(path), "syscalls[%zu]", i);
	snprintf(prefix, sizeof(prefix), "syscalls[%zu].", i);
	if (!json_is_object(sc))
		return bad(why, size, "%s: not an object", path);
	if (member_action(sc, prefix, "action", "errnoRet", def_err, &act,
			  why, size) < 0)
		return -1;
	if (parse_args(json_object_get(sc, "args"), path, cmp, &n, &same,
		       why, size) < 0)
		return -1;
	if (names && !json_is_array(names))
		return bad(why, size, "%s.names: not an array", path);
	if (!names && !json_is_string(name))
		return bad(why, size, "%s: no \"names\" (or \"name\")", path);
	json_array_foreach(names, j, v)
		if (!json_is_string(v))
			return bad(why, size, "%s.names[%zu]: not a string",
				   path, j);
	if (inc && !json_is_object(inc))
		return bad(why, size, "%s.includes: not an object", path);
	if (exc && !json_is_object(exc))
		return bad(why, size, "%s.excludes: not an object", path);
	if (!entry_applies(inc, exc, caps))
		return 0;
	/* libseccomp refuses a rule whose action is the default one. */
	if (act == def_act)
		return 0;
	for (j = 0; j < (names ? json_array_size(names) : 1); j++) {
		const char *s = json_string_value(names ?
				json_array_get(names, j) : name);
		int nr = seccomp_syscall_resolve_name(s);

		if (nr == __NR_SCMP_ERROR)
			continue;
		/*
		 * Comparisons in one rule are ANDed and libseccomp allows one
		 * per argument; Docker's profile lists several values of one
		 * argument meaning "any of them", so, like runc, those become
		 * one rule each (rules are ORed).
		 */
		if (same) {
			for (k = 0, rc = 0; k < n && rc >= 0; k++)
				rc = seccomp_rule_add_array(ctx, act, nr, 1,
							    &cmp[k]);
		} else {
			rc = seccomp_rule_add_array(ctx, act, nr, n, cmp);
		}
		if (rc < 0) {
			errno = -rc;
			snprintf(why, size, "%s: seccomp_rule_add(%s): %s",
				 path, s, strerror(-rc));
			return -1;
		}
	}
	return 0;
}

int sc_from_json(json_t *profile, scmp_filter_ctx *out, char *why,
		 size_t size)
{
	return sc_from_json_caps(profile, 0, out, why, size);
}

int sc_from_json_caps(json_t *profile, uint64_t caps, scmp_filter_ctx *out,
		      char *why, size_t size)
{
	json_t *calls, *sc;
	scmp_filter_ctx ctx;
	uint32_t def_act;
	int def_err = EPERM, err;
	size_t i;

	if (!json_is_object(profile))
		return bad(why, size, "the profile is not a JSON object");
	if (member_action(profile, "", "defaultAction", "defaultErrnoRet",
			  EPERM, &def_act, why, size) < 0)
		return -1;
	if (json_is_integer(json_object_get(profile, "defaultErrnoRet")))
		def_err = json_integer_value(json_object_get(profile,
						"defaultErrnoRet"));
	calls = json_object_get(profile, "syscalls");
	if (calls && !json_is_null(calls) && !json_is_array(calls))
		return bad(why, size, "syscalls: not an array");

	ctx = seccomp_init(def_act);
	if (!ctx) {
		snprintf(why, size, "seccomp_init: out of memory");
		errno = ENOMEM;
		return -1;
	}
	if (add_arches(ctx, profile, why, size) < 0)
		goto out_release;
	json_array_foreach(calls, i, sc)
		if (add_syscall(ctx, sc, i, def_act, def_err, caps, why,
				size) < 0)
			goto out_release;
	*out = ctx;
	return 0;

out_release:
	err = errno;
	seccomp_release(ctx);
	errno = err;
	return -1;
}

int sc_load_file(const char *path, scmp_filter_ctx *out, char *why,
		 size_t size)
{
	return sc_load_file_caps(path, 0, out, why, size);
}

int sc_load_file_caps(const char *path, uint64_t caps, scmp_filter_ctx *out,
		      char *why, size_t size)
{
	json_error_t jerr;
	json_t *profile;
	FILE *f;
	int rc;

	f = fopen(path, "re");
	if (!f) {
		snprintf(why, size, "%s: %s", path, strerror(errno));
		return -1;
	}
	profile = json_loadf(f, 0, &jerr);
	fclose(f);
	if (!profile)
		return bad(why, size, "not valid JSON: %s at line %d",
			   jerr.text, jerr.line);
	rc = sc_from_json_caps(profile, caps, out, why, size);
	json_decref(profile);
	return rc;
}

/* The filter's length in BPF instructions, or -1. */
static long bpf_length(scmp_filter_ctx ctx)
{
	struct stat st;
	long n = -1;
	int fd;

	fd = memfd_create("ctk-seccomp", MFD_CLOEXEC);
	if (fd < 0)
		return -1;
	if (seccomp_export_bpf(ctx, fd) == 0 && fstat(fd, &st) == 0)
		n = st.st_size / 8;	/* sizeof(struct sock_filter) */
	close(fd);
	return n;
}

int sc_apply(scmp_filter_ctx ctx)
{
	long len = rep_level >= REP_NARRATE ? bpf_length(ctx) : -1;
	int rc;

	/*
	 * seccomp(SECCOMP_SET_MODE_FILTER) attaches the BPF program to
	 * this thread; from now on the kernel runs it on every syscall
	 * before the syscall, here and in every child, across execve().
	 * Unprivileged callers must set no_new_privs first, so a filter
	 * cannot trick a set-user-ID program (seccomp(2)); libseccomp sets
	 * it itself unless SCMP_FLTATR_CTL_NNP is turned off.
	 */
	rc = seccomp_load(ctx);
	if (rc < 0) {
		errno = -rc;
		return rep_fail_hint(-rc == EACCES || -rc == EPERM ?
				     "set no_new_privs first "
				     "(prctl(PR_SET_NO_NEW_PRIVS, 1)) or hold "
				     "CAP_SYS_ADMIN" : NULL,
				     "seccomp(SECCOMP_SET_MODE_FILTER, 0, "
				     "filter)");
	}
	if (len >= 0)
		rep_step(0, "every syscall of this process and its children "
			 "passes the filter first",
			 "seccomp(SECCOMP_SET_MODE_FILTER, 0, {%ld BPF "
			 "instructions})", len);
	else
		rep_step(0, "every syscall of this process and its children "
			 "passes the filter first",
			 "seccomp(SECCOMP_SET_MODE_FILTER, 0, filter)");
	return 0;
}
