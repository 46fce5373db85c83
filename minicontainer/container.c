/*
 * container.c - everything a runtime does to start a container, in the
 * order the kernel sees it.  Three processes take part:
 *
 *   the runtime      stays on the host, passes signals on, waits, and
 *                    turns the container's end into an exit code;
 *   init (PID 1)     made by clone3 in new namespaces; builds the
 *                    container's filesystem, switches root, then stays
 *                    as PID 1 (init.c);
 *   the command      forked by init; drops to the container's
 *                    credentials (user, capabilities, no_new_privs,
 *                    seccomp: the order matters, see below) and execs.
 *
 * A pipe tells the runtime how the start went: the command's end is
 * close-on-exec, so end-of-file means execve(2) succeeded, and a byte
 * means the start failed with that exit code.
 * Man pages: clone3(2), namespaces(7), pivot_root(2), capabilities(7),
 * prctl(2) PR_SET_NO_NEW_PRIVS, seccomp(2), close_range(2).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/capability.h>
#include <linux/close_range.h>

#include "caps.h"
#include "cli.h"
#include "container.h"
#include "init.h"
#include "limit.h"
#include "nat.h"
#include "netns.h"
#include "ns.h"
#include "pivot.h"
#include "report.h"
#include "rootfs.h"
#include "seccomp-default.h"
#include "seccomp-filter.h"
#include "trace.h"
#include "tty.h"

extern char **environ;

/* Tell the runtime the start failed with code, and end this process. */
static __attribute__((noreturn)) void fail(int fd, int code)
{
	unsigned char c = (unsigned char)code;

	if (fd >= 0 && write(fd, &c, 1) < 0) {
		/* The runtime is gone: nobody to tell. */
	}
	_exit(code);
}

/*
 * The container's filesystem, in the new mount namespace: private
 * propagation and the new root as a mount point (pivot_prepare), then
 * /proc, /dev, /sys and the masks inside it, and only then the switch,
 * so that every mount above is carried into the new root.
 */
static int build_root(const struct mc_config *c)
{
	int i;

	if (pivot_prepare(c->rootfs, NS_PROP_PRIVATE) < 0)
		return -1;
	if (rootfs_check_mount_points() < 0 || pivot_mount_proc() < 0 ||
	    rootfs_mount_dev() < 0 || rootfs_mount_sys() < 0)
		return -1;
	/* --ipc host: POSIX shared memory is the host's too, as docker. */
	if (!(c->ns_flags & CLONE_NEWIPC) &&
	    rootfs_bind("/dev/shm", "/dev/shm", 0) < 0)
		return -1;
	for (i = 0; i < c->nvolumes; i++)
		if (rootfs_bind(c->volumes[i].src, c->volumes[i].dst,
				c->volumes[i].ro) < 0)
			return -1;
	for (i = 0; i < c->ntmpfs; i++)
		if (rootfs_tmpfs(c->tmpfs[i].dst, c->tmpfs[i].data) < 0)
			return -1;
	/* Masks last, so no volume can be mounted over one. */
	if (rootfs_mask(rootfs_masked_paths) < 0 ||
	    rootfs_readonly(rootfs_readonly_paths) < 0 ||
	    (c->read_only && rootfs_root_readonly() < 0) ||
	    pivot_switch() < 0 || pivot_detach() < 0)
		return -1;
	return 0;
}

/* The working directory, inside the root or not at all. */
static int enter_workdir(const char *dir)
{
	char cwd[PATH_MAX];

	if (chdir(dir) < 0)
		return rep_fail("chdir(\"%s\")", dir);
	/*
	 * CVE-2024-21626: a working directory reached through a file
	 * descriptor leaked from the host (/proc/self/fd/N) lies outside
	 * the root; getcwd(2) then has no path for it.
	 */
	if (!getcwd(cwd, sizeof(cwd)) || cwd[0] != '/') {
		rep_error("workdir %s is outside the container's root", dir);
		errno = EACCES;
		return -1;
	}
	rep_step(0, "the working directory", "chdir(\"%s\")", dir);
	return 0;
}

/* setrlimit(2) for each --ulimit. */
static int set_rlimits(const struct mc_config *c)
{
	int i;

	for (i = 0; i < c->nrlimits; i++) {
		if (setrlimit(c->rlimits[i].resource, &c->rlimits[i].lim) < 0)
			return rep_fail("setrlimit(%d)", c->rlimits[i].resource);
		rep_step(0, NULL, "setrlimit(%d, {%llu, %llu})",
			 c->rlimits[i].resource,
			 (unsigned long long)c->rlimits[i].lim.rlim_cur,
			 (unsigned long long)c->rlimits[i].lim.rlim_max);
	}
	return 0;
}

/*
 * Who the command is.  The order is forced by the kernel: the bounding
 * set can only shrink while CAP_SETPCAP is held, so first; the groups
 * and ids next, while CAP_SETGID and CAP_SETUID are held (a change of
 * uid from 0 clears the permitted and effective sets); the remaining
 * capability sets after that; no_new_privs before seccomp, because
 * without CAP_SYS_ADMIN a filter may only be loaded under it.
 */
static int drop_privileges(const struct mc_config *c)
{
	const struct mc_user *u = &c->user;

	if (set_rlimits(c) < 0 || caps_drop_bounding(c->caps) < 0)
		return -1;
	/* In a rootless container setgroups(2) is denied for good (so
	 * that gid_map could be written); there are no groups to drop. */
	if (!c->userns && setgroups((size_t)u->ngroups, u->groups) < 0)
		return rep_fail("setgroups(%d)", u->ngroups);
	if (setresgid(u->gid, u->gid, u->gid) < 0)
		return rep_fail("setresgid(%u)", u->gid);
	if (setresuid(u->uid, u->uid, u->uid) < 0)
		return rep_fail("setresuid(%u)", u->uid);
	rep_step(0, "the command's user and groups", "setgroups(%d); "
		 "setresgid(%u); setresuid(%u)", u->ngroups, u->gid, u->uid);
	/* Root keeps the container's set; anyone else keeps none. */
	if (caps_set(u->uid == 0 ? c->caps : 0) < 0)
		return -1;
	if (c->keep_new_privs)
		return 0;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return rep_fail("prctl(PR_SET_NO_NEW_PRIVS, 1)");
	rep_step(0, "no execve can raise privileges again (setuid bits, "
		 "file capabilities are ignored)",
		 "prctl(PR_SET_NO_NEW_PRIVS, 1)");
	return 0;
}

static int apply_seccomp(const struct mc_config *c)
{
	if ((c->seccomp_default && sc_apply_default() < 0) ||
	    (c->seccomp && sc_apply(c->seccomp) < 0))
		return -1;
	return 0;
}

/* The command process: credentials, then execve.  Never returns. */
void mc_command(const struct mc_config *c, int fd, int slave)
{
	sigset_t none;
	unsigned first;
	int code, null;

	/* Back to ordinary signal handling for the command: nothing
	 * blocked, and every signal at its default, as runc and crun give
	 * it.  An ignored signal stays ignored across execve(2), and a
	 * shell cannot trap one it was started with ignored: a runtime
	 * started as a script's background job (SIGINT and SIGQUIT
	 * ignored) would otherwise pass that on to the container. */
	for (code = 1; code < NSIG; code++)
		if (code != SIGKILL && code != SIGSTOP)
			signal(code, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);

	/* -t: the pty is its terminal, stdin, stdout and stderr; first,
	 * before the descriptors above 2 are closed. */
	if (slave >= 0 && tty_become_controlling(slave) < 0)
		fail(fd, MC_EXIT_RUNTIME);
	/* Without -i (docker's rule) there is nothing to read. */
	if (slave < 0 && !c->interactive) {
		null = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (null < 0 || dup2(null, 0) < 0)
			fail(fd, MC_EXIT_RUNTIME);
		close(null);
	}
	/*
	 * Only 0, 1, 2 and the status pipe may cross into the container; a
	 * directory fd of the host's would be a way out of the root.  The
	 * pipe goes to fd 3, close-on-exec, and everything above is closed.
	 * (OCI: no pipe, and --preserve-fds N keeps 3 .. 3+N-1.)
	 */
	if (fd >= 0 && fd != 3) {
		if (dup3(fd, 3, O_CLOEXEC) < 0)
			fail(fd, MC_EXIT_RUNTIME);
		fd = 3;
	}
	first = (unsigned)(fd >= 0 ? 4 : 3 + c->preserve_fds);
	if (syscall(SYS_close_range, first, ~0U, 0) < 0)
		fail(fd, MC_EXIT_RUNTIME);
	rep_step(0, "no file descriptor of the runtime's reaches the command",
		 "close_range(%u, ~0U, 0)", first);
	if (enter_workdir(c->workdir) < 0)
		fail(fd, MC_EXIT_RUNTIME);
	/*
	 * The filter last, so it need not allow what the steps above use;
	 * but without no_new_privs only CAP_SYS_ADMIN may load one, so
	 * then it goes first, while the capability is still held.
	 */
	if ((c->keep_new_privs && apply_seccomp(c) < 0) ||
	    drop_privileges(c) < 0 ||
	    (!c->keep_new_privs && apply_seccomp(c) < 0))
		fail(fd, MC_EXIT_RUNTIME);
	environ = (char **)c->env.v;
	rep_step(0, "the command replaces the runtime in this process",
		 "execvp(\"%s\")", c->argv[0]);
	fflush(NULL);
	execvp(c->argv[0], c->argv);
	code = cli_exec_failure_code(errno);
	rep_fail("execvp(\"%s\")", c->argv[0]);
	fail(fd, code);
}

/* A time namespace for the command, with the offsets: unshare(2) makes
 * it for the caller's children, and the offsets can be written only
 * until one of them exists (time_namespaces(7)). */
static int time_ns(const struct mc_config *c)
{
	if (!c->time.monotonic.set && !c->time.boottime.set)
		return 0;
	if (ns_unshare(CLONE_NEWTIME) < 0 || tns_write_offsets(&c->time) < 0)
		return -1;
	return 0;
}

/*
 * On a cgroup v2 host, the container's own view of the hierarchy at
 * /sys/fs/cgroup, read-only: mounted from inside the cgroup namespace,
 * its root is the container's group, and nothing above it shows.
 */
static int mount_cgroup2(void)
{
	struct statfs sf;

	if (statfs("/sys/fs/cgroup", &sf) < 0 || access("/proc/self/cgroup",
							R_OK) < 0)
		return 0;
	if (mount("cgroup2", "/sys/fs/cgroup", "cgroup2", MS_RDONLY |
		  MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0) {
		/* No v2 hierarchy here, or not ours to mount (rootless). */
		if (errno == ENOENT || errno == EBUSY || errno == EINVAL ||
		    errno == EPERM)
			return 0;
		return rep_fail("mount(\"cgroup2\", \"/sys/fs/cgroup\", "
				"\"cgroup2\", MS_RDONLY)");
	}
	rep_step(0, "the container's own cgroup tree, read-only",
		 "mount(\"cgroup2\", \"/sys/fs/cgroup\", \"cgroup2\", "
		 "MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL)");
	return 0;
}

/* PID 1: build the root, start the command, be its init. */
static __attribute__((noreturn)) void container_init(
	const struct mc_config *c, int fd, int go, int sock)
{
	int master, slave = -1, mark, code;
	sigset_t all;
	pid_t pid;
	char b;

	/* If the runtime dies, so does the container. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	/* In a user namespace nothing works as root until the runtime has
	 * written the maps: wait for its word first. */
	if (c->userns && (read(go, &b, 1) != 1 || (setresgid(0, 0, 0) < 0 ||
						    setresuid(0, 0, 0) < 0)))
		_exit(MC_EXIT_RUNTIME);
	/* --uts host: the hostname is the host's, never set from here. */
	if (build_root(c) < 0 || ((c->ns_flags & CLONE_NEWUTS) &&
				  ns_set_hostname(c->hostname) < 0) ||
	    (c->net != MC_NET_HOST && nv_link_up("lo") < 0) || time_ns(c) < 0)
		fail(fd, MC_EXIT_RUNTIME);
	/*
	 * -t: a pty from the container's own devpts; the runtime gets the
	 * master over the socket, the command will have the slave.
	 */
	if (sock >= 0) {
		if (tty_open_pair("/dev/ptmx", &master, &slave) < 0 ||
		    fchown(slave, c->user.uid, c->user.gid) < 0 ||
		    tty_send_fd(sock, master) < 0)
			fail(fd, MC_EXIT_RUNTIME);
		close(master);
		close(sock);
	}
	/*
	 * The runtime wires the network and the cgroup from outside while
	 * the root is built; the command starts only once it says so.  No
	 * byte: it gave up, and has said why.
	 */
	if (!c->userns && read(go, &b, 1) != 1)
		_exit(MC_EXIT_RUNTIME);
	close(go);
	/* Now inside its cgroup: a cgroup namespace rooted there. */
	if (c->has_limits && (c->ns_flags & CLONE_NEWCGROUP) &&
	    ns_unshare(CLONE_NEWCGROUP) < 0)
		fail(fd, MC_EXIT_RUNTIME);
	/* A container with a group of its own sees it at /sys/fs/cgroup. */
	if (c->has_limits && mount_cgroup2() < 0)
		fail(fd, MC_EXIT_RUNTIME);
	/* Detached: the command writes to the log, reads nothing. */
	if (c->log_fd >= 0) {
		int null = open("/dev/null", O_RDONLY | O_CLOEXEC);

		if (null < 0 || dup2(null, 0) < 0 || dup2(c->log_fd, 1) < 0 ||
		    dup2(c->log_fd, 2) < 0)
			fail(fd, MC_EXIT_RUNTIME);
		close(null);
	}
	/*
	 * --pid host: this init is not PID 1, so orphans would go to the
	 * host's init and nothing ends with it.  As a child subreaper it
	 * adopts them (prctl(2) PR_SET_CHILD_SUBREAPER), and kills those
	 * left when the command ends (init_end_orphans).
	 */
	if (!(c->ns_flags & CLONE_NEWPID)) {
		if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0) {
			rep_fail("prctl(PR_SET_CHILD_SUBREAPER, 1)");
			fail(fd, MC_EXIT_RUNTIME);
		}
		rep_step(0, "not PID 1 (--pid host): the container's orphans "
			 "are still this init's", "prctl(PR_SET_CHILD_SUBREAPER, "
			 "1)");
	}
	/* Blocked before the fork: no signal is lost in between. */
	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	fflush(NULL);
	mark = rep_steps_taken();
	pid = fork();
	if (pid < 0) {
		rep_fail("fork()");
		fail(fd, MC_EXIT_RUNTIME);
	}
	if (pid == 0) {
		/* --pid host: no namespace ends the command with init; this
		 * signal does. */
		if (!(c->ns_flags & CLONE_NEWPID))
			prctl(PR_SET_PDEATHSIG, SIGKILL);
		rep_await_steps(mark + 1);	/* the fork is narrated first */
		mc_command(c, fd, slave);
	}
	if (slave >= 0)
		close(slave);
	rep_step(pid, "the command is PID 2; this init stays PID 1 and keeps "
		 "only CAP_KILL, to pass signals on", "fork()");
	close(fd);
	/* Not narrated: the lines would interleave with the command's. */
	if (rep_level > REP_EVIDENCE)
		rep_level = REP_EVIDENCE;
	if (caps_drop_bounding(1ULL << CAP_KILL) < 0 ||
	    caps_set(1ULL << CAP_KILL) < 0)
		kill(pid, SIGKILL);
	code = init_run(pid);
	/* In a PID namespace of its own the kernel kills the rest. */
	if (!(c->ns_flags & CLONE_NEWPID))
		init_end_orphans();
	_exit(code);
}

/* --- the runtime's side --- */

static volatile pid_t container_pid;

/* Pass a signal sent to the runtime on to the container's init; one
 * from the terminal reached the container's processes already. */
static void forward(int sig, siginfo_t *si, void *ctx)
{
	(void)ctx;
	if (container_pid > 0 && si->si_code != SI_KERNEL)
		kill(container_pid, sig);
}

static void forward_signals(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT,
				    SIGUSR1, SIGUSR2, SIGWINCH };
	struct sigaction sa = { .sa_sigaction = forward,
				.sa_flags = SA_SIGINFO | SA_RESTART };
	size_t i;

	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
}

/* --- the host's side: cgroup, network, and what to undo --- */

/* The link name of a container's host end: ctk- and 11 ID digits. */
static void host_link(const struct mc_state *st, char *buf, size_t size)
{
	snprintf(buf, size, NV_PREFIX "%.11s", st->id);
}

/* The host numbers of the bridge's subnet taken, one bit each (a /16:
 * the bridge itself holds at most 1024 ports). */
struct addr_scan {
	const char *self;
	unsigned char used[65536 / 8];
};

static int addr_cb(const struct mc_state *st, void *arg)
{
	struct addr_scan *a = arg;
	char buf[16];
	int n;

	if (strcmp(st->id, a->self) &&
	    state_read(st, "addr", buf, sizeof(buf)) > 0) {
		n = atoi(buf);
		if (n > 0 && n < 65536)
			a->used[n / 8] |= (unsigned char)(1u << (n % 8));
	}
	return 0;
}

/*
 * --net bridge: the shared bridge (made, with a masquerade rule for its
 * subnet, by the first container), a free address, and a veth whose
 * container end is created straight in the container's network
 * namespace (IFLA_NET_NS_FD of /proc/PID/ns/net): netns-veth's nv_wire.
 */
static int wire_bridge(const struct mc_config *c, pid_t pid)
{
	struct addr_scan a = { c->state->id, { 0 } };
	char link[IFNAMSIZ + 8], path[64], why[128];
	struct nv_subnet sn;
	int lock, nsfd, ret = -1;
	uint32_t n, last;

	if (nv_parse_subnet(MC_SUBNET, &sn, why, sizeof(why)) < 0) {
		rep_error("%s", why);
		return -1;
	}
	lock = state_lock();
	if (lock < 0)
		return -1;
	if (!if_nametoindex(MC_BRIDGE) &&
	    (nv_bridge_add(MC_BRIDGE, &sn) < 0 ||
	     nat_masquerade(MC_BRIDGE, sn.net, sn.prefix, MC_BRIDGE) < 0))
		goto out_unlock;
	state_list(addr_cb, &a);
	/* .1 is the bridge's; the last is the broadcast address. */
	last = (1u << (32 - sn.prefix)) - 1;
	for (n = 2; n < last && (a.used[n / 8] & (1u << (n % 8))); n++)
		;
	if (n >= last) {
		rep_error("no free address left in " MC_SUBNET);
		goto out_unlock;
	}
	host_link(c->state, link, sizeof(link));
	if (state_write(c->state, "addr", "%u", n) < 0 ||
	    state_record(c->state, "link", link) < 0)
		goto out_unlock;
	snprintf(path, sizeof(path), "/proc/%d/ns/net", pid);
	nsfd = open(path, O_RDONLY | O_CLOEXEC);
	if (nsfd < 0) {
		rep_fail("open(\"%s\")", path);
		goto out_unlock;
	}
	ret = nv_wire(link, nsfd, &sn, n, MC_BRIDGE);
	close(nsfd);
	if (ret == 0)
		rep_evidence("container %s: eth0 %u.%u.%u.%u/%d on " MC_BRIDGE,
			     c->state->name, nv_addr4(&sn, n) >> 24,
			     (nv_addr4(&sn, n) >> 16) & 255,
			     (nv_addr4(&sn, n) >> 8) & 255,
			     nv_addr4(&sn, n) & 255, sn.prefix);
out_unlock:
	state_unlock(lock);
	return ret;
}

/* -p: DNAT rules owned by the container's link name. */
static int publish_ports(const struct mc_config *c)
{
	char owner[IFNAMSIZ + 8], buf[16], why[128];
	struct nv_subnet sn;
	int i;

	if (!c->nports)
		return 0;
	nv_parse_subnet(MC_SUBNET, &sn, why, sizeof(why));
	if (state_read(c->state, "addr", buf, sizeof(buf)) <= 0)
		return -1;
	host_link(c->state, owner, sizeof(owner));
	if (state_record(c->state, "nat", owner) < 0)
		return -1;
	for (i = 0; i < c->nports; i++)
		if (nat_publish(owner, c->ports[i].proto, c->ports[i].host,
				nv_addr4(&sn, (uint32_t)atoi(buf)),
				c->ports[i].ctr) < 0)
			return -1;
	return 0;
}

/* Remove group name wherever it exists, even half made (a start killed
 * between the v1 hierarchies): its processes killed, then rmdir. */
int mc_cg_detect(struct cg_host *h)
{
	int level = rep_level, ret;

	/* Which hierarchy this host has is news at a start, not when a
	 * group is found again to be entered or undone. */
	rep_level = REP_QUIET;
	ret = cg_detect(h);
	rep_level = level;
	return ret;
}

int mc_cg_roots(const struct cg_host *h, const char **roots)
{
	int i, n = 0;

	if (h->mode == CG_V2)
		roots[n++] = h->base;
	else
		for (i = 0; i < CG1_COUNT; i++)
			if (h->v1[i][0])
				roots[n++] = h->v1[i];
	return n;
}

void mc_remove_group(const struct cg_host *h, const char *name)
{
	char dir[PATH_MAX], procs[PATH_MAX + 16], line[32];
	const char *roots[CG1_COUNT + 1];
	int i, n = mc_cg_roots(h, roots), tries;
	FILE *f;

	for (i = 0; i < n; i++) {
		snprintf(dir, sizeof(dir), "%s/" CG_SUBTREE "/%s", roots[i],
			 name);
		snprintf(procs, sizeof(procs), "%s/cgroup.procs", dir);
		for (tries = 0; tries < 50 && rmdir(dir) < 0 &&
		     errno == EBUSY; tries++) {
			f = fopen(procs, "re");
			while (f && fgets(line, sizeof(line), f))
				kill((pid_t)atoi(line), SIGKILL);
			if (f)
				fclose(f);
			usleep(10000);
		}
	}
}

void mc_teardown_step(const char *what)
{
	static int n, at = -1;
	const char *env;

	if (at < 0) {
		env = getenv("MINICONTAINER_TEST_TEARDOWN_KILL_AT");
		at = env ? atoi(env) : 0;
	}
	if (at <= 0 || ++n != at)
		return;
	fprintf(stderr, "minicontainer: killed at teardown step %d (%s)\n",
		n, what);
	fflush(stderr);
	raise(SIGKILL);
}

static int release_cb(const char *kind, const char *value, void *arg)
{
	struct cg_host h;
	struct cg_group g;

	(void)arg;
	mc_teardown_step(kind);
	if (!strcmp(kind, "cgroup")) {
		if (mc_cg_detect(&h) < 0)
			return 0;
		if (cg_open(&g, &h, value) == 0) {
			cg_kill(&g);
			cg_destroy(&g);
		}
		mc_remove_group(&h, value);
	} else if (!strcmp(kind, "link")) {
		if (if_nametoindex(value))
			nv_link_del(value);
	} else if (!strcmp(kind, "nat")) {
		nat_remove(value);
	}
	return 0;
}

static int bridge_user(const struct mc_state *st, void *arg)
{
	char buf[16];

	(void)arg;
	return state_read(st, "addr", buf, sizeof(buf)) > 0;
}

void mc_bridge_gc(void)
{
	int lock;

	/* The last container off the bridge takes it, and its rule. */
	if (!if_nametoindex(MC_BRIDGE))
		return;
	lock = state_lock();
	if (lock >= 0 && state_list(bridge_user, NULL) == 0) {
		nat_remove(MC_BRIDGE);
		nv_link_del(MC_BRIDGE);
	}
	state_unlock(lock);
}

int mc_release(const struct mc_state *s)
{
	char path[PATH_MAX + 16];

	state_resources(s, release_cb, NULL);
	mc_teardown_step("the resources record");
	snprintf(path, sizeof(path), "%s/resources", s->dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/addr", s->dir);
	/* Only a container that was on the bridge can be its last. */
	if (unlink(path) == 0) {
		mc_teardown_step("the bridge");
		mc_bridge_gc();
	}
	return 0;
}

/* The user namespace's maps, from outside (user_namespaces(7)). */
int mc_write_maps(pid_t pid, const struct ns_idmap *uids,
		  const struct ns_idmap *gids)
{
	char path[32];
	int procfd, ret;

	snprintf(path, sizeof(path), "/proc/%d", pid);
	procfd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (procfd < 0)
		return rep_fail("open(\"%s\")", path);
	ret = ns_idmap_write(procfd, pid, uids, gids,
			     geteuid() ? NS_SETGROUPS_DENY :
			     NS_SETGROUPS_DEFAULT);
	close(procfd);
	return ret;
}

/* stdin from /dev/null, stdout and stderr to log. */
static void detach_stdio(int log)
{
	int null = open("/dev/null", O_RDONLY | O_CLOEXEC);

	if (null >= 0) {
		dup2(null, 0);
		close(null);
	}
	dup2(log, 1);
	dup2(log, 2);
}
/* Tell init to go on: 1 when written, or when init already gave up (the
 * pipe is broken: its own failure comes through the other pipe), without
 * dying of SIGPIPE meanwhile. */
static int write_go(int fd)
{
	struct sigaction ign = { .sa_handler = SIG_IGN }, old;
	ssize_t n;

	sigaction(SIGPIPE, &ign, &old);
	n = write(fd, "g", 1);
	if (n < 0 && errno == EPIPE)
		n = 1;
	sigaction(SIGPIPE, &old, NULL);
	return n == 1;
}


/* Once the container has ended, what its limits refused it, one line
 * each: processes the OOM killer took, forks refused at the pids limit
 * (the cgroup's memory.events/oom_control and pids.events). */
static void report_limits_hit(const struct mc_config *c, struct cg_group *g)
{
	struct cg_sample s;
	char size[32];

	memset(&s, 0, sizeof(s));
	if (cg_sample(g, &s) < 0)
		return;
	if (s.oom_kills > 0 && c->limits.memory)
		rep_error("the memory limit (%s) was reached: the OOM killer "
			  "killed %lld process%s", cg_fmt_size(c->limits.memory,
			  size, sizeof(size)), s.oom_kills,
			  s.oom_kills == 1 ? "" : "es");
	if (s.pids_refused > 0 && c->limits.pids)
		rep_error("the pids limit (%llu) was reached: %lld fork%s "
			  "refused", (unsigned long long)c->limits.pids,
			  s.pids_refused, s.pids_refused == 1 ? " was" :
			  "s were");
}

int mc_run(const struct mc_config *c)
{
	struct cg_group g = { 0 };
	struct tty_saved saved = { .fd = -1 };
	unsigned char code = 0;
	int p[2], go[2], sp[2] = { -1, -1 }, master = -1, status, have_cg = 0;
	int flags = c->ns_flags;
	struct cg_host host;
	char cgname[32];
	ssize_t n;
	pid_t pid;

	if (c->has_limits) {
		/* Written down first: a crash between the two leaves a note,
		 * not an unknown group. */
		snprintf(cgname, sizeof(cgname), "mc-%s", c->state->id);
		if (state_record(c->state, "cgroup", cgname) < 0 ||
		    cg_detect(&host) < 0 ||
		    cg_create(&g, &host, cgname, &c->limits) < 0)
			goto out_release;
		have_cg = 1;
		if (cg_apply(&g, &c->limits) < 0)
			goto out_release;
		/* init unshares it once inside the group: rooted there. */
		flags &= ~CLONE_NEWCGROUP;
	}
	if (pipe2(p, O_CLOEXEC) < 0) {
		rep_fail("pipe2()");
		goto out_release;
	}
	if (pipe2(go, O_CLOEXEC) < 0) {
		rep_fail("pipe2()");
		goto out_close_p;
	}
	if (c->tty && socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0,
				 sp) < 0) {
		rep_fail("socketpair(AF_UNIX)");
		goto out_close_go;
	}
	pid = ns_clone(flags, have_cg ? cg_v2_fd(&g) : -1);
	if (pid < 0)
		goto out_close_go;
	if (pid == 0) {
		close(p[0]);
		close(go[1]);
		if (sp[0] >= 0)
			close(sp[0]);
		container_init(c, p[1], go[0], sp[1]);
	}
	container_pid = pid;
	forward_signals();
	close(p[1]);
	close(go[0]);
	p[1] = go[0] = -1;
	if (state_set_running(c->state, pid) < 0 ||
	    (c->userns && mc_write_maps(pid, &c->uids, &c->gids) < 0) ||
	    (have_cg && cg_v2_fd(&g) < 0 && cg_enter(&g, pid) < 0) ||
	    (c->net == MC_NET_BRIDGE &&
	     (wire_bridge(c, pid) < 0 || publish_ports(c) < 0))) {
		/* init reads end-of-file instead of a go, and gives up. */
		close(go[1]);
		go[1] = -1;
		kill(pid, SIGKILL);
	} else if (!write_go(go[1])) {
		rep_fail("write(go pipe)");
		kill(pid, SIGKILL);
	}
	if (go[1] >= 0)
		close(go[1]);
	if (sp[0] >= 0) {
		close(sp[1]);
		master = tty_recv_fd(sp[0]);
		close(sp[0]);
	}
	/* End-of-file: the command is running.  A byte: the start failed. */
	do
		n = read(p[0], &code, 1);
	while (n < 0 && errno == EINTR);
	if (n == 0)
		trace_event("start done: the command's execve succeeded");
	close(p[0]);
	if (master >= 0) {
		/* Raw only now: the start's narration printed normally. */
		if (n == 0 && c->interactive)
			tty_raw(0, &saved);
		tty_relay(master, c->interactive ? 0 : -1, 1, &saved);
		close(master);
	}
	if (c->started_fd >= 0) {
		unsigned char b = n == 0 ? 's' : n == 1 ? code :
				  MC_EXIT_RUNTIME;

		if (write(c->started_fd, &b, 1) != 1) {
			/* Whoever started us is gone: nothing to tell. */
		}
		close(c->started_fd);
		/* The monitor lets go of the terminal (or the caller's pipe):
		 * what it says from now on goes to the log. */
		detach_stdio(c->log_fd);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			rep_fail("waitpid(%d)", pid);
			break;
		}
	if (n == 0)
		code = (unsigned char)cli_exit_status(status);
	else if (n < 0)
		code = MC_EXIT_RUNTIME;
	if (have_cg)
		report_limits_hit(c, &g);
	state_write(c->state, "exit", "%d", code);
	mc_release(c->state);
	return code;
out_close_go:
	close(go[0]);
	close(go[1]);
out_close_p:
	close(p[0]);
	close(p[1]);
out_release:
	state_write(c->state, "exit", "%d", MC_EXIT_RUNTIME);
	mc_release(c->state);
	return MC_EXIT_RUNTIME;
}

/* --- exec: a second process in a running container --- */

/*
 * The same road as the command, from the outside: into the container's
 * cgroup, then into its namespaces with one setns(2) on a pidfd of its
 * init (the caller's root and working directory become the container's
 * root), a fork to be inside the PID namespace, and the command's own
 * steps (credentials, no_new_privs, seccomp) before execve.
 */
int mc_exec(const struct mc_config *c, pid_t init)
{
	int flags = CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET |
		    CLONE_NEWPID | CLONE_NEWCGROUP;
	struct tty_saved saved = { .fd = -1 };
	int pidfd, timefd = -1, p[2], sp[2] = { -1, -1 }, master = -1;
	unsigned char code = 0;
	char path[64], names[256];
	struct cg_host h;
	struct cg_group g;
	int status;
	ssize_t n;
	pid_t pid;

	pidfd = (int)syscall(SYS_pidfd_open, init, 0);
	if (pidfd < 0) {
		rep_fail("pidfd_open(%d)", init);
		return MC_EXIT_RUNTIME;
	}
	/* The time namespace is the one init made for its children. */
	snprintf(path, sizeof(path), "/proc/%d/ns/time_for_children", init);
	timefd = open(path, O_RDONLY | O_CLOEXEC);
	if (c->has_limits) {
		snprintf(path, sizeof(path), "mc-%s", c->state->id);
		if (mc_cg_detect(&h) < 0 || cg_open(&g, &h, path) < 0 ||
		    cg_enter(&g, getpid()) < 0)
			goto out_fail;
	}
	if (setns(pidfd, flags) < 0) {
		rep_fail("setns(pidfd of %d, %s)", init,
			 ns_flags_str(flags, names, sizeof(names)));
		goto out_fail;
	}
	rep_step(0, "this process is in the container's namespaces (PID: "
		 "its children)", "setns(pidfd of %d, %s)", init,
		 ns_flags_str(flags, names, sizeof(names)));
	if (timefd >= 0 && setns(timefd, CLONE_NEWTIME) < 0) {
		rep_fail("setns(time_for_children, CLONE_NEWTIME)");
		goto out_fail;
	}
	if (pipe2(p, O_CLOEXEC) < 0 || (c->tty &&
	    socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) < 0)) {
		rep_fail("pipe2()");
		goto out_fail;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		rep_fail("fork()");
		goto out_fail;
	}
	if (pid == 0) {
		int slave = -1;

		close(p[0]);
		if (c->tty) {
			close(sp[0]);
			if (tty_open_pair("/dev/ptmx", &master, &slave) < 0 ||
			    fchown(slave, c->user.uid, c->user.gid) < 0 ||
			    tty_send_fd(sp[1], master) < 0)
				fail(p[1], MC_EXIT_RUNTIME);
			close(master);
			close(sp[1]);
		}
		mc_command(c, p[1], slave);
	}
	close(p[1]);
	if (c->tty) {
		close(sp[1]);
		master = tty_recv_fd(sp[0]);
		close(sp[0]);
	}
	do
		n = read(p[0], &code, 1);
	while (n < 0 && errno == EINTR);
	close(p[0]);
	if (master >= 0) {
		if (n == 0 && c->interactive)
			tty_raw(0, &saved);
		tty_relay(master, c->interactive ? 0 : -1, 1, &saved);
		close(master);
	}
	container_pid = pid;
	forward_signals();
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return MC_EXIT_RUNTIME;
	close(pidfd);
	if (n == 1)
		return code;
	return n == 0 ? cli_exit_status(status) : MC_EXIT_RUNTIME;
out_fail:
	close(pidfd);
	if (timefd >= 0)
		close(timefd);
	return MC_EXIT_RUNTIME;
}
