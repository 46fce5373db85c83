/* check_pivot.c - the pure parts of the pivot module. */
#include "pivot.h"
#include "suites.h"

START_TEST(test_pivot_parse_propagation_modes)
{
	ck_assert_int_eq(pivot_parse_propagation("private"), NS_PROP_PRIVATE);
	ck_assert_int_eq(pivot_parse_propagation("slave"), NS_PROP_SLAVE);
	ck_assert_int_eq(pivot_parse_propagation("unchanged"),
			 NS_PROP_UNCHANGED);
}
END_TEST

START_TEST(test_pivot_parse_propagation_rejects_unknown)
{
	/* "shared" would leak the new root's mounts to the host. */
	ck_assert_int_eq(pivot_parse_propagation("shared"), -1);
	ck_assert_int_eq(pivot_parse_propagation(""), -1);
	ck_assert_int_eq(pivot_parse_propagation("Private"), -1);
}
END_TEST

Suite *pivot_suite(void)
{
	Suite *s = suite_create("pivot");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_pivot_parse_propagation_modes);
	tcase_add_test(tc, test_pivot_parse_propagation_rejects_unknown);
	suite_add_tcase(s, tc);
	return s;
}
