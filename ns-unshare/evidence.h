/*
 * evidence.h - what each namespace type isolates, measured before the
 * namespaces are made and again just before the command runs.
 */
#ifndef CTK_EVIDENCE_H
#define CTK_EVIDENCE_H

#include <stdint.h>
#include <sys/types.h>

struct ev_snapshot {
	uint64_t ns[8];			/* nst_types order; 0 if absent */
	char hostname[65];
	int ipc_objects;		/* SysV msg + sem + shm visible */
	double uptime;			/* /proc/uptime, first field */
	char cgroup[512];		/* /proc/self/cgroup */
	pid_t pid;
	uid_t uid;
};

/* Measure the calling process now.  Never fails: missing data is left
 * empty or -1. */
void ev_snapshot(struct ev_snapshot *s);

/*
 * Print, for each namespace type in flags, the identity before and after
 * and one line of what is private now; as JSON (one object on stderr) if
 * json.  before is the original process, after the one about to exec.
 */
void ev_report(int flags, const struct ev_snapshot *before,
	       const struct ev_snapshot *after, int json);

#endif
