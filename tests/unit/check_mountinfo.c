/* check_mountinfo.c - mountinfo lines as proc(5) documents them. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "mountinfo.h"
#include "suites.h"

START_TEST(test_mnt_parse_line_proc5_example)
{
	struct mnt_entry e;

	ck_assert_int_eq(mnt_parse_line("36 35 98:0 /mnt1 /mnt2 rw,noatime "
					"master:1 - ext3 /dev/root "
					"rw,errors=continue\n", &e), 0);
	ck_assert_int_eq(e.id, 36);
	ck_assert_int_eq(e.parent, 35);
	ck_assert_str_eq(e.root, "/mnt1");
	ck_assert_str_eq(e.point, "/mnt2");
	ck_assert_str_eq(e.optional, "master:1");
	ck_assert_str_eq(e.fstype, "ext3");
	ck_assert_str_eq(e.source, "/dev/root");
	ck_assert(!mnt_is_shared(&e));
}
END_TEST

START_TEST(test_mnt_parse_line_several_optional_fields)
{
	struct mnt_entry e;

	ck_assert_int_eq(mnt_parse_line("1 0 8:1 / / rw shared:1 master:2 - "
					"ext4 /dev/sda1 rw", &e), 0);
	ck_assert_str_eq(e.optional, "shared:1 master:2");
	ck_assert(mnt_is_shared(&e));
}
END_TEST

START_TEST(test_mnt_parse_line_no_optional_fields)
{
	struct mnt_entry e;

	ck_assert_int_eq(mnt_parse_line("22 27 0:21 / /proc rw,relatime - "
					"proc proc rw", &e), 0);
	ck_assert_str_eq(e.optional, "");
	ck_assert_str_eq(e.fstype, "proc");
}
END_TEST

START_TEST(test_mnt_parse_line_decodes_octal_escapes)
{
	struct mnt_entry e;

	ck_assert_int_eq(mnt_parse_line("40 22 0:50 / /mnt/my\\040disk rw - "
					"tmpfs none rw", &e), 0);
	ck_assert_str_eq(e.point, "/mnt/my disk");
}
END_TEST

START_TEST(test_mnt_parse_line_rejects_truncated)
{
	struct mnt_entry e;

	ck_assert_int_eq(mnt_parse_line("40 22 0:50 / /mnt rw shared:3", &e),
			 -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(mnt_parse_line("x 22 0:50 / /mnt rw - t s o", &e),
			 -1);
	ck_assert_int_eq(mnt_parse_line("", &e), -1);
}
END_TEST

START_TEST(test_mnt_find_point_topmost_wins)
{
	static const char text[] =
		"1 0 8:1 / / rw shared:1 - ext4 /dev/sda1 rw\n"
		"5 1 0:5 / /tmp rw - tmpfs a rw\n"
		"6 5 0:6 / /tmp rw - tmpfs b rw\n";
	FILE *f = fmemopen((void *)text, sizeof(text) - 1, "r");
	struct mnt_entry e;

	ck_assert_int_eq(mnt_count(f), 3);
	ck_assert_int_eq(mnt_find_point(f, "/tmp", &e), 0);
	ck_assert_str_eq(e.source, "b");
	ck_assert_int_eq(mnt_find_point(f, "/nope", &e), -1);
	ck_assert_int_eq(errno, ENOENT);
	fclose(f);
}
END_TEST

Suite *mountinfo_suite(void)
{
	Suite *s = suite_create("mountinfo");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_mnt_parse_line_proc5_example);
	tcase_add_test(tc, test_mnt_parse_line_several_optional_fields);
	tcase_add_test(tc, test_mnt_parse_line_no_optional_fields);
	tcase_add_test(tc, test_mnt_parse_line_decodes_octal_escapes);
	tcase_add_test(tc, test_mnt_parse_line_rejects_truncated);
	tcase_add_test(tc, test_mnt_find_point_topmost_wins);
	suite_add_tcase(s, tc);
	return s;
}
