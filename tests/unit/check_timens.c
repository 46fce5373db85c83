/* check_timens.c - time offsets as the kernel wants them. */
#include <errno.h>
#include <stdint.h>
#include <string.h>

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

START_TEST(test_tns_parse_offsets_kernel_format)
{
	/* As the kernel prints it: "%-10s %10lld %9ld\n" per clock. */
	static const char text[] = "monotonic       -1000         0\n"
				   "boottime        50000 500000000\n";
	struct tns_offsets o = { 0 };

	ck_assert_int_eq(tns_parse_offsets(text, &o), 0);
	ck_assert(o.monotonic.set);
	ck_assert_int_eq(o.monotonic.sec, -1000);
	ck_assert_int_eq(o.monotonic.nsec, 0);
	ck_assert(o.boottime.set);
	ck_assert_int_eq(o.boottime.sec, 50000);
	ck_assert_int_eq(o.boottime.nsec, 500000000);
}
END_TEST

START_TEST(test_tns_parse_offsets_clock_ids)
{
	/* The file also takes the clock IDs: 1 monotonic, 7 boottime. */
	struct tns_offsets o = { 0 };

	ck_assert_int_eq(tns_parse_offsets("7 3 5", &o), 0);
	ck_assert(!o.monotonic.set);
	ck_assert(o.boottime.set);
	ck_assert_int_eq(o.boottime.sec, 3);
	ck_assert_int_eq(o.boottime.nsec, 5);
	ck_assert_int_eq(tns_parse_offsets("1 -2 999999999\n", &o), 0);
	ck_assert_int_eq(o.monotonic.sec, -2);
	ck_assert_int_eq(o.monotonic.nsec, 999999999);
}
END_TEST

START_TEST(test_tns_parse_offsets_rejects)
{
	static const char *const bad[] = {
		"",			/* a zombie's file */
		"\n",
		"realtime 0 0\n",	/* not virtualized */
		"monotonic 5\n",
		"monotonic x 0\n",
		"monotonic 1 1000000000\n",
		"monotonic 1 -1\n",
		"monotonic 1 0 boottime 1 0",
		"boottime 1 0\nmonotonic\n",
	};
	struct tns_offsets o;
	unsigned i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&o, 0, sizeof(o));
		errno = 0;
		ck_assert_msg(tns_parse_offsets(bad[i], &o) == -1,
			      "'%s' accepted", bad[i]);
		ck_assert_int_eq(errno, EINVAL);
	}
}
END_TEST

START_TEST(test_tns_offset_str_signs)
{
	struct tns_offset o = { 1, -2, 500000000 };
	char buf[32];

	ck_assert_str_eq(tns_offset_str(&o, buf, sizeof(buf)), "-1.500000000");
	o = (struct tns_offset){ 1, -1, 500000000 };
	ck_assert_str_eq(tns_offset_str(&o, buf, sizeof(buf)), "-0.500000000");
	o = (struct tns_offset){ 1, -3600, 0 };
	ck_assert_str_eq(tns_offset_str(&o, buf, sizeof(buf)),
			 "-3600.000000000");
	o = (struct tns_offset){ 1, 86400, 1 };
	ck_assert_str_eq(tns_offset_str(&o, buf, sizeof(buf)),
			 "86400.000000001");
	o = (struct tns_offset){ 0, 0, 0 };
	ck_assert_str_eq(tns_offset_str(&o, buf, sizeof(buf)), "0.000000000");
}
END_TEST

START_TEST(test_tns_offset_from_ns_round_trip)
{
	static const int64_t ns[] = { 0, 1, -1, 1500000000, -1500000000,
				      -2000000000, 4611686018000000000LL };
	struct tns_offset o;
	unsigned i;

	tns_offset_from_ns(-1500000000, &o);
	ck_assert(o.set);
	ck_assert_int_eq(o.sec, -2);
	ck_assert_int_eq(o.nsec, 500000000);
	for (i = 0; i < sizeof(ns) / sizeof(ns[0]); i++) {
		tns_offset_from_ns(ns[i], &o);
		ck_assert(o.nsec >= 0 && o.nsec < 1000000000);
		ck_assert(tns_offset_ns(&o) == ns[i]);
	}
}
END_TEST

/* Found by fuzz_parsers (fuzz/regress/parsers/offset-ns-min): near
 * INT64_MIN, tns_offset_ns() multiplied -9223372037 s by 10^9, past
 * int64_t (undefined behaviour), instead of giving the ns back. */
START_TEST(test_tns_offset_ns_extremes_round_trip)
{
	static const int64_t ns[] = { INT64_MIN, INT64_MIN + 1,
				      INT64_MIN + 999999999, INT64_MAX,
				      -9223372036000000000LL };
	struct tns_offset o;
	unsigned i;

	for (i = 0; i < sizeof(ns) / sizeof(ns[0]); i++) {
		tns_offset_from_ns(ns[i], &o);
		ck_assert(o.nsec >= 0 && o.nsec < 1000000000);
		ck_assert(tns_offset_ns(&o) == ns[i]);
	}
	tns_offset_from_ns(INT64_MIN, &o);
	ck_assert(o.sec == -9223372037LL);
	ck_assert_int_eq(o.nsec, 145224192);
}
END_TEST

START_TEST(test_tns_ts_diff_ns_borrows)
{
	struct timespec a = { 10, 100 }, b = { 8, 999999900 };

	ck_assert(tns_ts_diff_ns(&a, &b) == 1000000200LL);
	ck_assert(tns_ts_diff_ns(&b, &a) == -1000000200LL);
	ck_assert(tns_ts_diff_ns(&a, &a) == 0);
}
END_TEST

START_TEST(test_tns_restore_offset_ns_continues_the_clock)
{
	/* Saved at 100.25 s, restored when the host reads 102.75 s. */
	struct timespec saved = { 100, 250000000 }, now = { 102, 750000000 };
	struct tns_offset host = { 1, 0, 0 }, nested = { 1, -1000, 0 };

	ck_assert(tns_restore_offset_ns(&saved, &now, &host) ==
		  -2500000000LL);
	/* The restorer itself runs 1000 s behind the host: the offset
	 * written counts from the host's clock, so 1000 s more back. */
	ck_assert(tns_restore_offset_ns(&saved, &now, &nested) ==
		  -1002500000000LL);
	/* A restore on a host that booted later: a positive offset. */
	now = (struct timespec){ 5, 0 };
	ck_assert(tns_restore_offset_ns(&saved, &now, &host) ==
		  95250000000LL);
}
END_TEST

Suite *timens_suite(void)
{
	Suite *s = suite_create("timens");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_tns_parse_offset_whole_and_fraction);
	tcase_add_test(tc, test_tns_parse_offset_negative_normalized);
	tcase_add_test(tc, test_tns_parse_offset_rejects);
	tcase_add_test(tc, test_tns_parse_offsets_kernel_format);
	tcase_add_test(tc, test_tns_parse_offsets_clock_ids);
	tcase_add_test(tc, test_tns_parse_offsets_rejects);
	tcase_add_test(tc, test_tns_offset_str_signs);
	tcase_add_test(tc, test_tns_offset_from_ns_round_trip);
	tcase_add_test(tc, test_tns_offset_ns_extremes_round_trip);
	tcase_add_test(tc, test_tns_ts_diff_ns_borrows);
	tcase_add_test(tc, test_tns_restore_offset_ns_continues_the_clock);
	suite_add_tcase(s, tc);
	return s;
}
