/*
 * evidence.c - the before/after a student should look at, per namespace.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/capability.h>

#include "evidence.h"
#include "fileio.h"
#include "nstable.h"
#include "report.h"

static int count_lines(const char *path)
{
	FILE *f = fopen(path, "re");
	int c, n = 0;

	if (!f)
		return -1;
	while ((c = fgetc(f)) != EOF)
		n += c == '\n';
	fclose(f);
	return n;
}

void ev_snapshot(struct ev_snapshot *s)
{
	static const char *const ipc[] = { "/proc/sysvipc/msg",
					   "/proc/sysvipc/sem",
					   "/proc/sysvipc/shm" };
	char buf[128];
	unsigned i;
	int n;

	memset(s, 0, sizeof(*s));
	for (i = 0; i < nst_count && i < 8; i++)
		nst_inode(0, nst_types[i].proc, &s->ns[i]);
	gethostname(s->hostname, sizeof(s->hostname) - 1);
	/* Each file has one header line, then one line per object. */
	s->ipc_objects = 0;
	for (i = 0; i < 3; i++) {
		n = count_lines(ipc[i]);
		s->ipc_objects = n < 0 || s->ipc_objects < 0 ? -1 :
				 s->ipc_objects + (n > 0 ? n - 1 : 0);
	}
	s->uptime = -1;
	if (file_read_at(AT_FDCWD, "/proc/uptime", buf, sizeof(buf)) > 0)
		s->uptime = strtod(buf, NULL);
	if (file_read_at(AT_FDCWD, "/proc/self/cgroup", s->cgroup,
			 sizeof(s->cgroup)) < 0)
		s->cgroup[0] = '\0';
	s->pid = getpid();
	s->uid = geteuid();
}

/* "lo (DOWN)" style list of the interfaces this network namespace has. */
static void interfaces(char *buf, size_t size, int *count)
{
	struct if_nameindex *ifs = if_nameindex(), *i;
	int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	size_t used = 0;

	buf[0] = '\0';
	*count = 0;
	for (i = ifs; i && i->if_index; i++) {
		struct ifreq ifr = { 0 };
		int up = 0;

		snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", i->if_name);
		if (sock >= 0 && ioctl(sock, SIOCGIFFLAGS, &ifr) == 0)
			up = !!(ifr.ifr_flags & IFF_UP);
		used += (size_t)snprintf(buf + used, size > used ? size - used : 0,
					 "%s%s (%s)", used ? ", " : "",
					 i->if_name, up ? "UP" : "DOWN");
		(*count)++;
	}
	if (ifs)
		if_freenameindex(ifs);
	if (sock >= 0)
		close(sock);
}

/* The first line of /proc/self/uid_map with its padding squeezed, and
 * "+N more" if there are more lines; "none" if no map was written. */
static void uid_map_line(char *buf, size_t size)
{
	char raw[512], *p, *save = NULL, *tok;
	size_t used = 0;
	int lines = 0;

	buf[0] = '\0';
	if (file_read_at(AT_FDCWD, "/proc/self/uid_map", raw, sizeof(raw)) <= 0) {
		snprintf(buf, size, "none");
		return;
	}
	for (p = raw; *p; p++)
		lines += *p == '\n';
	raw[strcspn(raw, "\n")] = '\0';
	for (tok = strtok_r(raw, " ", &save); tok;
	     tok = strtok_r(NULL, " ", &save))
		used += (size_t)snprintf(buf + used, size > used ? size - used : 0,
					 "%s%s", used ? " " : "", tok);
	if (lines > 1)
		snprintf(buf + used, size > used ? size - used : 0,
			 " +%d more", lines - 1);
}

/* Number of capabilities in the effective set. */
static int cap_count(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d) < 0)
		return -1;
	return __builtin_popcount(d[0].effective) +
	       __builtin_popcount(d[1].effective);
}

/* The /proc/self/cgroup line for the v2 hierarchy ("0::/..."), or the
 * first line on a v1-only host. */
static void cgroup_line(const char *all, char *buf, size_t size)
{
	const char *p = strstr(all, "0::");
	size_t len;

	if (p != all && p && p[-1] != '\n')
		p = NULL;
	if (!p)
		p = all;
	len = strcspn(p, "\n");
	snprintf(buf, size, "%.*s", (int)len, p);
}

void ev_report(int flags, const struct ev_snapshot *b,
	       const struct ev_snapshot *a, int json)
{
	char line[512], ifs[256], cg[128], map[128] = "", caps[96];
	int nifs = 0, first = 1;
	struct stat root;
	unsigned i;

	if (rep_level < REP_EVIDENCE)
		return;
	if (json)
		fprintf(stderr, "{\"pid\": %d, \"namespaces\": {", (int)a->pid);
	for (i = 0; i < nst_count; i++) {
		const struct nst_type *t = &nst_types[i];
		uint64_t before = b->ns[i], after = a->ns[i];
		int moved = before != after;

		if (!(flags & t->flag))
			continue;
		line[0] = '\0';
		switch (t->flag) {
		case CLONE_NEWNS:
			snprintf(line, sizeof(line), "a mount made here stays "
				 "here unless / is shared (--propagation)");
			break;
		case CLONE_NEWUTS:
			snprintf(line, sizeof(line), "hostname here \"%s\", "
				 "outside still \"%s\"", a->hostname,
				 b->hostname);
			break;
		case CLONE_NEWIPC:
			snprintf(line, sizeof(line), "System V IPC objects: %d "
				 "outside, %d visible here", b->ipc_objects,
				 a->ipc_objects);
			break;
		case CLONE_NEWPID:
			if (moved)
				snprintf(line, sizeof(line), "this process is "
					 "PID %d here; ns-unshare is PID %d "
					 "outside", (int)a->pid, (int)b->pid);
			else
				snprintf(line, sizeof(line), "NOT entered: this "
					 "process stays PID %d of pid:[%llu]; "
					 "only its children are born into the "
					 "new one (add -f)", (int)a->pid,
					 (unsigned long long)after);
			break;
		case CLONE_NEWNET:
			interfaces(ifs, sizeof(ifs), &nifs);
			snprintf(line, sizeof(line), "%d interface(s): %s",
				 nifs, nifs ? ifs : "none");
			break;
		case CLONE_NEWUSER:
			uid_map_line(map, sizeof(map));
			stat("/", &root);
			/* execve(2) keeps the capabilities only for uid 0
			 * (capabilities(7)): say what the program gets. */
			if (a->uid == 0)
				snprintf(caps, sizeof(caps), "%d capabilities, "
					 "valid only here", cap_count());
			else
				snprintf(caps, sizeof(caps), "no capabilities "
					 "once the program runs (uid %d is not "
					 "root here)", (int)a->uid);
			snprintf(line, sizeof(line), "uid %d here (uid_map: "
				 "%s); %s; / is owned by uid %d%s",
				 (int)a->uid, map, caps, (int)root.st_uid,
				 root.st_uid == 65534 ?
				 " (the overflow ID: its owner is unmapped)" :
				 "");
			break;
		case CLONE_NEWCGROUP:
			cgroup_line(a->cgroup, cg, sizeof(cg));
			snprintf(line, sizeof(line), "/proc/self/cgroup reads "
				 "%s", cg);
			break;
		case CLONE_NEWTIME:
			if (moved)
				snprintf(line, sizeof(line), "uptime %.2f s here, "
					 "%.2f s outside", a->uptime, b->uptime);
			else
				snprintf(line, sizeof(line), "not entered yet: "
					 "the kernel moves this process into "
					 "time_for_children at execve(2), so "
					 "the program runs there; uptime now "
					 "%.2f s", a->uptime);
			break;
		}
		if (json) {
			fprintf(stderr, "%s\"%s\": {\"before\": %llu, "
				"\"after\": %llu, \"entered\": %s, \"shows\": ",
				first ? "" : ", ", t->proc,
				(unsigned long long)before,
				(unsigned long long)after,
				moved ? "true" : "false");
			rep_json_str(stderr, line);
			fputc('}', stderr);
		} else {
			rep_evidence("%-6s %s:[%llu] -> %s:[%llu]: %s", t->proc,
				     t->proc, (unsigned long long)before,
				     t->proc, (unsigned long long)after, line);
		}
		first = 0;
	}
	if (json)
		fprintf(stderr, "}}\n");
}
