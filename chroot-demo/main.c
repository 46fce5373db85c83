/*
 * chroot-demo - enter a directory with chroot(2) and show what it isolates
 * (the filesystem view) and what it does not; --escape climbs back out.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <net/if.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <linux/capability.h>

#include "chroot.h"
#include "cli.h"
#include "nstable.h"
#include "report.h"

static void usage(void)
{
	printf("Usage:\n"
	       " %s [options] [NEWROOT [COMMAND [ARG]...]]\n\n"
	       "Enter NEWROOT with chroot(2) and run COMMAND (default: %s).\n"
	       "Shows on stderr what chroot isolates (the filesystem view) and\n"
	       "what it does not (processes, hostname, network, mounts, root's\n"
	       "powers).  NEWROOT defaults to the toolkit's busybox rootfs.\n\n"
	       "Options:\n"
	       " -e, --escape     break out from inside the chroot (a second\n"
	       "                  chroot, then climb ..) and run COMMAND in the\n"
	       "                  host's / instead\n"
	       " -q, --quiet      show no evidence, only errors\n"
	       " -v, --verbose    narrate each kernel-changing step\n"
	       " -h, --help       display this help\n"
	       " -V, --version    display version\n",
	       rep_prog(), CLI_DEFAULT_SHELL);
}

/* What the host looks like before chroot, to compare with afterwards. */
struct before {
	struct stat root;
	struct utsname uts;
	uint64_t ns[8];
};

static void collect(struct before *b)
{
	unsigned i;

	stat("/", &b->root);
	uname(&b->uts);
	for (i = 0; i < nst_count && i < 8; i++)
		if (nst_inode(0, nst_types[i].proc, &b->ns[i]) < 0)
			b->ns[i] = 0;
}

static uint64_t ns_of(const struct before *b, const char *proc)
{
	unsigned i;

	for (i = 0; i < nst_count && i < 8; i++)
		if (strcmp(nst_types[i].proc, proc) == 0)
			return b->ns[i];
	return 0;
}

/* 1 if the effective capability set holds cap (capget(2), no /proc). */
static int has_cap(int cap)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d) < 0)
		return 0;
	return !!(d[cap / 32].effective & (1u << (cap % 32)));
}

/* Evidence measured from inside the chroot, set against the "before". */
static void show_evidence(const struct before *b, const char *root)
{
	struct stat st;
	struct utsname uts;
	struct if_nameindex *ifs;
	int nifs = 0;

	if (stat("/", &st) == 0)
		rep_evidence("isolated:     filesystem view: / is now %s "
			     "(dev %u:%u ino %lu; the host's / is ino %lu)",
			     root, major(st.st_dev), minor(st.st_dev),
			     (unsigned long)st.st_ino,
			     (unsigned long)b->root.st_ino);
	rep_evidence("not isolated: processes: kill(1, 0) = %d, the host's "
		     "PID 1 is still reachable (pid:[%llu])",
		     kill(1, 0), (unsigned long long)ns_of(b, "pid"));
	uname(&uts);
	rep_evidence("not isolated: hostname: uname() still says \"%s\" "
		     "(uts:[%llu])",
		     uts.nodename, (unsigned long long)ns_of(b, "uts"));
	ifs = if_nameindex();
	if (ifs) {
		while (ifs[nifs].if_index)
			nifs++;
		if_freenameindex(ifs);
	}
	rep_evidence("not isolated: network: the same %d interface(s) "
		     "(net:[%llu])",
		     nifs, (unsigned long long)ns_of(b, "net"));
	rep_evidence("not isolated: mounts: the same mount table "
		     "(mnt:[%llu]); chroot changed no mount",
		     (unsigned long long)ns_of(b, "mnt"));
	rep_evidence("not isolated: root's powers: uid %d, CAP_SYS_CHROOT %s "
		     "(user:[%llu])%s",
		     (int)geteuid(), has_cap(CAP_SYS_CHROOT) ? "kept" : "absent",
		     (unsigned long long)ns_of(b, "user"),
		     has_cap(CAP_SYS_CHROOT) ? ": it can chroot again and "
					       "climb out (try --escape)" : "");
}

static void show_escape(const struct before *b, const struct chroot_escape *e)
{
	int host = e->after_dev == b->root.st_dev &&
		   e->after_ino == b->root.st_ino;

	rep_evidence("escape: climbed .. %d times, then chroot(\".\")",
		     e->climbed);
	rep_evidence("escape: / was dev %u:%u ino %lu, is now dev %u:%u "
		     "ino %lu", major(e->before_dev), minor(e->before_dev),
		     (unsigned long)e->before_ino, major(e->after_dev),
		     minor(e->after_dev), (unsigned long)e->after_ino);
	if (host)
		rep_evidence("ESCAPED: / is the host's / again (same device "
			     "and inode as before chroot)");
	else if (e->escaped)
		rep_evidence("ESCAPED: / is above the chroot");
	else
		rep_evidence("contained: the climb stopped at this root");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "escape", no_argument, NULL, 'e' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli_target t;
	struct before before;
	struct chroot_escape esc;
	int c, ret, escape = 0;

	rep_init(argv[0]);
	while ((c = getopt_long(argc, argv, "+eqvhV", opts, NULL)) != -1) {
		if (c == 'e') {
			escape = 1;
			continue;
		}
		ret = cli_common_option(c, usage);
		if (ret != CLI_CONTINUE)
			return ret;
	}

	/* Check everything we can before the first kernel change. */
	ret = cli_parse_target(argc, argv, optind, escape, &t);
	if (ret)
		return ret;

	collect(&before);
	if (chroot_enter(t.root) < 0)
		return 1;
	show_evidence(&before, t.root);

	if (escape) {
		if (chroot_escape(&esc) < 0)
			return 1;
		show_escape(&before, &esc);
	}

	fflush(stdout);
	execv(t.exe, t.argv);
	rep_fail("execv(\"%s\")", t.exe);
	return cli_exec_failure_code(errno);
}
