/* check_limit.c - friendly units to cgroup values, and names. */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/sysmacros.h>

#include "limit.h"
#include "suites.h"

START_TEST(test_cg_parse_size_units)
{
	uint64_t v;

	ck_assert_int_eq(cg_parse_size("4096", 0, &v), 0);
	ck_assert_uint_eq(v, 4096);
	ck_assert_int_eq(cg_parse_size("64M", 0, &v), 0);
	ck_assert_uint_eq(v, 64ULL << 20);
	ck_assert_int_eq(cg_parse_size("1.5G", 0, &v), 0);
	ck_assert_uint_eq(v, 3ULL << 29);
	ck_assert_int_eq(cg_parse_size("512k", 0, &v), 0);
	ck_assert_uint_eq(v, 512ULL << 10);
	ck_assert_int_eq(cg_parse_size("2MiB", 0, &v), 0);
	ck_assert_uint_eq(v, 2ULL << 20);
	ck_assert_int_eq(cg_parse_size("max", 1, &v), 0);
	ck_assert_uint_eq(v, CG_MAX);
}
END_TEST

START_TEST(test_cg_parse_size_rejects)
{
	static const char *const bad[] = { "64Q", "-1", "1e99", "", "M",
					   "1.2.3M", "0x10", " 1", "1 M",
					   "max" };
	uint64_t v;
	unsigned i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		errno = 0;
		ck_assert_msg(cg_parse_size(bad[i], 0, &v) == -1, "'%s'", bad[i]);
		ck_assert_int_eq(errno, EINVAL);
	}
	ck_assert_int_eq(cg_parse_size("99999999999T", 0, &v), -1);
	ck_assert_int_eq(errno, ERANGE);
}
END_TEST

START_TEST(test_cg_parse_cpus_quota)
{
	uint64_t q;

	ck_assert_int_eq(cg_parse_cpus("0.5", 2, 100000, &q), 0);
	ck_assert_uint_eq(q, 50000);
	ck_assert_int_eq(cg_parse_cpus("2", 2, 100000, &q), 0);
	ck_assert_uint_eq(q, 200000);
	ck_assert_int_eq(cg_parse_cpus("0", 2, 100000, &q), -1);
	ck_assert_int_eq(errno, ERANGE);
	ck_assert_int_eq(cg_parse_cpus("2.5", 2, 100000, &q), -1);
	ck_assert_int_eq(errno, ERANGE);
	ck_assert_int_eq(cg_parse_cpus("0.001", 2, 100000, &q), -1);
	ck_assert_int_eq(cg_parse_cpus("half", 2, 100000, &q), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(cg_parse_cpus("-1", 2, 100000, &q), -1);
}
END_TEST

START_TEST(test_cg_parse_weight_and_pids)
{
	unsigned w;
	uint64_t p;

	ck_assert_int_eq(cg_parse_weight("100", &w), 0);
	ck_assert_uint_eq(w, 100);
	ck_assert_int_eq(cg_parse_weight("0", &w), -1);
	ck_assert_int_eq(cg_parse_weight("10001", &w), -1);
	ck_assert_int_eq(cg_parse_pids("20", &p), 0);
	ck_assert_uint_eq(p, 20);
	ck_assert_int_eq(cg_parse_pids("max", &p), 0);
	ck_assert_uint_eq(p, CG_MAX);
	ck_assert_int_eq(cg_parse_pids("0", &p), -1);
	ck_assert_int_eq(cg_parse_pids("-5", &p), -1);
}
END_TEST

START_TEST(test_cg_parse_io_majmin_and_rate)
{
	dev_t d;
	uint64_t r;

	ck_assert_int_eq(cg_parse_io("8:16:1M", 0, &d, &r), 0);
	ck_assert_uint_eq(major(d), 8);
	ck_assert_uint_eq(minor(d), 16);
	ck_assert_uint_eq(r, 1ULL << 20);
	ck_assert_int_eq(cg_parse_io("254:0:100", 1, &d, &r), 0);
	ck_assert_uint_eq(r, 100);
	ck_assert_int_eq(cg_parse_io("8:0", 0, &d, &r), -1);
	ck_assert_int_eq(cg_parse_io("sda:1M", 0, &d, &r), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(cg_parse_io("/dev/nonexistent-x:1M", 0, &d, &r), -1);
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_int_eq(cg_parse_io("/dev/null:1M", 0, &d, &r), -1);
	ck_assert_int_eq(errno, ENOTBLK);
	ck_assert_int_eq(cg_parse_io("8:0:0", 0, &d, &r), -1);
}
END_TEST

START_TEST(test_cg_parse_cpulist)
{
	ck_assert_int_eq(cg_parse_cpulist("0", 2), 0);
	ck_assert_int_eq(cg_parse_cpulist("0-1", 2), 0);
	ck_assert_int_eq(cg_parse_cpulist("0,1", 2), 0);
	ck_assert_int_eq(cg_parse_cpulist("2", 2), -1);
	ck_assert_int_eq(errno, ERANGE);
	ck_assert_int_eq(cg_parse_cpulist("1-0", 2), -1);
	ck_assert_int_eq(cg_parse_cpulist("0,", 2), -1);
	ck_assert_int_eq(cg_parse_cpulist("", 2), -1);
	ck_assert_int_eq(cg_parse_cpulist("a", 2), -1);
}
END_TEST

/* Found by fuzz_parsers (fuzz/regress/parsers/cpulist-overflow): a
 * number past ULONG_MAX came back from strtoul as ULONG_MAX, which cast
 * to long is -1, below any count, and so was accepted. */
START_TEST(test_cg_parse_cpulist_overflow)
{
	errno = 0;
	ck_assert_int_eq(cg_parse_cpulist("18446744073709551615", 8), -1);
	ck_assert_int_eq(errno, ERANGE);
	ck_assert_int_eq(cg_parse_cpulist("99999999999999999999999", 8), -1);
	ck_assert_int_eq(errno, ERANGE);
	ck_assert_int_eq(cg_parse_cpulist("0-18446744073709551616", 8), -1);
	ck_assert_int_eq(errno, ERANGE);
	ck_assert_int_eq(cg_parse_cpulist("0-7", 8), 0);
}
END_TEST

START_TEST(test_cg_check_name_no_traversal)
{
	static const char *const bad[] = { "", ".", "..", "a/b", "../x",
					   "x\ny", "tab\t", "cgroup.procs",
					   "a b" };
	unsigned i;

	ck_assert_int_eq(cg_check_name("web-1.test_2"), 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(cg_check_name(bad[i]) == -1, "'%s'", bad[i]);
	char longname[70];

	memset(longname, 'a', 65);
	longname[65] = '\0';
	ck_assert_int_eq(cg_check_name(longname), -1);
}
END_TEST

START_TEST(test_cg_fmt_size)
{
	char b[32];

	ck_assert_str_eq(cg_fmt_size(512, b, sizeof(b)), "512B");
	ck_assert_str_eq(cg_fmt_size(32ULL << 20, b, sizeof(b)), "32.0M");
	ck_assert_str_eq(cg_fmt_size(CG_MAX, b, sizeof(b)), "max");
}
END_TEST

Suite *limit_suite(void)
{
	Suite *s = suite_create("limit");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_cg_parse_size_units);
	tcase_add_test(tc, test_cg_parse_size_rejects);
	tcase_add_test(tc, test_cg_parse_cpus_quota);
	tcase_add_test(tc, test_cg_parse_weight_and_pids);
	tcase_add_test(tc, test_cg_parse_io_majmin_and_rate);
	tcase_add_test(tc, test_cg_parse_cpulist);
	tcase_add_test(tc, test_cg_parse_cpulist_overflow);
	tcase_add_test(tc, test_cg_check_name_no_traversal);
	tcase_add_test(tc, test_cg_fmt_size);
	suite_add_tcase(s, tc);
	return s;
}
