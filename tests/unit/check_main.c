/*
 * check_main.c - runs every unit suite; TAP on stdout for the summary,
 * Check's own report on stderr.  No root needed.
 */
#include <stdlib.h>

#include "suites.h"

int main(void)
{
	SRunner *sr = srunner_create(report_suite());
	int failed;

	srunner_add_suite(sr, fileio_suite());
	srunner_add_suite(sr, nstable_suite());
	srunner_add_suite(sr, mountinfo_suite());
	srunner_add_suite(sr, cli_suite());
	srunner_add_suite(sr, pivot_suite());
	srunner_add_suite(sr, ns_suite());
	srunner_add_suite(sr, idmap_suite());
	srunner_add_suite(sr, timens_suite());
	srunner_add_suite(sr, limit_suite());
	srunner_add_suite(sr, netlink_suite());
	srunner_add_suite(sr, tc_suite());
	srunner_add_suite(sr, caps_suite());
	srunner_add_suite(sr, seccomp_suite());
	srunner_add_suite(sr, mcopts_suite());
	srunner_add_suite(sr, tty_suite());
	srunner_add_suite(sr, image_suite());
	srunner_add_suite(sr, oci_suite());
	srunner_set_tap(sr, "-");
	srunner_run_all(sr, CK_SILENT);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
