/* check_idmap.c - ID map parsing, overlap rules and the kernel's format. */
#include <errno.h>
#include <string.h>

#include "idmap.h"
#include "suites.h"

START_TEST(test_ns_idrange_parse_valid)
{
	struct ns_idrange r;

	ck_assert_int_eq(ns_idrange_parse("0:100000:65536", &r), 0);
	ck_assert_uint_eq(r.inner, 0);
	ck_assert_uint_eq(r.outer, 100000);
	ck_assert_uint_eq(r.count, 65536);
	ck_assert_int_eq(ns_idrange_parse("4294967294:0:1", &r), 0);
}
END_TEST

START_TEST(test_ns_idrange_parse_malformed)
{
	static const char *const bad[] = { "", "0", "0:1", "0:1:", "a:1:1",
					   "0:1:1:1", "-1:0:1", "0:-1:1",
					   "0:0:0", " 0:0:1", "0:0:1 " };
	struct ns_idrange r;
	unsigned i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		errno = 0;
		ck_assert_msg(ns_idrange_parse(bad[i], &r) == -1,
			      "'%s' accepted", bad[i]);
		ck_assert_int_eq(errno, EINVAL);
	}
}
END_TEST

START_TEST(test_ns_idrange_parse_out_of_range)
{
	struct ns_idrange r;

	/* 4294967295 is (uid_t)-1: never a valid ID. */
	ck_assert_int_eq(ns_idrange_parse("4294967295:0:1", &r), -1);
	ck_assert_int_eq(errno, ERANGE);
	ck_assert_int_eq(ns_idrange_parse("0:4294967290:10", &r), -1);
	ck_assert_int_eq(errno, ERANGE);
	ck_assert_int_eq(ns_idrange_parse("0:0:99999999999999999999", &r), -1);
	ck_assert_int_eq(errno, ERANGE);
}
END_TEST

START_TEST(test_ns_idmap_add_rejects_overlap)
{
	struct ns_idmap m = { .n = 0 };
	struct ns_idrange a = { 0, 100000, 1000 }, b = { 500, 300000, 10 },
			  c = { 2000, 100500, 10 }, d = { 1000, 101000, 10 };

	ck_assert_int_eq(ns_idmap_add(&m, &a), 0);
	/* Inner IDs 500..509 are already mapped. */
	ck_assert_int_eq(ns_idmap_add(&m, &b), -1);
	ck_assert_int_eq(errno, EEXIST);
	/* Outer IDs 100500..100509 are already used. */
	ck_assert_int_eq(ns_idmap_add(&m, &c), -1);
	/* Adjacent is fine. */
	ck_assert_int_eq(ns_idmap_add(&m, &d), 0);
	ck_assert_int_eq(m.n, 2);
}
END_TEST

START_TEST(test_ns_idmap_format_kernel_lines)
{
	struct ns_idmap m = { .n = 0 };
	struct ns_idrange a = { 0, 1000, 1 }, b = { 1, 100000, 65535 };
	char buf[128], tiny[8];

	ns_idmap_add(&m, &a);
	ns_idmap_add(&m, &b);
	ck_assert_int_eq(ns_idmap_format(&m, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "0 1000 1\n1 100000 65535\n");
	ck_assert_int_eq(ns_idmap_format(&m, tiny, sizeof(tiny)), -1);
	ck_assert_int_eq(errno, ENOSPC);
}
END_TEST

Suite *idmap_suite(void)
{
	Suite *s = suite_create("idmap");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_ns_idrange_parse_valid);
	tcase_add_test(tc, test_ns_idrange_parse_malformed);
	tcase_add_test(tc, test_ns_idrange_parse_out_of_range);
	tcase_add_test(tc, test_ns_idmap_add_rejects_overlap);
	tcase_add_test(tc, test_ns_idmap_format_kernel_lines);
	suite_add_tcase(s, tc);
	return s;
}
