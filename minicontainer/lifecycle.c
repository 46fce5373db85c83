/*
 * lifecycle.c - the commands around a running container: ps, wait,
 * logs, stop, kill, rm and cleanup.  Each reads the container's state
 * directory (state.c) and acts on the processes and resources it names:
 * a signal goes to the container's init (PID 1 inside), which passes it
 * to the command; the monitor (the runtime process that started it)
 * records the exit and releases what the container held.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "cli.h"
#include "inspect.h"
#include "container.h"
#include "lifecycle.h"
#include "netns.h"
#include "report.h"
#include "state.h"

/* "running", "exited (N)", "created", or "dead": a monitor that died
 * without recording the end (cleanup releases it). */
static const char *status_of(const struct mc_state *s, char *buf,
			     size_t size)
{
	char st[32] = "created", code[16] = "";

	state_read(s, "status", st, sizeof(st));
	if (!strcmp(st, "exited")) {
		state_read(s, "exit", code, sizeof(code));
		snprintf(buf, size, "exited (%s)", code);
	} else if (state_monitor_alive(s)) {
		snprintf(buf, size, "%s", st);
	} else {
		snprintf(buf, size, "dead");
	}
	return buf;
}

static int running(const struct mc_state *s)
{
	char st[32] = "";

	state_read(s, "status", st, sizeof(st));
	return strcmp(st, "exited") && state_monitor_alive(s);
}

/* Open the container named by ref, or say why not: 0 or 1. */
static int find(const char *ref, struct mc_state *s)
{
	char why[256];

	if (state_open(ref, s, why, sizeof(why)) < 0) {
		rep_error("%s", why);
		return 1;
	}
	return 0;
}

struct ps_opts {
	int all;
};

static int ps_cb(const struct mc_state *s, void *arg)
{
	struct ps_opts *o = arg;
	char status[48], cmd[256] = "";

	if (!o->all && !running(s))
		return 0;
	state_read(s, "command", cmd, sizeof(cmd));
	printf("%-12s  %-20s  %-12s  %s\n", s->id, s->name,
	       status_of(s, status, sizeof(status)), cmd);
	return 0;
}

/*
 * One line naming what is wrong with a command's arguments from argv[i]
 * on (after the options it knows), which should be between min and max
 * names (max -1: no limit), with the usage in parentheses.  Returns 1.
 */
static int arg_error(int argc, char **argv, int i, int min, int max,
		     const char *usage)
{
	int n = 0, k;

	for (k = i; k < argc; k++) {
		if (argv[k][0] == '-' && argv[k][1]) {
			rep_error("%s: unrecognized option '%s' (usage: %s)",
				  argv[0], argv[k], usage);
			return 1;
		}
		if (max >= 0 && ++n > max) {
			rep_error("%s: unexpected argument '%s' (usage: %s)",
				  argv[0], argv[k], usage);
			return 1;
		}
	}
	if (argc - i < min)
		rep_error("%s: missing container name or ID (usage: %s)",
			  argv[0], usage);
	return 1;
}

int lc_ps(int argc, char **argv)
{
	struct ps_opts o = { 0 };

	if (argc > 2 || (argc == 2 && strcmp(argv[1], "-a") &&
			 strcmp(argv[1], "--all")))
		return arg_error(argc, argv, 1, 0, 0, "ps [-a]");
	o.all = argc == 2;
	printf("%-12s  %-20s  %-12s  %s\n", "CONTAINER ID", "NAME", "STATUS",
	       "COMMAND");
	return state_list(ps_cb, &o) < 0 ? 1 : 0;
}

/* Sleep ms milliseconds. */
static void nap(long ms)
{
	struct timespec t = { ms / 1000, ms % 1000 * 1000 * 1000 };

	nanosleep(&t, NULL);
}

/* Wait until the container is no longer running; its exit code, or -1
 * after timeout_ms (< 0: forever).  The naps double from 1 ms to 50 ms:
 * a container that ends at once (rm -f, stop) is seen ending within a
 * few ms, and a long wait costs 20 looks a second. */
static int wait_exit(const struct mc_state *s, long timeout_ms)
{
	char code[16];
	long waited = 0, step = 1;

	while (running(s)) {
		if (timeout_ms >= 0 && waited >= timeout_ms)
			return -1;
		nap(step);
		waited += step;
		step = step * 2 > 50 ? 50 : step * 2;
	}
	if (state_read(s, "exit", code, sizeof(code)) <= 0)
		return 137;	/* the monitor died: killed, as with SIGKILL */
	return atoi(code);
}

int lc_wait(int argc, char **argv)
{
	struct mc_state s;
	int code;

	if (argc != 2)
		return arg_error(argc, argv, 1, 1, 1, "wait NAME|ID");
	if (find(argv[1], &s))
		return 1;
	code = wait_exit(&s, -1);
	printf("%d\n", code);
	return code;
}

/* Copy the log from offset *off to stdout; the new offset. */
static void dump_log(const struct mc_state *s, off_t *off)
{
	char path[PATH_MAX + 8], buf[8192];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/log", s->dir);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	while ((n = pread(fd, buf, sizeof(buf), *off)) > 0) {
		fwrite(buf, 1, (size_t)n, stdout);
		*off += n;
	}
	fflush(stdout);
	close(fd);
}

int lc_logs(int argc, char **argv)
{
	struct mc_state s;
	int follow = 0, i = 1;
	off_t off = 0;

	if (argc > 1 && (!strcmp(argv[1], "-f") ||
			 !strcmp(argv[1], "--follow"))) {
		follow = 1;
		i++;
	}
	if (argc != i + 1)
		return arg_error(argc, argv, i, 1, 1, "logs [-f] NAME|ID");
	if (find(argv[i], &s))
		return 1;
	dump_log(&s, &off);
	while (follow && running(&s)) {
		nap(50);
		dump_log(&s, &off);
	}
	dump_log(&s, &off);
	return 0;
}

/* The container's init, as recorded: its PID, or -1. */
static pid_t init_pid(const struct mc_state *s)
{
	char buf[16];

	if (state_read(s, "init", buf, sizeof(buf)) <= 0)
		return -1;
	return (pid_t)atoi(buf);
}

/* Signal the container: to its init, which passes it on. */
static int signal_container(const struct mc_state *s, int sig)
{
	pid_t pid = init_pid(s);

	if (pid <= 0 || !running(s)) {
		rep_error("container %s is not running", s->name);
		return 1;
	}
	if (kill(pid, sig) < 0) {
		rep_fail("kill(%d, %d)", pid, sig);
		return 1;
	}
	rep_step(0, "init passes it to the command", "kill(%d, %s)", pid,
		 strsignal(sig));
	return 0;
}

/* A signal by name (TERM, SIGTERM) or number: the number, or -1. */
static int parse_signal(const char *s)
{
	char *end;
	long n;
	int i;

	if (!strncmp(s, "SIG", 3))
		s += 3;
	n = strtol(s, &end, 10);
	if (*s && !*end)
		return n > 0 && n < NSIG ? (int)n : -1;
	for (i = 1; i < NSIG; i++) {
		const char *abbrev = sigabbrev_np(i);

		if (abbrev && !strcasecmp(abbrev, s))
			return i;
	}
	return -1;
}

int lc_kill(int argc, char **argv)
{
	struct mc_state s;
	int sig = SIGKILL, i = 1;

	if (argc > 2 && (!strcmp(argv[1], "-s") ||
			 !strcmp(argv[1], "--signal"))) {
		sig = parse_signal(argv[2]);
		if (sig < 0) {
			rep_error("unknown signal '%s'", argv[2]);
			return 1;
		}
		i = 3;
	}
	if (argc != i + 1)
		return arg_error(argc, argv, i, 1, 1,
				 "kill [-s SIGNAL] NAME|ID");
	if (find(argv[i], &s))
		return 1;
	return signal_container(&s, sig);
}

int lc_stop(int argc, char **argv)
{
	struct mc_state s;
	long timeout = 10;
	int i = 1;
	char *end;

	if (argc > 2 && (!strcmp(argv[1], "-t") ||
			 !strcmp(argv[1], "--time"))) {
		timeout = strtol(argv[2], &end, 10);
		if (*end || end == argv[2] || timeout < 0 || timeout > 3600) {
			rep_error("invalid timeout '%s': 0..3600 seconds",
				  argv[2]);
			return 1;
		}
		i = 3;
	}
	if (argc != i + 1)
		return arg_error(argc, argv, i, 1, 1,
				 "stop [-t SECONDS] NAME|ID");
	if (find(argv[i], &s))
		return 1;
	if (!running(&s)) {
		printf("%s\n", s.name);
		return 0;
	}
	/* docker stop: SIGTERM, and SIGKILL if it is still there later. */
	if (signal_container(&s, SIGTERM))
		return 1;
	if (wait_exit(&s, timeout * 1000) < 0) {
		signal_container(&s, SIGKILL);
		wait_exit(&s, -1);
	}
	printf("%s\n", s.name);
	return 0;
}

int lc_rm(int argc, char **argv)
{
	int force = 0, i = 1, ret = 0;
	struct mc_state s;

	if (argc > 1 && (!strcmp(argv[1], "-f") ||
			 !strcmp(argv[1], "--force"))) {
		force = 1;
		i++;
	}
	if (argc < i + 1 || argv[i][0] == '-')
		return arg_error(argc, argv, i, 1, -1, "rm [-f] NAME|ID...");
	for (; i < argc; i++) {
		if (find(argv[i], &s)) {
			ret = 1;
			continue;
		}
		if (running(&s)) {
			if (!force) {
				rep_error("container %s is running: stop it "
					  "first, or rm -f", s.name);
				ret = 1;
				continue;
			}
			signal_container(&s, SIGKILL);
			wait_exit(&s, -1);
		}
		mc_release(&s);
		if (state_remove(&s) < 0) {
			ret = 1;
			continue;
		}
		printf("%s\n", s.name);
	}
	return ret;
}

/* --- cleanup --- */

struct known {
	int n;
	char id[512][16];
};

static int dead_cb(const struct mc_state *s, void *arg)
{
	struct known *k = arg;
	char st[32] = "", res[8];

	state_read(s, "status", st, sizeof(st));
	/* A monitor still alive does its own teardown. */
	if (state_monitor_alive(s))
		goto known;
	if (strcmp(st, "exited")) {
		/* Killed before it could clean up: undo, then forget it. */
		rep_evidence("cleanup: %s (%s) was left %s", s->name, s->id,
			     st);
		mc_release(s);
		state_remove(s);
		return 0;
	}
	if (state_read(s, "resources", res, sizeof(res)) >= 0) {
		/* Ended, but killed while releasing: finish the release. */
		rep_evidence("cleanup: %s (%s) ended with resources held",
			     s->name, s->id);
		mc_release(s);
	}
	if (state_read(s, "autoremove", res, sizeof(res)) > 0 &&
	    !strcmp(res, "1")) {
		/* --rm, killed before it removed its state: remove it. */
		rep_evidence("cleanup: %s (%s) ended, to be removed (--rm)",
			     s->name, s->id);
		state_remove(s);
		return 0;
	}
known:
	if (k->n < 512)
		snprintf(k->id[k->n++], 16, "%s", s->id);
	return 0;
}

static int is_known(const struct known *k, const char *id, size_t len)
{
	int i;

	for (i = 0; i < k->n; i++)
		if (!strncmp(k->id[i], id, len))
			return 1;
	return 0;
}

/* Links ctk-<11 hex> of containers no state knows. */
static void orphan_links(const struct known *k)
{
	struct if_nameindex *ifs = if_nameindex(), *i;
	const char *id;

	for (i = ifs; i && i->if_name; i++) {
		id = i->if_name + strlen(NV_PREFIX);
		if (strncmp(i->if_name, NV_PREFIX, strlen(NV_PREFIX)) ||
		    strlen(id) != 11 || strspn(id, "0123456789abcdef") != 11 ||
		    is_known(k, id, 11))
			continue;
		rep_evidence("cleanup: link %s of no container", i->if_name);
		nv_link_del(i->if_name);
	}
	if (ifs)
		if_freenameindex(ifs);
}

/* Groups mc-<12 hex> under the toolkit's subtree of no container, in
 * every hierarchy. */
static void orphan_cgroups(const struct known *k)
{
	const char *roots[CG1_COUNT + 1];
	char dir[PATH_MAX];
	struct cg_host h;
	struct dirent *e;
	int i, n;
	DIR *d;

	if (mc_cg_detect(&h) < 0)
		return;
	n = mc_cg_roots(&h, roots);
	for (i = 0; i < n; i++) {
		snprintf(dir, sizeof(dir), "%s/" CG_SUBTREE, roots[i]);
		d = opendir(dir);
		if (!d)
			continue;
		while ((e = readdir(d))) {
			if (strncmp(e->d_name, "mc-", 3) ||
			    strlen(e->d_name) != 15 ||
			    is_known(k, e->d_name + 3, 12))
				continue;
			rep_evidence("cleanup: cgroup %s/%s of no container",
				     dir, e->d_name);
			mc_remove_group(&h, e->d_name);
		}
		closedir(d);
	}
}

int lc_cleanup(int argc, char **argv)
{
	struct known *k;

	(void)argv;
	if (argc != 1)
		return arg_error(argc, argv, 1, 0, 0, "cleanup");
	k = calloc(1, sizeof(*k));
	if (!k)
		return 1;
	state_list(dead_cb, k);
	if (geteuid() == 0) {
		orphan_links(k);
		orphan_cgroups(k);
	}
	mc_bridge_gc();
	free(k);
	return 0;
}

/* The command's PID (init's first child), or init's if it has none. */
static pid_t command_pid(pid_t init)
{
	char path[64], buf[64];
	FILE *f;
	pid_t pid = init;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", init, init);
	f = fopen(path, "re");
	if (f && fscanf(f, "%63s", buf) == 1)
		pid = (pid_t)atoi(buf);
	if (f)
		fclose(f);
	return pid;
}

int lc_inspect(int argc, char **argv)
{
	static const char *const files[] = { "name", "status", "exit",
		"command", "rootfs", "image", "addr", "caps", "user", "seccomp",
		"workdir", "limits", "no_new_privs", "host_namespaces" };
	struct insp_info in, host;
	int json = 0, i = 1;
	char buf[512], status[48];
	struct mc_state s;
	size_t k;
	pid_t pid;

	if (argc > 1 && !strcmp(argv[1], "--json")) {
		json = 1;
		i++;
	}
	if (argc != i + 1)
		return arg_error(argc, argv, i, 1, 1,
				 "inspect [--json] NAME|ID");
	if (find(argv[i], &s))
		return 1;
	if (!json) {
		printf("id: %s\n", s.id);
		for (k = 0; k < sizeof(files) / sizeof(files[0]); k++)
			if (state_read(&s, files[k], buf, sizeof(buf)) > 0)
				printf("%s: %s\n", files[k],
				       k == 1 ? status_of(&s, status,
							  sizeof(status)) : buf);
	}
	if (!running(&s) || (pid = init_pid(&s)) <= 0)
		return 0;
	/* What the kernel says about the command, against this process. */
	pid = command_pid(pid);
	if (insp_read(pid, &in) < 0 || insp_read(getpid(), &host) < 0)
		return 1;
	if (json)
		insp_print_json(stdout, &in, &host, "minicontainer");
	else
		insp_print(stdout, &in, &host, "minicontainer");
	return 0;
}
