/*
 * nat.c - how a container reaches out and how a published port reaches
 * in: nftables NAT rules, sent as the same nfnetlink messages nft(8)
 * sends (nft --debug=netlink shows them).  A rule is a list of
 * expressions run on each packet: load a header field into a register,
 * compare it, and finally act (masq, nat).  Every change goes in one
 * batch, which the kernel applies whole or not at all.
 * Man pages: nft(8), netlink(7); kernel: net/netfilter/nf_tables_api.c.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_nat.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/rtnetlink.h>

#include "nat.h"
#include "netlink.h"
#include "netns.h"
#include "report.h"

#define MSG(m)		(NFNL_SUBSYS_NFTABLES << 8 | (m))
/* The table's comment records what forwarding was before the tool. */
#define FORWARD_WAS	"net.ipv4.ip_forward was "
#define NAT_MAX_RULES	256
#define COMMENT_MAX	128

/* The base chains: where in the packet's path the NAT hooks run. */
static const struct nat_chain {
	const char *name;
	int hook;
	int priority;
} chains[] = {
	/* after routing, as the packet leaves: change its source */
	{ "postrouting", NF_INET_POST_ROUTING, 100 },
	/* as a packet arrives, before routing: change its destination */
	{ "prerouting", NF_INET_PRE_ROUTING, -100 },
	/* the host's own packets, before routing */
	{ "output", NF_INET_LOCAL_OUT, -100 },
};

/* --- building a rule: one nested attribute per expression --- */

struct expr {
	struct rtattr *elem, *data;
};

static int expr_begin(struct nlmsghdr *n, size_t max, const char *name,
		      struct expr *e)
{
	e->elem = nl_addattr_nest(n, max, NFTA_LIST_ELEM | NLA_F_NESTED);
	if (!e->elem || nl_addattr_str(n, max, NFTA_EXPR_NAME, name) < 0)
		return -1;
	e->data = nl_addattr_nest(n, max, NFTA_EXPR_DATA | NLA_F_NESTED);
	return e->data ? 0 : -1;
}

static void expr_end(struct nlmsghdr *n, struct expr *e)
{
	nl_addattr_nest_end(n, e->data);
	nl_addattr_nest_end(n, e->elem);
}

static int be32(struct nlmsghdr *n, size_t max, int type, uint32_t v)
{
	return nl_addattr32(n, max, type, htonl(v));
}

/* A constant: NFTA_DATA_VALUE nested in attribute type. */
static int value(struct nlmsghdr *n, size_t max, int type, const void *d,
		 size_t len)
{
	struct rtattr *nest = nl_addattr_nest(n, max, type | NLA_F_NESTED);

	if (!nest || nl_addattr_l(n, max, NFTA_DATA_VALUE, d, len) < 0)
		return -1;
	nl_addattr_nest_end(n, nest);
	return 0;
}

/* payload load LEN bytes at BASE + OFFSET => reg */
static int e_payload(struct nlmsghdr *n, size_t max, int base, int offset,
		     int len)
{
	struct expr e;

	if (expr_begin(n, max, "payload", &e) < 0 ||
	    be32(n, max, NFTA_PAYLOAD_DREG, NFT_REG_1) < 0 ||
	    be32(n, max, NFTA_PAYLOAD_BASE, (uint32_t)base) < 0 ||
	    be32(n, max, NFTA_PAYLOAD_OFFSET, (uint32_t)offset) < 0 ||
	    be32(n, max, NFTA_PAYLOAD_LEN, (uint32_t)len) < 0)
		return -1;
	expr_end(n, &e);
	return 0;
}

/* reg 1 = (reg 1 & mask) ^ 0: keep the network part of an address */
static int e_mask(struct nlmsghdr *n, size_t max, uint32_t mask)
{
	uint32_t m = htonl(mask), zero = 0;
	struct expr e;

	if (expr_begin(n, max, "bitwise", &e) < 0 ||
	    be32(n, max, NFTA_BITWISE_SREG, NFT_REG_1) < 0 ||
	    be32(n, max, NFTA_BITWISE_DREG, NFT_REG_1) < 0 ||
	    be32(n, max, NFTA_BITWISE_LEN, 4) < 0 ||
	    value(n, max, NFTA_BITWISE_MASK, &m, 4) < 0 ||
	    value(n, max, NFTA_BITWISE_XOR, &zero, 4) < 0)
		return -1;
	expr_end(n, &e);
	return 0;
}

/* cmp OP reg 1 DATA: the rule stops here unless it holds */
static int e_cmp(struct nlmsghdr *n, size_t max, int op, const void *d,
		 size_t len)
{
	struct expr e;

	if (expr_begin(n, max, "cmp", &e) < 0 ||
	    be32(n, max, NFTA_CMP_SREG, NFT_REG_1) < 0 ||
	    be32(n, max, NFTA_CMP_OP, (uint32_t)op) < 0 ||
	    value(n, max, NFTA_CMP_DATA, d, len) < 0)
		return -1;
	expr_end(n, &e);
	return 0;
}

/* meta load KEY => reg 1 (oifname, l4proto: facts about the packet) */
static int e_meta(struct nlmsghdr *n, size_t max, int key)
{
	struct expr e;

	if (expr_begin(n, max, "meta", &e) < 0 ||
	    be32(n, max, NFTA_META_DREG, NFT_REG_1) < 0 ||
	    be32(n, max, NFTA_META_KEY, (uint32_t)key) < 0)
		return -1;
	expr_end(n, &e);
	return 0;
}

/* fib daddr type => reg 1: is the destination one of this host's own? */
static int e_fib_daddr_type(struct nlmsghdr *n, size_t max)
{
	struct expr e;

	if (expr_begin(n, max, "fib", &e) < 0 ||
	    be32(n, max, NFTA_FIB_DREG, NFT_REG_1) < 0 ||
	    be32(n, max, NFTA_FIB_RESULT, NFT_FIB_RESULT_ADDRTYPE) < 0 ||
	    be32(n, max, NFTA_FIB_FLAGS, NFTA_FIB_F_DADDR) < 0)
		return -1;
	expr_end(n, &e);
	return 0;
}

/* immediate reg = DATA */
static int e_immediate(struct nlmsghdr *n, size_t max, int reg,
		       const void *d, size_t len)
{
	struct expr e;

	if (expr_begin(n, max, "immediate", &e) < 0 ||
	    be32(n, max, NFTA_IMMEDIATE_DREG, (uint32_t)reg) < 0 ||
	    value(n, max, NFTA_IMMEDIATE_DATA, d, len) < 0)
		return -1;
	expr_end(n, &e);
	return 0;
}

/* masq: the source becomes the outgoing interface's address */
static int e_masq(struct nlmsghdr *n, size_t max)
{
	struct expr e;

	if (expr_begin(n, max, "masq", &e) < 0)
		return -1;
	expr_end(n, &e);
	return 0;
}

/* dnat to reg 1 (address) : reg 2 (port) */
static int e_dnat(struct nlmsghdr *n, size_t max)
{
	struct expr e;

	if (expr_begin(n, max, "nat", &e) < 0 ||
	    be32(n, max, NFTA_NAT_TYPE, NFT_NAT_DNAT) < 0 ||
	    be32(n, max, NFTA_NAT_FAMILY, NFPROTO_IPV4) < 0 ||
	    be32(n, max, NFTA_NAT_REG_ADDR_MIN, NFT_REG_1) < 0 ||
	    be32(n, max, NFTA_NAT_REG_PROTO_MIN, NFT_REG_2) < 0 ||
	    be32(n, max, NFTA_NAT_FLAGS, NF_NAT_RANGE_MAP_IPS |
		 NF_NAT_RANGE_PROTO_SPECIFIED) < 0)
		return -1;
	expr_end(n, &e);
	return 0;
}

/* nft's user data is type-length-value; type 0 is the comment. */
static int comment(struct nlmsghdr *n, size_t max, int type, const char *s)
{
	unsigned char tlv[2 + COMMENT_MAX];
	size_t len = strlen(s) + 1;

	if (len > COMMENT_MAX)
		len = COMMENT_MAX;
	tlv[0] = 0;
	tlv[1] = (unsigned char)len;
	memcpy(tlv + 2, s, len);
	tlv[1 + len] = '\0';
	return nl_addattr_l(n, max, type, tlv, 2 + len);
}

static void read_comment(const struct rtattr *rta, char *buf, size_t size)
{
	const unsigned char *d = RTA_DATA(rta);
	size_t plen = RTA_PAYLOAD(rta);

	*buf = '\0';
	if (plen >= 3 && d[0] == 0 && d[1] <= plen - 2)
		snprintf(buf, size, "%.*s", (int)strnlen((const char *)d + 2,
			 d[1]), (const char *)d + 2);
}

/* --- the table --- */

struct table_state {
	int exists;
	int forward_was;	/* -1: unknown */
};

static int tables_cb(const struct nlmsghdr *m, void *arg)
{
	struct rtattr *tb[NFTA_TABLE_MAX + 1];
	struct table_state *t = arg;
	char c[COMMENT_MAX];

	if (m->nlmsg_type != MSG(NFT_MSG_NEWTABLE))
		return 0;
	nl_parse_attrs(m, sizeof(struct nfgenmsg), tb, NFTA_TABLE_MAX);
	if (!tb[NFTA_TABLE_NAME] ||
	    strcmp(RTA_DATA(tb[NFTA_TABLE_NAME]), NAT_TABLE) != 0)
		return 0;
	t->exists = 1;
	if (tb[NFTA_TABLE_USERDATA]) {
		read_comment(tb[NFTA_TABLE_USERDATA], c, sizeof(c));
		if (!strncmp(c, FORWARD_WAS, strlen(FORWARD_WAS)))
			t->forward_was = atoi(c + strlen(FORWARD_WAS));
	}
	return 0;
}

static int table_state(int nl, struct table_state *t)
{
	struct nfgenmsg g = { .nfgen_family = NFPROTO_IPV4 };
	struct nl_req r;

	t->exists = 0;
	t->forward_was = -1;
	nl_init(&r, MSG(NFT_MSG_GETTABLE), 0, &g, sizeof(g));
	if (nl_dump(nl, &r.n, tables_cb, t) < 0)
		return rep_fail("NFT_MSG_GETTABLE dump");
	return 0;
}

/* nft add table ip ctk; and its three NAT base chains. */
static int add_table(struct nl_batch *b, int forward_was)
{
	char c[64];
	struct rtattr *hook;
	struct nlmsghdr *n;
	size_t i;

	n = nl_batch_add(b, MSG(NFT_MSG_NEWTABLE), NLM_F_CREATE,
			 NFPROTO_IPV4);
	snprintf(c, sizeof(c), FORWARD_WAS "%d", forward_was);
	if (!n || nl_addattr_str(n, nl_batch_room(b, n), NFTA_TABLE_NAME,
				 NAT_TABLE) < 0 ||
	    comment(n, nl_batch_room(b, n), NFTA_TABLE_USERDATA, c) < 0)
		return -1;
	for (i = 0; i < sizeof(chains) / sizeof(chains[0]); i++) {
		size_t max;

		/* type nat hook H priority P: the chain is called from a
		 * netfilter hook; NAT chains see a connection's first packet
		 * only, conntrack repeats the translation for the rest. */
		n = nl_batch_add(b, MSG(NFT_MSG_NEWCHAIN), NLM_F_CREATE,
				 NFPROTO_IPV4);
		if (!n)
			return -1;
		max = nl_batch_room(b, n);
		if (nl_addattr_str(n, max, NFTA_CHAIN_TABLE, NAT_TABLE) < 0 ||
		    nl_addattr_str(n, max, NFTA_CHAIN_NAME,
				   chains[i].name) < 0)
			return -1;
		hook = nl_addattr_nest(n, max, NFTA_CHAIN_HOOK | NLA_F_NESTED);
		if (!hook || be32(n, max, NFTA_HOOK_HOOKNUM,
				  (uint32_t)chains[i].hook) < 0 ||
		    be32(n, max, NFTA_HOOK_PRIORITY,
			 (uint32_t)chains[i].priority) < 0)
			return -1;
		nl_addattr_nest_end(n, hook);
		if (nl_addattr_str(n, max, NFTA_CHAIN_TYPE, "nat") < 0)
			return -1;
	}
	return 0;
}

/* Start a rule appended to chain, with its comment. */
static struct nlmsghdr *rule_begin(struct nl_batch *b, const char *chain,
				   struct rtattr **exprs)
{
	struct nlmsghdr *n;

	n = nl_batch_add(b, MSG(NFT_MSG_NEWRULE), NLM_F_CREATE | NLM_F_APPEND,
			 NFPROTO_IPV4);
	if (!n ||
	    nl_addattr_str(n, nl_batch_room(b, n), NFTA_RULE_TABLE,
			   NAT_TABLE) < 0 ||
	    nl_addattr_str(n, nl_batch_room(b, n), NFTA_RULE_CHAIN, chain) < 0)
		return NULL;
	*exprs = nl_addattr_nest(n, nl_batch_room(b, n),
				 NFTA_RULE_EXPRESSIONS | NLA_F_NESTED);
	return *exprs ? n : NULL;
}

static int rule_end(struct nl_batch *b, struct nlmsghdr *n,
		    struct rtattr *exprs, const char *text)
{
	nl_addattr_nest_end(n, exprs);
	return comment(n, nl_batch_room(b, n), NFTA_RULE_USERDATA, text);
}

/*
 * Add the rules the caller put in b (after the table, if it is new),
 * commit, then turn forwarding on.  A failure leaves nothing: the batch
 * is all or nothing, and a table made here goes again.
 */
static int commit_rules(int nl, struct nl_batch *b, const struct table_state
			*t, int forward, const char *what)
{
	if (nl_batch_commit(nl, b, "the kernel applied the batch whole") < 0)
		return rep_fail("nftables batch: %s in table ip " NAT_TABLE,
				what);
	if (forward)
		return 0;
	/* Without forwarding, the host drops a packet that is not its own
	 * instead of routing it on. */
	if (nv_forward(1, "the host routes packets between its links") < 0) {
		if (!t->exists)
			nat_remove_all();
		return -1;
	}
	return 0;
}

/* The batch starts with the table and chains when they are missing. */
static int begin(int *nl, struct nl_batch *b, struct table_state *t,
		 int *forward)
{
	*nl = nl_open_proto(NETLINK_NETFILTER);
	if (*nl < 0)
		return -1;
	if (table_state(*nl, t) < 0)
		goto out_close;
	*forward = nv_forward(-1, NULL);
	if (*forward < 0)
		goto out_close;
	nl_batch_init(b, NFNL_SUBSYS_NFTABLES);
	if (!t->exists && add_table(b, *forward) < 0) {
		rep_fail("nftables batch: table ip " NAT_TABLE);
		goto out_close;
	}
	return 0;
out_close:
	close(*nl);
	return -1;
}

int nat_masquerade(const char *owner, uint32_t net, int prefix,
		   const char *keep_if)
{
	char text[COMMENT_MAX], ifname[IFNAMSIZ] = "", ip[INET_ADDRSTRLEN];
	uint32_t mask = prefix ? 0xffffffffu << (32 - prefix) : 0;
	uint32_t nnet = htonl(net);
	struct table_state t;
	struct rtattr *exprs;
	struct nl_batch b;
	struct nlmsghdr *n;
	int nl, forward, ret;
	size_t max;

	if (begin(&nl, &b, &t, &forward) < 0)
		return -1;
	inet_ntop(AF_INET, &nnet, ip, sizeof(ip));
	snprintf(text, sizeof(text), "%s: masquerade %s/%d", owner, ip,
		 prefix);
	snprintf(ifname, sizeof(ifname), "%s", keep_if);
	/* ip saddr NET/PREFIX oifname != KEEP_IF masquerade */
	n = rule_begin(&b, "postrouting", &exprs);
	if (!n)
		goto out_full;
	max = nl_batch_room(&b, n);
	if (e_payload(n, max, NFT_PAYLOAD_NETWORK_HEADER, 12, 4) < 0 ||
	    e_mask(n, max, mask) < 0 ||
	    e_cmp(n, max, NFT_CMP_EQ, &nnet, 4) < 0 ||
	    e_meta(n, max, NFT_META_OIFNAME) < 0 ||
	    e_cmp(n, max, NFT_CMP_NEQ, ifname, sizeof(ifname)) < 0 ||
	    e_masq(n, max) < 0 || rule_end(&b, n, exprs, text) < 0)
		goto out_full;
	ret = commit_rules(nl, &b, &t, forward, text);
	close(nl);
	return ret;
out_full:
	rep_fail("nftables batch: %s", text);
	close(nl);
	return -1;
}

int nat_publish(const char *owner, int proto, uint16_t hport, uint32_t addr,
		uint16_t port)
{
	uint32_t local = RTN_LOCAL, naddr = htonl(addr);
	uint16_t nhport = htons(hport), nport = htons(port);
	char text[COMMENT_MAX], ip[INET_ADDRSTRLEN];
	uint8_t l4 = (uint8_t)proto;
	struct table_state t;
	struct rtattr *exprs;
	struct nl_batch b;
	struct nlmsghdr *n;
	int nl, forward, ret;
	size_t i, max;

	if (begin(&nl, &b, &t, &forward) < 0)
		return -1;
	inet_ntop(AF_INET, &naddr, ip, sizeof(ip));
	snprintf(text, sizeof(text), "%s: %s %u -> %s:%u", owner,
		 proto == IPPROTO_UDP ? "udp" : "tcp", hport, ip, port);
	/*
	 * fib daddr type local PROTO dport HPORT dnat to ADDR:PORT, once
	 * where packets from other machines arrive (prerouting) and once
	 * for the host's own (output).
	 */
	for (i = 1; i < 3; i++) {
		n = rule_begin(&b, chains[i].name, &exprs);
		if (!n)
			goto out_full;
		max = nl_batch_room(&b, n);
		if (e_fib_daddr_type(n, max) < 0 ||
		    e_cmp(n, max, NFT_CMP_EQ, &local, 4) < 0 ||
		    e_meta(n, max, NFT_META_L4PROTO) < 0 ||
		    e_cmp(n, max, NFT_CMP_EQ, &l4, 1) < 0 ||
		    e_payload(n, max, NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2) < 0 ||
		    e_cmp(n, max, NFT_CMP_EQ, &nhport, 2) < 0 ||
		    e_immediate(n, max, NFT_REG_1, &naddr, 4) < 0 ||
		    e_immediate(n, max, NFT_REG_2, &nport, 2) < 0 ||
		    e_dnat(n, max) < 0 || rule_end(&b, n, exprs, text) < 0)
			goto out_full;
	}
	ret = commit_rules(nl, &b, &t, forward, text);
	close(nl);
	return ret;
out_full:
	rep_fail("nftables batch: %s", text);
	close(nl);
	return -1;
}

/* --- reading and deleting rules --- */

struct rule {
	char chain[32];
	uint64_t handle;
	char comment[COMMENT_MAX];
};

struct rules {
	int n;
	struct rule r[NAT_MAX_RULES];
};

static int rules_cb(const struct nlmsghdr *m, void *arg)
{
	struct rtattr *tb[NFTA_RULE_MAX + 1];
	struct rules *rs = arg;
	struct rule *r;
	uint64_t h;

	if (m->nlmsg_type != MSG(NFT_MSG_NEWRULE) || rs->n == NAT_MAX_RULES)
		return 0;
	nl_parse_attrs(m, sizeof(struct nfgenmsg), tb, NFTA_RULE_MAX);
	if (!tb[NFTA_RULE_CHAIN] || !tb[NFTA_RULE_HANDLE])
		return 0;
	r = &rs->r[rs->n++];
	snprintf(r->chain, sizeof(r->chain), "%s",
		 (char *)RTA_DATA(tb[NFTA_RULE_CHAIN]));
	memcpy(&h, RTA_DATA(tb[NFTA_RULE_HANDLE]), sizeof(h));
	r->handle = be64toh(h);
	r->comment[0] = '\0';
	if (tb[NFTA_RULE_USERDATA])
		read_comment(tb[NFTA_RULE_USERDATA], r->comment,
			     sizeof(r->comment));
	return 0;
}

/* The table's rules into rs (none when there is no table). */
static int dump_rules(int nl, struct rules *rs)
{
	struct nfgenmsg g = { .nfgen_family = NFPROTO_IPV4 };
	struct nl_req r;

	rs->n = 0;
	nl_init(&r, MSG(NFT_MSG_GETRULE), 0, &g, sizeof(g));
	nl_addattr_str(&r.n, sizeof(r), NFTA_RULE_TABLE, NAT_TABLE);
	if (nl_dump(nl, &r.n, rules_cb, rs) < 0 && errno != ENOENT)
		return rep_fail("NFT_MSG_GETRULE dump");
	return 0;
}

/* Does r belong to owner (its comment starts "owner:")? */
static int owned(const struct rule *r, const char *owner)
{
	size_t len = strlen(owner);

	return !strncmp(r->comment, owner, len) && r->comment[len] == ':';
}

/*
 * Forwarding back as it was, then nft delete table ip ctk: in that
 * order, so that a process killed in between leaves the table (and its
 * note of the old value) for the next removal, not a forwarding host
 * with no record of why.
 */
static int drop_table(int nl, const struct table_state *t)
{
	struct nl_batch b;
	struct nlmsghdr *n;

	if (t->forward_was == 0 &&
	    nv_forward(0, "forwarding is off again, as it was") < 0)
		return -1;
	nl_batch_init(&b, NFNL_SUBSYS_NFTABLES);
	n = nl_batch_add(&b, MSG(NFT_MSG_DELTABLE), 0, NFPROTO_IPV4);
	if (!n || nl_addattr_str(n, nl_batch_room(&b, n), NFTA_TABLE_NAME,
				 NAT_TABLE) < 0 ||
	    nl_batch_commit(nl, &b, "table ip " NAT_TABLE ", its chains and "
			    "rules are gone") < 0)
		return rep_fail("NFT_MSG_DELTABLE \"" NAT_TABLE "\"");
	return 0;
}

static int remove_rules(const char *owner)
{
	struct table_state t;
	struct rules *rs;
	struct nl_batch b;
	struct nlmsghdr *n;
	int nl, i, mine = 0, ret = -1;
	char effect[COMMENT_MAX + 32];

	rs = malloc(sizeof(*rs));
	if (!rs)
		return rep_fail("malloc");
	nl = nl_open_proto(NETLINK_NETFILTER);
	if (nl < 0)
		goto out_free;
	if (table_state(nl, &t) < 0)
		goto out_close;
	ret = 0;
	if (!t.exists)
		goto out_close;
	ret = -1;
	if (dump_rules(nl, rs) < 0)
		goto out_close;
	for (i = 0; i < rs->n; i++)
		mine += !owner || owned(&rs->r[i], owner);
	if (mine == rs->n) {
		/* Nothing of anyone else's is left: the table goes. */
		ret = drop_table(nl, &t) < 0 ? -1 : mine;
		goto out_close;
	}
	nl_batch_init(&b, NFNL_SUBSYS_NFTABLES);
	for (i = 0; i < rs->n; i++) {
		if (!owned(&rs->r[i], owner))
			continue;
		n = nl_batch_add(&b, MSG(NFT_MSG_DELRULE), 0, NFPROTO_IPV4);
		if (!n || nl_addattr_str(n, nl_batch_room(&b, n),
					 NFTA_RULE_TABLE, NAT_TABLE) < 0 ||
		    nl_addattr_str(n, nl_batch_room(&b, n), NFTA_RULE_CHAIN,
				   rs->r[i].chain) < 0 ||
		    nl_addattr_l(n, nl_batch_room(&b, n), NFTA_RULE_HANDLE,
				 &(uint64_t){ htobe64(rs->r[i].handle) },
				 8) < 0) {
			rep_fail("nftables batch: delete %s's rules", owner);
			goto out_close;
		}
	}
	snprintf(effect, sizeof(effect), "%s's rules are gone", owner);
	if (nl_batch_commit(nl, &b, effect) < 0) {
		rep_fail("NFT_MSG_DELRULE (%s's rules)", owner);
		goto out_close;
	}
	ret = mine;
out_close:
	close(nl);
out_free:
	free(rs);
	return ret;
}

int nat_remove(const char *owner)
{
	return remove_rules(owner);
}

int nat_remove_all(void)
{
	return remove_rules(NULL);
}

int nat_find(const char *owner, const char *what, char *found, size_t size)
{
	struct rules *rs;
	int nl, i, ret = -1;

	rs = malloc(sizeof(*rs));
	if (!rs)
		return rep_fail("malloc");
	nl = nl_open_proto(NETLINK_NETFILTER);
	if (nl < 0)
		goto out_free;
	if (dump_rules(nl, rs) < 0)
		goto out_close;
	ret = 0;
	for (i = 0; i < rs->n && !ret; i++)
		if ((!owner || owned(&rs->r[i], owner)) &&
		    strstr(rs->r[i].comment, what)) {
			snprintf(found, size, "%s", rs->r[i].comment);
			ret = 1;
		}
out_close:
	close(nl);
out_free:
	free(rs);
	return ret;
}

int nat_list(FILE *f)
{
	struct table_state t;
	struct rules *rs;
	int nl, i, ret = -1;

	rs = malloc(sizeof(*rs));
	if (!rs)
		return rep_fail("malloc");
	nl = nl_open_proto(NETLINK_NETFILTER);
	if (nl < 0)
		goto out_free;
	if (table_state(nl, &t) < 0 || dump_rules(nl, rs) < 0)
		goto out_close;
	ret = 0;
	if (!t.exists)
		goto out_close;
	fprintf(f, "nftables table ip " NAT_TABLE " (" FORWARD_WAS "%d)\n",
		t.forward_was);
	for (i = 0; i < rs->n; i++)
		fprintf(f, "  %-11s %s\n", rs->r[i].chain, rs->r[i].comment);
out_close:
	close(nl);
out_free:
	free(rs);
	return ret;
}

int nat_port_busy(int proto, uint16_t hport, char *why, size_t size)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_port = htons(hport) };
	int one = 1, busy, fd;

	fd = socket(AF_INET, (proto == IPPROTO_UDP ? SOCK_DGRAM : SOCK_STREAM) |
		    SOCK_CLOEXEC, 0);
	if (fd < 0)
		return 0;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	busy = bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 &&
	       errno == EADDRINUSE;
	close(fd);
	if (busy)
		snprintf(why, size, "a socket listens on it (ss -%slnp "
			 "'sport = :%u')", proto == IPPROTO_UDP ? "u" : "t",
			 hport);
	return busy;
}
