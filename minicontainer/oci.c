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

#define OCI_EXIT	1	/* runc's code for its own errors */

static char oci_root[PATH_MAX - 512];

static const char *const hook_names[] = {
	[OCI_HOOK_PRESTART] = "prestart",
	[OCI_HOOK_CREATE_RUNTIME] = "createRuntime",
	[OCI_HOOK_CREATE_CONTAINER] = "createContainer",
	[OCI_HOOK_START_CONTAINER] = "startContainer",
	[OCI_HOOK_POSTSTART] = "poststart",
	[OCI_HOOK_POSTSTOP] = "poststop",
};

/* What create needs beyond the config: the command line's options. */
struct oci_create_opts {
	const char *bundle, *pid_file, *console_socket;
	int preserve_fds;
};

static int fail_line(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

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

/* The state root: --root, else /run/minicontainer-oci (made 0700). */
static int root_dir(void)
{
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	char buf[PATH_MAX], *p;

	if (!oci_root[0])
		snprintf(oci_root, sizeof(oci_root), "%s/minicontainer-oci",
			 geteuid() == 0 || !xdg || !*xdg ? "/run" : xdg);
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

static void path_of(const char *id, const char *file, char *buf,
		    size_t size)
{
	snprintf(buf, size, "%s/%.80s%s%s", oci_root, id, file ? "/" : "",
		 file ? file : "");
}

/* ROOT/ID/state.json, or NULL with "container ID does not exist". */
static json_t *load_state(const char *id)
{
	char path[PATH_MAX + 64];
	json_t *st;

	if (state_check_name(id, path, sizeof(path)) < 0) {
		rep_error("container %s does not exist", id);
		return NULL;
	}
	path_of(id, "state.json", path, sizeof(path));
	st = json_load_file(path, 0, NULL);
	if (!st)
		rep_error("container %s does not exist", id);
	return st;
}

static int save_state(const char *id, json_t *st)
{
	char path[PATH_MAX + 64], tmp[PATH_MAX + 64];

	path_of(id, "state.json", path, sizeof(path));
	path_of(id, ".state.json.tmp", tmp, sizeof(tmp));
	if (json_dump_file(st, tmp, JSON_COMPACT) < 0 ||
	    rename(tmp, path) < 0) {
		unlink(tmp);
		return rep_fail("write(\"%s\")", path);
	}
	return 0;
}

static pid_t state_pid(json_t *st)
{
	return (pid_t)json_integer_value(json_object_get(st, "pid"));
}

/* The container's process, if it is still the one we started. */
static int alive(json_t *st)
{
	pid_t pid = state_pid(st);
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
static int open_group(json_t *st, struct cg_host *h, struct cg_group *g)
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

	if (open_group(st, &h, &g) < 0)
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
static const char *status_of(const char *id, json_t *st)
{
	char fifo[PATH_MAX + 64];

	if (state_pid(st) <= 0)
		return "creating";
	if (!alive(st))
		return "stopped";
	path_of(id, "exec.fifo", fifo, sizeof(fifo));
	if (access(fifo, F_OK) == 0)
		return "created";
	return frozen(st) ? "paused" : "running";
}

/* The state as runtime-spec defines it (for `state` and hooks). */
static json_t *spec_state(const char *id, json_t *st, const char *status)
{
	json_t *out = json_pack("{s:s, s:s, s:s, s:s*, s:O*}",
				"ociVersion", OCI_VERSION, "id", id,
				"status", status ? status : status_of(id, st),
				"bundle", json_string_value(json_object_get(
					st, "bundle")),
				"annotations", json_object_get(st,
							       "annotations"));

	if (strcmp(json_string_value(json_object_get(out, "status")),
		   "stopped") && state_pid(st) > 0)
		json_object_set_new(out, "pid", json_integer(state_pid(st)));
	return out;
}

/*
 * Run the hooks of one kind with state on stdin.  Each gets its args
 * (or its path), its env (or none) and its timeout.  A failure is
 * reported; fatal says whether it stops the caller (poststart and
 * poststop only warn, as the spec says).  0 or -1.
 */
static int run_hooks(const struct oci_config *c, enum oci_hook_kind kind,
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
static char *hook_state(const char *id, json_t *st, const char *status)
{
	json_t *s = spec_state(id, st, status);
	char *text = json_dumps(s, JSON_COMPACT);

	json_decref(s);
	return text;
}

/* -------- inside: the container's process, from clone3 to execve -------- */

/* What the child needs from the runtime. */
struct child_fds {
	int sync;		/* to the runtime: 'r' ready, or a code */
	int go;			/* from the runtime: a byte, go on */
	int fifo;		/* O_PATH of exec.fifo */
	int console;		/* the console socket, or -1 */
};

static __attribute__((noreturn)) void child_fail(int fd)
{
	unsigned char c = MC_EXIT_RUNTIME;

	if (write(fd, &c, 1) < 0) {
		/* the runtime is gone */
	}
	_exit(MC_EXIT_RUNTIME);
}

/* "/proc/kcore" -> "proc/kcore", in a NULL-terminated array. */
static const char **relative_list(const char *const *paths, int n)
{
	const char **out = calloc((size_t)n + 1, sizeof(*out));
	int i;

	for (i = 0; out && i < n; i++)
		out[i] = paths[i] + strspn(paths[i], "/");
	return out;
}

static int join_namespaces(const struct oci_config *c)
{
	int i, fd;

	for (i = 0; i < c->nnamespaces; i++) {
		const struct oci_namespace *n = &c->namespaces[i];

		if (!n->path)
			continue;
		fd = open(n->path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return rep_fail("open(\"%s\")", n->path);
		if (setns(fd, n->type) < 0) {
			close(fd);
			return rep_fail("setns(\"%s\")", n->path);
		}
		close(fd);
		rep_step(0, "joined", "setns(\"%s\")", n->path);
	}
	return 0;
}

static int has_ns(const struct oci_config *c, int type, int created)
{
	int i;

	for (i = 0; i < c->nnamespaces; i++)
		if (c->namespaces[i].type == type &&
		    (!created || !c->namespaces[i].path))
			return 1;
	return 0;
}

/* config.json's mounts, in order; then /dev's nodes if /dev was one. */
static int mount_all(const struct oci_config *c, const char *bundle)
{
	char src[PATH_MAX];
	int i, dev = 0;

	for (i = 0; i < c->nmounts; i++) {
		const struct oci_mount *m = &c->mounts[i];
		const char *type = m->type;

		/* A bind's source is the host's, relative to the bundle. */
		if ((m->flags & MS_BIND) && m->source && m->source[0] != '/')
			snprintf(src, sizeof(src), "%s/%s", bundle, m->source);
		else
			snprintf(src, sizeof(src), "%s", m->source ?
				 m->source : "none");
		/* cgroup v1 inside a hybrid host: not mounted (the host's
		 * hierarchies would show); cgroup2 where the host has it. */
		if (type && !strcmp(type, "cgroup")) {
			struct cg_host h;

			if (mc_cg_detect(&h) < 0 || h.mode != CG_V2) {
				rep_step(-1, "cgroup v1: not mounted in the "
					 "container", "mount(\"cgroup\", "
					 "\"%s\")", m->destination);
				continue;
			}
			type = "cgroup2";
		}
		if (rootfs_mount_spec(type && strcmp(type, "bind") ? type :
				      NULL, src, m->destination, m->flags,
				      m->data, m->propagation) < 0)
			return -1;
		if (!strcmp(m->destination, "/dev"))
			dev = 1;
	}
	if (!dev)
		return rootfs_mount_dev();
	return rootfs_dev_nodes();
}

static int make_devices(const struct oci_config *c)
{
	int i;

	for (i = 0; i < c->ndevices; i++) {
		const struct oci_device *d = &c->devices[i];
		const char *path = d->path + strspn(d->path, "/");

		unlink(path);
		if (mknod(path, d->type | (d->mode & 07777),
			  makedev(d->major, d->minor)) < 0 ||
		    chown(path, d->uid, d->gid) < 0 ||
		    chmod(path, d->mode & 07777) < 0)
			return rep_fail("mknod(\"%s\", %u:%u)", d->path,
					d->major, d->minor);
		rep_step(0, NULL, "mknod(\"%s\", %u:%u)", d->path, d->major,
			 d->minor);
	}
	return 0;
}

/* linux.sysctl: /proc/sys/a/b for "a.b", in the container's namespaces. */
static int write_sysctls(const struct oci_config *c)
{
	char path[512], *p;
	int i;

	for (i = 0; i < c->nsysctl; i++) {
		snprintf(path, sizeof(path), "proc/sys/%s", c->sysctl[i].key);
		for (p = path + 9; *p; p++)
			if (*p == '.')
				*p = '/';
		if (file_write_at(AT_FDCWD, path, c->sysctl[i].value) < 0)
			return rep_fail("write(\"/%s\", \"%s\")", path,
					c->sysctl[i].value);
		rep_step(0, NULL, "write(\"/%s\", \"%s\")", path,
			 c->sysctl[i].value);
	}
	return 0;
}

/* The root: private, bound, mounts, devices, sysctls, masks, pivot. */
static int build_root(const struct oci_config *c, const char *bundle,
		      const char *id, json_t *st)
{
	const char **masked, **ro;
	char *state;
	int ret = -1;

	if (pivot_prepare(c->root, NS_PROP_PRIVATE) < 0 ||
	    mount_all(c, bundle) < 0 || make_devices(c) < 0 ||
	    write_sysctls(c) < 0)
		return -1;
	masked = relative_list(c->masked, c->nmasked);
	ro = relative_list(c->readonly, c->nreadonly);
	if (!masked || !ro || rootfs_mask(masked) < 0 ||
	    rootfs_readonly(ro) < 0 ||
	    (c->root_readonly && rootfs_root_readonly() < 0))
		goto out;
	/* createContainer: in the container's namespaces, before the
	 * switch, so its path still resolves as the runtime's does. */
	state = hook_state(id, st, "created");
	if (run_hooks(c, OCI_HOOK_CREATE_CONTAINER, state ? state : "{}")) {
		free(state);
		goto out;
	}
	free(state);
	if (pivot_switch() < 0 || pivot_detach() < 0)
		goto out;
	if (c->rootfs_propagation &&
	    mount(NULL, "/", NULL, c->rootfs_propagation, NULL) < 0) {
		rep_fail("mount(NULL, \"/\", NULL, %#lx)", c->rootfs_propagation);
		goto out;
	}
	ret = 0;
out:
	free(masked);
	free(ro);
	return ret;
}

/* The process's settings as the command steps take them. */
static int process_config(const struct oci_process *p, struct mc_config *m,
			  int preserve_fds)
{
	char why[256];
	int i;

	m->argv = p->args;
	for (i = 0; p->env && p->env[i]; i++)
		if (env_put(&m->env, p->env[i], why, sizeof(why)) < 0)
			return rep_error("process.env: %s", why), -1;
	m->workdir = p->cwd;
	m->user.uid = p->uid;
	m->user.gid = p->gid;
	m->user.ngroups = p->ngroups < USER_MAX_GROUPS ? p->ngroups :
			  USER_MAX_GROUPS;
	memcpy(m->user.groups, p->groups, sizeof(gid_t) * m->user.ngroups);
	/* One set for bounding, effective, permitted and inheritable:
	 * the bounding set, as given. */
	m->caps = p->has_caps ? p->caps.bounding : 0;
	m->nrlimits = p->nrlimits < MC_MAX_RLIMITS ? p->nrlimits :
		      MC_MAX_RLIMITS;
	for (i = 0; i < m->nrlimits; i++) {
		m->rlimits[i].resource = p->rlimits[i].resource;
		m->rlimits[i].lim = p->rlimits[i].lim;
	}
	m->keep_new_privs = !p->no_new_privileges;
	m->preserve_fds = preserve_fds;
	m->interactive = 1;	/* stdio passes through untouched */
	m->log_fd = m->started_fd = -1;
	if (p->seccomp &&
	    sc_from_json_caps(p->seccomp, m->caps, &m->seccomp, why,
			      sizeof(why)) < 0)
		return rep_error("linux.seccomp: %s", why), -1;
	return 0;
}

/* umask and oom_score_adj: the process's own, before the execve. */
static int process_extras(const struct oci_process *p)
{
	if (p->umask >= 0)
		umask((mode_t)p->umask);
	if (p->has_oom_score_adj &&
	    file_printf_at(AT_FDCWD, "/proc/self/oom_score_adj", "%d",
			   p->oom_score_adj) < 0)
		return rep_fail("write(\"/proc/self/oom_score_adj\", %d)",
				p->oom_score_adj);
	return 0;
}

static __attribute__((noreturn)) void container_child(
	const struct oci_config *c, const struct oci_create_opts *o,
	const char *id, json_t *st, const struct child_fds *f)
{
	struct mc_config m = { 0 };
	int master, slave = -1, fd;
	char b, path[PATH_MAX + 64], *state;
	json_t *fresh;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	/* The maps, the cgroup, the createRuntime hooks: the runtime's. */
	if (read(f->go, &b, 1) != 1)
		_exit(MC_EXIT_RUNTIME);
	close(f->go);
	/* The state as the runtime wrote it since: with this pid. */
	path_of(id, "state.json", path, sizeof(path));
	fresh = json_load_file(path, 0, NULL);
	if (fresh)
		st = fresh;
	if (has_ns(c, CLONE_NEWUSER, 1) &&
	    (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0))
		child_fail(f->sync);
	if (join_namespaces(c) < 0 || build_root(c, o->bundle, id, st) < 0 ||
	    (c->hostname && has_ns(c, CLONE_NEWUTS, 0) &&
	     ns_set_hostname(c->hostname) < 0) ||
	    (has_ns(c, CLONE_NEWNET, 1) && nv_link_up("lo") < 0) ||
	    process_extras(&c->process) < 0 ||
	    process_config(&c->process, &m, o->preserve_fds) < 0)
		child_fail(f->sync);
	/* terminal: a pty of the container's devpts; the master goes to
	 * whoever listens on the console socket. */
	if (c->process.terminal) {
		if (tty_open_pair("/dev/ptmx", &master, &slave) < 0 ||
		    fchown(slave, m.user.uid, m.user.gid) < 0 ||
		    tty_send_fd(f->console, master) < 0)
			child_fail(f->sync);
		close(master);
		close(f->console);
	}
	/* Created: the runtime may go.  From now on this process lives on
	 * without it, so it must not die with it. */
	prctl(PR_SET_PDEATHSIG, 0);
	b = 'r';
	if (write(f->sync, &b, 1) != 1)
		_exit(MC_EXIT_RUNTIME);
	close(f->sync);
	/* Blocks until start opens the fifo for reading. */
	snprintf(path, sizeof(path), "/proc/self/fd/%d", f->fifo);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, "0", 1) != 1) {
		rep_fail("open(exec.fifo, O_WRONLY)");
		_exit(MC_EXIT_RUNTIME);
	}
	close(fd);
	close(f->fifo);
	state = hook_state(id, st, "running");
	if (run_hooks(c, OCI_HOOK_START_CONTAINER, state ? state : "{}") < 0)
		_exit(MC_EXIT_RUNTIME);
	free(state);
	mc_command(&m, -1, slave);
}

/* -------- outside: the runtime -------- */

static int console_connect(const char *path)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(a.sun_path)) {
		rep_error("console socket %s: path too long", path);
		return -1;
	}
	strcpy(a.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return rep_fail("socket(AF_UNIX)");
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		rep_error("console socket %s: %s", path,
			  errno == ENOENT ? "no such file or directory" :
			  strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* The pid file: the decimal pid, written whole then renamed.  dirfd:
 * where a relative path starts (exec writes it from inside). */
static int write_pid_file(int dirfd, const char *path, pid_t pid)
{
	char tmp[PATH_MAX + 16];
	int fd;

	snprintf(tmp, sizeof(tmp), "%s.tmp%d", path, (int)getpid());
	fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
		    0644);
	if (fd < 0)
		return rep_fail("open(\"%s\")", tmp);
	if (dprintf(fd, "%d", (int)pid) < 0 || close(fd) < 0 ||
	    renameat(dirfd, tmp, dirfd, path) < 0) {
		unlinkat(dirfd, tmp, 0);
		return rep_fail("write(\"%s\")", path);
	}
	return 0;
}

/* The pid file's directory, opened while the host's paths resolve. */
static int pid_file_dir(const char *path, const char **base)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');

	*base = slash ? slash + 1 : path;
	if (!slash)
		return open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path + 1), path);
	return open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
}

static void now_rfc3339(char *buf, size_t size)
{
	struct timespec ts;
	struct tm tm;
	size_t n;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	n = strftime(buf, size, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + n, size - n, ".%09ldZ", ts.tv_nsec);
}

/* Remove what a container left: its cgroup, its state directory. */
static void remove_container(const char *id, json_t *st)
{
	char dir[PATH_MAX + 64];
	int level = rep_level;
	struct cg_host h;
	struct cg_group g;

	/* The cgroup module's evidence is not for the OCI caller. */
	if (rep_level < REP_NARRATE)
		rep_level = REP_QUIET;
	if (st && open_group(st, &h, &g) == 0) {
		cg_kill(&g);
		cg_destroy(&g);
	}
	rep_level = level;
	path_of(id, NULL, dir, sizeof(dir));
	file_remove_tree_at(AT_FDCWD, dir);
}

static int check_config(const struct oci_config *c,
			const struct oci_create_opts *o)
{
	int i;

	if (!has_ns(c, CLONE_NEWNS, 1))
		return rep_error("linux.namespaces: a new mount namespace is "
				 "required (pivot_root needs one)"), -1;
	for (i = 0; i < c->nnamespaces; i++)
		if (c->namespaces[i].path &&
		    (c->namespaces[i].type == CLONE_NEWPID ||
		     c->namespaces[i].type == CLONE_NEWUSER ||
		     c->namespaces[i].type == CLONE_NEWNS))
			return rep_error("linux.namespaces[%d]: joining a %s "
					 "namespace by path is not supported",
					 i, c->namespaces[i].type ==
					 CLONE_NEWPID ? "pid" :
					 c->namespaces[i].type ==
					 CLONE_NEWUSER ? "user" : "mount"), -1;
	if (c->process.terminal && !o->console_socket)
		return rep_error("cannot allocate tty if runc will detach "
				 "without setting console socket"), -1;
	if (!c->process.terminal && o->console_socket)
		return rep_error("cannot use console socket if runc will not "
				 "detach or allocate tty"), -1;
	return 0;
}

/*
 * create: everything up to the process waiting on the fifo.  The pid,
 * or -1 after one line with nothing left behind.
 */
static pid_t do_create(const char *id, struct oci_config *c,
		       const struct oci_create_opts *o, json_t *st)
{
	char dir[PATH_MAX + 64], path[PATH_MAX + 64], name[32], created[48];
	struct child_fds f = { -1, -1, -1, -1 };
	int sync[2] = { -1, -1 }, go[2] = { -1, -1 }, flags = 0, i, have_cg = 0;
	struct cg_host host;
	struct cg_group g;
	unsigned char b;
	char *state;
	pid_t pid = -1;

	if (check_config(c, o) < 0)
		return -1;
	path_of(id, NULL, dir, sizeof(dir));
	if (mkdir(dir, 0700) < 0) {
		if (errno == EEXIST)
			rep_error("container with id exists: %s", id);
		else
			rep_fail("mkdir(\"%s\")", dir);
		return -1;
	}
	now_rfc3339(created, sizeof(created));
	json_object_set_new(st, "created", json_string(created));
	path_of(id, "config.json", path, sizeof(path));
	if (json_dump_file(c->json, path, JSON_COMPACT) < 0 ||
	    save_state(id, st) < 0)
		goto out_remove;
	if (o->console_socket) {
		f.console = console_connect(o->console_socket);
		if (f.console < 0)
			goto out_remove;
	}
	/* Every container gets a group: ps, pause and kill --all use it. */
	if (geteuid() == 0 && mc_cg_detect(&host) == 0) {
		snprintf(name, sizeof(name), "oci-%.12s", id);
		json_object_set_new(st, "cgroup", json_string(name));
		if (save_state(id, st) < 0 ||
		    cg_create(&g, &host, name, &c->limits) < 0 ||
		    (c->has_limits && cg_apply(&g, &c->limits) < 0))
			goto out_remove;
		have_cg = 1;
	}
	/* A time namespace is made here, for our children: the offsets
	 * can only be written before a process is in it. */
	if (has_ns(c, CLONE_NEWTIME, 1) &&
	    (ns_unshare(CLONE_NEWTIME) < 0 || tns_write_offsets(&c->time) < 0))
		goto out_remove;
	path_of(id, "exec.fifo", path, sizeof(path));
	/* 0622 whatever the umask: a process mapped to another uid by a
	 * user namespace must still open it for writing. */
	if (mkfifo(path, 0622) < 0 || chmod(path, 0622) < 0) {
		rep_fail("mkfifo(\"%s\")", path);
		goto out_remove;
	}
	f.fifo = open(path, O_PATH | O_CLOEXEC);
	if (f.fifo < 0 || pipe2(sync, O_CLOEXEC) < 0 ||
	    pipe2(go, O_CLOEXEC) < 0) {
		rep_fail("open(\"%s\")", path);
		goto out_remove;
	}
	for (i = 0; i < c->nnamespaces; i++)
		if (!c->namespaces[i].path &&
		    c->namespaces[i].type != CLONE_NEWTIME)
			flags |= c->namespaces[i].type;
	pid = ns_clone(flags, have_cg ? cg_v2_fd(&g) : -1);
	if (pid < 0)
		goto out_remove;
	if (pid == 0) {
		close(sync[0]);
		close(go[1]);
		f.sync = sync[1];
		f.go = go[0];
		container_child(c, o, id, st, &f);
	}
	close(sync[1]);
	close(go[0]);
	sync[1] = go[0] = -1;
	json_object_set_new(st, "pid", json_integer(pid));
	json_object_set_new(st, "pidStart",
			    json_integer((json_int_t)state_start_time(pid)));
	if (save_state(id, st) < 0 ||
	    (have_cg && cg_v2_fd(&g) < 0 && cg_enter(&g, pid) < 0) ||
	    (has_ns(c, CLONE_NEWUSER, 1) &&
	     mc_write_maps(pid, &c->uids, &c->gids) < 0))
		goto out_kill;
	state = hook_state(id, st, "creating");
	i = run_hooks(c, OCI_HOOK_PRESTART, state ? state : "{}") < 0 ||
	    run_hooks(c, OCI_HOOK_CREATE_RUNTIME, state ? state : "{}") < 0;
	free(state);
	if (i || write(go[1], "g", 1) != 1)
		goto out_kill;
	close(go[1]);
	go[1] = -1;
	/* 'r': created.  A code, or nothing: it failed and said why. */
	if (read(sync[0], &b, 1) != 1 || b != 'r')
		goto out_kill;
	close(sync[0]);
	if (o->pid_file && write_pid_file(AT_FDCWD, o->pid_file, pid) < 0)
		goto out_kill;
	close(f.fifo);
	if (f.console >= 0)
		close(f.console);
	return pid;
out_kill:
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	pid = -1;
out_remove:
	for (i = 0; i < 2; i++) {
		if (sync[i] >= 0)
			close(sync[i]);
		if (go[i] >= 0)
			close(go[i]);
	}
	if (f.fifo >= 0)
		close(f.fifo);
	if (f.console >= 0)
		close(f.console);
	remove_container(id, st);
	return -1;
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
	if (root_dir() < 0) {
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
	ret = do_create(id, &c, &o, st) < 0 ? OCI_EXIT : 0;
	oci_config_free(&c);
	json_decref(st);
	return ret;
}

/* Open the fifo: the process goes on to execve.  0 or -1. */
static int release(const char *id, json_t *st)
{
	char path[PATH_MAX + 64], b;
	int fd;

	path_of(id, "exec.fifo", path, sizeof(path));
	/* Non-blocking: a process that died before start must not leave
	 * us waiting for a writer forever. */
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return rep_fail("open(\"%s\")", path);
	for (;;) {
		struct pollfd p = { fd, POLLIN, 0 };

		if (poll(&p, 1, 100) > 0 && read(fd, &b, 1) == 1)
			break;
		if (!alive(st)) {
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

static int poststart(const char *id, json_t *st)
{
	struct oci_config c;
	char why[512], path[PATH_MAX + 64], *state;
	json_t *doc;

	path_of(id, "config.json", path, sizeof(path));
	doc = json_load_file(path, 0, NULL);
	if (!doc || oci_config_parse(doc, json_string_value(json_object_get(
		st, "bundle")), &c, why, sizeof(why)) < 0) {
		json_decref(doc);
		return 0;
	}
	state = hook_state(id, st, "running");
	run_hooks(&c, OCI_HOOK_POSTSTART, state ? state : "{}");
	free(state);
	oci_config_free(&c);
	return 0;
}

static int cmd_start(int argc, char **argv)
{
	const char *status;
	json_t *st;
	int ret;

	if (argc != 2)
		return fail_line("start: needs exactly one container ID");
	if (root_dir() < 0 || !(st = load_state(argv[1])))
		return OCI_EXIT;
	status = status_of(argv[1], st);
	if (strcmp(status, "created")) {
		json_decref(st);
		return fail_line(!strcmp(status, "stopped") ?
				 "cannot start a container that has stopped" :
				 "cannot start an already running container");
	}
	ret = release(argv[1], st) < 0 ? OCI_EXIT : poststart(argv[1], st);
	json_decref(st);
	return ret;
}

/* delete: the poststop hooks from the config kept at create. */
static void poststop(const char *id, json_t *st)
{
	struct oci_config c;
	char why[512], path[PATH_MAX + 64], *state;
	json_t *doc;

	path_of(id, "config.json", path, sizeof(path));
	doc = json_load_file(path, 0, NULL);
	if (!doc || oci_config_parse(doc, json_string_value(json_object_get(
		st, "bundle")), &c, why, sizeof(why)) < 0) {
		json_decref(doc);
		return;
	}
	state = hook_state(id, st, "stopped");
	run_hooks(&c, OCI_HOOK_POSTSTOP, state ? state : "{}");
	free(state);
	oci_config_free(&c);
}

static int wait_gone(json_t *st, int tenths)
{
	while (alive(st) && tenths-- > 0)
		usleep(100000);
	return alive(st) ? -1 : 0;
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
	if (root_dir() < 0 || !(st = load_state(id)))
		return OCI_EXIT;
	status = status_of(id, st);
	if (strcmp(status, "stopped") && strcmp(status, "creating")) {
		if (!force) {
			json_decref(st);
			return fail_line("cannot delete container %s that is "
					 "not stopped: %s", id, status);
		}
		kill(state_pid(st), SIGKILL);
		if (wait_gone(st, 100) < 0) {
			json_decref(st);
			return fail_line("container %s: its process did not "
					 "end after SIGKILL", id);
		}
	}
	poststop(id, st);
	remove_container(id, st);
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
	pid = do_create(id, &c, &o, st);
	if (pid < 0 || release(id, st) < 0) {
		if (pid > 0)
			remove_container(id, st);
		ret = OCI_EXIT;
		goto out;
	}
	poststart(id, st);
	if (detach)
		goto out;
	/* Foreground: the process is our child; its status is ours. */
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	ret = cli_exit_status(status);
	poststop(id, st);
	remove_container(id, st);
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
	if (root_dir() < 0 || !(st = load_state(argv[1])))
		return OCI_EXIT;
	out = spec_state(argv[1], st, NULL);
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

	if (open_group(st, &h, &g) < 0)
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
	if (root_dir() < 0 || !(st = load_state(id)))
		return OCI_EXIT;
	status = status_of(id, st);
	if (!strcmp(status, "stopped") || !strcmp(status, "creating")) {
		json_decref(st);
		return fail_line("container not running");
	}
	if (all && (n = group_pids(st, pids, 4096)) > 0) {
		while (n-- > 0)
			kill(pids[n], signo);
	} else if (kill(state_pid(st), signo) < 0) {
		json_decref(st);
		return fail_line("kill(%d, %d): %s", state_pid(st), signo,
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
	if (root_dir() < 0 || !(d = opendir(oci_root))) {
		json_decref(all);
		return OCI_EXIT;
	}
	while ((e = readdir(d))) {
		json_t *st, *s;

		if (e->d_name[0] == '.')
			continue;
		path_of(e->d_name, "state.json", path, sizeof(path));
		st = json_load_file(path, 0, NULL);
		if (!st)
			continue;
		s = spec_state(e->d_name, st, NULL);
		json_object_set(s, "created", json_object_get(st, "created"));
		json_object_set(s, "rootfs", json_object_get(st, "rootfs"));
		json_object_set(s, "owner", json_object_get(st, "owner"));
		json_array_append_new(all, s);
		json_decref(st);
	}
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
	if (root_dir() < 0 || !(st = load_state(id)))
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
	if (root_dir() < 0 || !(st = load_state(argv[1])))
		return OCI_EXIT;
	if (strcmp(status_of(argv[1], st), on ? "running" : "paused")) {
		json_decref(st);
		return fail_line(on ? "container not running" :
				 "container not paused");
	}
	ret = open_group(st, &h, &g) < 0 || cg_freeze(&g, on) < 0 ?
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
	char path[PATH_MAX + 64], why[512], names[256];
	int ret, i, flags = 0, pidfd, console = -1, master, slave = -1;
	int piddir = -1;
	const char *id, *pidbase = NULL;
	json_t *st, *doc;
	pid_t pid;

	ret = parse_exec(argc, argv, &o);
	if (ret)
		return ret;
	id = argv[optind];
	if (root_dir() < 0 || !(st = load_state(id)))
		return OCI_EXIT;
	if (strcmp(status_of(id, st), "running")) {
		json_decref(st);
		return fail_line("cannot exec in a container that is not "
				 "running: container not running");
	}
	path_of(id, "config.json", path, sizeof(path));
	doc = json_load_file(path, 0, NULL);
	if (!doc || oci_config_parse(doc, json_string_value(json_object_get(
		st, "bundle")), &c, why, sizeof(why)) < 0) {
		json_decref(st);
		return fail_line("container %s: its config: %s", id,
				 doc ? why : "unreadable");
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
	if (o.console && (console = console_connect(o.console)) < 0)
		goto out;
	if (o.pid_file && (piddir = pid_file_dir(o.pid_file, &pidbase)) < 0) {
		rep_fail("open(\"%s\")", o.pid_file);
		goto out;
	}
	if (process_config(&p, &m, o.preserve_fds) < 0)
		goto out;
	/* Its cgroup, then all its namespaces at once through a pidfd. */
	if (open_group(st, &h, &g) == 0) {
		cg_enter(&g, getpid());
		cg_close(&g);
	}
	for (i = 0; i < c.nnamespaces; i++)
		if (c.namespaces[i].type != CLONE_NEWTIME)
			flags |= c.namespaces[i].type;
	pidfd = (int)syscall(SYS_pidfd_open, state_pid(st), 0);
	if (pidfd < 0 || setns(pidfd, flags) < 0) {
		rep_fail("setns(pidfd of %d, %s)", state_pid(st),
			 ns_flags_str(flags, names, sizeof(names)));
		goto out;
	}
	close(pidfd);
	rep_step(0, "in the container's namespaces", "setns(pidfd of %d, %s)",
		 state_pid(st), ns_flags_str(flags, names, sizeof(names)));
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
		if (process_extras(&p) < 0)
			_exit(MC_EXIT_RUNTIME);
		mc_command(&m, -1, slave);
	}
	if (o.pid_file && write_pid_file(piddir, pidbase, pid) < 0)
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

	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[0], commands[i].name))
			return commands[i].fn(argc, argv);
	return fail_line("unknown OCI command: %s", argv[0]);
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
		    !strcmp(a, "--console-socket") ||
		    (!strcmp(argv[0], "kill") && !strcmp(a, "--all")))
			return 1;
		if (a[0] != '-')
			positional++;
	}
	/* kill ID SIGNAL (the native kill takes -s SIG NAME...). */
	if (!strcmp(argv[0], "kill") && argc == 3 && argv[1][0] != '-' &&
	    oci_parse_signal(argv[2]) > 0)
		return 1;
	/* ps ID: the native ps takes no name. */
	return !strcmp(argv[0], "ps") && positional > 0;
}
