/*
 * oci-runtime.h - what the OCI face's files share: the state
 * (oci-state.c), create (oci-create.c) and the CLI (oci.c).
 */
#ifndef CTK_OCI_RUNTIME_H
#define CTK_OCI_RUNTIME_H

#include <limits.h>
#include <sys/types.h>
#include <jansson.h>

#include "cgroup.h"
#include "container.h"
#include "oci-config.h"

#define OCI_EXIT	1	/* runc's code for its own errors */

/* The state root (--root); see oci_root_dir(). */
extern char oci_root[PATH_MAX - 512];

/* What create needs beyond the config: the command line's options. */
struct oci_create_opts {
	const char *bundle, *pid_file, *console_socket;
	int preserve_fds;
};

/* The state root, unless --root gave one: /run/minicontainer-oci, or
 * $XDG_RUNTIME_DIR/minicontainer-oci when not root.  Makes nothing. */
void oci_root_default(void);

/* The state root, made (0700) if missing.  0 or -1 (reported). */
int oci_root_dir(void);

/* ROOT/ID[/file] into buf. */
void oci_path(const char *id, const char *file, char *buf, size_t size);

/* ROOT/ID/state.json, or NULL after "container ID does not exist". */
json_t *oci_load_state(const char *id);
int oci_save_state(const char *id, json_t *st);

pid_t oci_state_pid(json_t *st);

/* Is the container's process the one we started, and not a zombie? */
int oci_alive(json_t *st);

/* Its cgroup (cg_close() it).  0, or -1 if it has none. */
int oci_open_group(json_t *st, struct cg_host *h, struct cg_group *g);

/* creating, created, running, paused or stopped. */
const char *oci_status(const char *id, json_t *st);

/* runtime-spec's state object; status NULL: the current one. */
json_t *oci_spec_state(const char *id, json_t *st, const char *status);

/* The same as text for hooks (free() it), NULL on failure. */
char *oci_hook_state(const char *id, json_t *st, const char *status);

/* Run the hooks of one kind, state on stdin.  0, or -1 (reported). */
int oci_run_hooks(const struct oci_config *c, enum oci_hook_kind kind,
		  const char *state);

/* create: the process waiting on the fifo.  Its pid, or -1 after one
 * line with nothing left behind. */
pid_t oci_create(const char *id, struct oci_config *c,
		 const struct oci_create_opts *o, json_t *st);

/* Remove a container's cgroup and state directory. */
void oci_remove(const char *id, json_t *st);

/* Connect to a console socket; the fd, or -1 after one line. */
int oci_console_connect(const char *path);

/* The pid file, written whole then renamed (dirfd: where a relative
 * path starts); oci_pid_file_dir() opens its directory while the
 * host's paths still resolve, with the file's name in *base. */
int oci_write_pid_file(int dirfd, const char *path, pid_t pid);
int oci_pid_file_dir(const char *path, const char **base);

/* An OCI process as mc_command() takes it; umask and oom_score_adj,
 * which it does not set.  0 or -1 (reported). */
int oci_process_config(const struct oci_process *p, struct mc_config *m,
		       int preserve_fds);
int oci_process_extras(const struct oci_process *p);

#endif
