/*
 * netlink.c - raw rtnetlink: build a request attribute by attribute, send
 * it, read the ACK.  The kernel answers every NLM_F_ACK request with an
 * NLMSG_ERROR whose error field is 0 or a negative errno (netlink(7)).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/pkt_sched.h>
#include <linux/veth.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>

#include "netlink.h"
#include "report.h"

int nl_open(void)
{
	return nl_open_proto(NETLINK_ROUTE);
}

int nl_open_proto(int proto)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int fd;

	/* The socket belongs to the network namespace it is made in. */
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, proto);
	if (fd < 0)
		return rep_fail("socket(AF_NETLINK, SOCK_RAW, %s)",
				proto == NETLINK_ROUTE ? "NETLINK_ROUTE" :
				proto == NETLINK_NETFILTER ?
				"NETLINK_NETFILTER" : "?");
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		rep_fail("bind(AF_NETLINK)");
		close(fd);
		return -1;
	}
	return fd;
}

void nl_init(struct nl_req *r, int type, int flags, const void *hdr,
	     size_t hdrlen)
{
	static uint32_t seq;

	memset(r, 0, sizeof(*r));
	r->n.nlmsg_len = NLMSG_LENGTH(hdrlen);
	r->n.nlmsg_type = (uint16_t)type;
	r->n.nlmsg_flags = (uint16_t)(NLM_F_REQUEST | flags);
	r->n.nlmsg_seq = ++seq;
	if (hdrlen)
		memcpy(NLMSG_DATA(&r->n), hdr, hdrlen);
}

int nl_addattr_l(struct nlmsghdr *n, size_t maxlen, int type,
		 const void *data, size_t alen)
{
	size_t len = RTA_LENGTH(alen);
	struct rtattr *rta;

	if (NLMSG_ALIGN(n->nlmsg_len) + RTA_ALIGN(len) > maxlen) {
		errno = EMSGSIZE;
		return -1;
	}
	rta = (struct rtattr *)((char *)n + NLMSG_ALIGN(n->nlmsg_len));
	rta->rta_type = (unsigned short)type;
	rta->rta_len = (unsigned short)len;
	if (alen)
		memcpy(RTA_DATA(rta), data, alen);
	n->nlmsg_len = (uint32_t)(NLMSG_ALIGN(n->nlmsg_len) + RTA_ALIGN(len));
	return 0;
}

int nl_addattr32(struct nlmsghdr *n, size_t maxlen, int type, uint32_t v)
{
	return nl_addattr_l(n, maxlen, type, &v, sizeof(v));
}

int nl_addattr_str(struct nlmsghdr *n, size_t maxlen, int type,
		   const char *s)
{
	return nl_addattr_l(n, maxlen, type, s, strlen(s) + 1);
}

struct rtattr *nl_addattr_nest(struct nlmsghdr *n, size_t maxlen, int type)
{
	struct rtattr *nest;

	nest = (struct rtattr *)((char *)n + NLMSG_ALIGN(n->nlmsg_len));
	if (nl_addattr_l(n, maxlen, type, NULL, 0) < 0)
		return NULL;
	return nest;
}

void nl_addattr_nest_end(struct nlmsghdr *n, struct rtattr *nest)
{
	nest->rta_len = (unsigned short)((char *)n + n->nlmsg_len -
					 (char *)nest);
}

void nl_parse_attrs(const struct nlmsghdr *m, size_t hdrlen,
		    struct rtattr **tb, int max)
{
	struct rtattr *rta;
	int len;

	memset(tb, 0, sizeof(*tb) * (size_t)(max + 1));
	rta = (struct rtattr *)((char *)NLMSG_DATA(m) + NLMSG_ALIGN(hdrlen));
	len = (int)m->nlmsg_len - (int)NLMSG_LENGTH(NLMSG_ALIGN(hdrlen));
	for (; RTA_OK(rta, len); rta = RTA_NEXT(rta, len))
		if ((rta->rta_type & NLA_TYPE_MASK) <= max &&
		    !tb[rta->rta_type & NLA_TYPE_MASK])
			tb[rta->rta_type & NLA_TYPE_MASK] = rta;
}

/* The decoder: how each attribute's payload is shown. */
enum nl_kind { K_RAW, K_STR, K_U32, K_U8, K_ADDR, K_NEST, K_PEER, K_IFAF,
	       K_BE32, K_BE64, K_EXPRS, K_COMMENT, K_TBF };

struct nl_attr_name {
	int type;
	const char *name;
	enum nl_kind kind;
	const struct nl_attr_name *nested;	/* for K_NEST / K_PEER */
};

static const struct nl_attr_name link_attrs[];

static const struct nl_attr_name veth_attrs[] = {
	{ VETH_INFO_PEER, "VETH_INFO_PEER", K_PEER, link_attrs },
	{ -1, NULL, K_RAW, NULL },
};

static const struct nl_attr_name info_attrs[] = {
	{ IFLA_INFO_KIND, "IFLA_INFO_KIND", K_STR, NULL },
	{ IFLA_INFO_DATA, "IFLA_INFO_DATA", K_NEST, veth_attrs },
	{ -1, NULL, K_RAW, NULL },
};

static const struct nl_attr_name link_attrs[] = {
	{ IFLA_IFNAME, "IFLA_IFNAME", K_STR, NULL },
	{ IFLA_MTU, "IFLA_MTU", K_U32, NULL },
	{ IFLA_LINK, "IFLA_LINK", K_U32, NULL },
	{ IFLA_MASTER, "IFLA_MASTER", K_U32, NULL },
	{ IFLA_OPERSTATE, "IFLA_OPERSTATE", K_U8, NULL },
	{ IFLA_LINKINFO, "IFLA_LINKINFO", K_NEST, info_attrs },
	{ IFLA_NET_NS_PID, "IFLA_NET_NS_PID", K_U32, NULL },
	{ IFLA_NET_NS_FD, "IFLA_NET_NS_FD", K_U32, NULL },
	{ IFLA_ADDRESS, "IFLA_ADDRESS", K_RAW, NULL },
	{ -1, NULL, K_RAW, NULL },
};

static const struct nl_attr_name addr_attrs[] = {
	{ IFA_ADDRESS, "IFA_ADDRESS", K_ADDR, NULL },
	{ IFA_LOCAL, "IFA_LOCAL", K_ADDR, NULL },
	{ IFA_LABEL, "IFA_LABEL", K_STR, NULL },
	{ IFA_BROADCAST, "IFA_BROADCAST", K_ADDR, NULL },
	{ IFA_FLAGS, "IFA_FLAGS", K_IFAF, NULL },
	{ -1, NULL, K_RAW, NULL },
};

static const struct nl_attr_name route_attrs[] = {
	{ RTA_DST, "RTA_DST", K_ADDR, NULL },
	{ RTA_GATEWAY, "RTA_GATEWAY", K_ADDR, NULL },
	{ RTA_OIF, "RTA_OIF", K_U32, NULL },
	{ RTA_PRIORITY, "RTA_PRIORITY", K_U32, NULL },
	{ RTA_TABLE, "RTA_TABLE", K_U32, NULL },
	{ -1, NULL, K_RAW, NULL },
};

static const struct nl_attr_name tbf_attrs[] = {
	{ TCA_TBF_PARMS, "TCA_TBF_PARMS", K_TBF, NULL },
	{ TCA_TBF_BURST, "TCA_TBF_BURST", K_U32, NULL },
	{ TCA_TBF_RATE64, "TCA_TBF_RATE64", K_RAW, NULL },
	{ -1, NULL, K_RAW, NULL },
};

static const struct nl_attr_name qdisc_attrs[] = {
	{ TCA_KIND, "TCA_KIND", K_STR, NULL },
	{ TCA_OPTIONS, "TCA_OPTIONS", K_NEST, tbf_attrs },
	{ -1, NULL, K_RAW, NULL },
};

/* nftables: every number is big-endian on the wire. */
static const struct nl_attr_name nft_table_attrs[] = {
	{ NFTA_TABLE_NAME, "NFTA_TABLE_NAME", K_STR, NULL },
	{ NFTA_TABLE_USERDATA, "NFTA_TABLE_USERDATA", K_COMMENT, NULL },
	{ -1, NULL, K_RAW, NULL },
};

static const struct nl_attr_name nft_hook_attrs[] = {
	{ NFTA_HOOK_HOOKNUM, "NFTA_HOOK_HOOKNUM", K_BE32, NULL },
	{ NFTA_HOOK_PRIORITY, "NFTA_HOOK_PRIORITY", K_BE32, NULL },
	{ -1, NULL, K_RAW, NULL },
};

static const struct nl_attr_name nft_chain_attrs[] = {
	{ NFTA_CHAIN_TABLE, "NFTA_CHAIN_TABLE", K_STR, NULL },
	{ NFTA_CHAIN_NAME, "NFTA_CHAIN_NAME", K_STR, NULL },
	{ NFTA_CHAIN_HOOK, "NFTA_CHAIN_HOOK", K_NEST, nft_hook_attrs },
	{ NFTA_CHAIN_TYPE, "NFTA_CHAIN_TYPE", K_STR, NULL },
	{ NFTA_CHAIN_POLICY, "NFTA_CHAIN_POLICY", K_BE32, NULL },
	{ -1, NULL, K_RAW, NULL },
};

static const struct nl_attr_name nft_rule_attrs[] = {
	{ NFTA_RULE_TABLE, "NFTA_RULE_TABLE", K_STR, NULL },
	{ NFTA_RULE_CHAIN, "NFTA_RULE_CHAIN", K_STR, NULL },
	{ NFTA_RULE_HANDLE, "NFTA_RULE_HANDLE", K_BE64, NULL },
	{ NFTA_RULE_EXPRESSIONS, "NFTA_RULE_EXPRESSIONS", K_EXPRS, NULL },
	{ NFTA_RULE_USERDATA, "NFTA_RULE_USERDATA", K_COMMENT, NULL },
	{ -1, NULL, K_RAW, NULL },
};

struct out {
	char *p;
	size_t left;
};

static void put(struct out *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(o->p, o->left, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= o->left)
		n = o->left ? (int)o->left - 1 : 0;
	o->p += n;
	o->left -= (size_t)n;
}

static void put_ifinfo(struct out *o, const struct ifinfomsg *ifi)
{
	put(o, "ifi_index=%d", ifi->ifi_index);
	if (ifi->ifi_change)
		put(o, " ifi_flags=%s ifi_change=%#x",
		    ifi->ifi_flags & 1 ? "IFF_UP" : "0", ifi->ifi_change);
}

static void put_attrs(struct out *o, const struct rtattr *rta, int len,
		      const struct nl_attr_name *names);

/* A rule's expressions by name only: the order is what matters. */
static void put_exprs(struct out *o, const struct rtattr *rta, int len)
{
	put(o, "{");
	for (; RTA_OK(rta, len); rta = RTA_NEXT(rta, len)) {
		struct rtattr *e = RTA_DATA(rta);
		int elen = (int)RTA_PAYLOAD(rta);

		for (; RTA_OK(e, elen); e = RTA_NEXT(e, elen))
			if ((e->rta_type & NLA_TYPE_MASK) == NFTA_EXPR_NAME)
				put(o, " %.*s", (int)strnlen(RTA_DATA(e),
				    RTA_PAYLOAD(e)), (char *)RTA_DATA(e));
	}
	put(o, " }");
}

static void put_attr(struct out *o, const struct rtattr *rta,
		     const struct nl_attr_name *names)
{
	const struct nl_attr_name *a = names;
	const void *d = RTA_DATA(rta);
	int plen = (int)RTA_PAYLOAD(rta);
	char ip[INET6_ADDRSTRLEN];

	while (a->name && a->type != (rta->rta_type & NLA_TYPE_MASK))
		a++;
	if (!a->name) {
		put(o, " attr%d(%d bytes)", rta->rta_type, plen);
		return;
	}
	put(o, " %s", a->name);
	switch (a->kind) {
	case K_STR:
		put(o, "=\"%.*s\"", (int)strnlen(d, (size_t)plen), (char *)d);
		break;
	case K_U32:
		if (plen >= 4)
			put(o, "=%u", *(const uint32_t *)d);
		break;
	case K_IFAF:
		/* The one address flag this toolkit sets: skip IPv6 DAD. */
		if (plen >= 4 && *(const uint32_t *)d == IFA_F_NODAD)
			put(o, "=IFA_F_NODAD");
		else if (plen >= 4)
			put(o, "=%#x", *(const uint32_t *)d);
		break;
	case K_U8:
		if (plen >= 1)
			put(o, "=%u", *(const uint8_t *)d);
		break;
	case K_BE32:
		if (plen >= 4)
			put(o, "=%d", (int)ntohl(*(const uint32_t *)d));
		break;
	case K_BE64:
		if (plen >= 8)
			put(o, "=%u", ntohl(((const uint32_t *)d)[1]));
		break;
	case K_EXPRS:
		put_exprs(o, d, plen);
		break;
	case K_COMMENT:
		/* nft's user data: TLVs; type 0 is the comment. */
		if (plen >= 3 && ((const uint8_t *)d)[0] == 0)
			put(o, "=\"%.*s\"", (int)strnlen((const char *)d + 2,
			    ((const uint8_t *)d)[1]), (const char *)d + 2);
		break;
	case K_TBF:
		if (plen >= (int)sizeof(struct tc_tbf_qopt)) {
			const struct tc_tbf_qopt *q = d;

			put(o, "{ rate=%u B/s limit=%u B }", q->rate.rate,
			    q->limit);
		}
		break;
	case K_ADDR:
		if (plen == 4 || plen == 16)
			put(o, "=%s", inet_ntop(plen == 4 ? AF_INET : AF_INET6,
						 d, ip, sizeof(ip)));
		break;
	case K_NEST:
		put(o, "{");
		put_attrs(o, d, plen, a->nested);
		put(o, " }");
		break;
	case K_PEER:
		/* The peer is described as a whole RTM_NEWLINK body. */
		if (plen < (int)sizeof(struct ifinfomsg))
			break;
		put(o, "{ ");
		put_ifinfo(o, d);
		put_attrs(o, (const struct rtattr *)((const char *)d +
			  NLMSG_ALIGN(sizeof(struct ifinfomsg))),
			  plen - (int)NLMSG_ALIGN(sizeof(struct ifinfomsg)),
			  a->nested);
		put(o, " }");
		break;
	default:
		put(o, "(%d bytes)", plen);
	}
}

static void put_attrs(struct out *o, const struct rtattr *rta, int len,
		      const struct nl_attr_name *names)
{
	for (; RTA_OK(rta, len); rta = RTA_NEXT(rta, len))
		put_attr(o, rta, names);
}

static const char *type_name(int type)
{
	static const char *const nft[] = {
		[NFT_MSG_NEWTABLE] = "NFT_MSG_NEWTABLE",
		[NFT_MSG_GETTABLE] = "NFT_MSG_GETTABLE",
		[NFT_MSG_DELTABLE] = "NFT_MSG_DELTABLE",
		[NFT_MSG_NEWCHAIN] = "NFT_MSG_NEWCHAIN",
		[NFT_MSG_DELCHAIN] = "NFT_MSG_DELCHAIN",
		[NFT_MSG_NEWRULE] = "NFT_MSG_NEWRULE",
		[NFT_MSG_GETRULE] = "NFT_MSG_GETRULE",
		[NFT_MSG_DELRULE] = "NFT_MSG_DELRULE",
	};

	if ((type >> 8) == NFNL_SUBSYS_NFTABLES &&
	    (size_t)(type & 0xff) < sizeof(nft) / sizeof(nft[0]))
		return nft[type & 0xff];
	switch (type) {
	case RTM_NEWQDISC: return "RTM_NEWQDISC";
	case RTM_DELQDISC: return "RTM_DELQDISC";
	case RTM_NEWLINK: return "RTM_NEWLINK";
	case RTM_DELLINK: return "RTM_DELLINK";
	case RTM_GETLINK: return "RTM_GETLINK";
	case RTM_NEWADDR: return "RTM_NEWADDR";
	case RTM_DELADDR: return "RTM_DELADDR";
	case RTM_GETADDR: return "RTM_GETADDR";
	case RTM_NEWROUTE: return "RTM_NEWROUTE";
	case RTM_DELROUTE: return "RTM_DELROUTE";
	case RTM_GETROUTE: return "RTM_GETROUTE";
	default: return NULL;
	}
}

static void put_flags(struct out *o, unsigned int f)
{
	static const struct { unsigned int bit; const char *name; } t[] = {
		{ NLM_F_REQUEST, "NLM_F_REQUEST" }, { NLM_F_ACK, "NLM_F_ACK" },
		{ NLM_F_DUMP, "NLM_F_DUMP" }, { NLM_F_CREATE, "NLM_F_CREATE" },
		{ NLM_F_EXCL, "NLM_F_EXCL" },
		{ NLM_F_REPLACE, "NLM_F_REPLACE" },
		{ NLM_F_APPEND, "NLM_F_APPEND" },
	};
	const char *sep = " ";
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if ((f & t[i].bit) == t[i].bit) {
			put(o, "%s%s", sep, t[i].name);
			sep = "|";
			f &= ~t[i].bit;
		}
	if (f)
		put(o, "%s%#x", sep, f);
}

const char *nl_describe(const struct nlmsghdr *n, char *buf, size_t size)
{
	struct out o = { buf, size };
	const struct nl_attr_name *names = NULL;
	const char *name = type_name(n->nlmsg_type);
	const void *h = NLMSG_DATA(n);
	size_t hlen = 0;

	if (size)
		*buf = '\0';
	if (name)
		put(&o, "%s", name);
	else
		put(&o, "type=%u", n->nlmsg_type);
	put_flags(&o, n->nlmsg_flags);
	switch (n->nlmsg_type) {
	case RTM_NEWLINK: case RTM_DELLINK: case RTM_GETLINK:
		hlen = sizeof(struct ifinfomsg);
		names = link_attrs;
		put(&o, " ");
		put_ifinfo(&o, h);
		break;
	case RTM_NEWADDR: case RTM_DELADDR: case RTM_GETADDR: {
		const struct ifaddrmsg *ifa = h;

		hlen = sizeof(*ifa);
		names = addr_attrs;
		put(&o, " %s/%u ifa_index=%u",
		    ifa->ifa_family == AF_INET ? "AF_INET" :
		    ifa->ifa_family == AF_INET6 ? "AF_INET6" : "AF_UNSPEC",
		    ifa->ifa_prefixlen, ifa->ifa_index);
		break;
	}
	case RTM_NEWQDISC: case RTM_DELQDISC: {
		const struct tcmsg *tcm = h;

		hlen = sizeof(*tcm);
		names = qdisc_attrs;
		put(&o, " tcm_ifindex=%d tcm_parent=%s", tcm->tcm_ifindex,
		    tcm->tcm_parent == TC_H_ROOT ? "TC_H_ROOT" : "?");
		break;
	}
	case NFNL_SUBSYS_NFTABLES << 8 | NFT_MSG_NEWTABLE:
	case NFNL_SUBSYS_NFTABLES << 8 | NFT_MSG_DELTABLE:
		names = nft_table_attrs;
		break;
	case NFNL_SUBSYS_NFTABLES << 8 | NFT_MSG_NEWCHAIN:
	case NFNL_SUBSYS_NFTABLES << 8 | NFT_MSG_DELCHAIN:
		names = nft_chain_attrs;
		break;
	case NFNL_SUBSYS_NFTABLES << 8 | NFT_MSG_NEWRULE:
	case NFNL_SUBSYS_NFTABLES << 8 | NFT_MSG_DELRULE:
		names = nft_rule_attrs;
		break;
	case RTM_NEWROUTE: case RTM_DELROUTE: case RTM_GETROUTE: {
		const struct rtmsg *rtm = h;

		hlen = sizeof(*rtm);
		names = route_attrs;
		put(&o, " %s dst_len=%u table=%u",
		    rtm->rtm_family == AF_INET ? "AF_INET" :
		    rtm->rtm_family == AF_INET6 ? "AF_INET6" : "AF_UNSPEC",
		    rtm->rtm_dst_len, rtm->rtm_table);
		break;
	}
	}
	if ((n->nlmsg_type >> 8) == NFNL_SUBSYS_NFTABLES) {
		const struct nfgenmsg *g = h;

		hlen = sizeof(*g);
		put(&o, " %s", g->nfgen_family == NFPROTO_IPV4 ?
		    "NFPROTO_IPV4" : "NFPROTO_UNSPEC");
	}
	if (names)
		put_attrs(&o, (const struct rtattr *)((const char *)h +
			  NLMSG_ALIGN(hlen)), (int)n->nlmsg_len -
			  (int)NLMSG_LENGTH(NLMSG_ALIGN(hlen)), names);
	return buf;
}

/* Read one answer into buf; its length, or -1 (reported). */
static ssize_t nl_recv(int fd, char *buf, size_t size)
{
	ssize_t len;

	do
		len = recv(fd, buf, size, 0);
	while (len < 0 && errno == EINTR);
	if (len < 0)
		return rep_fail("recv(AF_NETLINK)");
	return len;
}

int nl_talk(int fd, struct nlmsghdr *n, const char *effect)
{
	char buf[8192] __attribute__((aligned(NLMSG_ALIGNTO)));
	char desc[1024];
	struct nlmsghdr *m;
	ssize_t len;

	n->nlmsg_flags |= NLM_F_ACK;
	if (send(fd, n, n->nlmsg_len, 0) < 0)
		return -1;
	for (;;) {
		len = nl_recv(fd, buf, sizeof(buf));
		if (len < 0)
			return -1;
		for (m = (struct nlmsghdr *)buf; NLMSG_OK(m, (size_t)len);
		     m = NLMSG_NEXT(m, len)) {
			struct nlmsgerr *e = NLMSG_DATA(m);

			if (m->nlmsg_seq != n->nlmsg_seq ||
			    m->nlmsg_type != NLMSG_ERROR)
				continue;
			if (e->error) {
				errno = -e->error;
				return -1;
			}
			if (rep_steps_wanted())
				rep_step(0, effect, "nl_talk(%s)",
					 nl_describe(n, desc, sizeof(desc)));
			return 0;
		}
	}
}

int nl_dump(int fd, struct nlmsghdr *n,
	    int (*cb)(const struct nlmsghdr *m, void *arg), void *arg)
{
	char buf[16384] __attribute__((aligned(NLMSG_ALIGNTO)));
	struct nlmsghdr *m;
	ssize_t len;

	n->nlmsg_flags |= NLM_F_DUMP;
	if (send(fd, n, n->nlmsg_len, 0) < 0)
		return -1;
	for (;;) {
		len = nl_recv(fd, buf, sizeof(buf));
		if (len < 0)
			return -1;
		for (m = (struct nlmsghdr *)buf; NLMSG_OK(m, (size_t)len);
		     m = NLMSG_NEXT(m, len)) {
			if (m->nlmsg_seq != n->nlmsg_seq)
				continue;
			if (m->nlmsg_type == NLMSG_DONE)
				return 0;
			if (m->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(m);

				errno = -e->error;
				return -1;
			}
			if (cb(m, arg) < 0)
				return -1;
		}
	}
}

/* --- nfnetlink batches --- */

void nl_batch_init(struct nl_batch *b, int subsys)
{
	struct nlmsghdr *n = (struct nlmsghdr *)b->buf;
	struct nfgenmsg *g = NLMSG_DATA(n);

	memset(b, 0, sizeof(*b));
	n->nlmsg_len = NLMSG_LENGTH(sizeof(*g));
	n->nlmsg_type = NFNL_MSG_BATCH_BEGIN;
	n->nlmsg_flags = NLM_F_REQUEST;
	g->nfgen_family = AF_UNSPEC;
	g->version = NFNETLINK_V0;
	/* Which subsystem the whole batch is for. */
	g->res_id = htons((uint16_t)subsys);
	b->len = NLMSG_ALIGN(n->nlmsg_len);
}

/* Account for the message being built. */
static void batch_close_last(struct nl_batch *b)
{
	if (b->last) {
		b->len = (size_t)((char *)b->last - b->buf) +
			 NLMSG_ALIGN(b->last->nlmsg_len);
		b->last = NULL;
	}
}

struct nlmsghdr *nl_batch_add(struct nl_batch *b, int type, int flags,
			      int family)
{
	static uint32_t seq = 1u << 20;
	struct nlmsghdr *n;
	struct nfgenmsg *g;

	batch_close_last(b);
	if (b->len + NLMSG_SPACE(sizeof(*g)) * 2 > sizeof(b->buf)) {
		errno = EMSGSIZE;
		return NULL;
	}
	n = (struct nlmsghdr *)(b->buf + b->len);
	memset(n, 0, NLMSG_SPACE(sizeof(*g)));
	n->nlmsg_len = NLMSG_LENGTH(sizeof(*g));
	n->nlmsg_type = (uint16_t)type;
	n->nlmsg_flags = (uint16_t)(NLM_F_REQUEST | NLM_F_ACK | flags);
	n->nlmsg_seq = ++seq;
	g = NLMSG_DATA(n);
	g->nfgen_family = (uint8_t)family;
	g->version = NFNETLINK_V0;
	if (!b->count++)
		b->first_seq = n->nlmsg_seq;
	b->last = n;
	return n;
}

size_t nl_batch_room(const struct nl_batch *b, const struct nlmsghdr *n)
{
	/* Keep room for the end-of-batch message. */
	return sizeof(b->buf) - (size_t)((const char *)n - b->buf) -
	       NLMSG_SPACE(sizeof(struct nfgenmsg));
}

int nl_batch_commit(int fd, struct nl_batch *b, const char *effect)
{
	char buf[8192] __attribute__((aligned(NLMSG_ALIGNTO)));
	struct nlmsghdr *n, *m;
	char desc[1024];
	int acked = 0, i;
	ssize_t len;

	batch_close_last(b);
	n = (struct nlmsghdr *)(b->buf + b->len);
	memset(n, 0, NLMSG_SPACE(sizeof(struct nfgenmsg)));
	n->nlmsg_len = NLMSG_LENGTH(sizeof(struct nfgenmsg));
	n->nlmsg_type = NFNL_MSG_BATCH_END;
	n->nlmsg_flags = NLM_F_REQUEST;
	((struct nfgenmsg *)NLMSG_DATA(n))->res_id =
		((struct nfgenmsg *)NLMSG_DATA((struct nlmsghdr *)b->buf))->res_id;
	if (send(fd, b->buf, b->len + NLMSG_ALIGN(n->nlmsg_len), 0) < 0)
		return -1;
	/* One ACK per message; the first error aborts the whole batch. */
	while (acked < b->count) {
		len = nl_recv(fd, buf, sizeof(buf));
		if (len < 0)
			return -1;
		for (m = (struct nlmsghdr *)buf; NLMSG_OK(m, (size_t)len);
		     m = NLMSG_NEXT(m, len)) {
			struct nlmsgerr *e = NLMSG_DATA(m);

			if (m->nlmsg_type != NLMSG_ERROR ||
			    m->nlmsg_seq < b->first_seq ||
			    m->nlmsg_seq >= b->first_seq + (uint32_t)b->count)
				continue;
			if (e->error) {
				errno = -e->error;
				return -1;
			}
			acked++;
		}
	}
	if (!rep_steps_wanted())
		return 0;
	/* Narrate the messages in order, once the kernel took them all. */
	m = (struct nlmsghdr *)b->buf;
	m = (struct nlmsghdr *)((char *)m + NLMSG_ALIGN(m->nlmsg_len));
	for (i = 0; i < b->count; i++) {
		rep_step(0, i == b->count - 1 ? effect : NULL,
			 "nl_batch(%s)", nl_describe(m, desc, sizeof(desc)));
		m = (struct nlmsghdr *)((char *)m + NLMSG_ALIGN(m->nlmsg_len));
	}
	return 0;
}
