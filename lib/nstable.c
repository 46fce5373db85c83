/*
 * nstable.c - namespace types and their identities (namespaces(7)).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "nstable.h"

#ifndef CLONE_NEWCGROUP
#define CLONE_NEWCGROUP 0x02000000
#endif
#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

const struct nst_type nst_types[] = {
	{ CLONE_NEWNS, "CLONE_NEWNS", "mnt", "mount", 'm',
	  "the mount table" },
	{ CLONE_NEWUTS, "CLONE_NEWUTS", "uts", "uts", 'u',
	  "hostname and NIS domain name" },
	{ CLONE_NEWIPC, "CLONE_NEWIPC", "ipc", "ipc", 'i',
	  "System V IPC objects and POSIX message queues" },
	{ CLONE_NEWPID, "CLONE_NEWPID", "pid", "pid", 'p',
	  "process IDs (its own PID 1)" },
	{ CLONE_NEWNET, "CLONE_NEWNET", "net", "net", 'n',
	  "network devices, addresses, routes, ports, firewall" },
	{ CLONE_NEWUSER, "CLONE_NEWUSER", "user", "user", 'U',
	  "user and group IDs and capabilities" },
	{ CLONE_NEWCGROUP, "CLONE_NEWCGROUP", "cgroup", "cgroup", 'C',
	  "the root of the cgroup tree it sees" },
	{ CLONE_NEWTIME, "CLONE_NEWTIME", "time", "time", 'T',
	  "CLOCK_MONOTONIC and CLOCK_BOOTTIME offsets" },
};

const unsigned nst_count = sizeof(nst_types) / sizeof(nst_types[0]);

const struct nst_type *nst_by_name(const char *name)
{
	unsigned i;

	for (i = 0; i < nst_count; i++)
		if (strcmp(nst_types[i].proc, name) == 0 ||
		    strcmp(nst_types[i].name, name) == 0)
			return &nst_types[i];
	return NULL;
}

const struct nst_type *nst_by_flag(int flag)
{
	unsigned i;

	for (i = 0; i < nst_count; i++)
		if (nst_types[i].flag == flag)
			return &nst_types[i];
	return NULL;
}

int nst_inode(pid_t pid, const char *proc, uint64_t *ino)
{
	char path[64];
	struct stat st;

	if (pid)
		snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)pid, proc);
	else
		snprintf(path, sizeof(path), "/proc/self/ns/%s", proc);
	/* A namespace's identity is the inode of its nsfs file. */
	if (stat(path, &st) < 0)
		return -1;
	*ino = st.st_ino;
	return 0;
}

int nst_inode_at(int nsdir, const char *proc, uint64_t *ino)
{
	struct stat st;

	if (fstatat(nsdir, proc, &st, 0) < 0)
		return -1;
	*ino = st.st_ino;
	return 0;
}
