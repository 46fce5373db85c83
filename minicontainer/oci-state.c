/*
 * oci-state.c - what the OCI face knows of its containers between
 * commands: ROOT/ID/state.json (written whole, then renamed), the
 * status derived from it as runtime-spec defines it, and the hooks,
 * which get that state on stdin.
 *
 *   creating  state.json has no pid yet (create is under way)
 *   created   the process lives and exec.fifo is still there
 *   running   the process lives, the fifo is gone (start opened it)
 *   paused    running, its cgroup frozen
 *   stopped   the process is gone (or a zombie: ended, not collected)
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

char oci_root[PATH_MAX - 512];

static const char *const hook_names[] = {
	[OCI_HOOK_PRESTART] = "prestart",
	[OCI_HOOK_CREATE_RUNTIME] = "createRuntime",
	[OCI_HOOK_CREATE_CONTAINER] = "createContainer",
	[OCI_HOOK_START_CONTAINER] = "startContainer",
	[OCI_HOOK_POSTSTART] = "poststart",
	[OCI_HOOK_POSTSTOP] = "poststop",
};


/* The state root: --root, else /run/minicontainer-oci (made 0700). */
void oci_root_default(void)
{
	const char *xdg = getenv("XDG_RUNTIME_DIR");

	if (!oci_root[0])
		snprintf(oci_root, sizeof(oci_root), "%s/minicontainer-oci",
			 geteuid() == 0 || !xdg || !*xdg ? "/run" : xdg);
}

int oci_root_dir(void)
{
	char buf[PATH_MAX], *p;

	oci_root_default();
	snprintf(buf, sizeof(buf), "%s", oci_root);
	for (p = buf + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			mkdir(buf, 0755);
			*p = '/';
		}
	if (mkdir(buf, 0700) < 0 && errno != EEXIST)
		return rep_fail("mkdir(\"%s\")", buf);
	return 0;
}

void oci_set_root(const char *dir)
{
	snprintf(oci_root, sizeof(oci_root), "%s", dir);
}

void oci_path(const char *id, const char *file, char *buf,
		    size_t size)
{
	snprintf(buf, size, "%s/%.80s%s%s", oci_root, id, file ? "/" : "",
		 file ? file : "");
}

/* ROOT/ID/state.json, or NULL with "container ID does not exist". */
json_t *oci_load_state(const char *id)
{
	char path[PATH_MAX + 64];
	json_t *st;

	if (state_check_name(id, path, sizeof(path)) < 0) {
		rep_error("container %s does not exist", id);
		return NULL;
	}
	oci_path(id, "state.json", path, sizeof(path));
	st = json_load_file(path, 0, NULL);
	if (!st)
		rep_error("container %s does not exist", id);
	return st;
}

int oci_save_state(const char *id, json_t *st)
{
	char path[PATH_MAX + 64], tmp[PATH_MAX + 64];

	oci_path(id, "state.json", path, sizeof(path));
	oci_path(id, ".state.json.tmp", tmp, sizeof(tmp));
	if (json_dump_file(st, tmp, JSON_COMPACT) < 0 ||
	    rename(tmp, path) < 0) {
		unlink(tmp);
		return rep_fail("write(\"%s\")", path);
	}
	return 0;
}

pid_t oci_state_pid(json_t *st)
{
	return (pid_t)json_integer_value(json_object_get(st, "pid"));
}

/* The container's process, if it is still the one we started. */
int oci_alive(json_t *st)
{
	pid_t pid = oci_state_pid(st);
	unsigned long long t = (unsigned long long)json_integer_value(
		json_object_get(st, "pidStart"));
	char path[64], buf[512], *p;

	if (pid <= 0 || state_start_time(pid) != t)
		return 0;
	/* A zombie has ended: its parent has not collected it yet. */
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if (file_read_at(AT_FDCWD, path, buf, sizeof(buf)) > 0 &&
	    (p = strrchr(buf, ')')) && p[1] == ' ' && p[2] == 'Z')
		return 0;
	return 1;
}

/* The container's cgroup, if it has one; 0 or -1. */
int oci_open_group(json_t *st, struct cg_host *h, struct cg_group *g)
{
	const char *name = json_string_value(json_object_get(st, "cgroup"));

	if (!name || mc_cg_detect(h) < 0 || cg_open(g, h, name) < 0)
		return -1;
	return 0;
}

static int frozen(json_t *st)
{
	struct cg_host h;
	struct cg_group g;
	char buf[32] = "";
	int ret;

	if (oci_open_group(st, &h, &g) < 0)
		return 0;
	if (h.mode == CG_V2)
		ret = file_read_line_at(g.fd, "cgroup.freeze", buf,
					sizeof(buf)) > 0 && buf[0] == '1';
	else
		ret = g.v1fd[CG1_FREEZER] >= 0 &&
		      file_read_line_at(g.v1fd[CG1_FREEZER], "freezer.state",
					buf, sizeof(buf)) > 0 &&
		      !strcmp(buf, "FROZEN");
	cg_close(&g);
	return ret;
}

/* runtime-spec's status: creating, created, running, paused, stopped. */
const char *oci_status(const char *id, json_t *st)
{
	char fifo[PATH_MAX + 64];

	if (oci_state_pid(st) <= 0)
		return "creating";
	if (!oci_alive(st))
		return "stopped";
	oci_path(id, "exec.fifo", fifo, sizeof(fifo));
	if (access(fifo, F_OK) == 0)
		return "created";
	return frozen(st) ? "paused" : "running";
}

/* The state as runtime-spec defines it (for `state` and hooks). */
json_t *oci_spec_state(const char *id, json_t *st, const char *status)
{
	json_t *out = json_pack("{s:s, s:s, s:s, s:s*, s:O*}",
				"ociVersion", OCI_VERSION, "id", id,
				"status", status ? status : oci_status(id, st),
				"bundle", json_string_value(json_object_get(
					st, "bundle")),
				"annotations", json_object_get(st,
							       "annotations"));

	if (strcmp(json_string_value(json_object_get(out, "status")),
		   "stopped") && oci_state_pid(st) > 0)
		json_object_set_new(out, "pid", json_integer(oci_state_pid(st)));
	return out;
}

/*
 * Run the hooks of one kind with state on stdin.  Each gets its args
 * (or its path), its env (or none) and its timeout.  A failure is
 * reported; fatal says whether it stops the caller (poststart and
 * poststop only warn, as the spec says).  0 or -1.
 */
int oci_run_hooks(const struct oci_config *c, enum oci_hook_kind kind,
		     const char *state)
{
	static char *no_env[] = { NULL };
	int i, status, p[2];
	pid_t pid;

	for (i = 0; i < c->nhooks[kind]; i++) {
		const struct oci_hook *h = &c->hooks[kind][i];
		char *self[] = { (char *)h->path, NULL };
		int waited = 0;
		pid_t w;

		if (pipe2(p, O_CLOEXEC) < 0)
			return rep_fail("pipe2()");
		fflush(NULL);
		pid = fork();
		if (pid < 0) {
			close(p[0]);
			close(p[1]);
			return rep_fail("fork()");
		}
		if (pid == 0) {
			dup2(p[0], 0);
			execve(h->path, h->args ? h->args : self,
			       h->env ? h->env : no_env);
			_exit(127);
		}
		close(p[0]);
		if (write(p[1], state, strlen(state)) < 0) {
			/* A hook that reads nothing may close early. */
		}
		close(p[1]);
		while ((w = waitpid(pid, &status, WNOHANG)) == 0) {
			if (h->timeout && waited >= h->timeout * 100) {
				kill(pid, SIGKILL);
				waitpid(pid, &status, 0);
				return rep_error("%s hook %s timed out after %d "
						 "s", hook_names[kind], h->path,
						 h->timeout), -1;
			}
			usleep(10000);
			waited++;
		}
		if (w < 0 || !WIFEXITED(status) || WEXITSTATUS(status)) {
			rep_error("%s hook %s failed: exit status %d",
				  hook_names[kind], h->path,
				  w > 0 && WIFEXITED(status) ?
				  WEXITSTATUS(status) : -1);
			return -1;
		}
		rep_step(0, NULL, "%s hook: %s", hook_names[kind], h->path);
	}
	return 0;
}

/* The state text hooks get, status as given. */
char *oci_hook_state(const char *id, json_t *st, const char *status)
{
	json_t *s = oci_spec_state(id, st, status);
	char *text = json_dumps(s, JSON_COMPACT);

	json_decref(s);
	return text;
}

