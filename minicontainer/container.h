/*
 * container.h - a container start, composed from the sibling modules:
 * namespaces (ns-unshare), the root switch (pivot), /dev and the masks
 * (rootfs), then the process's credentials, capabilities and seccomp
 * filter, last of all execve(2).
 */
#ifndef CTK_CONTAINER_H
#define CTK_CONTAINER_H

#include <stdint.h>
#include <sys/resource.h>
#include <seccomp.h>

#include "cgroup.h"
#include "env.h"
#include "idmap.h"
#include "limit.h"
#include "state.h"
#include "timens.h"
#include "user.h"

#define MC_MAX_RLIMITS	16
#define MC_MAX_PORTS	16
#define MC_MAX_MOUNTS	16

/* The bridge every --net bridge container joins, and its subnet. */
#define MC_BRIDGE	"ctk-mc0"
#define MC_SUBNET	"198.19.0.0/16"

enum mc_net { MC_NET_NONE, MC_NET_HOST, MC_NET_BRIDGE };

/* What the container is made of: everything checked before the start. */
struct mc_config {
	const char *rootfs;		/* an existing directory */
	char **argv;			/* the command */
	struct env env;
	const char *hostname;
	const char *workdir;		/* absolute, inside the root */
	struct mc_user user;
	uint64_t caps;			/* bounding, and E/P/I for root */
	int seccomp_default;		/* the precompiled default filter */
	scmp_filter_ctx seccomp;	/* else this one; NULL: unconfined */
	int nrlimits;
	struct {
		int resource;
		struct rlimit lim;
	} rlimits[MC_MAX_RLIMITS];
	int ns_flags;			/* CLONE_NEW* */

	struct mc_state *state;		/* where its resources are noted */
	enum mc_net net;
	uint32_t addr_n;		/* bridge: its address, n-th of subnet */
	int nports;
	struct {
		uint16_t host, ctr;
		int proto;		/* IPPROTO_TCP or IPPROTO_UDP */
	} ports[MC_MAX_PORTS];
	int has_limits;
	struct cg_limits limits;
	struct tns_offsets time;	/* offsets, if set */
	int nvolumes;
	struct {
		const char *src, *dst;	/* host path, path inside */
		int ro;
	} volumes[MC_MAX_MOUNTS];
	int ntmpfs;
	struct {
		const char *dst;	/* path inside */
		char data[48];		/* "mode=1777,size=65536k" */
	} tmpfs[MC_MAX_MOUNTS];
	int read_only;			/* the root mounted read-only */
	int userns;			/* a user namespace: rootless */
	struct ns_idmap uids, gids;	/* its maps, written by the runtime */
	int tty;			/* -t: the command on a fresh pty */
	int interactive;		/* -i: stdin kept open (else /dev/null) */
	int log_fd;			/* -d: the command's stdout/stderr */
	int started_fd;			/* -d: told 's' once the command runs,
					 * or the exit code of a failed start */
	int keep_new_privs;		/* OCI noNewPrivileges false: no
					 * PR_SET_NO_NEW_PRIVS */
	int preserve_fds;		/* OCI --preserve-fds: 3..3+N-1 kept */
};

/* The namespaces of every container: all but user and time. */
#define MC_NS_FLAGS	(CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | \
			 CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWCGROUP)

/*
 * Start the container and wait for it: the exit code as docker gives it
 * (125 for the runtime's own failure, 126/127 when the command cannot be
 * executed or is not found, its status otherwise, 128 + N for signal N).
 * step_counter (shared memory, or NULL) numbers the narration across the
 * processes of the start.
 */
int mc_run(const struct mc_config *c);

/*
 * The command's own steps, in the process that becomes it: stdio (the
 * pty slave, if >= 0), close every other fd, workdir, rlimits, the
 * bounding set, groups and ids, capabilities, no_new_privs, seccomp,
 * execve.  A failure is one reported line, its exit code written to fd
 * (if >= 0), and _exit.  Never returns.
 */
__attribute__((noreturn)) void mc_command(const struct mc_config *c, int fd,
					  int slave);

/* Run c->argv in the running container whose init is init: its
 * cgroup, namespaces, then the command's credentials and filter.  The
 * exit code as mc_run(). */
int mc_exec(const struct mc_config *c, pid_t init);

/* A step of a container's teardown, named for the one line a test
 * sees.  Tests only: MINICONTAINER_TEST_TEARDOWN_KILL_AT=N makes the
 * process tearing down (the runtime, or a detached container's monitor)
 * die by SIGKILL at its Nth step, after "killed at teardown step N
 * (WHAT)" on stderr, so that a test can prove cleanup finishes any
 * teardown cut short. */
void mc_teardown_step(const char *what);

/* Undo every host resource the container's state records (its cgroup,
 * its NAT rules, a link left behind), newest first.  0 or -1. */
int mc_release(const struct mc_state *s);

/* Write pid's gid_map and uid_map (setgroups denied when not root).
 * 0 or -1 (reported). */
int mc_write_maps(pid_t pid, const struct ns_idmap *uids,
		  const struct ns_idmap *gids);

/* cg_detect() without its line of evidence.  0 or -1. */
int mc_cg_detect(struct cg_host *h);

/* The hierarchies a group lives in: v2's base, or each v1 mount (at
 * most CG1_COUNT).  Their number. */
int mc_cg_roots(const struct cg_host *h, const char **roots);

/* Remove group name in every hierarchy it exists in, half-made or not:
 * its processes killed, the directories removed. */
void mc_remove_group(const struct cg_host *h, const char *name);

/* Remove the shared bridge and its rule if no container uses it. */
void mc_bridge_gc(void);

/* The exit codes of docker run. */
#define MC_EXIT_RUNTIME	125
#define MC_EXIT_NOEXEC	126
#define MC_EXIT_NOTFOUND	127

#endif
