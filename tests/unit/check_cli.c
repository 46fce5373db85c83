/* check_cli.c - exit codes, finding the command inside a root. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "report.h"
#include "suites.h"

static char root[] = "/tmp/check_cli.XXXXXX";

static void mkfile(const char *rel, mode_t mode)
{
	char p[PATH_MAX];
	int fd;

	snprintf(p, sizeof(p), "%s/%s", root, rel);
	fd = open(p, O_CREAT | O_WRONLY, mode);
	ck_assert_int_ge(fd, 0);
	close(fd);
	chmod(p, mode);
}

static void mklink(const char *target, const char *rel)
{
	char p[PATH_MAX];

	snprintf(p, sizeof(p), "%s/%s", root, rel);
	ck_assert_int_eq(symlink(target, p), 0);
}

static void setup(void)
{
	char p[PATH_MAX];

	strcpy(root, "/tmp/check_cli.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(root));
	snprintf(p, sizeof(p), "%s/bin", root);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/usr", root);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/usr/bin", root);
	mkdir(p, 0755);
	mkfile("bin/busybox", 0755);
	mkfile("bin/notes", 0644);
	mklink("busybox", "bin/sh");
	/* Absolute links must resolve inside the root, not on the host. */
	mklink("/bin/busybox", "usr/bin/env");
	mklink("/bin/true", "bin/hosttrue");
	mklink("../../../../../../bin/busybox", "bin/climber");
}

static void teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	ck_assert_int_eq(system(cmd), 0);
}

START_TEST(test_cli_resolve_in_root_searches_path)
{
	char out[PATH_MAX];

	ck_assert_int_eq(cli_resolve_in_root(root, "sh", out, sizeof(out)), 0);
	ck_assert_str_eq(out, "/bin/sh");
	ck_assert_int_eq(cli_resolve_in_root(root, "env", out, sizeof(out)),
			 0);
	ck_assert_str_eq(out, "/usr/bin/env");
}
END_TEST

START_TEST(test_cli_resolve_in_root_absolute_symlink_stays_inside)
{
	char out[PATH_MAX];

	/* /bin/true exists on the host but not in this root. */
	ck_assert_int_eq(cli_resolve_in_root(root, "/bin/hosttrue", out,
					     sizeof(out)), -1);
	ck_assert_int_eq(errno, ENOENT);
	/* ".." cannot climb above the root either. */
	ck_assert_int_eq(cli_resolve_in_root(root, "/bin/climber", out,
					     sizeof(out)), 0);
}
END_TEST

START_TEST(test_cli_resolve_in_root_not_found)
{
	char out[PATH_MAX];

	ck_assert_int_eq(cli_resolve_in_root(root, "nosuchcmd", out,
					     sizeof(out)), -1);
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_int_eq(cli_exec_failure_code(errno), 127);
	ck_assert_int_eq(cli_resolve_in_root(root, "", out, sizeof(out)), -1);
}
END_TEST

START_TEST(test_cli_resolve_in_root_not_executable)
{
	char out[PATH_MAX];

	ck_assert_int_eq(cli_resolve_in_root(root, "/bin/notes", out,
					     sizeof(out)), -1);
	ck_assert_int_eq(errno, EACCES);
	ck_assert_int_eq(cli_exec_failure_code(errno), 126);
	ck_assert_int_eq(cli_resolve_in_root(root, "notes", out, sizeof(out)),
			 -1);
	ck_assert_int_eq(errno, EACCES);
	/* A directory is not a command. */
	ck_assert_int_eq(cli_resolve_in_root(root, "/usr/bin", out,
					     sizeof(out)), -1);
	ck_assert_int_eq(errno, EACCES);
}
END_TEST

START_TEST(test_cli_resolve_in_root_relative_is_from_slash)
{
	char out[PATH_MAX];

	ck_assert_int_eq(cli_resolve_in_root(root, "bin/sh", out, sizeof(out)),
			 0);
	ck_assert_str_eq(out, "/bin/sh");
}
END_TEST

START_TEST(test_cli_exit_status_exit_and_signal)
{
	int st;
	pid_t pid = fork();

	if (pid == 0)
		_exit(42);
	waitpid(pid, &st, 0);
	ck_assert_int_eq(cli_exit_status(st), 42);

	pid = fork();
	if (pid == 0) {
		pause();
		_exit(0);
	}
	kill(pid, SIGKILL);
	ck_assert_int_eq(cli_wait(pid), 128 + SIGKILL);
}
END_TEST

START_TEST(test_cli_default_rootfs_env_wins)
{
	char out[PATH_MAX];

	setenv("CTK_ROOTFS", root, 1);
	ck_assert_int_eq(cli_default_rootfs(out, sizeof(out)), 0);
	ck_assert_str_eq(out, root);
	unsetenv("CTK_ROOTFS");
}
END_TEST

START_TEST(test_cli_check_root_dir_one_line)
{
	char *buf = NULL, p[PATH_MAX];
	size_t len = 0;
	FILE *mem = open_memstream(&buf, &len);

	rep_init("pivot");
	rep_set_stream(mem);
	ck_assert_int_eq(cli_check_root_dir(root), 0);
	ck_assert_int_eq(cli_check_root_dir("/nonexistent-root"), -1);
	snprintf(p, sizeof(p), "%s/bin/notes", root);
	ck_assert_int_eq(cli_check_root_dir(p), -1);
	ck_assert_int_eq(errno, ENOTDIR);
	fflush(mem);
	ck_assert_ptr_nonnull(strstr(buf, "pivot: new root '/nonexistent-root': "
					  "No such file or directory\n"));
	ck_assert_ptr_nonnull(strstr(buf, "Not a directory\n"));
	rep_set_stream(NULL);
	fclose(mem);
	free(buf);
}
END_TEST

Suite *cli_suite(void)
{
	Suite *s = suite_create("cli");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_cli_resolve_in_root_searches_path);
	tcase_add_test(tc, test_cli_resolve_in_root_absolute_symlink_stays_inside);
	tcase_add_test(tc, test_cli_resolve_in_root_not_found);
	tcase_add_test(tc, test_cli_resolve_in_root_not_executable);
	tcase_add_test(tc, test_cli_resolve_in_root_relative_is_from_slash);
	tcase_add_test(tc, test_cli_exit_status_exit_and_signal);
	tcase_add_test(tc, test_cli_default_rootfs_env_wins);
	tcase_add_test(tc, test_cli_check_root_dir_one_line);
	suite_add_tcase(s, tc);
	return s;
}
