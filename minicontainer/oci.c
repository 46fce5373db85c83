/*
 * oci.c - minicontainer's OCI face: the runtime CLI that podman (through
 * conmon) and containerd's shim call, answered as runc answers it.
 *
 *   create --bundle B ID   the container's process made, in its
 *                          namespaces, its root built and switched, and
 *                          left waiting on ROOT/ID/exec.fifo
 *   start ID               opens the fifo: the process execs
 *                          process.args, which is PID 1 (no init of ours)
 *   state ID               creating, created, running, paused, stopped
 *   kill ID [SIG]          the signal to PID 1 (--all: the whole cgroup)
 *   delete [--force] ID    the cgroup, the state, the poststop hooks
 *   run, exec, list, ps, pause, resume, features
 *
 * The engine is the native one's: the same clone3 (ns_clone), the same
 * root steps (pivot_prepare, rootfs_*), the same cgroup module and the
 * same command steps (mc_command: credentials, capabilities, seccomp,
 * execve).  What differs is who waits: after create, this program exits,
 * and the container's process is reparented to the caller's subreaper
 * (conmon, the shim) which collects its exit status, as with runc.
 *
 * Hooks run with the container's state as JSON on stdin (runtime-spec
 * runtime.md): prestart and createRuntime here, once the namespaces
 * exist; createContainer in the container's namespaces before
 * pivot_root; startContainer there just before the execve; poststart
 * here once start returns; poststop on delete.
 *
 * This file is the CLI; the state and hooks are oci-state.c's, create
 * oci-create.c's, config.json oci-config.c's.
 *
 * Man pages: runc(8) (runc-create, runc-start, ...), clone3(2),
 * mkfifo(3), unix(7) (SCM_RIGHTS); the OCI runtime-spec.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "caps.h"
#include "cli.h"
#include "container.h"
#include "fileio.h"
#include "netns.h"
#include "ns.h"
#include "oci.h"
#include "oci-config.h"
#include "pivot.h"
#include "report.h"
#include "rootfs.h"
#include "seccomp-filter.h"
#include "state.h"
#include "tty.h"


#include "oci-runtime.h"

static int fail_line(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/* One line (text, or JSON with --log-format json), exit code 1. */
static int fail_line(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	rep_error("%s", msg);
	return OCI_EXIT;
}
/* Load the bundle's config; a fresh state for create and run. */
static int prepare(const char *id, const struct oci_create_opts *o,
		   struct oci_config *c, json_t **st)
{
	char why[512], bundle[PATH_MAX];

	if (state_check_name(id, why, sizeof(why)) < 0)
		return fail_line("invalid container id '%s': %s", id, why);
	if (!realpath(o->bundle, bundle))
		return fail_line("bundle %s: %s", o->bundle, errno == ENOENT ?
				 "no such file or directory" :
				 strerror(errno));
	if (oci_config_load(bundle, c, why, sizeof(why)) < 0)
		return fail_line("%s", why);
	if (oci_root_dir() < 0) {
		oci_config_free(c);
		return OCI_EXIT;
	}
	*st = json_pack("{s:s, s:s, s:s, s:i, s:s, s:s}", "ociVersion",
			OCI_VERSION, "id", id, "bundle", bundle, "pid", 0,
			"rootfs", c->root, "owner", "");
	if (c->annotations)
		json_object_set(*st, "annotations", c->annotations);
	return 0;
}

static const struct option create_opts[] = {
	{ "bundle", required_argument, NULL, 'b' },
	{ "pid-file", required_argument, NULL, 'P' },
	{ "console-socket", required_argument, NULL, 'C' },
	{ "preserve-fds", required_argument, NULL, 'F' },
	{ "no-pivot", no_argument, NULL, 'N' },
	{ "no-new-keyring", no_argument, NULL, 'K' },
	{ "detach", no_argument, NULL, 'd' },
	{ "keep", no_argument, NULL, 'k' },
	{ NULL, 0, NULL, 0 },
};

/* create and run's options; the ID in *id.  0, or an exit code. */
static int parse_create(int argc, char **argv, struct oci_create_opts *o,
			int *detach, const char **id)
{
	char *end;
	int c;

	o->bundle = ".";
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+b:d", create_opts, NULL)) != -1) {
		switch (c) {
		case 'b':
			o->bundle = optarg;
			break;
		case 'P':
			o->pid_file = optarg;
			break;
		case 'C':
			o->console_socket = optarg;
			break;
		case 'F':
			o->preserve_fds = (int)strtol(optarg, &end, 10);
			if (*end || o->preserve_fds < 0 ||
			    o->preserve_fds > 1024)
				return fail_line("invalid --preserve-fds '%s'",
						 optarg);
			break;
		case 'd':
			*detach = 1;
			break;
		case 'N':
		case 'K':
		case 'k':
			break;
		default:
			return fail_line("%s: unknown option '%s'", argv[0],
					 argv[optind - 1]);
		}
	}
	if (optind + 1 != argc)
		return fail_line("%s: needs exactly one container ID", argv[0]);
	*id = argv[optind];
	return 0;
}

static int cmd_create(int argc, char **argv)
{
	struct oci_create_opts o = { 0 };
	struct oci_config c;
	const char *id;
	int detach = 0, ret;
	json_t *st;

	ret = parse_create(argc, argv, &o, &detach, &id);
	if (ret || (ret = prepare(id, &o, &c, &st)))
		return ret;
	ret = oci_create(id, &c, &o, st) < 0 ? OCI_EXIT : 0;
	if (!ret)
		rep_log("info", "minicontainer created container %s: pid %d",
			id, (int)oci_state_pid(st));
	oci_config_free(&c);
	json_decref(st);
	return ret;
}

/* Open the fifo: the process goes on to execve.  0 or -1. */
static int release(const char *id, json_t *st)
{
	char path[PATH_MAX + 64], b;
	int fd;

	oci_path(id, "exec.fifo", path, sizeof(path));
	/* Non-blocking: a process that died before start must not leave
	 * us waiting for a writer forever. */
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return rep_fail("open(\"%s\")", path);
	for (;;) {
		struct pollfd p = { fd, POLLIN, 0 };

		if (poll(&p, 1, 100) > 0 && read(fd, &b, 1) == 1)
			break;
		if (!oci_alive(st)) {
			close(fd);
			rep_error("container %s: its process ended before "
				  "start", id);
			return -1;
		}
	}
	close(fd);
	unlink(path);
	rep_step(0, "the container's process goes on to execve",
		 "read(\"%s\")", path);
	return 0;
}

/* The config create kept (ROOT/ID/config.json), parsed: hooks and exec
 * use it even if the bundle changed since.  0, or -1 with why. */
static int stored_config(const char *id, json_t *st, struct oci_config *c,
			 char *why, size_t size)
{
	char path[PATH_MAX + 64];
	json_t *doc;

	oci_path(id, "config.json", path, sizeof(path));
	doc = json_load_file(path, 0, NULL);
	if (!doc) {
		snprintf(why, size, "unreadable");
		return -1;
	}
	if (oci_config_parse(doc, json_string_value(json_object_get(
		st, "bundle")), c, why, size) < 0) {
		json_decref(doc);
		return -1;
	}
	return 0;
}

/* poststart or poststop: they only warn, so a failure here is none. */
static void stored_hooks(const char *id, json_t *st, enum oci_hook_kind kind,
			 const char *status)
{
	struct oci_config c;
	char why[512], *state;

	if (stored_config(id, st, &c, why, sizeof(why)) < 0)
		return;
	state = oci_hook_state(id, st, status);
	oci_run_hooks(&c, kind, state ? state : "{}");
	free(state);
	oci_config_free(&c);
}

static int cmd_start(int argc, char **argv)
{
	const char *status;
	json_t *st;
	int ret;

	if (argc != 2)
		return fail_line("start: needs exactly one container ID");
	if (!(st = oci_load_state(argv[1])))
		return OCI_EXIT;
	status = oci_status(argv[1], st);
	if (strcmp(status, "created")) {
		json_decref(st);
		return fail_line(!strcmp(status, "stopped") ?
				 "cannot start a container that has stopped" :
				 "cannot start an already running container");
	}
	ret = OCI_EXIT;
	if (release(argv[1], st) == 0) {
		stored_hooks(argv[1], st, OCI_HOOK_POSTSTART, "running");
		ret = 0;
	}
	json_decref(st);
	return ret;
}

static int wait_gone(json_t *st, int tenths)
{
	while (oci_alive(st) && tenths-- > 0)
		usleep(100000);
	return oci_alive(st) ? -1 : 0;
}

static int cmd_delete(int argc, char **argv)
{
	const char *id, *status;
	int force = 0;
	json_t *st;

	if (argc == 3 && (!strcmp(argv[1], "--force") ||
			  !strcmp(argv[1], "-f")))
		force = 1;
	else if (argc != 2)
		return fail_line("delete: needs exactly one container ID");
	id = argv[argc - 1];
	/* --force on what is not there (an aborted create): done, as
	 * runc answers the engines cleaning up after a failure. */
	if (force && state_check_name(id, NULL, 0) == 0) {
		char path[PATH_MAX + 64];

		oci_path(id, "state.json", path, sizeof(path));
		if (access(path, F_OK) < 0) {
			oci_path(id, NULL, path, sizeof(path));
			file_remove_tree_at(AT_FDCWD, path);
			return 0;
		}
	}
	if (!(st = oci_load_state(id)))
		return OCI_EXIT;
	status = oci_status(id, st);
	if (strcmp(status, "stopped") && strcmp(status, "creating")) {
		if (!force) {
			json_decref(st);
			return fail_line("cannot delete container %s that is "
					 "not stopped: %s", id, status);
		}
		kill(oci_state_pid(st), SIGKILL);
		if (wait_gone(st, 100) < 0) {
			json_decref(st);
			return fail_line("container %s: its process did not "
					 "end after SIGKILL", id);
		}
	}
	stored_hooks(id, st, OCI_HOOK_POSTSTOP, "stopped");
	oci_remove(id, st);
	json_decref(st);
	return 0;
}

static int cmd_run(int argc, char **argv)
{
	struct oci_create_opts o = { 0 };
	struct oci_config c;
	int detach = 0, ret, status;
	const char *id;
	json_t *st;
	pid_t pid;

	ret = parse_create(argc, argv, &o, &detach, &id);
	if (ret || (ret = prepare(id, &o, &c, &st)))
		return ret;
	if (!detach && c.process.terminal && !o.console_socket) {
		oci_config_free(&c);
		json_decref(st);
		return fail_line("run with a terminal needs --console-socket "
				 "here (no pty relay in OCI mode)");
	}
	pid = oci_create(id, &c, &o, st);
	if (pid < 0 || release(id, st) < 0) {
		if (pid > 0)
			oci_remove(id, st);
		ret = OCI_EXIT;
		goto out;
	}
	stored_hooks(id, st, OCI_HOOK_POSTSTART, "running");
	if (detach)
		goto out;
	/* Foreground: the process is our child; its status is ours. */
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	ret = cli_exit_status(status);
	stored_hooks(id, st, OCI_HOOK_POSTSTOP, "stopped");
	oci_remove(id, st);
out:
	oci_config_free(&c);
	json_decref(st);
	return ret;
}

static int cmd_state(int argc, char **argv)
{
	json_t *st, *out;

	if (argc != 2)
		return fail_line("state: needs exactly one container ID");
	if (!(st = oci_load_state(argv[1])))
		return OCI_EXIT;
	out = oci_spec_state(argv[1], st, NULL);
	json_object_set(out, "rootfs", json_object_get(st, "rootfs"));
	json_object_set(out, "created", json_object_get(st, "created"));
	json_object_set(out, "owner", json_object_get(st, "owner"));
	json_dumpf(out, stdout, JSON_INDENT(2));
	putchar('\n');
	json_decref(out);
	json_decref(st);
	return 0;
}

/* Every PID in the container's cgroup, into pids (at most max). */
static int group_pids(json_t *st, pid_t *pids, int max)
{
	char buf[65536], *line, *save;
	struct cg_host h;
	struct cg_group g;
	int n = 0, fd;

	if (oci_open_group(st, &h, &g) < 0)
		return -1;
	fd = h.mode == CG_V2 ? g.fd : g.v1fd[CG1_PIDS] >= 0 ?
	     g.v1fd[CG1_PIDS] : g.v1fd[CG1_MEMORY];
	if (fd >= 0 && file_read_at(fd, "cgroup.procs", buf, sizeof(buf)) >= 0)
		for (line = strtok_r(buf, "\n", &save); line && n < max;
		     line = strtok_r(NULL, "\n", &save))
			pids[n++] = (pid_t)atoi(line);
	cg_close(&g);
	return n;
}

static int cmd_kill(int argc, char **argv)
{
	const char *id, *status, *sig = "TERM";
	int all = 0, i = 1, signo, n;
	pid_t pids[4096];
	json_t *st;

	if (i < argc && (!strcmp(argv[i], "--all") || !strcmp(argv[i], "-a"))) {
		all = 1;
		i++;
	}
	if (i >= argc || argc - i > 2)
		return fail_line("kill: usage: kill [--all] ID [SIGNAL]");
	id = argv[i];
	if (i + 1 < argc)
		sig = argv[i + 1];
	signo = oci_parse_signal(sig);
	if (signo <= 0)
		return fail_line("invalid signal: %s", sig);
	if (!(st = oci_load_state(id)))
		return OCI_EXIT;
	status = oci_status(id, st);
	if (!strcmp(status, "stopped") || !strcmp(status, "creating")) {
		json_decref(st);
		return fail_line("container not running");
	}
	if (all && (n = group_pids(st, pids, 4096)) > 0) {
		while (n-- > 0)
			kill(pids[n], signo);
	} else if (kill(oci_state_pid(st), signo) < 0) {
		json_decref(st);
		return fail_line("kill(%d, %d): %s", oci_state_pid(st), signo,
				 strerror(errno));
	}
	json_decref(st);
	return 0;
}

static int cmd_list(int argc, char **argv)
{
	char path[PATH_MAX + 64];
	int json = 0, quiet = 0, i;
	struct dirent *e;
	json_t *all = json_array();
	DIR *d;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--format=json") ||
		    (!strcmp(argv[i], "--format") && i + 1 < argc &&
		     !strcmp(argv[++i], "json")) ||
		    (!strcmp(argv[i], "-f") && i + 1 < argc &&
		     !strcmp(argv[++i], "json")))
			json = 1;
		else if (!strcmp(argv[i], "-q") || !strcmp(argv[i], "--quiet"))
			quiet = 1;
	}
	if (!(d = opendir(oci_root)) && errno != ENOENT) {
		rep_fail("opendir(\"%s\")", oci_root);
		json_decref(all);
		return OCI_EXIT;
	}
	/* A root never made holds no container: list it empty. */
	while (d && (e = readdir(d))) {
		json_t *st, *s;

		if (e->d_name[0] == '.')
			continue;
		oci_path(e->d_name, "state.json", path, sizeof(path));
		st = json_load_file(path, 0, NULL);
		if (!st)
			continue;
		s = oci_spec_state(e->d_name, st, NULL);
		json_object_set(s, "created", json_object_get(st, "created"));
		json_object_set(s, "rootfs", json_object_get(st, "rootfs"));
		json_object_set(s, "owner", json_object_get(st, "owner"));
		json_array_append_new(all, s);
		json_decref(st);
	}
	if (d)
		closedir(d);
	if (json) {
		json_dumpf(all, stdout, JSON_COMPACT);
		putchar('\n');
	} else {
		size_t k;
		json_t *s;

		if (!quiet)
			printf("%-20s %-8s %-10s %-40s %-30s %s\n", "ID", "PID",
			       "STATUS", "BUNDLE", "CREATED", "OWNER");
		json_array_foreach(all, k, s) {
			if (quiet) {
				printf("%s\n", json_string_value(
					json_object_get(s, "id")));
				continue;
			}
			printf("%-20s %-8lld %-10s %-40s %-30s %s\n",
			       json_string_value(json_object_get(s, "id")),
			       json_integer_value(json_object_get(s, "pid")),
			       json_string_value(json_object_get(s, "status")),
			       json_string_value(json_object_get(s, "bundle")),
			       json_string_value(json_object_get(s, "created")),
			       json_string_value(json_object_get(s, "owner")));
		}
	}
	json_decref(all);
	return 0;
}

static int cmd_ps(int argc, char **argv)
{
	int json = 0, i, n;
	const char *id = NULL;
	pid_t pids[4096];
	json_t *st;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--format") || !strcmp(argv[i], "-f")) {
			json = i + 1 < argc && !strcmp(argv[++i], "json");
		} else if (!strcmp(argv[i], "--format=json")) {
			json = 1;
		} else if (!id) {
			id = argv[i];
		}
	}
	if (!id)
		return fail_line("ps: needs a container ID");
	if (!(st = oci_load_state(id)))
		return OCI_EXIT;
	n = group_pids(st, pids, 4096);
	json_decref(st);
	if (n < 0)
		return fail_line("container %s has no cgroup to list", id);
	if (json) {
		putchar('[');
		for (i = 0; i < n; i++)
			printf("%s%d", i ? "," : "", (int)pids[i]);
		printf("]\n");
	} else {
		printf("PID\n");
		for (i = 0; i < n; i++)
			printf("%d\n", (int)pids[i]);
	}
	return 0;
}

static int freeze(int argc, char **argv, int on)
{
	struct cg_host h;
	struct cg_group g;
	json_t *st;
	int ret;

	if (argc != 2)
		return fail_line("%s: needs exactly one container ID", argv[0]);
	if (!(st = oci_load_state(argv[1])))
		return OCI_EXIT;
	if (strcmp(oci_status(argv[1], st), on ? "running" : "paused")) {
		json_decref(st);
		return fail_line(on ? "container not running" :
				 "container not paused");
	}
	ret = oci_open_group(st, &h, &g) < 0 || cg_freeze(&g, on) < 0 ?
	      OCI_EXIT : 0;
	if (!ret)
		cg_close(&g);
	json_decref(st);
	return ret;
}

static int cmd_pause(int argc, char **argv)
{
	return freeze(argc, argv, 1);
}

static int cmd_resume(int argc, char **argv)
{
	return freeze(argc, argv, 0);
}

static int cmd_features(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("{\"ociVersionMin\":\"1.0.0\",\"ociVersionMax\":\"%s\","
	       "\"hooks\":[\"prestart\",\"createRuntime\",\"createContainer\","
	       "\"startContainer\",\"poststart\",\"poststop\"],"
	       "\"mountOptions\":[\"ro\",\"rw\",\"nosuid\",\"suid\",\"nodev\","
	       "\"dev\",\"noexec\",\"exec\",\"bind\",\"rbind\",\"private\","
	       "\"rprivate\",\"shared\",\"rshared\",\"slave\",\"rslave\"],"
	       "\"linux\":{\"namespaces\":[\"cgroup\",\"ipc\",\"mount\","
	       "\"network\",\"pid\",\"time\",\"user\",\"uts\"],"
	       "\"cgroup\":{\"v1\":true,\"v2\":true,\"systemd\":false},"
	       "\"seccomp\":{\"enabled\":true},"
	       "\"apparmor\":{\"enabled\":false},\"selinux\":{\"enabled\":false}},"
	       "\"annotations\":{\"org.ctk.minicontainer.version\":\"%s\"}}\n",
	       OCI_VERSION, CTK_VERSION);
	return 0;
}

static const struct option exec_opts[] = {
	{ "process", required_argument, NULL, 'p' },
	{ "detach", no_argument, NULL, 'd' },
	{ "pid-file", required_argument, NULL, 'P' },
	{ "console-socket", required_argument, NULL, 'C' },
	{ "tty", no_argument, NULL, 't' },
	{ "cwd", required_argument, NULL, 'w' },
	{ "env", required_argument, NULL, 'e' },
	{ "preserve-fds", required_argument, NULL, 'F' },
	{ NULL, 0, NULL, 0 },
};

struct exec_opts {
	const char *process, *pid_file, *console, *cwd;
	char *env[64];
	int nenv, detach, tty, preserve_fds;
};

static int parse_exec(int argc, char **argv, struct exec_opts *o)
{
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+p:dte:", exec_opts, NULL)) != -1)
		switch (c) {
		case 'p':
			o->process = optarg;
			break;
		case 'd':
			o->detach = 1;
			break;
		case 'P':
			o->pid_file = optarg;
			break;
		case 'C':
			o->console = optarg;
			break;
		case 't':
			o->tty = 1;
			break;
		case 'w':
			o->cwd = optarg;
			break;
		case 'e':
			if (o->nenv < 63)
				o->env[o->nenv++] = optarg;
			break;
		case 'F':
			o->preserve_fds = atoi(optarg);
			break;
		default:
			return fail_line("exec: unknown option '%s'",
					 argv[optind - 1]);
		}
	if (optind >= argc)
		return fail_line("exec: needs a container ID");
	if (!o->process && optind + 1 >= argc)
		return fail_line("exec: needs --process FILE or a command");
	return 0;
}

/* The process to exec: --process FILE, else the container's with the
 * command line's args, cwd, env and tty. */
static int exec_process(const struct exec_opts *o, char **args,
			struct oci_config *c, struct oci_process *p)
{
	char why[512];
	json_t *doc;
	int i, n;

	if (o->process) {
		doc = json_load_file(o->process, 0, NULL);
		if (!doc)
			return fail_line("process %s: %s", o->process,
					 access(o->process, F_OK) ?
					 "no such file or directory" :
					 "not valid JSON");
		if (oci_process_parse(doc, p, "", why, sizeof(why)) < 0) {
			json_decref(doc);
			return fail_line("process %s: %s", o->process, why);
		}
		/* The strings stay in doc, kept with the container's. */
		json_object_set_new(c->json, "ctk.exec.process", doc);
	} else {
		*p = c->process;
		p->args = args;
		p->terminal = o->tty;
		if (o->cwd)
			p->cwd = o->cwd;
		for (n = 0; c->process.env && c->process.env[n]; n++)
			;
		p->env = calloc((size_t)(n + o->nenv + 1), sizeof(char *));
		if (!p->env)
			return fail_line("out of memory");
		for (i = 0; i < n; i++)
			p->env[i] = c->process.env[i];
		for (i = 0; i < o->nenv; i++)
			p->env[n + i] = o->env[i];
	}
	/* The container's seccomp filter applies to every process. */
	p->seccomp = c->process.seccomp;
	return 0;
}

static int cmd_exec(int argc, char **argv)
{
	struct exec_opts o = { 0 };
	struct oci_process p = { 0 };
	struct mc_config m = { 0 };
	struct oci_config c;
	struct cg_host h;
	struct cg_group g;
	char why[512], names[256];
	int ret, i, flags = 0, pidfd, console = -1, master, slave = -1;
	int piddir = -1;
	const char *id, *pidbase = NULL;
	json_t *st;
	pid_t pid;

	ret = parse_exec(argc, argv, &o);
	if (ret)
		return ret;
	id = argv[optind];
	if (!(st = oci_load_state(id)))
		return OCI_EXIT;
	if (strcmp(oci_status(id, st), "running")) {
		json_decref(st);
		return fail_line("cannot exec in a container that is not "
				 "running: container not running");
	}
	if (stored_config(id, st, &c, why, sizeof(why)) < 0) {
		json_decref(st);
		return fail_line("container %s: its config: %s", id, why);
	}
	ret = exec_process(&o, argv + optind + 1, &c, &p);
	if (ret)
		goto out;
	ret = OCI_EXIT;
	if (p.terminal && !o.console) {
		fail_line("cannot allocate tty if runc will detach without "
			  "setting console socket");
		goto out;
	}
	if (o.console && (console = oci_console_connect(o.console)) < 0)
		goto out;
	if (o.pid_file && (piddir = oci_pid_file_dir(o.pid_file, &pidbase)) < 0) {
		rep_fail("open(\"%s\")", o.pid_file);
		goto out;
	}
	if (oci_process_config(&p, &m, o.preserve_fds) < 0)
		goto out;
	/* Its cgroup, then all its namespaces at once through a pidfd. */
	if (oci_open_group(st, &h, &g) == 0) {
		cg_enter(&g, getpid());
		cg_close(&g);
	}
	/* With CLONE_NEWTIME, the time namespace is for the children:
	 * the process forked below reads the container's clocks. */
	for (i = 0; i < c.nnamespaces; i++)
		flags |= c.namespaces[i].type;
	pidfd = (int)syscall(SYS_pidfd_open, oci_state_pid(st), 0);
	if (pidfd < 0 || setns(pidfd, flags) < 0) {
		rep_fail("setns(pidfd of %d, %s)", oci_state_pid(st),
			 ns_flags_str(flags, names, sizeof(names)));
		goto out;
	}
	close(pidfd);
	rep_step(0, "in the container's namespaces", "setns(pidfd of %d, %s)",
		 oci_state_pid(st), ns_flags_str(flags, names, sizeof(names)));
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		rep_fail("fork()");
		goto out;
	}
	if (pid == 0) {
		if (p.terminal) {
			if (tty_open_pair("/dev/ptmx", &master, &slave) < 0 ||
			    tty_send_fd(console, master) < 0)
				_exit(MC_EXIT_RUNTIME);
			close(master);
			close(console);
		}
		if (oci_process_extras(&p) < 0)
			_exit(MC_EXIT_RUNTIME);
		mc_command(&m, -1, slave);
	}
	if (o.pid_file && oci_write_pid_file(piddir, pidbase, pid) < 0)
		goto out;
	ret = 0;
	if (!o.detach) {
		int status;

		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		ret = cli_exit_status(status);
	}
out:
	if (console >= 0)
		close(console);
	if (piddir >= 0)
		close(piddir);
	if (!o.process)
		free(p.env);
	else
		oci_process_free(&p);
	oci_config_free(&c);
	json_decref(st);
	return ret;
}

int oci_main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(int, char **);
	} commands[] = {
		{ "create", cmd_create }, { "start", cmd_start },
		{ "state", cmd_state }, { "kill", cmd_kill },
		{ "delete", cmd_delete }, { "run", cmd_run },
		{ "exec", cmd_exec }, { "list", cmd_list }, { "ps", cmd_ps },
		{ "pause", cmd_pause }, { "resume", cmd_resume },
		{ "features", cmd_features },
	};
	size_t i;

	/* Only create makes the root: the others read it, and a root never
	 * made holds no container. */
	oci_root_default();
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[0], commands[i].name))
			return commands[i].fn(argc, argv);
	return fail_line("unknown OCI command: %s", argv[0]);
}

/* Is id a container of the OCI root (made by create)? */
static int known_id(const char *id)
{
	char path[PATH_MAX + 128];

	if (state_check_name(id, NULL, 0) < 0)
		return 0;
	oci_root_default();
	oci_path(id, "state.json", path, sizeof(path));
	return access(path, F_OK) == 0;
}

int oci_is_command(int argc, char **argv, int globals)
{
	static const char *const only[] = { "create", "start", "state",
		"delete", "list", "pause", "resume", "features" };
	int i, positional = 0;
	size_t k;

	for (k = 0; k < sizeof(only) / sizeof(only[0]); k++)
		if (!strcmp(argv[0], only[k]))
			return 1;
	if (strcmp(argv[0], "run") && strcmp(argv[0], "exec") &&
	    strcmp(argv[0], "kill") && strcmp(argv[0], "ps"))
		return 0;
	if (globals)
		return 1;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--"))
			break;
		/* run -b/--bundle; exec --process, --pid-file, ...; kill
		 * --all: options the native CLI does not have. */
		if (!strcmp(a, "--bundle") || !strncmp(a, "--bundle=", 9) ||
		    (!strcmp(argv[0], "run") && !strcmp(a, "-b")) ||
		    !strcmp(a, "--process") || !strcmp(a, "--pid-file") ||
		    !strcmp(a, "--console-socket") || !strcmp(a, "--cwd") ||
		    (!strcmp(argv[0], "exec") && !strcmp(a, "--detach")) ||
		    (!strcmp(argv[0], "kill") && !strcmp(a, "--all")))
			return 1;
		if (a[0] != '-') {
			/* The first name: a container create made is OCI's. */
			if (!positional && known_id(a))
				return 1;
			positional++;
		}
	}
	/* kill ID SIGNAL (the native kill takes -s SIG NAME...). */
	if (!strcmp(argv[0], "kill") && argc == 3 && argv[1][0] != '-' &&
	    oci_parse_signal(argv[2]) > 0)
		return 1;
	/* ps ID: the native ps takes no name. */
	return !strcmp(argv[0], "ps") && positional > 0;
}
