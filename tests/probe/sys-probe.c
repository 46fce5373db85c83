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
 *
 * Prints "WHAT: ok" (exit 0) or "WHAT: ERRNO-NAME" (exit 1).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
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
	fprintf(stderr, "usage: sys-probe add_key|userns|fds|open-w PATH|"
		"read PATH\n");
	return 2;
}
