/*
 * tc.h - a rate limit on a link: the token bucket filter queueing
 * discipline (tc-tbf(8)), set over raw rtnetlink as tc(8) sets it.
 */
#ifndef CTK_TC_H
#define CTK_TC_H

#include <stddef.h>
#include <stdint.h>

/* Parse a rate as tc(8) writes it: NUMBER[k|m|g](bit|bps) ("1mbit",
 * "500kbit", "2mbps"; bit = bits/s, bps = bytes/s, k = 1000).  Bytes per
 * second, or 0 and a message in why. */
uint64_t tc_parse_rate(const char *s, char *why, size_t size);

/* The rate in bits/s as tc prints it ("1Mbit").  Returns buf. */
const char *tc_rate_str(uint64_t bytes_per_s, char *buf, size_t size);

/* tc qdisc replace dev DEV root tbf rate RATE burst B limit L, in the
 * current network namespace.  0 or -1 (reported). */
int tc_tbf_set(const char *dev, uint64_t bytes_per_s);

/* tc qdisc del dev DEV root: back to the default.  0 (also when there was
 * nothing to delete) or -1 (reported). */
int tc_root_del(const char *dev);

#endif
