/* check_netlink.c - rtnetlink request bytes and their decoded form. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/veth.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>

#include "netlink.h"
#include "suites.h"

static struct nl_req r;

static void setup(void)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };

	nl_init(&r, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, &ifi, sizeof(ifi));
}

START_TEST(test_nl_init_header)
{
	/* 16-byte nlmsghdr + 16-byte ifinfomsg */
	ck_assert_uint_eq(r.n.nlmsg_len, 32);
	ck_assert_uint_eq(r.n.nlmsg_type, RTM_NEWLINK);
	ck_assert_uint_eq(r.n.nlmsg_flags,
			  NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL);
}
END_TEST

START_TEST(test_nl_addattr_l_pads_to_four)
{
	const unsigned char *p = (const unsigned char *)&r + 32;

	ck_assert_int_eq(nl_addattr_str(&r.n, sizeof(r), IFLA_IFNAME,
					"ctk-a"), 0);
	/* 4-byte header + "ctk-a\0" = 10, padded to 12. */
	ck_assert_uint_eq(r.n.nlmsg_len, 32 + 12);
	ck_assert_uint_eq(p[0] | p[1] << 8, 10);	/* rta_len */
	ck_assert_uint_eq(p[2] | p[3] << 8, IFLA_IFNAME);
	ck_assert_mem_eq(p + 4, "ctk-a\0\0\0", 8);
}
END_TEST

START_TEST(test_nl_addattr32_bytes)
{
	const unsigned char *p = (const unsigned char *)&r + 32;
	uint32_t v;

	ck_assert_int_eq(nl_addattr32(&r.n, sizeof(r), IFLA_MASTER, 7), 0);
	ck_assert_uint_eq(r.n.nlmsg_len, 32 + 8);
	ck_assert_uint_eq(p[0] | p[1] << 8, 8);
	ck_assert_uint_eq(p[2] | p[3] << 8, IFLA_MASTER);
	memcpy(&v, p + 4, 4);
	ck_assert_uint_eq(v, 7);
}
END_TEST

START_TEST(test_nl_addattr_l_full_is_emsgsize)
{
	char big[64] = { 0 };

	ck_assert_int_eq(nl_addattr_l(&r.n, 64, IFLA_IFNAME, big, 40), -1);
	ck_assert_int_eq(errno, EMSGSIZE);
	ck_assert_uint_eq(r.n.nlmsg_len, 32);	/* unchanged */
	ck_assert_ptr_null(nl_addattr_nest(&r.n, 32, IFLA_LINKINFO));
}
END_TEST

START_TEST(test_nl_addattr_nest_end_covers_children)
{
	struct rtattr *nest, *inner;

	nest = nl_addattr_nest(&r.n, sizeof(r), IFLA_LINKINFO);
	ck_assert_ptr_nonnull(nest);
	nl_addattr_str(&r.n, sizeof(r), IFLA_INFO_KIND, "veth");
	inner = nl_addattr_nest(&r.n, sizeof(r), IFLA_INFO_DATA);
	nl_addattr32(&r.n, sizeof(r), 99, 1);
	nl_addattr_nest_end(&r.n, inner);
	nl_addattr_nest_end(&r.n, nest);
	/* 4 + (4 + "veth\0" -> 12) + (4 + 8) = 28 */
	ck_assert_uint_eq(nest->rta_len, 28);
	ck_assert_uint_eq(inner->rta_len, 12);
	ck_assert_uint_eq(nest->rta_type, IFLA_LINKINFO);
	ck_assert_uint_eq(r.n.nlmsg_len, 32 + 28);
}
END_TEST

START_TEST(test_nl_describe_veth_request)
{
	struct rtattr *linkinfo, *data, *peer;
	char buf[512];

	nl_addattr_str(&r.n, sizeof(r), IFLA_IFNAME, "ctk-a");
	linkinfo = nl_addattr_nest(&r.n, sizeof(r), IFLA_LINKINFO);
	nl_addattr_str(&r.n, sizeof(r), IFLA_INFO_KIND, "veth");
	data = nl_addattr_nest(&r.n, sizeof(r), IFLA_INFO_DATA);
	peer = nl_addattr_nest(&r.n, sizeof(r), VETH_INFO_PEER);
	r.n.nlmsg_len += NLMSG_ALIGN(sizeof(struct ifinfomsg));
	nl_addattr_str(&r.n, sizeof(r), IFLA_IFNAME, "eth0");
	nl_addattr32(&r.n, sizeof(r), IFLA_NET_NS_FD, 5);
	nl_addattr_nest_end(&r.n, peer);
	nl_addattr_nest_end(&r.n, data);
	nl_addattr_nest_end(&r.n, linkinfo);
	r.n.nlmsg_flags |= NLM_F_ACK;
	ck_assert_str_eq(nl_describe(&r.n, buf, sizeof(buf)),
		"RTM_NEWLINK NLM_F_REQUEST|NLM_F_ACK|NLM_F_CREATE|NLM_F_EXCL "
		"ifi_index=0 IFLA_IFNAME=\"ctk-a\" IFLA_LINKINFO{ "
		"IFLA_INFO_KIND=\"veth\" IFLA_INFO_DATA{ VETH_INFO_PEER{ "
		"ifi_index=0 IFLA_IFNAME=\"eth0\" IFLA_NET_NS_FD=5 } } }");
}
END_TEST

START_TEST(test_nl_describe_addr_request)
{
	struct ifaddrmsg ifa = { .ifa_family = AF_INET6, .ifa_prefixlen = 64,
				 .ifa_index = 3 };
	struct in6_addr a;
	char buf[256];

	inet_pton(AF_INET6, "2001:2::2", &a);
	nl_init(&r, RTM_NEWADDR, NLM_F_CREATE, &ifa, sizeof(ifa));
	nl_addattr_l(&r.n, sizeof(r), IFA_LOCAL, &a, sizeof(a));
	nl_addattr32(&r.n, sizeof(r), IFA_FLAGS, IFA_F_NODAD);
	nl_addattr32(&r.n, sizeof(r), 77, 1);
	ck_assert_str_eq(nl_describe(&r.n, buf, sizeof(buf)),
		"RTM_NEWADDR NLM_F_REQUEST|NLM_F_CREATE AF_INET6/64 "
		"ifa_index=3 IFA_LOCAL=2001:2::2 IFA_FLAGS=IFA_F_NODAD "
		"attr77(4 bytes)");
}
END_TEST

START_TEST(test_nl_describe_truncates)
{
	char buf[8];

	ck_assert_str_eq(nl_describe(&r.n, buf, sizeof(buf)), "RTM_NEW");
}
END_TEST

START_TEST(test_nl_parse_attrs_indexes_by_type)
{
	struct rtattr *tb[IFLA_MAX + 1];

	nl_addattr32(&r.n, sizeof(r), IFLA_MTU, 1500);
	nl_addattr_str(&r.n, sizeof(r), IFLA_IFNAME, "eth0");
	nl_parse_attrs(&r.n, sizeof(struct ifinfomsg), tb, IFLA_MAX);
	ck_assert_ptr_nonnull(tb[IFLA_IFNAME]);
	ck_assert_str_eq(RTA_DATA(tb[IFLA_IFNAME]), "eth0");
	ck_assert_uint_eq(*(uint32_t *)RTA_DATA(tb[IFLA_MTU]), 1500);
	ck_assert_ptr_null(tb[IFLA_MASTER]);
}
END_TEST

START_TEST(test_nl_batch_frames_begin_messages_end)
{
	struct nl_batch b;
	struct nlmsghdr *n, *begin = (struct nlmsghdr *)b.buf;
	struct nfgenmsg *g;
	char desc[256];

	nl_batch_init(&b, NFNL_SUBSYS_NFTABLES);
	ck_assert_uint_eq(begin->nlmsg_type, NFNL_MSG_BATCH_BEGIN);
	g = NLMSG_DATA(begin);
	ck_assert_uint_eq(ntohs(g->res_id), NFNL_SUBSYS_NFTABLES);
	n = nl_batch_add(&b, NFNL_SUBSYS_NFTABLES << 8 | NFT_MSG_NEWTABLE,
			 NLM_F_CREATE, NFPROTO_IPV4);
	ck_assert_ptr_eq(n, (char *)begin + NLMSG_ALIGN(begin->nlmsg_len));
	ck_assert_uint_eq(n->nlmsg_flags,
			  NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE);
	ck_assert_int_eq(nl_addattr_str(n, nl_batch_room(&b, n),
					NFTA_TABLE_NAME, "ctk"), 0);
	ck_assert_uint_eq(((struct nfgenmsg *)NLMSG_DATA(n))->nfgen_family,
			  NFPROTO_IPV4);
	ck_assert_str_eq(nl_describe(n, desc, sizeof(desc)),
			 "NFT_MSG_NEWTABLE NLM_F_REQUEST|NLM_F_ACK|"
			 "NLM_F_CREATE NFPROTO_IPV4 NFTA_TABLE_NAME=\"ctk\"");
	ck_assert_int_eq(b.count, 1);
	ck_assert_uint_eq(b.first_seq, n->nlmsg_seq);
}
END_TEST

START_TEST(test_nl_batch_full_is_emsgsize)
{
	struct nl_batch b;
	int i;

	nl_batch_init(&b, NFNL_SUBSYS_NFTABLES);
	for (i = 0; i < 1000; i++)
		if (!nl_batch_add(&b, NFNL_SUBSYS_NFTABLES << 8 |
				  NFT_MSG_NEWRULE, 0, NFPROTO_IPV4))
			break;
	ck_assert_int_lt(i, 1000);
	ck_assert_int_eq(errno, EMSGSIZE);
}
END_TEST

Suite *netlink_suite(void)
{
	Suite *s = suite_create("netlink");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_nl_init_header);
	tcase_add_test(tc, test_nl_addattr_l_pads_to_four);
	tcase_add_test(tc, test_nl_addattr32_bytes);
	tcase_add_test(tc, test_nl_addattr_l_full_is_emsgsize);
	tcase_add_test(tc, test_nl_addattr_nest_end_covers_children);
	tcase_add_test(tc, test_nl_describe_veth_request);
	tcase_add_test(tc, test_nl_describe_addr_request);
	tcase_add_test(tc, test_nl_describe_truncates);
	tcase_add_test(tc, test_nl_parse_attrs_indexes_by_type);
	tcase_add_test(tc, test_nl_batch_frames_begin_messages_end);
	tcase_add_test(tc, test_nl_batch_full_is_emsgsize);
	suite_add_tcase(s, tc);
	return s;
}
