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
#include <linux/veth.h>

#include "netlink.h"
#include "report.h"

int nl_open(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int fd;

	/* The socket belongs to the network namespace it is made in. */
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return rep_fail("socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE)");
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
		if (rta->rta_type <= max && !tb[rta->rta_type])
			tb[rta->rta_type] = rta;
}

/* The decoder: how each attribute's payload is shown. */
enum nl_kind { K_RAW, K_STR, K_U32, K_U8, K_ADDR, K_NEST, K_PEER, K_IFAF };

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

static void put_attr(struct out *o, const struct rtattr *rta,
		     const struct nl_attr_name *names)
{
	const struct nl_attr_name *a = names;
	const void *d = RTA_DATA(rta);
	int plen = (int)RTA_PAYLOAD(rta);
	char ip[INET6_ADDRSTRLEN];

	while (a->name && a->type != rta->rta_type)
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
	switch (type) {
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
			if (rep_level >= REP_NARRATE)
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
