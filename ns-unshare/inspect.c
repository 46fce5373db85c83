/*
 * inspect.c - a running process's isolation, read from /proc/PID.
 *
 * Demonstrates: /proc/PID/ns, uid_map, gid_map, status (Cap*, NoNewPrivs,
 * Seccomp), cgroup, root and mountinfo.  See proc(5), namespaces(7),
 * capabilities(7), seccomp(2), cgroups(7).
 *
 * Everything a runtime did to a process is visible from outside: these
 * files are how `ns-inspect` (and docker inspect, and crictl) know.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "inspect.h"
#include "mountinfo.h"
#include "nstable.h"
#include "report.h"

/* A map file with padding squeezed and lines joined by "; ". */
static void read_map(int dfd, const char *name, char *out, size_t size)
{
	char raw[1024], *p, *q;
	int space = 0;
	size_t n = 0;

	out[0] = '\0';
	if (file_read_at(dfd, name, raw, sizeof(raw)) <= 0)
		return;
	for (p = raw; *p && n + 3 < size; p++) {
		if (*p == '\n') {
			if (p[1]) {
				out[n++] = ';';
				out[n++] = ' ';
			}
			space = 0;
			continue;
		}
		if (*p == ' ') {
			space = n > 0 && out[n - 1] != ' ';
			continue;
		}
		if (space && n > 0 && out[n - 1] != ' ')
			out[n++] = ' ';
		space = 0;
		out[n++] = *p;
	}
	out[n] = '\0';
	/* Lines start with padding; drop a leading blank per line. */
	for (p = q = out; *p; p++)
		if (!(*p == ' ' && (p == out || p[-1] == ' ')))
			*q++ = *p;
	*q = '\0';
}

static void read_status(int dfd, struct insp_info *i)
{
	char buf[4096], *line, *save = NULL;

	i->no_new_privs = i->seccomp = -1;
	if (file_read_at(dfd, "status", buf, sizeof(buf)) <= 0)
		return;
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *v = strchr(line, ':');

		if (!v)
			continue;
		*v++ = '\0';
		while (*v == '\t' || *v == ' ')
			v++;
		if (strcmp(line, "Name") == 0)
			snprintf(i->comm, sizeof(i->comm), "%s", v);
		else if (strcmp(line, "PPid") == 0)
			i->ppid = (pid_t)atoi(v);
		else if (strcmp(line, "CapInh") == 0)
			i->cap_inh = strtoull(v, NULL, 16);
		else if (strcmp(line, "CapPrm") == 0)
			i->cap_prm = strtoull(v, NULL, 16);
		else if (strcmp(line, "CapEff") == 0)
			i->cap_eff = strtoull(v, NULL, 16);
		else if (strcmp(line, "CapBnd") == 0)
			i->cap_bnd = strtoull(v, NULL, 16);
		else if (strcmp(line, "CapAmb") == 0)
			i->cap_amb = strtoull(v, NULL, 16);
		else if (strcmp(line, "NoNewPrivs") == 0)
			i->no_new_privs = atoi(v);
		else if (strcmp(line, "Seccomp") == 0)
			i->seccomp = atoi(v);
	}
}

/* The cgroup v2 line ("0::/path"), or every line joined by "; ". */
static void read_cgroup(int dfd, char *out, size_t size)
{
	char buf[2048], *p, *line, *save = NULL;
	size_t n = 0;

	out[0] = '\0';
	if (file_read_at(dfd, "cgroup", buf, sizeof(buf)) <= 0)
		return;
	p = strstr(buf, "0::");
	if (p && (p == buf || p[-1] == '\n')) {
		snprintf(out, size, "%.*s", (int)strcspn(p, "\n"), p);
		return;
	}
	for (line = strtok_r(buf, "\n", &save); line && n < size;
	     line = strtok_r(NULL, "\n", &save))
		n += (size_t)snprintf(out + n, size - n, "%s%s", n ? "; " : "",
				      line);
}

/* Propagation of the mount at "/" in the process's own mount table. */
static void read_root_prop(int dfd, char *out, size_t size)
{
	int fd = openat(dfd, "mountinfo", O_RDONLY | O_CLOEXEC);
	FILE *f = fd >= 0 ? fdopen(fd, "re") : NULL;
	struct mnt_entry e;

	snprintf(out, size, "?");
	if (!f) {
		if (fd >= 0)
			close(fd);
		return;
	}
	if (mnt_find_point(f, "/", &e) == 0)
		snprintf(out, size, "%s", e.optional[0] ? e.optional :
			 "private");
	fclose(f);
}

int insp_read(pid_t pid, struct insp_info *i)
{
	char path[64];
	ssize_t n;
	unsigned t;
	int dfd;

	memset(i, 0, sizeof(*i));
	i->pid = pid;
	snprintf(path, sizeof(path), "/proc/%d", (int)pid);
	dfd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		errno = ESRCH;
		return -1;
	}
	/* The namespace links are the ptrace-guarded part: check first. */
	for (t = 0; t < nst_count; t++) {
		if (nst_inode(pid, nst_types[t].proc, &i->ns[t]) == 0)
			continue;
		if (errno == EACCES || errno == EPERM) {
			close(dfd);
			errno = EACCES;
			return -1;
		}
		if (errno == ENOENT && t == 0) {
			close(dfd);	/* exited while we looked */
			errno = ESRCH;
			return -1;
		}
	}
	read_status(dfd, i);
	read_map(dfd, "uid_map", i->uid_map, sizeof(i->uid_map));
	read_map(dfd, "gid_map", i->gid_map, sizeof(i->gid_map));
	read_cgroup(dfd, i->cgroup, sizeof(i->cgroup));
	n = readlinkat(dfd, "root", i->root, sizeof(i->root) - 1);
	i->root[n > 0 ? n : 0] = '\0';
	read_root_prop(dfd, i->root_prop, sizeof(i->root_prop));
	close(dfd);
	return 0;
}

/*
 * "all 41", "none", "3 of 41: cap_chown ..." or, for a set holding most
 * of them, "40 of 41: all but cap_sys_resource".
 */
static void cap_list(uint64_t set, char *out, size_t size)
{
	int total = (int)cap_max_bits(), c, count = 0, but;
	size_t n;

	for (c = 0; c < total; c++)
		count += (int)((set >> c) & 1);
	if (count == total || count == 0) {
		snprintf(out, size, count ? "all %d" : "none", count);
		return;
	}
	but = count > total / 2;
	n = (size_t)snprintf(out, size, "%d of %d:%s", count, total,
			     but ? " all but" : "");
	for (c = 0; c < total && n < size; c++) {
		char *name;

		if ((int)((set >> c) & 1) == but)
			continue;
		name = cap_to_name((cap_value_t)c);
		n += (size_t)snprintf(out + n, size - n, " %s",
				      name ? name : "?");
		cap_free(name);
	}
}

static const char *seccomp_name(int mode)
{
	return mode == 0 ? "disabled" : mode == 1 ? "strict" :
	       mode == 2 ? "filter" : "unknown";
}

void insp_print(FILE *f, const struct insp_info *i,
		const struct insp_info *ref, const char *ref_name)
{
	char caps[1024];
	unsigned t;

	fprintf(f, "process %d (%s), parent %d; compared with %s\n",
		(int)i->pid, i->comm, (int)i->ppid, ref_name);
	for (t = 0; t < nst_count; t++) {
		const char *p = nst_types[t].proc;

		if (!i->ns[t]) {
			fprintf(f, "  %-8s (none: the kernel lacks this type)\n",
				p);
			continue;
		}
		fprintf(f, "  %-8s %s:[%" PRIu64 "]  %s\n", p, p, i->ns[t],
			i->ns[t] == ref->ns[t] ? "same" : "DIFFERS");
	}
	fprintf(f, "  %-13s %s\n", "uid_map", *i->uid_map ? i->uid_map : "-");
	fprintf(f, "  %-13s %s\n", "gid_map", *i->gid_map ? i->gid_map : "-");
	cap_list(i->cap_eff, caps, sizeof(caps));
	fprintf(f, "  %-13s %s\n", "cap effective", caps);
	cap_list(i->cap_bnd, caps, sizeof(caps));
	fprintf(f, "  %-13s %s\n", "cap bounding", caps);
	cap_list(i->cap_amb, caps, sizeof(caps));
	fprintf(f, "  %-13s %s\n", "cap ambient", caps);
	fprintf(f, "  %-13s %d\n", "no_new_privs", i->no_new_privs);
	fprintf(f, "  %-13s %s (%d)\n", "seccomp", seccomp_name(i->seccomp),
		i->seccomp);
	fprintf(f, "  %-13s %s\n", "cgroup", i->cgroup);
	fprintf(f, "  %-13s %s\n", "root", *i->root ? i->root : "?");
	fprintf(f, "  %-13s %s\n", "/ propagation", i->root_prop);
}

void insp_print_json(FILE *f, const struct insp_info *i,
		     const struct insp_info *ref, const char *ref_name)
{
	unsigned t;

	fprintf(f, "{\"pid\": %d, \"ppid\": %d, \"comm\": ", (int)i->pid,
		(int)i->ppid);
	rep_json_str(f, i->comm);
	fprintf(f, ", \"compared_with\": ");
	rep_json_str(f, ref_name);
	fprintf(f, ", \"namespaces\": {");
	for (t = 0; t < nst_count; t++)
		fprintf(f, "%s\"%s\": {\"inode\": %" PRIu64 ", \"differs\": "
			"%s}", t ? ", " : "", nst_types[t].proc, i->ns[t],
			i->ns[t] != ref->ns[t] ? "true" : "false");
	fprintf(f, "}, \"uid_map\": ");
	rep_json_str(f, i->uid_map);
	fprintf(f, ", \"gid_map\": ");
	rep_json_str(f, i->gid_map);
	fprintf(f, ", \"capabilities\": {\"inheritable\": \"%016" PRIx64
		"\", \"permitted\": \"%016" PRIx64 "\", \"effective\": \"%016"
		PRIx64 "\", \"bounding\": \"%016" PRIx64 "\", \"ambient\": "
		"\"%016" PRIx64 "\"}", i->cap_inh, i->cap_prm, i->cap_eff,
		i->cap_bnd, i->cap_amb);
	fprintf(f, ", \"no_new_privs\": %d, \"seccomp\": %d, \"cgroup\": ",
		i->no_new_privs, i->seccomp);
	rep_json_str(f, i->cgroup);
	fprintf(f, ", \"root\": ");
	rep_json_str(f, i->root);
	fprintf(f, ", \"root_propagation\": ");
	rep_json_str(f, i->root_prop);
	fprintf(f, "}\n");
}

#define TREE_MAX_PROCS 8192
#define TREE_MAX_GROUPS 512

struct tree_proc {
	pid_t pid, ppid;
	char comm[32];
	int group;
};

struct tree_group {
	uint64_t ns[8];
	int first;		/* index of the member with the lowest PID */
	int parent;		/* group index, or -1 */
	int count;
};

static int find_group(struct tree_group *g, int ng, const uint64_t *ns)
{
	int k;

	for (k = 0; k < ng; k++)
		if (memcmp(g[k].ns, ns, sizeof(g[k].ns)) == 0)
			return k;
	return -1;
}

/* Is k already an ancestor of (or equal to) group a?  Prevents cycles. */
static int ancestor(const struct tree_group *g, int k, int a)
{
	int hops;

	for (hops = 0; a >= 0 && hops < TREE_MAX_GROUPS; hops++, a = g[a].parent)
		if (a == k)
			return 1;
	return 0;
}

static void print_group(FILE *f, const struct tree_proc *p, int np,
			const struct tree_group *g, int ng, int k,
			const struct insp_info *ref, int depth)
{
	int j, shown = 0, c;
	unsigned t;

	fprintf(f, "%*s%s%d process%s", depth * 4, "",
		depth ? "└─ " : "", g[k].count, g[k].count == 1 ? "" : "es");
	if (depth == 0 && memcmp(g[k].ns, ref->ns, sizeof(g[k].ns)) == 0)
		fprintf(f, " (reference)");
	else
		for (t = 0, c = 0; t < nst_count; t++)
			if (g[k].ns[t] != ref->ns[t])
				fprintf(f, "%s%s:[%" PRIu64 "]", c++ ? " " :
					": ", nst_types[t].proc, g[k].ns[t]);
	fputc('\n', f);
	fprintf(f, "%*s   ", depth * 4, "");
	for (j = 0; j < np; j++) {
		if (p[j].group != k)
			continue;
		if (shown == 8) {
			fprintf(f, " ...");
			break;
		}
		fprintf(f, " %d %s%s", (int)p[j].pid, p[j].comm,
			shown + 1 < g[k].count && shown < 7 ? "," : "");
		shown++;
	}
	fputc('\n', f);
	for (j = 0; j < ng; j++)
		if (g[j].parent == k)
			print_group(f, p, np, g, ng, j, ref, depth + 1);
}

int insp_tree(FILE *f, const struct insp_info *ref)
{
	static struct tree_proc p[TREE_MAX_PROCS];
	static struct tree_group g[TREE_MAX_GROUPS];
	DIR *d = opendir("/proc");
	struct dirent *de;
	int np = 0, ng = 0, j, k, skipped = 0;

	if (!d)
		return -1;
	while ((de = readdir(d)) && np < TREE_MAX_PROCS) {
		struct insp_info i;
		pid_t pid;

		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		pid = (pid_t)atoi(de->d_name);
		if (insp_read(pid, &i) < 0) {
			skipped += errno == EACCES;
			continue;
		}
		k = find_group(g, ng, i.ns);
		if (k < 0) {
			if (ng == TREE_MAX_GROUPS)
				continue;
			k = ng++;
			memcpy(g[k].ns, i.ns, sizeof(g[k].ns));
			g[k].first = np;
			g[k].parent = -1;
		}
		p[np].pid = pid;
		p[np].ppid = i.ppid;
		snprintf(p[np].comm, sizeof(p[np].comm), "%s", i.comm);
		p[np].group = k;
		if (pid < p[g[k].first].pid)
			g[k].first = np;
		g[k].count++;
		np++;
	}
	closedir(d);
	/* A group hangs under the group of its first member's parent. */
	for (k = 0; k < ng; k++)
		for (j = 0; j < np; j++)
			if (p[j].pid == p[g[k].first].ppid && p[j].group != k &&
			    !ancestor(g, k, p[j].group))
				g[k].parent = p[j].group;
	fprintf(f, "%d processes in %d namespace group(s)%s\n", np, ng,
		skipped ? " (some not readable)" : "");
	for (k = 0; k < ng; k++)
		if (g[k].parent < 0)
			print_group(f, p, np, g, ng, k, ref, 0);
	return 0;
}
