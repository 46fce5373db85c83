/* check_ns.c - the pure parts of the namespace steps. */
#define _GNU_SOURCE
#include <sched.h>

#include "ns.h"
#include "suites.h"

START_TEST(test_ns_parse_propagation_all_modes)
{
	ck_assert_int_eq(ns_parse_propagation("private"), NS_PROP_PRIVATE);
	ck_assert_int_eq(ns_parse_propagation("slave"), NS_PROP_SLAVE);
	ck_assert_int_eq(ns_parse_propagation("shared"), NS_PROP_SHARED);
	ck_assert_int_eq(ns_parse_propagation("unchanged"), NS_PROP_UNCHANGED);
	ck_assert_int_eq(ns_parse_propagation("rprivate"), -1);
}
END_TEST

START_TEST(test_ns_flags_str_table_order)
{
	char buf[256];

	ck_assert_str_eq(ns_flags_str(CLONE_NEWUSER | CLONE_NEWNS, buf,
				      sizeof(buf)),
			 "CLONE_NEWNS | CLONE_NEWUSER");
	ck_assert_str_eq(ns_flags_str(0, buf, sizeof(buf)), "");
	ck_assert_str_eq(ns_flags_str(CLONE_NEWTIME, buf, sizeof(buf)),
			 "CLONE_NEWTIME");
}
END_TEST

Suite *ns_suite(void)
{
	Suite *s = suite_create("ns");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_ns_parse_propagation_all_modes);
	tcase_add_test(tc, test_ns_flags_str_table_order);
	suite_add_tcase(s, tc);
	return s;
}
