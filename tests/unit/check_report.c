/* check_report.c - narration lines, failure lines and the hint table. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "suites.h"

static char *buf;
static size_t len;
static FILE *mem;

static void setup(void)
{
	mem = open_memstream(&buf, &len);
	rep_set_stream(mem);
	rep_init("/usr/bin/tool");
	rep_level = REP_EVIDENCE;
}

static void teardown(void)
{
	rep_set_stream(NULL);
	fclose(mem);
	free(buf);
}

START_TEST(test_rep_init_basename)
{
	ck_assert_str_eq(rep_prog(), "tool");
}
END_TEST

START_TEST(test_rep_step_silent_without_verbose)
{
	rep_step(0, "changed", "chroot(\"%s\")", "/r");
	fflush(mem);
	ck_assert_uint_eq(len, 0);
}
END_TEST

START_TEST(test_rep_step_reads_like_the_call)
{
	rep_level = REP_NARRATE;
	rep_step(0, "the new root is \"/\"", "pivot_root(\"%s\", \"%s\")",
		 ".", ".");
	fflush(mem);
	ck_assert_str_eq(buf, "tool: pivot_root(\".\", \".\") = 0: "
			      "the new root is \"/\"\n");
}
END_TEST

START_TEST(test_rep_fail_keeps_errno_and_adds_hint)
{
	int ret;

	errno = EINVAL;
	ret = rep_fail("pivot_root(\"%s\", \".\")", "/tmp/r");
	ck_assert_int_eq(ret, -1);
	ck_assert_int_eq(errno, EINVAL);
	fflush(mem);
	ck_assert_ptr_nonnull(strstr(buf, "tool: pivot_root(\"/tmp/r\", \".\"): "
					  "Invalid argument\n"));
	ck_assert_ptr_nonnull(strstr(buf, "tool: hint: new_root must be a "
					  "mount point"));
}
END_TEST

START_TEST(test_rep_fail_no_hint_for_unknown_cause)
{
	errno = ENOENT;
	rep_fail("chroot(\"/nope\")");
	fflush(mem);
	ck_assert_str_eq(buf, "tool: chroot(\"/nope\"): "
			      "No such file or directory\n");
}
END_TEST

START_TEST(test_rep_fail_hint_overrides_table)
{
	errno = EINVAL;
	rep_fail_hint("mine", "pivot_root(\".\", \".\")");
	fflush(mem);
	ck_assert_ptr_nonnull(strstr(buf, "tool: hint: mine\n"));
	ck_assert_ptr_null(strstr(buf, "mount point"));
}
END_TEST

START_TEST(test_rep_hint_for_matches_whole_call_name)
{
	ck_assert_ptr_nonnull(rep_hint_for("mount(NULL, \"/\")", EPERM));
	/* "umount2" must not match the "mount" entry, nor the reverse. */
	ck_assert_ptr_null(rep_hint_for("umount(\"/x\")", EPERM));
	ck_assert_ptr_null(rep_hint_for("chroot(\"/\")", EINVAL));
	ck_assert_ptr_nonnull(rep_hint_for("unshare(CLONE_NEWNS)", EPERM));
}
END_TEST

START_TEST(test_rep_evidence_quiet)
{
	rep_level = REP_QUIET;
	rep_evidence("hidden %d", 1);
	rep_error("shown %d", 2);
	fflush(mem);
	ck_assert_str_eq(buf, "tool: shown 2\n");
}
END_TEST

START_TEST(test_rep_json_str_escapes)
{
	rep_json_str(mem, "a\"b\\c\nd");
	fflush(mem);
	ck_assert_str_eq(buf, "\"a\\\"b\\\\c\\u000ad\"");
}
END_TEST

Suite *report_suite(void)
{
	Suite *s = suite_create("report");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_rep_init_basename);
	tcase_add_test(tc, test_rep_step_silent_without_verbose);
	tcase_add_test(tc, test_rep_step_reads_like_the_call);
	tcase_add_test(tc, test_rep_fail_keeps_errno_and_adds_hint);
	tcase_add_test(tc, test_rep_fail_no_hint_for_unknown_cause);
	tcase_add_test(tc, test_rep_fail_hint_overrides_table);
	tcase_add_test(tc, test_rep_hint_for_matches_whole_call_name);
	tcase_add_test(tc, test_rep_evidence_quiet);
	tcase_add_test(tc, test_rep_json_str_escapes);
	suite_add_tcase(s, tc);
	return s;
}
