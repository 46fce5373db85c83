/*
 * tc.c - where a container's network bandwidth is really limited: not in
 * a cgroup (cgroup v2 has no network controller; v1's net_cls only tags
 * packets) but in the queueing discipline of a link, the traffic control
 * layer between the protocol stack and the device.  A token bucket
 * filter (tbf) lets a packet leave only when the bucket holds enough
 * tokens; tokens arrive at the rate, the bucket holds at most burst
 * bytes, and packets waiting for tokens queue up to limit bytes, then
 * are dropped.  It shapes what a link sends (egress), so a limit in both
 * directions needs one on each end of a veth.
 * Man pages: tc(8), tc-tbf(8), rtnetlink(7); kernel: net/sched/sch_tbf.c.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>

#include "netlink.h"
#include "report.h"
#include "tc.h"

/* Burst: 10 ms of the rate, but at least two full-size frames. */
#define TBF_BURST_MS	10
#define TBF_BURST_MIN	(2 * 1514)
/* Queue: what the rate sends in 50 ms (tc's "latency 50ms"), plus burst. */
#define TBF_LATENCY_MS	50

uint64_t tc_parse_rate(const char *s, char *why, size_t size)
{
	static const struct { const char *unit; double mult; } units[] = {
		{ "bit", 1.0 / 8 }, { "kbit", 1e3 / 8 }, { "mbit", 1e6 / 8 },
		{ "gbit", 1e9 / 8 }, { "bps", 1 }, { "kbps", 1e3 },
		{ "mbps", 1e6 }, { "gbps", 1e9 },
	};
	char *end;
	double v;
	size_t i;

	errno = 0;
	v = strtod(s, &end);
	/* !(v > 0) also catches "nan"; "inf" fails the range check. */
	if (end == s || errno || !(v > 0) || *s == '-' || *s == '+')
		goto bad;
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (!strcasecmp(end, units[i].unit)) {
			v *= units[i].mult;
			if (v < 1 || v > 1e11) {
				snprintf(why, size, "rate %s out of range "
					 "(8bit..800gbit)", s);
				return 0;
			}
			return (uint64_t)v;
		}
bad:
	snprintf(why, size, "invalid rate '%s': a number and a unit, e.g. "
		 "1mbit, 500kbit, 2mbps", s);
	return 0;
}

const char *tc_rate_str(uint64_t bytes_per_s, char *buf, size_t size)
{
	double bits = (double)bytes_per_s * 8;

	if (bits >= 1e9)
		snprintf(buf, size, "%gGbit", bits / 1e9);
	else if (bits >= 1e6)
		snprintf(buf, size, "%gMbit", bits / 1e6);
	else if (bits >= 1e3)
		snprintf(buf, size, "%gKbit", bits / 1e3);
	else
		snprintf(buf, size, "%gbit", bits);
	return buf;
}

/* The request head for DEV's root qdisc. */
static int qdisc_req(struct nl_req *r, int type, int flags, const char *dev)
{
	struct tcmsg tcm = { .tcm_family = AF_UNSPEC };

	tcm.tcm_ifindex = (int)if_nametoindex(dev);
	if (!tcm.tcm_ifindex)
		return rep_fail("if_nametoindex(\"%s\")", dev);
	/* The root: the qdisc the device's transmit path calls first. */
	tcm.tcm_parent = TC_H_ROOT;
	nl_init(r, type, flags, &tcm, sizeof(tcm));
	return 0;
}

int tc_tbf_set(const char *dev, uint64_t rate)
{
	struct tc_tbf_qopt q = { 0 };
	struct rtattr *opts;
	char effect[128], rs[32];
	uint64_t burst;
	struct nl_req r;
	int nl, ret = -1;

	burst = rate * TBF_BURST_MS / 1000;
	if (burst < TBF_BURST_MIN)
		burst = TBF_BURST_MIN;
	q.rate.rate = rate > UINT32_MAX ? UINT32_MAX : (uint32_t)rate;
	q.limit = (uint32_t)(rate * TBF_LATENCY_MS / 1000 + burst);
	nl = nl_open();
	if (nl < 0)
		return -1;
	/* tc qdisc replace: create it, or replace whatever root is there. */
	if (qdisc_req(&r, RTM_NEWQDISC, NLM_F_CREATE | NLM_F_REPLACE, dev) < 0)
		goto out_close;
	nl_addattr_str(&r.n, sizeof(r), TCA_KIND, "tbf");
	opts = nl_addattr_nest(&r.n, sizeof(r), TCA_OPTIONS);
	nl_addattr_l(&r.n, sizeof(r), TCA_TBF_PARMS, &q, sizeof(q));
	/* With the burst in bytes the kernel works out the bucket itself;
	 * rates beyond 32 bits go in TCA_TBF_RATE64. */
	nl_addattr32(&r.n, sizeof(r), TCA_TBF_BURST, (uint32_t)burst);
	if (rate > UINT32_MAX)
		nl_addattr_l(&r.n, sizeof(r), TCA_TBF_RATE64, &rate,
			     sizeof(rate));
	nl_addattr_nest_end(&r.n, opts);
	snprintf(effect, sizeof(effect), "%s sends at most %s (burst %llu B, "
		 "queue %u B)", dev, tc_rate_str(rate, rs, sizeof(rs)),
		 (unsigned long long)burst, q.limit);
	if (nl_talk(nl, &r.n, effect) < 0) {
		rep_fail("RTM_NEWQDISC dev \"%s\" root tbf rate %s", dev, rs);
		goto out_close;
	}
	ret = 0;
out_close:
	close(nl);
	return ret;
}

int tc_root_del(const char *dev)
{
	struct nl_req r;
	char effect[96];
	int nl, ret = -1;

	nl = nl_open();
	if (nl < 0)
		return -1;
	if (qdisc_req(&r, RTM_DELQDISC, 0, dev) < 0)
		goto out_close;
	snprintf(effect, sizeof(effect), "%s is back to its default queue, "
		 "unlimited", dev);
	ret = 0;
	/* ENOENT: only the default qdisc is there, nothing to delete. */
	if (nl_talk(nl, &r.n, effect) < 0 && errno != ENOENT) {
		rep_fail("RTM_DELQDISC dev \"%s\" root", dev);
		ret = -1;
	}
out_close:
	close(nl);
	return ret;
}
