/* check_nstable.c - the namespace table and namespace identities. */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "nstable.h"
#include "suites.h"

START_TEST(test_nst_table_has_all_eight)
{
	static const char *const want = "muipnUCT";
	unsigned i;

	ck_assert_uint_eq(nst_count, 8);
	for (i = 0; i < nst_count; i++)
		ck_assert_int_eq(nst_types[i].letter, want[i]);
}
END_TEST

START_TEST(test_nst_by_name_proc_and_common)
{
	ck_assert_int_eq(nst_by_name("mnt")->flag, CLONE_NEWNS);
	ck_assert_int_eq(nst_by_name("mount")->flag, CLONE_NEWNS);
	ck_assert_str_eq(nst_by_name("net")->proc, "net");
	ck_assert_ptr_null(nst_by_name("bogus"));
}
END_TEST

START_TEST(test_nst_by_flag)
{
	ck_assert_str_eq(nst_by_flag(CLONE_NEWUTS)->proc, "uts");
	ck_assert_str_eq(nst_by_flag(CLONE_NEWUSER)->name, "user");
	ck_assert_ptr_null(nst_by_flag(0));
}
END_TEST

START_TEST(test_nst_inode_self_matches_pid)
{
	uint64_t a = 0, b = 0;

	ck_assert_int_eq(nst_inode(0, "uts", &a), 0);
	ck_assert_int_eq(nst_inode(getpid(), "uts", &b), 0);
	ck_assert_uint_ne(a, 0);
	ck_assert_uint_eq(a, b);
}
END_TEST

START_TEST(test_nst_inode_unknown_type)
{
	uint64_t a;

	ck_assert_int_eq(nst_inode(0, "nope", &a), -1);
	ck_assert_int_eq(errno, ENOENT);
}
END_TEST

Suite *nstable_suite(void)
{
	Suite *s = suite_create("nstable");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_nst_table_has_all_eight);
	tcase_add_test(tc, test_nst_by_name_proc_and_common);
	tcase_add_test(tc, test_nst_by_flag);
	tcase_add_test(tc, test_nst_inode_self_matches_pid);
	tcase_add_test(tc, test_nst_inode_unknown_type);
	suite_add_tcase(s, tc);
	return s;
}
