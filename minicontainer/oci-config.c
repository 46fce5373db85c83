/*
 * oci-config.c - an OCI bundle's config.json read into struct oci_config.
 *
 * Every value is checked for type and range where it is read, and an
 * error names its JSON path ("mounts[3].destination: ...").  Strings
 * stay in the jansson document (c->json owns them); only the NULL-
 * terminated args and env arrays are allocated here.  The only files
 * read are config.json itself and the two that tell whether AppArmor or
 * SELinux is active.
 *
 * Spec: runtime-spec config.md and config-linux.md.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "caps.h"
#include "limit.h"
#include "oci-config.h"

#define ID_MAX		4294967294LL	/* the last valid uid or gid */
#define DEV_MAJOR_MAX	4095		/* 12 bits of dev_t */
#define DEV_MINOR_MAX	1048575		/* 20 bits */

/* why = the formatted text; -1 with errno EINVAL. */
static int __attribute__((format(printf, 3, 4)))
bad(char *why, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, size, fmt, ap);
	va_end(ap);
	errno = EINVAL;
	return -1;
}

/* "base.field", or "field" when base is "".  A path too long for buf
 * is cut short: it only ever names a value in a message. */
static const char *join(char *buf, size_t size, const char *base,
			const char *field)
{
	if (snprintf(buf, size, "%s%s%s", base, *base ? "." : "",
		     field) >= (int)size)
		errno = ENAMETOOLONG;
	return buf;
}

/* "base[i]", cut short as join() does. */
static const char *index_of(char *buf, size_t size, const char *base,
			    size_t i)
{
	if (snprintf(buf, size, "%s[%zu]", base, i) >= (int)size)
		errno = ENAMETOOLONG;
	return buf;
}

/* A missing value (absent or null) or one of the wrong kind. */
static int want(char *why, size_t size, const char *path, json_t *v,
		const char *what)
{
	return bad(why, size, "%s: %smust be %s", path,
		   !v || json_is_null(v) ? "missing: " : "", what);
}

static int absent(json_t *v)
{
	return !v || json_is_null(v);
}

/* obj.key as a string: *out stays NULL if absent and not required. */
static int get_string(json_t *obj, const char *key, const char *base,
		      int required, const char **out, char *why, size_t size)
{
	json_t *v = json_object_get(obj, key);
	char path[256];

	if (absent(v) && !required)
		return 0;
	if (!json_is_string(v))
		return want(why, size, join(path, sizeof(path), base, key), v,
			    "a string");
	*out = json_string_value(v);
	return 0;
}

/* obj.key as an absolute path ("/..."). */
static int get_abs(json_t *obj, const char *key, const char *base,
		   int required, const char **out, char *why, size_t size)
{
	json_t *v = json_object_get(obj, key);
	char path[256];

	if (absent(v) && !required)
		return 0;
	if (!json_is_string(v) || json_string_value(v)[0] != '/')
		return want(why, size, join(path, sizeof(path), base, key), v,
			    "an absolute path");
	*out = json_string_value(v);
	return 0;
}

static int get_bool(json_t *obj, const char *key, const char *base,
		    int *out, char *why, size_t size)
{
	json_t *v = json_object_get(obj, key);
	char path[256];

	if (absent(v))
		return 0;
	if (!json_is_boolean(v))
		return want(why, size, join(path, sizeof(path), base, key), v,
			    "a boolean");
	*out = json_is_true(v);
	return 0;
}

/* An integer from min to max; *present tells whether there was one. */
static int get_int(json_t *obj, const char *key, const char *base,
		   int required, long long min, long long max, long long *out,
		   int *present, char *why, size_t size)
{
	json_t *v = json_object_get(obj, key);
	char path[256], what[96];

	if (present)
		*present = 0;
	if (absent(v) && !required)
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < min ||
	    json_integer_value(v) > max) {
		snprintf(what, sizeof(what), "an integer from %lld to %lld",
			 min, max);
		return want(why, size, join(path, sizeof(path), base, key), v,
			    what);
	}
	*out = json_integer_value(v);
	if (present)
		*present = 1;
	return 0;
}

/* An array of strings into a malloc'd NULL-terminated char ** pointing
 * into the document; *out stays NULL if v is absent. */
static int get_strv(json_t *v, const char *path, int nonempty, char ***out,
		    char *why, size_t size)
{
	const char *what = nonempty ? "a non-empty array of strings" :
			   "an array of strings";
	size_t i, n;
	char **a;

	*out = NULL;
	if (absent(v) && !nonempty)
		return 0;
	if (!json_is_array(v) || (nonempty && !json_array_size(v)))
		return want(why, size, path, v, what);
	n = json_array_size(v);
	for (i = 0; i < n; i++)
		if (!json_is_string(json_array_get(v, i)))
			return bad(why, size, "%s: must be %s", path, what);
	a = calloc(n + 1, sizeof(*a));
	if (!a)
		return bad(why, size, "%s: out of memory", path);
	for (i = 0; i < n; i++)
		a[i] = (char *)json_string_value(json_array_get(v, i));
	*out = a;
	return 0;
}

/* Whether an LSM is active: AppArmor's "enabled" parameter reads "Y";
 * SELinux's filesystem is mounted. */
static int apparmor_enabled(void)
{
	char c = 0;
	FILE *f = fopen("/sys/module/apparmor/parameters/enabled", "re");

	if (!f)
		return 0;
	if (fread(&c, 1, 1, f) != 1)
		c = 0;
	fclose(f);
	return c == 'Y';
}

static int selinux_enabled(void)
{
	return access("/sys/fs/selinux/enforce", F_OK) == 0;
}

/* ---------------------------------------------------------- process */

int oci_parse_cap(const char *s)
{
	int cap;

	if (!s || strncmp(s, "CAP_", 4) || caps_parse(s + 4, &cap) < 0)
		return -1;
	return cap;
}

/* One capability set: unknown names are skipped (runc does the same, so
 * a config written for a newer kernel still runs); non-strings are not. */
static int parse_capset(json_t *caps, const char *key, const char *base,
			uint64_t *set, char *why, size_t size)
{
	json_t *v = json_object_get(caps, key), *e;
	char path[256];
	size_t i;
	int cap;

	*set = 0;
	if (absent(v))
		return 0;
	join(path, sizeof(path), base, key);
	if (!json_is_array(v))
		return want(why, size, path, v, "an array of capability names");
	json_array_foreach(v, i, e) {
		if (!json_is_string(e))
			return bad(why, size, "%s[%zu]: must be a capability "
				   "name (\"CAP_...\")", path, i);
		cap = oci_parse_cap(json_string_value(e));
		if (cap >= 0)
			*set |= CAPS_BIT(cap);
	}
	return 0;
}

static int parse_caps(json_t *v, const char *path, struct oci_process *p,
		      char *why, size_t size)
{
	struct oci_caps *c = &p->caps;

	if (absent(v))
		return 0;
	if (!json_is_object(v))
		return want(why, size, path, v, "an object");
	p->has_caps = 1;
	if (parse_capset(v, "bounding", path, &c->bounding, why, size) < 0 ||
	    parse_capset(v, "effective", path, &c->effective, why, size) < 0 ||
	    parse_capset(v, "permitted", path, &c->permitted, why, size) < 0 ||
	    parse_capset(v, "inheritable", path, &c->inheritable, why,
			 size) < 0 ||
	    parse_capset(v, "ambient", path, &c->ambient, why, size) < 0)
		return -1;
	return 0;
}

static const struct {
	const char *name;
	int resource;
} rlimit_names[] = {
	{ "RLIMIT_AS", RLIMIT_AS }, { "RLIMIT_CORE", RLIMIT_CORE },
	{ "RLIMIT_CPU", RLIMIT_CPU }, { "RLIMIT_DATA", RLIMIT_DATA },
	{ "RLIMIT_FSIZE", RLIMIT_FSIZE }, { "RLIMIT_LOCKS", RLIMIT_LOCKS },
	{ "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK },
	{ "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE },
	{ "RLIMIT_NICE", RLIMIT_NICE }, { "RLIMIT_NOFILE", RLIMIT_NOFILE },
	{ "RLIMIT_NPROC", RLIMIT_NPROC }, { "RLIMIT_RSS", RLIMIT_RSS },
	{ "RLIMIT_RTPRIO", RLIMIT_RTPRIO }, { "RLIMIT_RTTIME", RLIMIT_RTTIME },
	{ "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING },
	{ "RLIMIT_STACK", RLIMIT_STACK },
};

/* process.rlimits: [{type, hard, soft}], each type once. */
static int parse_rlimits(json_t *v, const char *base, struct oci_process *p,
			 char *why, size_t size)
{
	char path[256], ent[280];
	long long hard, soft;
	const char *type = NULL;
	size_t i, k;
	json_t *e;
	int j;

	if (absent(v))
		return 0;
	join(path, sizeof(path), base, "rlimits");
	if (!json_is_array(v))
		return want(why, size, path, v, "an array");
	json_array_foreach(v, i, e) {
		index_of(ent, sizeof(ent), path, i);
		if (!json_is_object(e))
			return want(why, size, ent, e, "an object");
		if (get_string(e, "type", ent, 1, &type, why, size) < 0 ||
		    get_int(e, "hard", ent, 1, 0, LLONG_MAX, &hard, NULL, why,
			    size) < 0 ||
		    get_int(e, "soft", ent, 1, 0, LLONG_MAX, &soft, NULL, why,
			    size) < 0)
			return -1;
		for (k = 0; k < sizeof(rlimit_names) / sizeof(rlimit_names[0]);
		     k++)
			if (!strcmp(type, rlimit_names[k].name))
				break;
		if (k == sizeof(rlimit_names) / sizeof(rlimit_names[0]))
			return bad(why, size, "%s.type: unknown resource "
				   "'%s'", ent, type);
		for (j = 0; j < p->nrlimits; j++)
			if (p->rlimits[j].resource == rlimit_names[k].resource)
				return bad(why, size, "%s.type: %s is given "
					   "twice", ent, type);
		if (soft > hard)
			return bad(why, size, "%s: soft %lld is above hard "
				   "%lld", ent, soft, hard);
		/* Sixteen names, each once: the array cannot overflow. */
		p->rlimits[p->nrlimits].resource = rlimit_names[k].resource;
		p->rlimits[p->nrlimits].lim.rlim_cur = (rlim_t)soft;
		p->rlimits[p->nrlimits].lim.rlim_max = (rlim_t)hard;
		p->nrlimits++;
	}
	return 0;
}

/* process.user: uid, gid, additionalGids, umask. */
static int parse_user(json_t *v, const char *path, struct oci_process *p,
		      char *why, size_t size)
{
	char gpath[256], what[64];
	long long n;
	json_t *g, *e;
	size_t i;
	int has;

	if (!json_is_object(v))
		return want(why, size, path, v, "an object");
	if (get_int(v, "uid", path, 1, 0, ID_MAX, &n, NULL, why, size) < 0)
		return -1;
	p->uid = (uid_t)n;
	if (get_int(v, "gid", path, 1, 0, ID_MAX, &n, NULL, why, size) < 0)
		return -1;
	p->gid = (gid_t)n;
	if (get_int(v, "umask", path, 0, 0, 0777, &n, &has, why, size) < 0)
		return -1;
	if (has)
		p->umask = (int)n;
	g = json_object_get(v, "additionalGids");
	if (absent(g))
		return 0;
	join(gpath, sizeof(gpath), path, "additionalGids");
	snprintf(what, sizeof(what), "an array of at most %d group IDs",
		 OCI_MAX_GROUPS);
	if (!json_is_array(g) || json_array_size(g) > OCI_MAX_GROUPS)
		return want(why, size, gpath, g, what);
	json_array_foreach(g, i, e) {
		if (!json_is_integer(e) || json_integer_value(e) < 0 ||
		    json_integer_value(e) > ID_MAX)
			return bad(why, size, "%s[%zu]: must be an integer "
				   "from 0 to %lld", gpath, i, ID_MAX);
		p->groups[p->ngroups++] = (gid_t)json_integer_value(e);
	}
	return 0;
}

/* apparmorProfile / selinuxLabel: honoured only where the LSM is on. */
static int check_lsm(json_t *v, const char *base, char *why, size_t size)
{
	const char *profile = NULL, *label = NULL;
	char path[256];

	if (get_string(v, "apparmorProfile", base, 0, &profile, why,
		       size) < 0 ||
	    get_string(v, "selinuxLabel", base, 0, &label, why, size) < 0)
		return -1;
	if (profile && *profile && !apparmor_enabled())
		return bad(why, size, "%s: AppArmor is not enabled on this "
			   "host, so the profile '%s' cannot be applied",
			   join(path, sizeof(path), base, "apparmorProfile"),
			   profile);
	if (label && *label && !selinux_enabled())
		return bad(why, size, "%s: SELinux is not enabled on this "
			   "host, so the label '%s' cannot be applied",
			   join(path, sizeof(path), base, "selinuxLabel"),
			   label);
	return 0;
}

int oci_process_parse(json_t *v, struct oci_process *p, const char *path,
		      char *why, size_t size)
{
	char sub[256];
	long long n;

	if (!path)
		path = "";
	memset(p, 0, sizeof(*p));
	p->umask = -1;
	if (!json_is_object(v))
		return want(why, size, *path ? path : "process", v,
			    "an object");
	if (get_strv(json_object_get(v, "args"),
		     join(sub, sizeof(sub), path, "args"), 1, &p->args, why,
		     size) < 0)
		goto out_free;
	if (!p->args[0][0]) {
		bad(why, size, "%s[0]: must not be empty", sub);
		goto out_free;
	}
	if (get_strv(json_object_get(v, "env"),
		     join(sub, sizeof(sub), path, "env"), 0, &p->env, why,
		     size) < 0 ||
	    get_abs(v, "cwd", path, 1, &p->cwd, why, size) < 0 ||
	    parse_user(json_object_get(v, "user"),
		       join(sub, sizeof(sub), path, "user"), p, why,
		       size) < 0 ||
	    parse_caps(json_object_get(v, "capabilities"),
		       join(sub, sizeof(sub), path, "capabilities"), p, why,
		       size) < 0 ||
	    parse_rlimits(json_object_get(v, "rlimits"), path, p, why,
			  size) < 0 ||
	    get_bool(v, "noNewPrivileges", path, &p->no_new_privileges, why,
		     size) < 0 ||
	    get_bool(v, "terminal", path, &p->terminal, why, size) < 0 ||
	    get_int(v, "oomScoreAdj", path, 0, -1000, 1000, &n,
		    &p->has_oom_score_adj, why, size) < 0 ||
	    check_lsm(v, path, why, size) < 0)
		goto out_free;
	if (p->has_oom_score_adj)
		p->oom_score_adj = (int)n;
	return 0;

out_free:
	oci_process_free(p);
	return -1;
}

void oci_process_free(struct oci_process *p)
{
	free(p->args);
	free(p->env);
	p->args = p->env = NULL;
}

/* ----------------------------------------------------------- mounts */

static const struct {
	const char *name;
	int clear;		/* the option turns the flag off */
	unsigned long flag;
} mount_flags[] = {
	{ "ro", 0, MS_RDONLY }, { "rw", 1, MS_RDONLY },
	{ "nosuid", 0, MS_NOSUID }, { "suid", 1, MS_NOSUID },
	{ "nodev", 0, MS_NODEV }, { "dev", 1, MS_NODEV },
	{ "noexec", 0, MS_NOEXEC }, { "exec", 1, MS_NOEXEC },
	{ "sync", 0, MS_SYNCHRONOUS }, { "async", 1, MS_SYNCHRONOUS },
	{ "dirsync", 0, MS_DIRSYNC }, { "remount", 0, MS_REMOUNT },
	{ "mand", 0, MS_MANDLOCK }, { "nomand", 1, MS_MANDLOCK },
	{ "atime", 1, MS_NOATIME }, { "noatime", 0, MS_NOATIME },
	{ "diratime", 1, MS_NODIRATIME }, { "nodiratime", 0, MS_NODIRATIME },
	{ "relatime", 0, MS_RELATIME }, { "norelatime", 1, MS_RELATIME },
	{ "strictatime", 0, MS_STRICTATIME },
	{ "nostrictatime", 1, MS_STRICTATIME },
	{ "bind", 0, MS_BIND }, { "rbind", 0, MS_BIND | MS_REC },
};

static const struct {
	const char *name;
	unsigned long flags;
} propagations[] = {
	{ "private", MS_PRIVATE }, { "rprivate", MS_PRIVATE | MS_REC },
	{ "shared", MS_SHARED }, { "rshared", MS_SHARED | MS_REC },
	{ "slave", MS_SLAVE }, { "rslave", MS_SLAVE | MS_REC },
	{ "unbindable", MS_UNBINDABLE },
	{ "runbindable", MS_UNBINDABLE | MS_REC },
};

/* "rprivate" -> MS_PRIVATE | MS_REC; 0 if not a propagation. */
static unsigned long propagation_of(const char *s)
{
	size_t i;

	for (i = 0; i < sizeof(propagations) / sizeof(propagations[0]); i++)
		if (!strcmp(s, propagations[i].name))
			return propagations[i].flags;
	return 0;
}

int oci_mount_options(json_t *options, struct oci_mount *m, const char *path,
		      char *why, size_t size)
{
	size_t i, k, len, used = 0;
	const char *o;
	json_t *e;

	m->flags = 0;
	m->propagation = 0;
	m->data[0] = '\0';
	if (absent(options))
		return 0;
	if (!json_is_array(options))
		return want(why, size, path, options, "an array of strings");
	json_array_foreach(options, i, e) {
		if (!json_is_string(e))
			return bad(why, size, "%s[%zu]: must be a string",
				   path, i);
		o = json_string_value(e);
		for (k = 0; k < sizeof(mount_flags) / sizeof(mount_flags[0]);
		     k++)
			if (!strcmp(o, mount_flags[k].name))
				break;
		if (k < sizeof(mount_flags) / sizeof(mount_flags[0])) {
			if (mount_flags[k].clear)
				m->flags &= ~mount_flags[k].flag;
			else
				m->flags |= mount_flags[k].flag;
			continue;
		}
		if (propagation_of(o)) {
			m->propagation = propagation_of(o);
			continue;
		}
		/* The filesystem's own option ("mode=755"): passed on. */
		len = strlen(o);
		if (!len)
			continue;
		if (used + !!used + len >= sizeof(m->data))
			return bad(why, size, "%s[%zu]: the options passed to "
				   "mount(2) do not fit in %zu bytes", path,
				   i, sizeof(m->data) - 1);
		used += snprintf(m->data + used, sizeof(m->data) - used,
				 "%s%s", used ? "," : "", o);
	}
	return 0;
}

static int parse_mount(json_t *v, const char *path, struct oci_mount *m,
		       char *why, size_t size)
{
	char sub[256];

	memset(m, 0, sizeof(*m));
	if (!json_is_object(v))
		return want(why, size, path, v, "an object");
	if (get_abs(v, "destination", path, 1, &m->destination, why,
		    size) < 0 ||
	    get_string(v, "type", path, 0, &m->type, why, size) < 0 ||
	    get_string(v, "source", path, 0, &m->source, why, size) < 0 ||
	    oci_mount_options(json_object_get(v, "options"), m,
			      join(sub, sizeof(sub), path, "options"), why,
			      size) < 0)
		return -1;
	if (m->type && !strcmp(m->type, "bind"))
		m->flags |= MS_BIND;
	if (m->flags & MS_BIND)
		m->type = NULL;
	return 0;
}

static int parse_mounts(json_t *v, struct oci_config *c, char *why,
			size_t size)
{
	char path[64], what[64];
	size_t i;
	json_t *e;

	if (absent(v))
		return 0;
	snprintf(what, sizeof(what), "an array of at most %d mounts",
		 OCI_MAX_MOUNTS);
	if (!json_is_array(v) || json_array_size(v) > OCI_MAX_MOUNTS)
		return want(why, size, "mounts", v, what);
	json_array_foreach(v, i, e) {
		index_of(path, sizeof(path), "mounts", i);
		if (parse_mount(e, path, &c->mounts[c->nmounts], why,
				size) < 0)
			return -1;
		c->nmounts++;
	}
	return 0;
}

/* ------------------------------------------------------------ linux */

static const struct {
	const char *name;
	int type;
} ns_types[] = {
	{ "pid", CLONE_NEWPID }, { "network", CLONE_NEWNET },
	{ "mount", CLONE_NEWNS }, { "ipc", CLONE_NEWIPC },
	{ "uts", CLONE_NEWUTS }, { "user", CLONE_NEWUSER },
	{ "cgroup", CLONE_NEWCGROUP }, { "time", CLONE_NEWTIME },
};

/* linux.namespaces: each type at most once (so at most eight). */
static int parse_namespaces(json_t *v, struct oci_config *c, char *why,
			    size_t size)
{
	char path[64];
	const char *type;
	size_t i, k;
	json_t *e;
	int j;

	if (absent(v))
		return 0;
	if (!json_is_array(v))
		return want(why, size, "linux.namespaces", v, "an array");
	json_array_foreach(v, i, e) {
		struct oci_namespace *n = &c->namespaces[c->nnamespaces];

		index_of(path, sizeof(path), "linux.namespaces", i);
		if (!json_is_object(e))
			return want(why, size, path, e, "an object");
		type = NULL;
		if (get_string(e, "type", path, 1, &type, why, size) < 0)
			return -1;
		for (k = 0; k < sizeof(ns_types) / sizeof(ns_types[0]); k++)
			if (!strcmp(type, ns_types[k].name))
				break;
		if (k == sizeof(ns_types) / sizeof(ns_types[0]))
			return bad(why, size, "%s.type: unknown namespace "
				   "type '%s'", path, type);
		for (j = 0; j < c->nnamespaces; j++)
			if (c->namespaces[j].type == ns_types[k].type)
				return bad(why, size, "%s.type: the %s "
					   "namespace is given twice", path,
					   type);
		n->type = ns_types[k].type;
		n->path = NULL;
		if (get_abs(e, "path", path, 0, &n->path, why, size) < 0)
			return -1;
		c->nnamespaces++;
	}
	return 0;
}

static int has_namespace(const struct oci_config *c, int type)
{
	int i;

	for (i = 0; i < c->nnamespaces; i++)
		if (c->namespaces[i].type == type)
			return 1;
	return 0;
}

/* linux.uidMappings / gidMappings: [{containerID, hostID, size}]. */
static int parse_idmap(json_t *v, const char *base, struct ns_idmap *map,
		       char *why, size_t size)
{
	struct ns_idrange r;
	long long inner, outer, count;
	char path[64];
	size_t i;
	json_t *e;

	if (absent(v))
		return 0;
	if (!json_is_array(v))
		return want(why, size, base, v, "an array");
	json_array_foreach(v, i, e) {
		index_of(path, sizeof(path), base, i);
		if (!json_is_object(e))
			return want(why, size, path, e, "an object");
		if (get_int(e, "containerID", path, 1, 0, ID_MAX, &inner, NULL,
			    why, size) < 0 ||
		    get_int(e, "hostID", path, 1, 0, ID_MAX, &outer, NULL, why,
			    size) < 0 ||
		    get_int(e, "size", path, 1, 1, ID_MAX + 1, &count, NULL,
			    why, size) < 0)
			return -1;
		if (inner + count - 1 > ID_MAX || outer + count - 1 > ID_MAX)
			return bad(why, size, "%s: the range passes %lld, the "
				   "last valid ID", path, ID_MAX);
		r.inner = (uint32_t)inner;
		r.outer = (uint32_t)outer;
		r.count = (uint32_t)count;
		if (ns_idmap_add(map, &r) < 0)
			return bad(why, size, "%s: %s", path, errno == EEXIST ?
				   "overlaps an earlier mapping" :
				   "too many mappings for the kernel");
	}
	return 0;
}

/* linux.timeOffsets: {"monotonic": {secs, nanosecs}, "boottime": ...}. */
static int parse_time_offsets(json_t *v, struct oci_config *c, char *why,
			      size_t size)
{
	const char *clock;
	struct tns_offset *o;
	long long sec, nsec;
	char path[128];
	json_t *e;

	if (absent(v))
		return 0;
	if (!json_is_object(v))
		return want(why, size, "linux.timeOffsets", v, "an object");
	json_object_foreach(v, clock, e) {
		join(path, sizeof(path), "linux.timeOffsets", clock);
		if (!strcmp(clock, "monotonic"))
			o = &c->time.monotonic;
		else if (!strcmp(clock, "boottime"))
			o = &c->time.boottime;
		else
			return bad(why, size, "%s: unknown clock: a time "
				   "namespace offsets only monotonic and "
				   "boottime", path);
		if (!json_is_object(e))
			return want(why, size, path, e, "an object");
		sec = nsec = 0;
		if (get_int(e, "secs", path, 0, LLONG_MIN, LLONG_MAX, &sec,
			    NULL, why, size) < 0 ||
		    get_int(e, "nanosecs", path, 0, 0, 999999999, &nsec, NULL,
			    why, size) < 0)
			return -1;
		o->set = 1;
		o->sec = sec;
		o->nsec = (long)nsec;
	}
	if ((c->time.monotonic.set || c->time.boottime.set) &&
	    !has_namespace(c, CLONE_NEWTIME))
		return bad(why, size, "linux.timeOffsets: needs a time "
			   "namespace in linux.namespaces");
	return 0;
}

/* memory: limit, and swap as the spec counts it (memory plus swap). */
static int parse_memory(json_t *v, struct cg_limits *l, char *why,
			size_t size)
{
	static const char *path = "linux.resources.memory";
	long long limit = 0, swap = 0;

	if (absent(v))
		return 0;
	if (!json_is_object(v))
		return want(why, size, path, v, "an object");
	if (get_int(v, "limit", path, 0, -1, LLONG_MAX, &limit, NULL, why,
		    size) < 0 ||
	    get_int(v, "swap", path, 0, -1, LLONG_MAX, &swap, NULL, why,
		    size) < 0)
		return -1;
	/* -1 and 0: no limit. */
	if (limit > 0)
		l->memory = (uint64_t)limit;
	if (swap == -1) {
		l->swap = CG_MAX;
		l->swap_set = 1;
	} else if (swap > 0) {
		/* cgroup v2's memory.swap.max counts swap alone. */
		if (limit <= 0)
			return bad(why, size, "%s.swap: needs %s.limit (swap "
				   "counts memory plus swap)", path, path);
		if (swap < limit)
			return bad(why, size, "%s.swap: %lld is below the "
				   "limit %lld (swap counts memory plus swap)",
				   path, swap, limit);
		l->swap = (uint64_t)(swap - limit);
		l->swap_set = 1;
	}
	return 0;
}

/* cpu: quota and period, shares as a weight, cpus and mems. */
static int parse_cpu(json_t *v, struct cg_limits *l, char *why, size_t size)
{
	static const char *path = "linux.resources.cpu";
	long long quota = 0, period = 100000, shares = 0;

	if (absent(v))
		return 0;
	if (!json_is_object(v))
		return want(why, size, path, v, "an object");
	if (get_int(v, "quota", path, 0, -1, LLONG_MAX, &quota, NULL, why,
		    size) < 0 ||
	    get_int(v, "period", path, 0, 1000, 1000000, &period, NULL, why,
		    size) < 0 ||
	    get_int(v, "shares", path, 0, 0, 262144, &shares, NULL, why,
		    size) < 0 ||
	    get_string(v, "cpus", path, 0, &l->cpus, why, size) < 0 ||
	    get_string(v, "mems", path, 0, &l->mems, why, size) < 0)
		return -1;
	if (quota > 0) {
		l->cpu_quota = (uint64_t)quota;
		l->cpu_period = (uint64_t)period;
	}
	if (shares == 1)
		return bad(why, size, "%s.shares: must be 0 (unset) or from "
			   "2 to 262144", path);
	/* runc's mapping of cgroup v1 shares (2..262144) onto cgroup v2
	 * weights (1..10000), so 1024, v1's default, becomes 39. */
	if (shares)
		l->cpu_weight = 1 + ((shares - 2) * 9999) / 262142;
	if (l->cpus && !*l->cpus)
		l->cpus = NULL;
	if (l->mems && !*l->mems)
		l->mems = NULL;
	return 0;
}

/* One blockIO throttle list: [{major, minor, rate}]. */
static int parse_throttle(json_t *blkio, const char *key,
			  enum cg_io_kind kind, struct cg_limits *l,
			  char *why, size_t size)
{
	json_t *v = json_object_get(blkio, key), *e;
	long long maj, min, rate;
	char base[96], path[112];
	struct cg_io *io;
	size_t i;
	dev_t dev;
	int k;

	join(base, sizeof(base), "linux.resources.blockIO", key);
	if (absent(v))
		return 0;
	if (!json_is_array(v))
		return want(why, size, base, v, "an array");
	json_array_foreach(v, i, e) {
		index_of(path, sizeof(path), base, i);
		if (!json_is_object(e))
			return want(why, size, path, e, "an object");
		if (get_int(e, "major", path, 1, 0, DEV_MAJOR_MAX, &maj, NULL,
			    why, size) < 0 ||
		    get_int(e, "minor", path, 1, 0, DEV_MINOR_MAX, &min, NULL,
			    why, size) < 0 ||
		    get_int(e, "rate", path, 1, 0, LLONG_MAX, &rate, NULL,
			    why, size) < 0)
			return -1;
		dev = makedev((unsigned)maj, (unsigned)min);
		for (k = 0; k < l->nio && l->io[k].dev != dev; k++)
			;
		if (k == CG_MAX_IO)
			return bad(why, size, "%s: more than %d devices",
				   path, CG_MAX_IO);
		io = &l->io[k];
		if (k == l->nio) {
			memset(io, 0, sizeof(*io));
			io->dev = dev;
			l->nio++;
		}
		/* Rate 0 clears the limit, as in the cgroup files. */
		if (kind == CG_IO_RBPS)
			io->rbps = (uint64_t)rate;
		else if (kind == CG_IO_WBPS)
			io->wbps = (uint64_t)rate;
		else if (kind == CG_IO_RIOPS)
			io->riops = (uint64_t)rate;
		else
			io->wiops = (uint64_t)rate;
	}
	return 0;
}

static int parse_blockio(json_t *v, struct cg_limits *l, char *why,
			 size_t size)
{
	if (absent(v))
		return 0;
	if (!json_is_object(v))
		return want(why, size, "linux.resources.blockIO", v,
			    "an object");
	return parse_throttle(v, "throttleReadBpsDevice", CG_IO_RBPS, l, why,
			      size) < 0 ||
	       parse_throttle(v, "throttleWriteBpsDevice", CG_IO_WBPS, l, why,
			      size) < 0 ||
	       parse_throttle(v, "throttleReadIOPSDevice", CG_IO_RIOPS, l, why,
			      size) < 0 ||
	       parse_throttle(v, "throttleWriteIOPSDevice", CG_IO_WIOPS, l,
			      why, size) < 0 ? -1 : 0;
}

/* The nodes every container gets anyway: allowing them changes nothing. */
static int default_node(const char *type, long long maj, long long min)
{
	static const int nodes[][2] = {
		/* null zero full random urandom */
		{ 1, 3 }, { 1, 5 }, { 1, 7 }, { 1, 8 }, { 1, 9 },
		{ 5, 0 }, { 5, 1 }, { 5, 2 },	/* tty, console, ptmx */
		{ 10, 200 },			/* net/tun */
	};
	size_t i;

	if (strcmp(type, "c") || maj < 0)
		return 0;
	if (maj == 136)			/* /dev/pts/N, any N */
		return 1;
	for (i = 0; i < sizeof(nodes) / sizeof(nodes[0]); i++)
		if (maj == nodes[i][0] && min == nodes[i][1])
			return 1;
	return 0;
}

/*
 * linux.resources.devices: without a device cgroup program, a deny rule
 * holds anyway (only the default nodes exist in /dev) but an allow rule
 * for another device could not be honoured, so it is refused.
 */
static int parse_device_rules(json_t *v, char *why, size_t size)
{
	const char *type, *access;
	long long maj, min;
	char path[64], sub[80], smaj[24], smin[24];
	int allow, has_maj, has_min;
	size_t i;
	json_t *e;

	if (absent(v))
		return 0;
	if (!json_is_array(v))
		return want(why, size, "linux.resources.devices", v,
			    "an array");
	json_array_foreach(v, i, e) {
		index_of(path, sizeof(path), "linux.resources.devices", i);
		if (!json_is_object(e))
			return want(why, size, path, e, "an object");
		type = "a";
		access = "rwm";
		if (!json_is_boolean(json_object_get(e, "allow")))
			return want(why, size, join(sub, sizeof(sub), path,
						    "allow"),
				    json_object_get(e, "allow"), "a boolean");
		allow = json_is_true(json_object_get(e, "allow"));
		if (get_string(e, "type", path, 0, &type, why, size) < 0 ||
		    get_string(e, "access", path, 0, &access, why, size) < 0 ||
		    get_int(e, "major", path, 0, -1, DEV_MAJOR_MAX, &maj,
			    &has_maj, why, size) < 0 ||
		    get_int(e, "minor", path, 0, -1, DEV_MINOR_MAX, &min,
			    &has_min, why, size) < 0)
			return -1;
		if (strcmp(type, "a") && strcmp(type, "c") && strcmp(type, "b"))
			return bad(why, size, "%s.type: must be a, c or b",
				   path);
		if (strspn(access, "rwm") != strlen(access))
			return bad(why, size, "%s.access: must be made of r, "
				   "w and m", path);
		if (!has_maj)
			maj = -1;
		if (!has_min)
			min = -1;
		if (!allow || default_node(type, maj, min))
			continue;
		snprintf(smaj, sizeof(smaj), maj < 0 ? "*" : "%lld", maj);
		snprintf(smin, sizeof(smin), min < 0 ? "*" : "%lld", min);
		return bad(why, size, "%s: allowing %s %s:%s is not "
			   "supported: no device cgroup here", path, type,
			   smaj, smin);
	}
	return 0;
}

static int parse_resources(json_t *v, struct oci_config *c, char *why,
			   size_t size)
{
	struct cg_limits *l = &c->limits;
	long long pids = 0;
	json_t *p;

	if (absent(v))
		return 0;
	if (!json_is_object(v))
		return want(why, size, "linux.resources", v, "an object");
	if (parse_memory(json_object_get(v, "memory"), l, why, size) < 0 ||
	    parse_cpu(json_object_get(v, "cpu"), l, why, size) < 0 ||
	    parse_blockio(json_object_get(v, "blockIO"), l, why, size) < 0 ||
	    parse_device_rules(json_object_get(v, "devices"), why, size) < 0)
		return -1;
	p = json_object_get(v, "pids");
	if (!absent(p) && !json_is_object(p))
		return want(why, size, "linux.resources.pids", p, "an object");
	if (!absent(p) && get_int(p, "limit", "linux.resources.pids", 0, -1,
				  LLONG_MAX, &pids, NULL, why, size) < 0)
		return -1;
	if (pids > 0)
		l->pids = (uint64_t)pids;
	c->has_limits = l->memory || l->swap_set || l->cpu_quota ||
			l->cpu_weight || l->pids || l->nio || l->cpus ||
			l->mems;
	return 0;
}

/* maskedPaths / readonlyPaths: absolute strings. */
static int parse_paths(json_t *v, const char *path, const char **out,
		       int *n, char *why, size_t size)
{
	char what[64];
	size_t i;
	json_t *e;

	if (absent(v))
		return 0;
	snprintf(what, sizeof(what), "an array of at most %d paths",
		 OCI_MAX_PATHS);
	if (!json_is_array(v) || json_array_size(v) > OCI_MAX_PATHS)
		return want(why, size, path, v, what);
	json_array_foreach(v, i, e) {
		if (!json_is_string(e) || json_string_value(e)[0] != '/')
			return bad(why, size, "%s[%zu]: must be an absolute "
				   "path", path, i);
		out[(*n)++] = json_string_value(e);
	}
	return 0;
}

static int parse_sysctl(json_t *v, struct oci_config *c, char *why,
			size_t size)
{
	const char *key;
	char what[64];
	json_t *e;

	if (absent(v))
		return 0;
	snprintf(what, sizeof(what), "an object of at most %d strings",
		 OCI_MAX_SYSCTL);
	if (!json_is_object(v) || json_object_size(v) > OCI_MAX_SYSCTL)
		return want(why, size, "linux.sysctl", v, what);
	json_object_foreach(v, key, e) {
		if (!json_is_string(e))
			return bad(why, size, "linux.sysctl.%s: must be a "
				   "string", key);
		c->sysctl[c->nsysctl].key = key;
		c->sysctl[c->nsysctl].value = json_string_value(e);
		c->nsysctl++;
	}
	return 0;
}

/* linux.devices: the nodes to make in the container's /dev. */
static int parse_devices(json_t *v, struct oci_config *c, char *why,
			 size_t size)
{
	char path[64], what[64];
	long long n, maj = 0, min = 0;
	const char *type;
	size_t i;
	json_t *e;
	int has;

	if (absent(v))
		return 0;
	snprintf(what, sizeof(what), "an array of at most %d devices",
		 OCI_MAX_PATHS);
	if (!json_is_array(v) || json_array_size(v) > OCI_MAX_PATHS)
		return want(why, size, "linux.devices", v, what);
	json_array_foreach(v, i, e) {
		struct oci_device *d = &c->devices[c->ndevices];

		index_of(path, sizeof(path), "linux.devices", i);
		if (!json_is_object(e))
			return want(why, size, path, e, "an object");
		memset(d, 0, sizeof(*d));
		type = NULL;
		if (get_abs(e, "path", path, 1, &d->path, why, size) < 0 ||
		    get_string(e, "type", path, 1, &type, why, size) < 0)
			return -1;
		if (strncmp(d->path, "/dev/", 5) || strstr(d->path, "/../") ||
		    !strcmp(d->path + strlen(d->path) - 3, "/.."))
			return bad(why, size, "%s.path: must be a path under "
				   "/dev, without '..'", path);
		if (!strcmp(type, "c") || !strcmp(type, "u"))
			d->type = S_IFCHR;
		else if (!strcmp(type, "b"))
			d->type = S_IFBLK;
		else if (!strcmp(type, "p"))
			d->type = S_IFIFO;
		else
			return bad(why, size, "%s.type: must be c, b, u or p",
				   path);
		if (d->type != S_IFIFO &&
		    (get_int(e, "major", path, 1, 0, DEV_MAJOR_MAX, &maj, NULL,
			     why, size) < 0 ||
		     get_int(e, "minor", path, 1, 0, DEV_MINOR_MAX, &min, NULL,
			     why, size) < 0))
			return -1;
		d->major = (unsigned)maj;
		d->minor = (unsigned)min;
		d->mode = 0666;
		if (get_int(e, "fileMode", path, 0, 0, 07777, &n, &has, why,
			    size) < 0)
			return -1;
		if (has)
			d->mode = (mode_t)n;
		n = 0;
		if (get_int(e, "uid", path, 0, 0, ID_MAX, &n, NULL, why,
			    size) < 0)
			return -1;
		d->uid = (uid_t)n;
		n = 0;
		if (get_int(e, "gid", path, 0, 0, ID_MAX, &n, NULL, why,
			    size) < 0)
			return -1;
		d->gid = (gid_t)n;
		c->ndevices++;
	}
	return 0;
}

static int parse_linux(json_t *v, struct oci_config *c, char *why,
		       size_t size)
{
	const char *prop = NULL, *label = NULL;
	json_t *sc;

	if (absent(v))
		return 0;
	if (!json_is_object(v))
		return want(why, size, "linux", v, "an object");
	if (parse_namespaces(json_object_get(v, "namespaces"), c, why,
			     size) < 0 ||
	    parse_idmap(json_object_get(v, "uidMappings"),
			"linux.uidMappings", &c->uids, why, size) < 0 ||
	    parse_idmap(json_object_get(v, "gidMappings"),
			"linux.gidMappings", &c->gids, why, size) < 0 ||
	    parse_time_offsets(json_object_get(v, "timeOffsets"), c, why,
			       size) < 0 ||
	    parse_resources(json_object_get(v, "resources"), c, why,
			    size) < 0 ||
	    get_string(v, "cgroupsPath", "linux", 0, &c->cgroups_path, why,
		       size) < 0 ||
	    parse_paths(json_object_get(v, "maskedPaths"), "linux.maskedPaths",
			c->masked, &c->nmasked, why, size) < 0 ||
	    parse_paths(json_object_get(v, "readonlyPaths"),
			"linux.readonlyPaths", c->readonly, &c->nreadonly, why,
			size) < 0 ||
	    parse_sysctl(json_object_get(v, "sysctl"), c, why, size) < 0 ||
	    parse_devices(json_object_get(v, "devices"), c, why, size) < 0 ||
	    get_string(v, "rootfsPropagation", "linux", 0, &prop, why,
		       size) < 0 ||
	    get_string(v, "mountLabel", "linux", 0, &label, why, size) < 0)
		return -1;
	if (prop && !(c->rootfs_propagation = propagation_of(prop)))
		return bad(why, size, "linux.rootfsPropagation: unknown "
			   "propagation '%s'", prop);
	if (label && *label && !selinux_enabled())
		return bad(why, size, "linux.mountLabel: SELinux is not "
			   "enabled on this host, so the label '%s' cannot "
			   "be applied", label);
	sc = json_object_get(v, "seccomp");
	if (!absent(sc) && !json_is_object(sc))
		return want(why, size, "linux.seccomp", sc, "an object");
	c->process.seccomp = absent(sc) ? NULL : sc;
	return 0;
}

/* ------------------------------------------------------------ hooks */

static const char *const hook_keys[OCI_HOOK_KINDS] = {
	"prestart", "createRuntime", "createContainer", "startContainer",
	"poststart", "poststop",
};

static int parse_hook(json_t *v, const char *path, struct oci_hook *h,
		      char *why, size_t size)
{
	char sub[128];
	long long t = 0;

	if (!json_is_object(v))
		return want(why, size, path, v, "an object");
	if (get_abs(v, "path", path, 1, &h->path, why, size) < 0 ||
	    get_strv(json_object_get(v, "args"),
		     join(sub, sizeof(sub), path, "args"), 0, &h->args, why,
		     size) < 0 ||
	    get_strv(json_object_get(v, "env"),
		     join(sub, sizeof(sub), path, "env"), 0, &h->env, why,
		     size) < 0 ||
	    get_int(v, "timeout", path, 0, 1, INT_MAX, &t, NULL, why,
		    size) < 0)
		return -1;
	h->timeout = (int)t;
	return 0;
}

static int parse_hooks(json_t *v, struct oci_config *c, char *why,
		       size_t size)
{
	char base[64], path[80], what[64];
	json_t *list, *e;
	size_t i;
	int k;

	if (absent(v))
		return 0;
	if (!json_is_object(v))
		return want(why, size, "hooks", v, "an object");
	snprintf(what, sizeof(what), "an array of at most %d hooks",
		 OCI_MAX_HOOKS);
	for (k = 0; k < OCI_HOOK_KINDS; k++) {
		list = json_object_get(v, hook_keys[k]);
		join(base, sizeof(base), "hooks", hook_keys[k]);
		if (absent(list))
			continue;
		if (!json_is_array(list) ||
		    json_array_size(list) > OCI_MAX_HOOKS)
			return want(why, size, base, list, what);
		json_array_foreach(list, i, e) {
			/* Counted first, so oci_config_free() frees a hook
			 * whose args parsed and whose env did not. */
			struct oci_hook *h = &c->hooks[k][c->nhooks[k]++];

			index_of(path, sizeof(path), base, i);
			if (parse_hook(e, path, h, why, size) < 0)
				return -1;
		}
	}
	return 0;
}

/* ------------------------------------------------------------- root */

/* dir + "/" + rel, made absolute against the cwd if dir is relative,
 * with "." and empty components dropped ("..": kept, not resolved). */
static int resolve_root(const char *bundle, const char *rel, char *out,
			size_t size, char *why, size_t wsize)
{
	char joined[PATH_MAX * 2], cwd[PATH_MAX], *tok, *save;
	size_t used = 0;

	if (rel[0] == '/')
		snprintf(joined, sizeof(joined), "%s", rel);
	else if (bundle && bundle[0] == '/')
		snprintf(joined, sizeof(joined), "%s/%s", bundle, rel);
	else if (getcwd(cwd, sizeof(cwd)))
		snprintf(joined, sizeof(joined), "%s/%s/%s", cwd,
			 bundle ? bundle : ".", rel);
	else
		return bad(why, wsize, "root.path: getcwd(): %s",
			   strerror(errno));
	out[0] = '\0';
	for (tok = strtok_r(joined, "/", &save); tok;
	     tok = strtok_r(NULL, "/", &save)) {
		if (!strcmp(tok, "."))
			continue;
		if (used + 1 + strlen(tok) >= size)
			return bad(why, wsize, "root.path: longer than %zu "
				   "bytes once made absolute", size - 1);
		used += snprintf(out + used, size - used, "/%s", tok);
	}
	if (!used)
		snprintf(out, size, "/");
	return 0;
}

static int parse_root(json_t *v, const char *bundle, struct oci_config *c,
		      char *why, size_t size)
{
	const char *rel = NULL;

	if (!json_is_object(v))
		return want(why, size, "root", v, "an object");
	if (get_string(v, "path", "root", 1, &rel, why, size) < 0)
		return -1;
	if (!*rel)
		return bad(why, size, "root.path: must not be empty");
	if (resolve_root(bundle, rel, c->root, sizeof(c->root), why,
			 size) < 0 ||
	    get_bool(v, "readonly", "root", &c->root_readonly, why, size) < 0)
		return -1;
	return 0;
}

/* ------------------------------------------------------- the config */

int oci_config_parse(json_t *doc, const char *bundle, struct oci_config *c,
		     char *why, size_t size)
{
	json_t *ann;

	memset(c, 0, sizeof(*c));
	c->process.umask = -1;
	if (!json_is_object(doc))
		return bad(why, size, "config.json: must be a JSON object");
	if (get_string(doc, "ociVersion", "", 1, &c->oci_version, why,
		       size) < 0)
		return -1;
	if (strncmp(c->oci_version, "1.", 2))
		return bad(why, size, "ociVersion: '%s' is not supported: "
			   "this runtime implements %s", c->oci_version,
			   OCI_VERSION);
	if (parse_root(json_object_get(doc, "root"), bundle, c, why,
		       size) < 0 ||
	    oci_process_parse(json_object_get(doc, "process"), &c->process,
			      "process", why, size) < 0)
		goto out_free;
	if (get_string(doc, "hostname", "", 0, &c->hostname, why, size) < 0 ||
	    parse_mounts(json_object_get(doc, "mounts"), c, why, size) < 0 ||
	    parse_linux(json_object_get(doc, "linux"), c, why, size) < 0 ||
	    parse_hooks(json_object_get(doc, "hooks"), c, why, size) < 0)
		goto out_free;
	ann = json_object_get(doc, "annotations");
	if (!absent(ann) && !json_is_object(ann)) {
		want(why, size, "annotations", ann, "an object");
		goto out_free;
	}
	c->annotations = absent(ann) ? NULL : ann;
	c->json = doc;
	return 0;

out_free:
	/* The caller keeps doc on failure. */
	oci_config_free(c);
	errno = EINVAL;
	return -1;
}

int oci_config_load(const char *bundle, struct oci_config *c, char *why,
		    size_t size)
{
	char path[PATH_MAX + 16];
	json_error_t e;
	json_t *doc;

	memset(c, 0, sizeof(*c));
	snprintf(path, sizeof(path), "%s/config.json", bundle);
	if (access(path, R_OK) < 0) {
		int err = errno;

		snprintf(why, size, "%s: %s", path, err == ENOENT ?
			 "no such file or directory" : strerror(err));
		errno = err;
		return -1;
	}
	doc = json_load_file(path, JSON_REJECT_DUPLICATES, &e);
	if (!doc)
		return bad(why, size, "config.json is not valid JSON: %s "
			   "(line %d)", e.text, e.line);
	if (oci_config_parse(doc, bundle, c, why, size) < 0) {
		json_decref(doc);
		return -1;
	}
	return 0;
}

void oci_config_free(struct oci_config *c)
{
	int k, i;

	oci_process_free(&c->process);
	for (k = 0; k < OCI_HOOK_KINDS; k++) {
		for (i = 0; i < c->nhooks[k]; i++) {
			free(c->hooks[k][i].args);
			free(c->hooks[k][i].env);
			c->hooks[k][i].args = c->hooks[k][i].env = NULL;
		}
		c->nhooks[k] = 0;
	}
	json_decref(c->json);
	c->json = NULL;
}

/* ---------------------------------------------------------- signals */

static const struct {
	const char *name;
	int signo;
} signal_names[] = {
	{ "HUP", SIGHUP }, { "INT", SIGINT }, { "QUIT", SIGQUIT },
	{ "ILL", SIGILL }, { "TRAP", SIGTRAP }, { "ABRT", SIGABRT },
	{ "IOT", SIGIOT }, { "BUS", SIGBUS }, { "FPE", SIGFPE },
	{ "KILL", SIGKILL }, { "USR1", SIGUSR1 }, { "SEGV", SIGSEGV },
	{ "USR2", SIGUSR2 }, { "PIPE", SIGPIPE }, { "ALRM", SIGALRM },
	{ "TERM", SIGTERM }, { "STKFLT", SIGSTKFLT }, { "CHLD", SIGCHLD },
	{ "CLD", SIGCHLD }, { "CONT", SIGCONT }, { "STOP", SIGSTOP },
	{ "TSTP", SIGTSTP }, { "TTIN", SIGTTIN }, { "TTOU", SIGTTOU },
	{ "URG", SIGURG }, { "XCPU", SIGXCPU }, { "XFSZ", SIGXFSZ },
	{ "VTALRM", SIGVTALRM }, { "PROF", SIGPROF }, { "WINCH", SIGWINCH },
	{ "IO", SIGIO }, { "POLL", SIGPOLL }, { "PWR", SIGPWR },
	{ "SYS", SIGSYS },
};

/* "15" -> 15; -1 unless all digits and from 1 to SIGRTMAX. */
static int signal_number(const char *s)
{
	long n = 0;

	if (!*s || strspn(s, "0123456789") != strlen(s) || strlen(s) > 3)
		return -1;
	n = strtol(s, NULL, 10);
	return n >= 1 && n <= SIGRTMAX ? (int)n : -1;
}

int oci_parse_signal(const char *s)
{
	const char *name;
	size_t i;
	int n;

	if (!s)
		return -1;
	if (isdigit((unsigned char)*s))
		return signal_number(s);
	name = strncasecmp(s, "SIG", 3) ? s : s + 3;
	for (i = 0; i < sizeof(signal_names) / sizeof(signal_names[0]); i++)
		if (!strcasecmp(name, signal_names[i].name))
			return signal_names[i].signo;
	/* Real-time signals: RTMIN, RTMIN+N, RTMAX, RTMAX-N (kill -l). */
	if (!strncasecmp(name, "RTMIN", 5) || !strncasecmp(name, "RTMAX", 5)) {
		int max = !strncasecmp(name, "RTMAX", 5);
		const char *off = name + 5;

		if (!*off)
			return max ? SIGRTMAX : SIGRTMIN;
		if (*off != (max ? '-' : '+'))
			return -1;
		n = signal_number(off + 1);
		if (n < 0)
			return -1;
		n = max ? SIGRTMAX - n : SIGRTMIN + n;
		return n >= SIGRTMIN && n <= SIGRTMAX ? n : -1;
	}
	return -1;
}
