/*
 * escape-probe - the chroot breakout as a program to drop into any root.
 *
 * Runs chroot_escape() (chroot.c, the same code as chroot-demo --escape)
 * and says on stdout whether the climb left the root it started in.  If
 * it escaped and a command is given, runs it in the root it reached, so a
 * test can show a file that exists only on the host.
 *
 * Exit: 0 escaped (or the command's status), 3 contained, 1 error,
 * 2 usage.  Built static, so it runs in the busybox rootfs.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "chroot.h"
#include "cli.h"
#include "report.h"

#define EXIT_CONTAINED 3

int main(int argc, char **argv)
{
	struct chroot_escape e;

	rep_init(argv[0]);
	if (argc > 1 && (strcmp(argv[1], "-h") == 0 ||
			 strcmp(argv[1], "--help") == 0)) {
		printf("Usage: %s [COMMAND [ARG]...]\n"
		       "Try the chroot breakout; run COMMAND if it escapes.\n"
		       "Exit: 0 escaped, 3 contained, 1 error.\n", rep_prog());
		return 0;
	}
	if (argc > 1 && argv[1][0] == '-' && strcmp(argv[1], "--") != 0)
		return cli_usage_error("unrecognized option '%s'", argv[1]);
	if (argc > 1 && strcmp(argv[1], "--") == 0) {
		argv++;
		argc--;
	}

	if (chroot_escape(&e) < 0)
		return 1;
	printf("before: / is dev %u:%u ino %lu\n", major(e.before_dev),
	       minor(e.before_dev), (unsigned long)e.before_ino);
	printf("after:  / is dev %u:%u ino %lu (climbed .. %d times)\n",
	       major(e.after_dev), minor(e.after_dev),
	       (unsigned long)e.after_ino, e.climbed);
	if (!e.escaped) {
		printf("contained: the climb stopped at this root\n");
		return EXIT_CONTAINED;
	}
	printf("escaped: / is now above the root this process started in\n");
	fflush(stdout);
	if (argc < 2)
		return 0;
	execvp(argv[1], &argv[1]);
	rep_fail("execvp(\"%s\")", argv[1]);
	return cli_exec_failure_code(errno);
}
