/* suites.h - every unit suite, one per module (check_<module>.c). */
#ifndef CTK_SUITES_H
#define CTK_SUITES_H

#include <check.h>

Suite *report_suite(void);
Suite *fileio_suite(void);
Suite *nstable_suite(void);
Suite *mountinfo_suite(void);
Suite *cli_suite(void);
Suite *pivot_suite(void);
Suite *ns_suite(void);
Suite *idmap_suite(void);
Suite *timens_suite(void);
Suite *limit_suite(void);
Suite *netlink_suite(void);
Suite *tc_suite(void);
Suite *caps_suite(void);
Suite *seccomp_suite(void);
Suite *mcopts_suite(void);
Suite *tty_suite(void);
Suite *image_suite(void);
Suite *oci_suite(void);

#endif
