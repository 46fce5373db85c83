/* check_timens.c - time offsets as the kernel wants them. */
#include <errno.h>

#include "suites.h"
#include "timens.h"

START_TEST(test_tns_parse_offset_whole_and_fraction)
{
	struct tns_offset o;

	ck_assert_int_eq(tns_parse_offset("86400", &o), 0);
	ck_assert(o.set);
	ck_assert_int_eq(o.sec, 86400);
	ck_assert_int_eq(o.nsec, 0);
	ck_assert_int_eq(tns_parse_offset("1.000000001", &o), 0);
	ck_assert_int_eq(o.sec, 1);
	ck_assert_int_eq(o.nsec, 1);
	ck_assert_int_eq(tns_parse_offset(".5", &o), 0);
	ck_assert_int_eq(o.nsec, 500000000);
}
END_TEST

START_TEST(test_tns_parse_offset_negative_normalized)
{
	struct tns_offset o;

	/* -1.5 s = -2 s + 0.5 s: nanoseconds stay positive. */
	ck_assert_int_eq(tns_parse_offset("-1.5", &o), 0);
	ck_assert_int_eq(o.sec, -2);
	ck_assert_int_eq(o.nsec, 500000000);
	ck_assert_int_eq(tns_parse_offset("-3600", &o), 0);
	ck_assert_int_eq(o.sec, -3600);
	ck_assert_int_eq(o.nsec, 0);
}
END_TEST

START_TEST(test_tns_parse_offset_rejects)
{
	static const char *const bad[] = { "", "-", ".", "1.2.3", "1s", "abc",
					   "1.0000000001", "1e3" };
	struct tns_offset o;
	unsigned i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(tns_parse_offset(bad[i], &o) == -1,
			      "'%s' accepted", bad[i]);
	ck_assert_int_eq(tns_parse_offset("99999999999999999999", &o), -1);
	ck_assert_int_eq(errno, ERANGE);
}
END_TEST

Suite *timens_suite(void)
{
	Suite *s = suite_create("timens");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_tns_parse_offset_whole_and_fraction);
	tcase_add_test(tc, test_tns_parse_offset_negative_normalized);
	tcase_add_test(tc, test_tns_parse_offset_rejects);
	suite_add_tcase(s, tc);
	return s;
}
