/* check_fileio.c - file writes and reads relative to a temp dir fd. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "suites.h"

static char dir[] = "/tmp/check_fileio.XXXXXX";
static int dfd = -1;

static void setup(void)
{
	strcpy(dir, "/tmp/check_fileio.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	dfd = open(dir, O_DIRECTORY | O_RDONLY);
	ck_assert_int_ge(dfd, 0);
}

static void teardown(void)
{
	char cmd[128];

	close(dfd);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

START_TEST(test_file_write_at_then_read)
{
	char buf[64];
	int fd = openat(dfd, "memory.max", O_CREAT | O_WRONLY, 0644);

	close(fd);
	ck_assert_int_eq(file_write_at(dfd, "memory.max", "104857600"), 0);
	ck_assert_int_eq(file_read_at(dfd, "memory.max", buf, sizeof(buf)), 9);
	ck_assert_str_eq(buf, "104857600");
}
END_TEST

START_TEST(test_file_write_at_missing_file)
{
	ck_assert_int_eq(file_write_at(dfd, "nope", "1"), -1);
	ck_assert_int_eq(errno, ENOENT);
}
END_TEST

START_TEST(test_file_printf_at_formats)
{
	char buf[64];

	close(openat(dfd, "cpu.max", O_CREAT | O_WRONLY, 0644));
	ck_assert_int_eq(file_printf_at(dfd, "cpu.max", "%d %d\n", 50000,
					100000), 0);
	ck_assert_int_eq(file_read_line_at(dfd, "cpu.max", buf, sizeof(buf)),
			 12);
	ck_assert_str_eq(buf, "50000 100000");
}
END_TEST

START_TEST(test_file_read_at_truncates_to_buffer)
{
	char buf[4];

	close(openat(dfd, "f", O_CREAT | O_WRONLY, 0644));
	file_write_at(dfd, "f", "abcdef");
	ck_assert_int_eq(file_read_at(dfd, "f", buf, sizeof(buf)), 3);
	ck_assert_str_eq(buf, "abc");
}
END_TEST

START_TEST(test_file_read_at_zero_size)
{
	char buf[1];

	ck_assert_int_eq(file_read_at(dfd, "f", buf, 0), -1);
	ck_assert_int_eq(errno, EINVAL);
}
END_TEST

START_TEST(test_file_read_line_at_strips_newlines)
{
	char buf[32];

	close(openat(dfd, "hostname", O_CREAT | O_WRONLY, 0644));
	file_write_at(dfd, "hostname", "ctk\n\n");
	ck_assert_int_eq(file_read_line_at(dfd, "hostname", buf, sizeof(buf)),
			 3);
	ck_assert_str_eq(buf, "ctk");
}
END_TEST

Suite *fileio_suite(void)
{
	Suite *s = suite_create("fileio");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_file_write_at_then_read);
	tcase_add_test(tc, test_file_write_at_missing_file);
	tcase_add_test(tc, test_file_printf_at_formats);
	tcase_add_test(tc, test_file_read_at_truncates_to_buffer);
	tcase_add_test(tc, test_file_read_at_zero_size);
	tcase_add_test(tc, test_file_read_line_at_strips_newlines);
	suite_add_tcase(s, tc);
	return s;
}
