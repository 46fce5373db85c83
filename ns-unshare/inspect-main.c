/*
 * ns-inspect - what is this process isolated from?  Its namespaces
 * against the host's (or a second process's), ID maps, capabilities,
 * no_new_privs, seccomp, cgroup, root and "/" propagation; or, with
 * --tree, every process grouped by the namespaces it shares.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "inspect.h"
#include "report.h"

enum { OPT_JSON = 256, OPT_TREE };

static void usage(void)
{
	printf("Usage:\n"
	       " %s [options] PID [OTHER-PID]\n"
	       " %s [options] --tree\n\n"
	       "Show what process PID is isolated from: each namespace, marked\n"
	       "where it differs from the host's (PID 1) or OTHER-PID's; its ID\n"
	       "maps, capabilities, no_new_privs, seccomp mode, cgroup, root\n"
	       "directory and the propagation of its /.\n\n"
	       "Options:\n"
	       "     --tree         every process, grouped by the namespaces "
	       "it shares\n"
	       "     --json         one JSON object per process\n"
	       " -q, --quiet        no notes on stderr, only errors\n"
	       " -h, --help         display this help\n"
	       " -V, --version      display version\n",
	       rep_prog(), rep_prog());
}

static int parse_pid(const char *s, pid_t *pid)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v <= 0 || v > 4194304)
		return cli_usage_error("invalid PID: %s", s);
	*pid = (pid_t)v;
	return 0;
}

/* Read pid, or report one line and return the exit code. */
static int read_or_report(pid_t pid, struct insp_info *i)
{
	if (insp_read(pid, i) == 0)
		return 0;
	if (errno == ESRCH)
		rep_error("process %d: no such process", (int)pid);
	else
		rep_error("process %d: %s (reading another user's process "
			  "needs CAP_SYS_PTRACE over it)", (int)pid,
			  strerror(errno));
	return 1;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "tree", no_argument, NULL, OPT_TREE },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct insp_info info, ref;
	char ref_name[64];
	int c, ret, json = 0, tree = 0;
	pid_t pid = 0, other = 0;

	rep_init(argv[0]);
	while ((c = getopt_long(argc, argv, "+qhV", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_TREE:
			tree = 1;
			break;
		case OPT_JSON:
			json = 1;
			break;
		default:
			ret = cli_common_option(c, usage);
			if (ret != CLI_CONTINUE)
				return ret;
		}
	}
	if (tree && json)
		return cli_usage_error("--tree has no JSON form yet; use --json "
				       "per process");
	if (!tree && optind >= argc)
		return cli_usage_error("no PID given");
	if (argc - optind > (tree ? 0 : 2))
		return cli_usage_error("unexpected argument: %s",
				       argv[argc - 1]);
	if (!tree && parse_pid(argv[optind], &pid))
		return EXIT_USAGE;
	if (!tree && optind + 1 < argc && parse_pid(argv[optind + 1], &other))
		return EXIT_USAGE;

	/*
	 * The reference: the other PID if given, else the host's PID 1.
	 * Inside a container (or a sandbox) PID 1 may not be readable:
	 * then this process itself stands for "here".
	 */
	if (other) {
		if (read_or_report(other, &ref))
			return 1;
		snprintf(ref_name, sizeof(ref_name), "process %d", (int)other);
	} else if (insp_read(1, &ref) == 0) {
		snprintf(ref_name, sizeof(ref_name), "PID 1 (the host)");
	} else {
		insp_read(getpid(), &ref);
		snprintf(ref_name, sizeof(ref_name), "ns-inspect itself");
		rep_evidence("PID 1 is not readable here (%s); comparing with "
			     "ns-inspect's own namespaces", strerror(errno));
	}

	if (tree)
		return insp_tree(stdout, &ref) < 0 ? 1 : 0;
	if (read_or_report(pid, &info))
		return 1;
	if (json)
		insp_print_json(stdout, &info, &ref, ref_name);
	else
		insp_print(stdout, &info, &ref, ref_name);
	return 0;
}
