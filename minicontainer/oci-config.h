/*
 * oci-config.h - an OCI bundle's config.json (runtime-spec 1.x), read
 * with jansson into plain C: what the OCI face of minicontainer needs to
 * start, exec into and hook a container.  Pure parsing: nothing here
 * touches the system but reading the file, so it is unit-tested.
 *
 * Errors name the JSON path of the offending value, as a caller can act
 * on: "process.args: must be a non-empty array of strings",
 * "linux.namespaces[2].type: unknown namespace type 'foo'".
 *
 * Spec: https://github.com/opencontainers/runtime-spec (config.md,
 * config-linux.md, runtime.md for hooks and state).
 */
#ifndef CTK_OCI_CONFIG_H
#define CTK_OCI_CONFIG_H

#include <stdint.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <jansson.h>

#include "cgroup.h"
#include "idmap.h"
#include "timens.h"

#define OCI_VERSION	"1.2.0"		/* the spec version we implement */
#define OCI_MAX_MOUNTS	64
#define OCI_MAX_HOOKS	16
#define OCI_MAX_RLIMITS	16
#define OCI_MAX_GROUPS	64
#define OCI_MAX_PATHS	64
#define OCI_MAX_SYSCTL	32

/* The capability sets of process.capabilities, bit n = capability n. */
struct oci_caps {
	uint64_t bounding, effective, permitted, inheritable, ambient;
};

/* The process: config.json's "process", or exec --process's file. */
struct oci_process {
	char **args;			/* NULL-terminated, args[0] non-empty */
	char **env;			/* NULL-terminated (may be empty) */
	const char *cwd;		/* absolute */
	uid_t uid;
	gid_t gid;
	int ngroups;
	gid_t groups[OCI_MAX_GROUPS];	/* user.additionalGids */
	int umask;			/* -1: unset */
	struct oci_caps caps;
	int has_caps;			/* 0: capabilities absent (none kept) */
	int nrlimits;
	struct {
		int resource;		/* RLIMIT_* */
		struct rlimit lim;
	} rlimits[OCI_MAX_RLIMITS];
	int no_new_privileges;
	int terminal;
	int has_oom_score_adj;
	int oom_score_adj;
	json_t *seccomp;		/* linux.seccomp, borrowed; NULL: none */
};

/* One entry of "mounts", its options turned into mount(2) terms. */
struct oci_mount {
	const char *destination;	/* absolute, inside the root */
	const char *type;		/* NULL for a bind */
	const char *source;
	unsigned long flags;		/* MS_* from options (MS_BIND, MS_REC,
					 * MS_RDONLY, MS_NOSUID, ...) */
	unsigned long propagation;	/* MS_PRIVATE, MS_SLAVE, MS_SHARED,
					 * MS_UNBINDABLE (| MS_REC), or 0 */
	char data[512];			/* the options mount(2) passes on:
					 * "mode=755,size=65536k" */
};

/* One linux.namespaces entry: CLONE_NEW* and, to join, a path. */
struct oci_namespace {
	int type;			/* CLONE_NEWNS, CLONE_NEWPID, ... */
	const char *path;		/* NULL: create a new one */
};

/* One linux.devices entry: a node to make in the container's /dev. */
struct oci_device {
	const char *path;		/* absolute, under /dev */
	mode_t type;			/* S_IFCHR, S_IFBLK or S_IFIFO */
	unsigned major, minor;
	mode_t mode;			/* fileMode; default 0666 */
	uid_t uid;
	gid_t gid;
};

struct oci_hook {
	const char *path;		/* absolute */
	char **args;			/* NULL-terminated; NULL: { path } */
	char **env;			/* NULL-terminated; NULL: empty */
	int timeout;			/* seconds; 0: none */
};

enum oci_hook_kind {
	OCI_HOOK_PRESTART, OCI_HOOK_CREATE_RUNTIME, OCI_HOOK_CREATE_CONTAINER,
	OCI_HOOK_START_CONTAINER, OCI_HOOK_POSTSTART, OCI_HOOK_POSTSTOP,
	OCI_HOOK_KINDS
};

struct oci_config {
	json_t *json;			/* the whole document (owned) */
	const char *oci_version;
	char root[4096];		/* root.path, absolute (bundle-relative
					 * resolved against the bundle) */
	int root_readonly;
	const char *hostname;		/* NULL: unset */
	struct oci_process process;
	int nmounts;
	struct oci_mount mounts[OCI_MAX_MOUNTS];
	int nnamespaces;
	struct oci_namespace namespaces[8];
	struct ns_idmap uids, gids;	/* linux.uidMappings, gidMappings */
	struct tns_offsets time;	/* linux.timeOffsets */
	struct cg_limits limits;	/* linux.resources */
	int has_limits;
	const char *cgroups_path;	/* linux.cgroupsPath; NULL: unset */
	int nmasked, nreadonly;
	const char *masked[OCI_MAX_PATHS];	/* linux.maskedPaths */
	const char *readonly[OCI_MAX_PATHS];	/* linux.readonlyPaths */
	unsigned long rootfs_propagation;	/* MS_* or 0 (unset) */
	int ndevices;
	struct oci_device devices[OCI_MAX_PATHS];	/* linux.devices */
	int nsysctl;
	struct {
		const char *key, *value;
	} sysctl[OCI_MAX_SYSCTL];	/* linux.sysctl */
	int nhooks[OCI_HOOK_KINDS];
	struct oci_hook hooks[OCI_HOOK_KINDS][OCI_MAX_HOOKS];
	json_t *annotations;		/* borrowed; NULL if none */
};

/*
 * Read bundle/config.json.  0, or -1 with why: "PATH: no such file or
 * directory", "config.json is not valid JSON: ... (line L)", or the
 * JSON path and what is wrong with it.  Refused as well: a security
 * setting that cannot be honoured here (process.apparmorProfile or
 * process.selinuxLabel on a host without that LSM), and
 * linux.resources.devices rules that allow more than the default nodes
 * (null zero full random urandom tty console ptmx, pts, tun): with no
 * device cgroup program here, such a rule could not be honoured.
 * Free with oci_config_free().
 */
int oci_config_load(const char *bundle, struct oci_config *c, char *why,
		    size_t size);

/* Parse an already loaded document (bundle: for root.path).  On success
 * c->json takes over the caller's reference to doc; on failure the
 * caller keeps it, and c holds nothing to free. */
int oci_config_parse(json_t *doc, const char *bundle, struct oci_config *c,
		     char *why, size_t size);

/* A "process" object alone (exec --process FILE): same rules. */
int oci_process_parse(json_t *process, struct oci_process *p,
		      const char *path, char *why, size_t size);

void oci_config_free(struct oci_config *c);
void oci_process_free(struct oci_process *p);

/* "TERM", "SIGTERM", "15" -> 15; -1 if unknown. */
int oci_parse_signal(const char *s);

/* "CAP_SYS_ADMIN" -> 21; -1 if unknown. */
int oci_parse_cap(const char *s);

/* mount(8)-style options into m's flags, propagation and data (all
 * three reset first).  path: the options' JSON path, for errors
 * ("mounts[3].options"). */
int oci_mount_options(json_t *options, struct oci_mount *m, const char *path,
		      char *why, size_t size);

#endif
