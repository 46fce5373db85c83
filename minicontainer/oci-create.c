/*
 * oci-create.c - create: from an OCI config to a process waiting on
 * exec.fifo, as runc makes it.
 *
 * Outside (the runtime): the state directory, a cgroup, a time
 * namespace for the child if asked, the fifo, clone3 into the new
 * namespaces, the id maps, the prestart and createRuntime hooks, then
 * "go".  Inside (the child): the namespaces joined by path, the root
 * (the config's mounts, /dev's nodes, devices, sysctls, masked and
 * read-only paths, the createContainer hooks, pivot_root), the
 * hostname, lo, a pty sent to the console socket, "ready"; then it
 * blocks opening the fifo for writing until start opens it for reading,
 * runs the startContainer hooks and becomes process.args (mc_command).
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

/* Inside: the container's process, from clone3 to execve. */

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
	state = oci_hook_state(id, st, "created");
	if (oci_run_hooks(c, OCI_HOOK_CREATE_CONTAINER, state ? state : "{}")) {
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
int oci_process_config(const struct oci_process *p, struct mc_config *m,
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
int oci_process_extras(const struct oci_process *p)
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
	oci_path(id, "state.json", path, sizeof(path));
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
	    oci_process_extras(&c->process) < 0 ||
	    oci_process_config(&c->process, &m, o->preserve_fds) < 0)
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
	state = oci_hook_state(id, st, "running");
	if (oci_run_hooks(c, OCI_HOOK_START_CONTAINER, state ? state : "{}") < 0)
		_exit(MC_EXIT_RUNTIME);
	free(state);
	mc_command(&m, -1, slave);
}

/* Outside: the runtime. */

int oci_console_connect(const char *path)
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
int oci_write_pid_file(int dirfd, const char *path, pid_t pid)
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
int oci_pid_file_dir(const char *path, const char **base)
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
void oci_remove(const char *id, json_t *st)
{
	char dir[PATH_MAX + 64];
	int level = rep_level;
	struct cg_host h;
	struct cg_group g;

	/* The cgroup module's evidence is not for the OCI caller. */
	if (rep_level < REP_NARRATE)
		rep_level = REP_QUIET;
	if (st && oci_open_group(st, &h, &g) == 0) {
		cg_kill(&g);
		cg_destroy(&g);
	}
	rep_level = level;
	oci_path(id, NULL, dir, sizeof(dir));
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
pid_t oci_create(const char *id, struct oci_config *c,
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
	oci_path(id, NULL, dir, sizeof(dir));
	if (mkdir(dir, 0700) < 0) {
		if (errno == EEXIST)
			rep_error("container with id exists: %s", id);
		else
			rep_fail("mkdir(\"%s\")", dir);
		return -1;
	}
	now_rfc3339(created, sizeof(created));
	json_object_set_new(st, "created", json_string(created));
	oci_path(id, "config.json", path, sizeof(path));
	if (json_dump_file(c->json, path, JSON_COMPACT) < 0 ||
	    oci_save_state(id, st) < 0)
		goto out_remove;
	if (o->console_socket) {
		f.console = oci_console_connect(o->console_socket);
		if (f.console < 0)
			goto out_remove;
	}
	/* Every container gets a group: ps, pause and kill --all use it. */
	if (geteuid() == 0 && mc_cg_detect(&host) == 0) {
		snprintf(name, sizeof(name), "oci-%.12s", id);
		json_object_set_new(st, "cgroup", json_string(name));
		if (oci_save_state(id, st) < 0 ||
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
	oci_path(id, "exec.fifo", path, sizeof(path));
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
	if (oci_save_state(id, st) < 0 ||
	    (have_cg && cg_v2_fd(&g) < 0 && cg_enter(&g, pid) < 0) ||
	    (has_ns(c, CLONE_NEWUSER, 1) &&
	     mc_write_maps(pid, &c->uids, &c->gids) < 0))
		goto out_kill;
	state = oci_hook_state(id, st, "creating");
	i = oci_run_hooks(c, OCI_HOOK_PRESTART, state ? state : "{}") < 0 ||
	    oci_run_hooks(c, OCI_HOOK_CREATE_RUNTIME, state ? state : "{}") < 0;
	free(state);
	if (i || write(go[1], "g", 1) != 1)
		goto out_kill;
	close(go[1]);
	go[1] = -1;
	/* 'r': created.  A code, or nothing: it failed and said why. */
	if (read(sync[0], &b, 1) != 1 || b != 'r')
		goto out_kill;
	close(sync[0]);
	if (o->pid_file && oci_write_pid_file(AT_FDCWD, o->pid_file, pid) < 0)
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
	oci_remove(id, st);
	return -1;
}

