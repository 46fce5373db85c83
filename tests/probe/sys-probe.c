/*
 * sys-probe - a static program the tests copy into a container's root to
 * try one thing the container should or should not be allowed to do, and
 * report the kernel's answer.  Every attempt is harmless if it succeeds:
 * a file is opened for writing and closed without a byte written, a key
 * goes into this process's own keyring, a user namespace is made and
 * dropped with the process.
 *
 *   sys-probe add_key          add_key(2) to the process keyring
 *   sys-probe userns           unshare(CLONE_NEWUSER)
 *   sys-probe open-w PATH      open(PATH, O_WRONLY), then close
 *   sys-probe read PATH        read PATH whole: the byte count
 *   sys-probe fds              the open file descriptors, in order
 *   sys-probe clocks           "monotonic S boottime S", whole seconds
 *
 * The escape attempts (tests/integration/escapes.bats), each harmless if
 * it succeeds: what it mounts it unmounts, a device is opened read-only
 * and closed, modules and kexec get invalid fds, the hostname and the
 * clock are set to the values they already have, signal 0 and a ptrace
 * seize of a sleeping process change nothing, and exe-reopen kills only
 * the process the test started for it.
 *
 *   sys-probe mount-proc DIR   mount a fresh proc on DIR, then unmount
 *   sys-probe mknod PATH MAJ:MIN      make a block device node
 *   sys-probe open-r PATH      open(PATH, O_RDONLY), then close
 *   sys-probe mount-dev DEV TYPE DIR  mount DEV, then unmount (the tests
 *                              pass an unbound loop device or a disk
 *                              the host may open: at most its
 *                              superblock is read)
 *   sys-probe finit_module     finit_module(-1, "", 0)
 *   sys-probe kexec            kexec_file_load(-1, -1, 0, "", 0)
 *   sys-probe sethostname      the hostname set to itself
 *   sys-probe clock_settime    CLOCK_REALTIME set to its own reading
 *   sys-probe kill PID         kill(PID, 0)
 *   sys-probe ptrace PID       PTRACE_SEIZE, let go at exit
 *   sys-probe connect ADDR PORT       a TCP connection, closed at once
 *   sys-probe ids              "uid R euid E"
 *   sys-probe capset N         capability N raised (effective, permitted)
 *   sys-probe userns-caps      a user namespace, its CapEff, and what the
 *                              capabilities reach: the hostname before and
 *                              after a UTS namespace of its own
 *   sys-probe fchdir FD FILE   fchdir(FD), then read FILE relative to it
 *   sys-probe forks N          a fork bomb of N: fork N children that
 *                              wait, "forked F, refused R (errno)",
 *                              then end them all
 *   sys-probe exe-reopen PID   CVE-2019-5736's steps: hold /proc/PID/exe
 *                              (O_PATH), its seals, SIGKILL PID, then
 *                              reopen the held file O_WRONLY, retried
 *                              while it is still executed (ETXTBSY),
 *                              closed unwritten
 *
 * Prints "WHAT: ok" (exit 0) or "WHAT: ERRNO-NAME" (exit 1).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/capability.h>
#include <netinet/in.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#define KEY_SPEC_PROCESS_KEYRING	-2

static int report(const char *what, int ret)
{
	if (ret < 0) {
		printf("%s: %s\n", what, strerrorname_np(errno));
		return 1;
	}
	printf("%s: ok\n", what);
	return 0;
}

static int fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	char list[1024] = "";
	int n[256], count = 0, i, j, t;

	if (!d)
		return report("fds", -1);
	while ((e = readdir(d)) && count < 256)
		if (e->d_name[0] != '.' && atoi(e->d_name) != dirfd(d))
			n[count++] = atoi(e->d_name);
	closedir(d);
	for (i = 0; i < count; i++)
		for (j = i + 1; j < count; j++)
			if (n[j] < n[i])
				t = n[i], n[i] = n[j], n[j] = t;
	for (i = 0; i < count; i++)
		snprintf(list + strlen(list), sizeof(list) - strlen(list),
			 "%s%d", i ? " " : "", n[i]);
	printf("fds: %s\n", list);
	return 0;
}

/* Mount, and unmount at once what was mounted. */
static int try_mount(const char *what, const char *src, const char *dir,
		     const char *type, unsigned long flags)
{
	if (mount(src, dir, type, flags, NULL) < 0)
		return report(what, -1);
	umount2(dir, MNT_DETACH);
	return report(what, 0);
}

static int try_mknod(const char *path, const char *majmin)
{
	unsigned int maj, min;

	if (sscanf(majmin, "%u:%u", &maj, &min) != 2)
		return 2;
	return report("mknod", mknod(path, S_IFBLK | 0600,
					 makedev(maj, min)));
}

static int open_ro(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd >= 0)
		close(fd);
	return report("open-r", fd);
}

static int same_hostname(const char *what)
{
	char name[256];

	if (gethostname(name, sizeof(name)) < 0)
		return report(what, -1);
	return report(what, sethostname(name, strlen(name)));
}

static int same_clock(void)
{
	struct timespec now;

	if (clock_gettime(CLOCK_REALTIME, &now) < 0)
		return report("clock_settime", -1);
	return report("clock_settime", clock_settime(CLOCK_REALTIME, &now));
}

static int try_connect(const char *addr, const char *port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	int s, ret;

	sa.sin_port = htons((unsigned short)atoi(port));
	if (inet_pton(AF_INET, addr, &sa.sin_addr) != 1)
		return 2;
	s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return report("connect", -1);
	ret = connect(s, (struct sockaddr *)&sa, sizeof(sa));
	close(s);
	return report("connect", ret);
}

/* Capability number cap raised into the effective and permitted sets. */
static int capset_one(const char *cap)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct d[2];
	int n = atoi(cap);

	if (n < 0 || n > 63)
		return 2;
	if (syscall(SYS_capget, &h, d) < 0)
		return report("capget", -1);
	d[n / 32].effective |= 1U << (n % 32);
	d[n / 32].permitted |= 1U << (n % 32);
	return report("capset", (int)syscall(SYS_capset, &h, d));
}

/* The line of /proc/self/status that starts with key. */
static void status_line(const char *key)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, key, strlen(key)))
			fputs(line, stdout);
	if (f)
		fclose(f);
}

static int userns_caps(void)
{
	if (report("unshare(CLONE_NEWUSER)", unshare(CLONE_NEWUSER)))
		return 1;
	status_line("CapEff:");
	/* The container's UTS namespace belongs to the outer user
	 * namespace: the new capabilities do not reach it. */
	same_hostname("sethostname");
	if (report("unshare(CLONE_NEWUTS)", unshare(CLONE_NEWUTS)))
		return 1;
	return same_hostname("sethostname");
}

/* fchdir(fd), then the first line of file, a path relative to it. */
static int try_fchdir(const char *fd, const char *file)
{
	char line[256] = "";
	FILE *f;

	if (fchdir(atoi(fd)) < 0)
		return report("fchdir", -1);
	f = fopen(file, "r");
	if (!f)
		return report("fchdir: open", -1);
	if (!fgets(line, sizeof(line), f))
		line[0] = 0;
	fclose(f);
	line[strcspn(line, "\n")] = 0;
	printf("fchdir: %s: %s\n", file, line);
	return 0;
}

static int exe_reopen(const char *pid)
{
	char path[64], target[256] = "";
	int fd, w = -1, i;

	snprintf(path, sizeof(path), "/proc/%s/exe", pid);
	fd = open(path, O_PATH | O_CLOEXEC);
	if (fd < 0)
		return report("exe", -1);
	if (readlink(path, target, sizeof(target) - 1) < 0)
		return report("exe: readlink", -1);
	printf("exe: %s\n", target);
	/* A sealed memfd refuses every write, executed or not. */
	w = open(path, O_RDONLY | O_CLOEXEC);
	printf("seals: %s\n", w >= 0 && fcntl(w, F_GET_SEALS) > 0 &&
	       (fcntl(w, F_GET_SEALS) & F_SEAL_WRITE) ? "write" : "none");
	if (w >= 0)
		close(w);
	kill(atoi(pid), SIGKILL);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	for (i = 0; i < 40; i++) {
		w = open(path, O_WRONLY | O_CLOEXEC);
		if (w >= 0 || errno != ETXTBSY)
			break;
		usleep(50000);
	}
	if (w >= 0)
		close(w);
	close(fd);
	return report("reopen-w", w);
}

/* N children, each waiting for its parent to end: how many the kernel
 * gave, how many it refused.  A pids limit refuses with EAGAIN. */
static int fork_bomb(int n)
{
	int forked = 0, refused = 0, err = 0, i;
	pid_t pid, *kids;

	if (n <= 0 || n > 100000 || !(kids = calloc((size_t)n, sizeof(*kids))))
		return 2;
	for (i = 0; i < n; i++) {
		pid = fork();
		if (pid == 0) {
			/* Until the parent ends it. */
			for (;;)
				pause();
		}
		if (pid < 0) {
			refused++;
			err = errno;
		} else {
			kids[forked++] = pid;
		}
	}
	printf("forked %d, refused %d%s%s\n", forked, refused,
	       refused ? ": " : "", refused ? strerror(err) : "");
	fflush(stdout);
	for (i = 0; i < forked; i++)
		kill(kids[i], SIGKILL);
	while (wait(NULL) > 0)
		;
	free(kids);
	return 0;
}

int main(int argc, char **argv)
{
	char buf[4096];
	long total = 0;
	ssize_t r;
	int fd;

	if (argc == 2 && !strcmp(argv[1], "add_key"))
		return report("add_key", (int)syscall(SYS_add_key, "user",
			      "ctk-probe", "x", 1, KEY_SPEC_PROCESS_KEYRING));
	if (argc == 2 && !strcmp(argv[1], "userns"))
		return report("unshare(CLONE_NEWUSER)",
			      unshare(CLONE_NEWUSER));
	if (argc == 2 && !strcmp(argv[1], "fds"))
		return fds();
	if (argc == 2 && !strcmp(argv[1], "clocks")) {
		struct timespec m, b;

		clock_gettime(CLOCK_MONOTONIC, &m);
		clock_gettime(CLOCK_BOOTTIME, &b);
		printf("monotonic %lld boottime %lld\n", (long long)m.tv_sec,
		       (long long)b.tv_sec);
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "open-w")) {
		fd = open(argv[2], O_WRONLY | O_CLOEXEC);
		if (fd >= 0)
			close(fd);
		snprintf(buf, sizeof(buf), "open-w %s", argv[2]);
		return report(buf, fd);
	}
	if (argc == 3 && !strcmp(argv[1], "read")) {
		fd = open(argv[2], O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return report("read", -1);
		while ((r = read(fd, buf, sizeof(buf))) > 0 && total < 1 << 20)
			total += r;
		close(fd);
		printf("read %s: %ld bytes\n", argv[2], total);
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "mount-proc"))
		return try_mount("mount-proc", "proc", argv[2], "proc", 0);
	if (argc == 4 && !strcmp(argv[1], "mknod"))
		return try_mknod(argv[2], argv[3]);
	if (argc == 3 && !strcmp(argv[1], "open-r"))
		return open_ro(argv[2]);
	if (argc == 5 && !strcmp(argv[1], "mount-dev"))
		return try_mount("mount-dev", argv[2], argv[4], argv[3], 0);
	if (argc == 2 && !strcmp(argv[1], "finit_module"))
		return report("finit_module", (int)syscall(SYS_finit_module,
			      -1, "", 0));
	if (argc == 2 && !strcmp(argv[1], "kexec"))
		return report("kexec_file_load", (int)syscall(
			      SYS_kexec_file_load, -1, -1, 0UL, "", 0UL));
	if (argc == 2 && !strcmp(argv[1], "sethostname"))
		return same_hostname("sethostname");
	if (argc == 2 && !strcmp(argv[1], "clock_settime"))
		return same_clock();
	if (argc == 3 && !strcmp(argv[1], "kill"))
		return report("kill", kill(atoi(argv[2]), 0));
	if (argc == 3 && !strcmp(argv[1], "ptrace"))
		return report("ptrace", (int)ptrace(PTRACE_SEIZE, atoi(argv[2]),
						    NULL, NULL));
	if (argc == 4 && !strcmp(argv[1], "connect"))
		return try_connect(argv[2], argv[3]);
	if (argc == 2 && !strcmp(argv[1], "ids")) {
		printf("uid %d euid %d\n", (int)getuid(), (int)geteuid());
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "capset"))
		return capset_one(argv[2]);
	if (argc == 2 && !strcmp(argv[1], "userns-caps"))
		return userns_caps();
	if (argc == 3 && !strcmp(argv[1], "forks"))
		return fork_bomb(atoi(argv[2]));
	if (argc == 3 && !strcmp(argv[1], "exe-reopen"))
		return exe_reopen(argv[2]);
	if (argc == 4 && !strcmp(argv[1], "fchdir"))
		return try_fchdir(argv[2], argv[3]);
	fprintf(stderr, "usage: sys-probe add_key|userns|fds|open-w PATH|"
		"read PATH|... (see the source)\n");
	return 2;
}
