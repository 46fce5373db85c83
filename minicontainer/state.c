/*
 * state.c - the container's state directory.  A runtime is a set of
 * short-lived commands (run, ps, stop, rm) around long-lived kernel
 * objects (processes, a cgroup, links, rules): the directory is how one
 * command finds what another made.  runc keeps the same under
 * /run/runc/ID.  Files are small and written whole (a temp file renamed
 * over the old one), so a reader never sees half a file.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "options.h"
#include "fileio.h"
#include "report.h"
#include "state.h"

#define STATE_ROOT	"/run/minicontainer"

/* mkdir with mode, accepting an existing directory we own. */
static int make_dir(const char *path, mode_t mode)
{
	struct stat st;

	if (mkdir(path, mode) == 0)
		return 0;
	if (errno != EEXIST)
		return rep_fail("mkdir(\"%s\")", path);
	if (lstat(path, &st) < 0)
		return rep_fail("lstat(\"%s\")", path);
	/* Someone else's directory (or a symlink) in /tmp is an attack. */
	if (!S_ISDIR(st.st_mode) || st.st_uid != geteuid()) {
		rep_error("%s is not a directory of uid %u: refused", path,
			  geteuid());
		errno = EPERM;
		return -1;
	}
	return 0;
}

static const char *root_override;

void state_set_root(const char *dir)
{
	root_override = dir;
}

int state_root(char *buf, size_t size)
{
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	char parent[PATH_MAX];

	if (root_override) {
		snprintf(buf, size, "%s", root_override);
		return make_dir(buf, 0700);
	}
	if (geteuid() == 0) {
		snprintf(buf, size, STATE_ROOT);
		return make_dir(buf, 0700);
	}
	if (xdg && *xdg == '/') {
		snprintf(parent, sizeof(parent), "%s", xdg);
		snprintf(buf, size, "%s/minicontainer", xdg);
		if (access(parent, W_OK) == 0)
			return make_dir(buf, 0700);
	}
	/* No runtime directory (a su session): a private one in /tmp. */
	snprintf(buf, size, "/tmp/minicontainer-%u", geteuid());
	return make_dir(buf, 0700);
}

int state_check_name(const char *name, char *why, size_t size)
{
	size_t len = strlen(name);

	if (!len || len > STATE_NAME_MAX ||
	    strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		   "0123456789_.-") != len || name[0] == '.' ||
	    name[0] == '-' || name[0] == '_') {
		snprintf(why, size, "invalid name '%s': 1 to %d letters, "
			 "digits, '_', '.' and '-', starting with a letter or "
			 "digit", name, STATE_NAME_MAX);
		return -1;
	}
	return 0;
}

int state_lock(void)
{
	char root[PATH_MAX], path[PATH_MAX + 8];
	int fd;

	if (state_root(root, sizeof(root)) < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/.lock", root);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return rep_fail("open(\"%s\")", path);
	if (flock(fd, LOCK_EX) < 0) {
		rep_fail("flock(\"%s\", LOCK_EX)", path);
		close(fd);
		return -1;
	}
	return fd;
}

void state_unlock(int fd)
{
	if (fd >= 0)
		close(fd);
}

/* Fill s for directory id under root; 0 if it is a container's. */
static int load(const char *root, const char *id, struct mc_state *s)
{
	if (strlen(id) != 12)
		return -1;
	memset(s, 0, sizeof(*s));
	snprintf(s->root, sizeof(s->root), "%s", root);
	snprintf(s->dir, sizeof(s->dir), "%s/%.12s", root, id);
	snprintf(s->id, sizeof(s->id), "%.12s", id);
	return state_read(s, "name", s->name, sizeof(s->name)) < 0 ? -1 : 0;
}

struct find {
	const char *ref;
	struct mc_state *out;
	int matches;
};

static int find_cb(const struct mc_state *s, void *arg)
{
	struct find *f = arg;

	if (!strcmp(s->name, f->ref) || !strcmp(s->id, f->ref)) {
		*f->out = *s;
		f->matches = 1;
		return 1;
	}
	if (strlen(f->ref) >= 3 && !strncmp(s->id, f->ref, strlen(f->ref))) {
		*f->out = *s;
		f->matches++;
	}
	return 0;
}

int state_open(const char *ref, struct mc_state *s, char *why, size_t size)
{
	struct find f = { ref, s, 0 };

	if (state_check_name(ref, why, size) < 0)
		return -1;
	if (state_list(find_cb, &f) < 0) {
		snprintf(why, size, "cannot read the state directory");
		return -1;
	}
	if (f.matches == 1)
		return 0;
	snprintf(why, size, f.matches ? "'%s' matches more than one "
		 "container ID: give more digits" : "no such container: %s",
		 ref);
	return -1;
}

static int name_cb(const struct mc_state *s, void *arg)
{
	return !strcmp(s->name, arg) || !strcmp(s->id, arg);
}

int state_create(const char *name, struct mc_state *s, char *why,
		 size_t size)
{
	char root[PATH_MAX - 64], id[16];
	int lock, taken;

	if (name && state_check_name(name, why, size) < 0)
		return -1;
	/* Only a name can collide; a fresh random ID's mkdir is enough. */
	lock = name ? state_lock() : -2;
	if (lock == -1)
		return -1;
	taken = name ? state_list(name_cb, (void *)name) : 0;
	if (taken) {
		state_unlock(lock);
		snprintf(why, size, taken > 0 ? "the name '%s' is already in "
			 "use (minicontainer rm %s)" : "cannot read the state "
			 "directory", name, name);
		return -1;
	}
	if (state_root(root, sizeof(root)) < 0)
		goto out_unlock;
	memset(s, 0, sizeof(*s));
	snprintf(s->root, sizeof(s->root), "%s", root);
	snprintf(s->id, sizeof(s->id), "%s", mc_new_id(id, sizeof(id)));
	snprintf(s->name, sizeof(s->name), "%s", name ? name : s->id);
	snprintf(s->dir, sizeof(s->dir), "%s/%s", root, s->id);
	if (mkdir(s->dir, 0700) < 0) {
		rep_fail("mkdir(\"%s\")", s->dir);
		goto out_unlock;
	}
	if (state_write(s, "name", "%s", s->name) < 0) {
		state_remove(s);
		goto out_unlock;
	}
	state_unlock(lock);
	return 0;
out_unlock:
	state_unlock(lock);
	snprintf(why, size, "cannot create the container's state");
	return -1;
}

int state_write(const struct mc_state *s, const char *file,
		const char *fmt, ...)
{
	char path[PATH_MAX + 64], tmp[PATH_MAX + 80];
	va_list ap;
	FILE *f;
	int err;

	snprintf(path, sizeof(path), "%s/%s", s->dir, file);
	snprintf(tmp, sizeof(tmp), "%s/.%s.tmp", s->dir, file);
	f = fopen(tmp, "we");
	if (!f)
		return rep_fail("fopen(\"%s\")", tmp);
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fputc('\n', f);
	err = ferror(f);
	if (fclose(f) || err) {
		unlink(tmp);
		return rep_fail("write(\"%s\")", tmp);
	}
	if (rename(tmp, path) < 0) {
		unlink(tmp);
		return rep_fail("rename(\"%s\", \"%s\")", tmp, path);
	}
	return 0;
}

/* The keys kept together in the one "config" file (written once, at the
 * start: every file is a journal entry where /run is not a tmpfs). */
static const char *const config_keys[] = {
	"command", "rootfs", "caps", "user", "home", "seccomp", "workdir",
	"limits", "no_new_privs", "host_namespaces", "env", "image",
	"autoremove", NULL,
};

static int is_config_key(const char *key)
{
	int i;

	for (i = 0; config_keys[i]; i++)
		if (!strcmp(key, config_keys[i]))
			return 1;
	return 0;
}

/* key's value in the config file ("env" is the rest of the file). */
static ssize_t config_read(const struct mc_state *s, const char *key,
			   char *buf, size_t size)
{
	char all[32768], *p, *eol;
	size_t klen = strlen(key);
	ssize_t n;

	n = state_read(s, "config", all, sizeof(all));
	if (n < 0)
		return -1;
	for (p = all; p && *p; p = eol ? eol + 1 : NULL) {
		eol = strchr(p, '\n');
		if (strncmp(p, key, klen) || p[klen] != '=')
			continue;
		if (!strcmp(key, "env"))
			snprintf(buf, size, "%s", eol ? eol + 1 : "");
		else
			snprintf(buf, size, "%.*s", eol ? (int)(eol - p -
				 (ptrdiff_t)klen - 1) : (int)strlen(p + klen + 1),
				 p + klen + 1);
		return (ssize_t)strlen(buf);
	}
	return -1;
}

/* status, init and monitor, from the pids and exit files. */
static ssize_t derived_read(const struct mc_state *s, const char *key,
			    char *buf, size_t size)
{
	char pids[96], code[16];
	unsigned long long t;
	int mon, init;

	if (!strcmp(key, "status")) {
		if (state_read(s, "exit", code, sizeof(code)) >= 0)
			snprintf(buf, size, "exited");
		else if (state_read(s, "pids", pids, sizeof(pids)) > 0)
			snprintf(buf, size, "running");
		else
			snprintf(buf, size, "created");
		return (ssize_t)strlen(buf);
	}
	if (state_read(s, "pids", pids, sizeof(pids)) <= 0 ||
	    sscanf(pids, "%d %llu %d", &mon, &t, &init) != 3)
		return -1;
	if (!strcmp(key, "init"))
		snprintf(buf, size, "%d", init);
	else
		snprintf(buf, size, "%d %llu", mon, t);
	return (ssize_t)strlen(buf);
}

ssize_t state_read(const struct mc_state *s, const char *file, char *buf,
		   size_t size)
{
	char path[PATH_MAX + 64];
	ssize_t n;
	int fd;

	if (is_config_key(file))
		return config_read(s, file, buf, size);
	if (!strcmp(file, "status") || !strcmp(file, "init") ||
	    !strcmp(file, "monitor"))
		return derived_read(s, file, buf, size);
	snprintf(path, sizeof(path), "%s/%s", s->dir, file);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	while (n && buf[n - 1] == '\n')
		buf[--n] = '\0';
	return n;
}

int state_record(const struct mc_state *s, const char *kind,
		 const char *value)
{
	char path[PATH_MAX + 64];
	int fd, ok;

	snprintf(path, sizeof(path), "%s/resources", s->dir);
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return rep_fail("open(\"%s\")", path);
	/* On disk before the resource exists: a crash right after the
	 * create step still finds it written down. */
	ok = dprintf(fd, "%s %s\n", kind, value) > 0 && fsync(fd) == 0;
	close(fd);
	if (!ok)
		return rep_fail("write(\"%s\")", path);
	return 0;
}

int state_resources(const struct mc_state *s,
		    int (*cb)(const char *kind, const char *value, void *arg),
		    void *arg)
{
	char buf[8192], *lines[256], *sp;
	int n = 0, ret = 0;

	if (state_read(s, "resources", buf, sizeof(buf)) < 0)
		return 0;
	for (char *l = strtok_r(buf, "\n", &sp); l && n < 256;
	     l = strtok_r(NULL, "\n", &sp))
		lines[n++] = l;
	while (n-- > 0 && !ret) {
		char *v = strchr(lines[n], ' ');

		if (!v)
			continue;
		*v++ = '\0';
		ret = cb(lines[n], v, arg);
	}
	return ret;
}

unsigned long long state_start_time(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long long t = 0;
	int fd, i;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	/* The command name may hold spaces: count from its ')'. */
	p = strrchr(buf, ')');
	/* A zombie is no longer alive, whoever fails to reap it. */
	if (p && (p[1] != ' ' || p[2] == 'Z' || p[2] == 'X'))
		return 0;
	for (i = 2; p && i < 22; i++)
		p = strchr(p + 1, ' ');
	if (p)
		t = strtoull(p + 1, NULL, 10);
	return t;
}

int state_set_running(const struct mc_state *s, pid_t init)
{
	/*
	 * Fewer files, fewer journal entries where /run is on a disk: the
	 * status is derived (no pids: created; pids: running; exit:
	 * exited), and init's PID goes with the monitor's (this process),
	 * with its start time, so a reused PID is not taken for it.  A
	 * start killed before this is dead to cleanup anyway.
	 */
	return state_write(s, "pids", "%d %llu %d", getpid(),
			   state_start_time(getpid()), init);
}
int state_monitor_alive(const struct mc_state *s)
{
	unsigned long long t;
	char buf[64];
	int pid;

	if (state_read(s, "monitor", buf, sizeof(buf)) < 0 ||
	    sscanf(buf, "%d %llu", &pid, &t) != 2 || pid <= 0)
		return 0;
	return state_start_time(pid) == t && t != 0;
}

int state_list(int (*cb)(const struct mc_state *s, void *arg), void *arg)
{
	char root[PATH_MAX - 64];
	struct mc_state s;
	struct dirent **ents;
	int i, n, ret = 0;

	if (state_root(root, sizeof(root)) < 0)
		return -1;
	n = scandir(root, &ents, NULL, alphasort);
	if (n < 0)
		return rep_fail("scandir(\"%s\")", root);
	for (i = 0; i < n; i++) {
		if (!ret && ents[i]->d_name[0] != '.' &&
		    load(root, ents[i]->d_name, &s) == 0)
			ret = cb(&s, arg);
		free(ents[i]);
	}
	free(ents);
	return ret;
}

int state_remove(const struct mc_state *s)
{
	struct dirent *e;
	DIR *d = opendir(s->dir);
	int dfd;

	if (!d)
		return errno == ENOENT ? 0 : rep_fail("opendir(\"%s\")",
						      s->dir);
	dfd = dirfd(d);
	/* Files, and an image's rootfs, upper and work directories. */
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			file_remove_tree_at(dfd, e->d_name);
	closedir(d);
	if (rmdir(s->dir) < 0)
		return rep_fail("rmdir(\"%s\")", s->dir);
	return 0;
}
