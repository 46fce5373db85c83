/*
 * cli.c - helpers for the tools' main() functions.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifdef __has_include
#if __has_include(<linux/openat2.h>)
#include <linux/openat2.h>
#define HAVE_OPENAT2_H 1
#endif
#endif

#include "cli.h"
#include "report.h"

int cli_vusage_error(int code, const char *help, const char *fmt,
		     va_list ap)
{
	fprintf(stderr, "%s: ", rep_prog());
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\nTry '%s %s' for more information.\n",
		rep_prog(), help);
	return code;
}

int cli_usage_error(const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = cli_vusage_error(EXIT_USAGE, "--help", fmt, ap);
	va_end(ap);
	return ret;
}

int cli_common_option(int c, void (*usage)(void))
{
	switch (c) {
	case 'q':
		rep_level = REP_QUIET;
		return CLI_CONTINUE;
	case 'v':
		rep_level = REP_NARRATE;
		return CLI_CONTINUE;
	case 'h':
		usage();
		return 0;
	case 'V':
		cli_print_version();
		return 0;
	default:
		/* getopt has printed what was wrong. */
		fprintf(stderr, "Try '%s --help' for more information.\n",
			rep_prog());
		return EXIT_USAGE;
	}
}

int cli_parse_target(int argc, char **argv, int optind, int on_host,
		     struct cli_target *t)
{
	static char *default_cmd[] = { CLI_DEFAULT_SHELL, NULL };
	char rootbuf[PATH_MAX];
	const char *root = rootbuf;

	if (optind < argc) {
		root = argv[optind++];
	} else if (cli_default_rootfs(rootbuf, sizeof(rootbuf)) < 0) {
		rep_error("no NEWROOT given and the default rootfs is missing "
			  "(run 'make rootfs' or set CTK_ROOTFS)");
		return 1;
	}
	t->argv = optind < argc ? &argv[optind] : default_cmd;

	if (cli_check_root_dir(root) < 0)
		return 1;
	if (!realpath(root, t->root)) {
		rep_error("new root '%s': %s", root, strerror(errno));
		return 1;
	}
	if (cli_resolve_in_root(on_host ? "/" : t->root, t->argv[0], t->exe,
				sizeof(t->exe)) < 0) {
		int err = errno;

		rep_error("%s: %s in %s", t->argv[0],
			  err == ENOENT ? "not found" : "not executable",
			  on_host ? "the host's /" : t->root);
		return cli_exec_failure_code(err);
	}
	return 0;
}

char **cli_command_or_shell(int argc, char **argv, int optind)
{
	static char *shell[2];

	if (optind < argc)
		return &argv[optind];
	shell[0] = getenv("SHELL");
	if (!shell[0] || !*shell[0])
		shell[0] = CLI_DEFAULT_SHELL;
	return shell;
}

void cli_print_version(void)
{
	printf("%s from %s %s\n", rep_prog(), CTK_NAME, CTK_VERSION);
}

int cli_exit_status(int wstatus)
{
	if (WIFEXITED(wstatus))
		return WEXITSTATUS(wstatus);
	if (WIFSIGNALED(wstatus))
		return 128 + WTERMSIG(wstatus);
	return 1;
}

int cli_wait(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return rep_fail("waitpid(%d)", (int)pid);
	}
	return cli_exit_status(status);
}

int cli_fork_wait(int pdeathsig)
{
	pid_t child;
	int ret;

	fflush(NULL);
	child = fork();
	if (child < 0) {
		rep_fail("fork()");
		return 1;
	}
	if (child == 0) {
		if (pdeathsig)
			prctl(PR_SET_PDEATHSIG, pdeathsig);
		return CLI_IN_CHILD;
	}
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	ret = cli_wait(child);
	return ret < 0 ? 1 : ret;
}

int cli_count_pids(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	if (!d)
		return -1;
	while ((de = readdir(d)))
		n += de->d_name[0] >= '0' && de->d_name[0] <= '9';
	closedir(d);
	return n;
}

int cli_exec_failure_code(int err)
{
	return err == ENOENT ? EXIT_NOT_FOUND : EXIT_CANNOT_EXEC;
}

static int dir_exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int cli_default_rootfs(char *buf, size_t size)
{
	static const char *const rel[] = { "../rootfs", "../share/ctk/rootfs" };
	const char *env = getenv("CTK_ROOTFS");
	char exe[PATH_MAX], *slash;
	ssize_t n;
	size_t i;

	if (env && *env) {
		snprintf(buf, size, "%s", env);
		return 0;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n < 0)
		return -1;
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (!slash)
		return -1;
	*slash = '\0';
	for (i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
		char cand[PATH_MAX + 32], real[PATH_MAX];

		snprintf(cand, sizeof(cand), "%s/%s", exe, rel[i]);
		if (dir_exists(cand) && realpath(cand, real)) {
			snprintf(buf, size, "%s", real);
			return 0;
		}
	}
	errno = ENOENT;
	return -1;
}

int cli_check_root_dir(const char *root)
{
	struct stat st;

	if (stat(root, &st) < 0) {
		rep_error("new root '%s': %s", root, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		rep_error("new root '%s': %s", root, strerror(ENOTDIR));
		errno = ENOTDIR;
		return -1;
	}
	return 0;
}

int cli_openat2(int dirfd, const char *path, int flags,
		unsigned long long resolve)
{
#if defined(HAVE_OPENAT2_H) && defined(SYS_openat2)
	struct open_how how = { .flags = (unsigned long long)flags,
				.resolve = resolve };
	int fd, tries = 0;

	/*
	 * With RESOLVE_IN_ROOT or RESOLVE_BENEATH, a ".." step fails with
	 * EAGAIN when a mount or a rename anywhere on the system raced the
	 * lookup; openat2(2) says to try again.  (Seen: 2 of 3 runs of 30
	 * containers started at once gave "command not found" for a
	 * symlink ../bin/busybox.)
	 */
	do
		fd = (int)syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
	while (fd < 0 && errno == EAGAIN && ++tries < 64);
	return fd;
#else
	(void)dirfd;
	(void)path;
	(void)flags;
	(void)resolve;
	errno = ENOSYS;
	return -1;
#endif
}

/* Open path inside the directory rootfd as if rootfd were "/". */
static int open_in_root(int rootfd, const char *path)
{
	int fd;

	while (*path == '/')
		path++;
	if (!*path)
		path = ".";
	/* RESOLVE_IN_ROOT makes "..", and absolute symlinks such as
	 * /bin/sh -> /bin/dash, resolve against rootfd: the answer is what
	 * the process will find once it is inside. */
#ifdef HAVE_OPENAT2_H
	fd = cli_openat2(rootfd, path, O_PATH | O_CLOEXEC, RESOLVE_IN_ROOT);
	if (fd >= 0 || errno != ENOSYS)
		return fd;
#endif
	(void)fd;
	return openat(rootfd, path, O_PATH | O_CLOEXEC);
}

/* 0 if path names an executable regular file inside rootfd. */
static int check_exec_in_root(int rootfd, const char *path)
{
	struct stat st;
	int fd = open_in_root(rootfd, path);
	int err;

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0) {
		err = errno;
		close(fd);
		errno = err;
		return -1;
	}
	close(fd);
	if (!S_ISREG(st.st_mode) || !(st.st_mode & 0111)) {
		errno = EACCES;
		return -1;
	}
	return 0;
}

int cli_resolve_in_root(const char *root, const char *cmd, char *out,
			size_t size)
{
	return cli_resolve_in_root_path(root, cmd, CLI_DEFAULT_PATH, out, size);
}

int cli_resolve_in_root_path(const char *root, const char *cmd,
			     const char *pathlist, char *out, size_t size)
{
	char path[PATH_MAX * 2];
	char *dir, *save = NULL;
	int rootfd, saw_eacces = 0, ret = -1;

	if (!*cmd) {
		errno = ENOENT;
		return -1;
	}
	snprintf(path, sizeof(path), "%s", pathlist);
	rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return -1;
	if (strchr(cmd, '/')) {
		/* A relative name is relative to "/", the working directory
		 * the tools give the command. */
		ret = check_exec_in_root(rootfd, cmd);
		if (ret == 0)
			snprintf(out, size, "%s%s", cmd[0] == '/' ? "" : "/",
				 cmd);
		goto out_close;
	}
	for (dir = strtok_r(path, ":", &save); dir;
	     dir = strtok_r(NULL, ":", &save)) {
		char cand[PATH_MAX];

		snprintf(cand, sizeof(cand), "%s/%s", dir, cmd);
		if (check_exec_in_root(rootfd, cand) == 0) {
			snprintf(out, size, "%s", cand);
			ret = 0;
			goto out_close;
		}
		if (errno == EACCES)
			saw_eacces = 1;
	}
	errno = saw_eacces ? EACCES : ENOENT;
out_close:
	{
		int err = errno;

		close(rootfd);
		errno = err;
	}
	return ret;
}

int cli_check_program(const char *root, const char *cmd)
{
	const char *path = getenv("PATH");
	char exe[PATH_MAX];
	int err;

	if (!root && strchr(cmd, '/') && *cmd != '/')
		return 0;
	if (cli_resolve_in_root_path(root ? root : "/", cmd,
				     path && *path ? path : CLI_DEFAULT_PATH,
				     exe, sizeof(exe)) == 0)
		return 0;
	err = errno;
	rep_error("%s: %s", cmd, err == ENOENT ? "command not found" :
						 "not executable");
	return cli_exec_failure_code(err);
}
