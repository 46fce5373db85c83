/* check_tc.c - the rate parser and printer of netns-veth/tc.c. */
#include <check.h>
#include <stdint.h>

#include "suites.h"
#include "tc.h"

static char why[128];

START_TEST(test_tc_parse_rate_units)
{
	ck_assert_uint_eq(tc_parse_rate("1mbit", why, sizeof(why)), 125000);
	ck_assert_uint_eq(tc_parse_rate("500kbit", why, sizeof(why)), 62500);
	ck_assert_uint_eq(tc_parse_rate("2mbps", why, sizeof(why)), 2000000);
	ck_assert_uint_eq(tc_parse_rate("1.5Mbit", why, sizeof(why)),
			  187500);
	ck_assert_uint_eq(tc_parse_rate("10gbit", why, sizeof(why)),
			  1250000000ULL);
	ck_assert_uint_eq(tc_parse_rate("800bit", why, sizeof(why)), 100);
}
END_TEST

START_TEST(test_tc_parse_rate_rejects)
{
	static const char *const bad[] = { "", "mbit", "1", "1.5", "1 mbit",
					   "-1mbit", "0mbit", "1mbitx",
					   "1xbit", "nanmbit", "infmbit" };
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why[0] = '\0';
		ck_assert_uint_eq(tc_parse_rate(bad[i], why, sizeof(why)), 0);
		ck_assert_msg(why[0], "no message for '%s'", bad[i]);
	}
	ck_assert_uint_eq(tc_parse_rate("4bit", why, sizeof(why)), 0);
	ck_assert_str_eq(why, "rate 4bit out of range (8bit..800gbit)");
}
END_TEST

START_TEST(test_tc_rate_str)
{
	char buf[32];

	ck_assert_str_eq(tc_rate_str(125000, buf, sizeof(buf)), "1Mbit");
	ck_assert_str_eq(tc_rate_str(62500, buf, sizeof(buf)), "500Kbit");
	ck_assert_str_eq(tc_rate_str(1250000000ULL, buf, sizeof(buf)),
			 "10Gbit");
}
END_TEST

Suite *tc_suite(void)
{
	Suite *s = suite_create("tc");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_tc_parse_rate_units);
	tcase_add_test(tc, test_tc_parse_rate_rejects);
	tcase_add_test(tc, test_tc_rate_str);
	suite_add_tcase(s, tc);
	return s;
}
