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

#include "env.h"
#include "user.h"

#define MC_MAX_RLIMITS	16

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

/* The exit codes of docker run. */
#define MC_EXIT_RUNTIME	125
#define MC_EXIT_NOEXEC	126
#define MC_EXIT_NOTFOUND	127

#endif
