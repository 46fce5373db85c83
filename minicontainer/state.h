/*
 * state.h - what minicontainer knows about its containers between
 * commands: one directory per container under /run/minicontainer (for
 * root; $XDG_RUNTIME_DIR/minicontainer or /tmp/minicontainer-UID for
 * others), holding its name, configuration, status, exit code, log, and
 * the list of host resources it made, each written down before it is
 * created, so that `cleanup` can undo a start killed at any step.
 */
#ifndef CTK_STATE_H
#define CTK_STATE_H

#include <limits.h>
#include <stddef.h>
#include <sys/types.h>

#define STATE_NAME_MAX	64

struct mc_state {
	char root[PATH_MAX - 64];	/* the state root */
	char dir[PATH_MAX];		/* root/ID */
	char id[16];			/* 12 hex digits */
	char name[STATE_NAME_MAX + 1];
};

/* Field 22 of /proc/PID/stat: its start time in clock ticks (0 if it
 * is gone), so that a reused PID is not taken for the process. */
unsigned long long state_start_time(pid_t pid);

/* Use dir as the state root (the global --root, as runc's). */
void state_set_root(const char *dir);

/* The state root for this user, made if missing (0700).  0 or -1. */
int state_root(char *buf, size_t size);

/* A name: 1..64 of [A-Za-z0-9_.-], starting with a letter or digit (so
 * no "/", no "..").  0, or -1 with why. */
int state_check_name(const char *name, char *why, size_t size);

/* A new container: a fresh ID, its directory, its name (name NULL: the
 * ID).  A name in use is refused.  0, or -1 with why (or reported). */
int state_create(const char *name, struct mc_state *s, char *why,
		 size_t size);

/* Find a container by name, ID or unique ID prefix.  0, or -1 with why. */
int state_open(const char *ref, struct mc_state *s, char *why, size_t size);

/* Write file (replacing it whole) / read it (trailing newline removed).
 * 0 / length, or -1 (state_write reports; state_read is quiet). */
int state_write(const struct mc_state *s, const char *file,
		const char *fmt, ...) __attribute__((format(printf, 3, 4)));
ssize_t state_read(const struct mc_state *s, const char *file, char *buf,
		   size_t size);

/* Append "kind value" to the resource list and fsync it: call before
 * creating the resource.  0 or -1 (reported). */
int state_record(const struct mc_state *s, const char *kind,
		 const char *value);

/* Each recorded resource, newest first (the order to undo them). */
int state_resources(const struct mc_state *s,
		    int (*cb)(const char *kind, const char *value, void *arg),
		    void *arg);

/* The container runs: record this process as its monitor and init's
 * PID.  0 or -1 (reported). */
int state_set_running(const struct mc_state *s, pid_t init);

/* 1 if the monitor recorded is alive, 0 if not. */
int state_monitor_alive(const struct mc_state *s);

/* Each container, sorted by name; cb returns 0 to go on.  0 or -1. */
int state_list(int (*cb)(const struct mc_state *s, void *arg), void *arg);

/* Remove the container's directory.  0 or -1 (reported). */
int state_remove(const struct mc_state *s);

/* Serialize changes to the state root (names, addresses): an exclusive
 * flock; returns the fd to pass to state_unlock, or -1 (reported). */
int state_lock(void);
void state_unlock(int fd);

#endif
