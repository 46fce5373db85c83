/*
 * netns-veth - container networking from raw rtnetlink: named network
 * namespaces that iproute2 sees, a veth pair into each, addresses and a
 * default route, or several namespaces on one bridge.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "nat.h"
#include "netns.h"
#include "report.h"
#include "tc.h"
#include "transfer.h"

enum { OPT_SUBNET = 256, OPT_ADDRESS, OPT_ALL, OPT_UDP, OPT_BYTES, OPT_PORT,
       OPT_CONNECT, OPT_TIMEOUT };

#define DEFAULT_SUBNET	"198.18.0.0/24"
#define DEFAULT_PORT	5201
#define DEFAULT_BYTES	(256 * 1024)
#define DEFAULT_TIMEOUT	10

static void usage(void)
{
	printf("Usage:\n"
	       " %1$s [options] add NAME [--subnet CIDR] [--address ADDR]\n"
	       " %1$s [options] bridge BRIDGE NAME... [--subnet CIDR]\n"
	       " %1$s [options] exec NAME [--] [program [argument...]]\n"
	       " %1$s [options] nat NAME\n"
	       " %1$s [options] publish NAME HOSTPORT:PORT [--udp]\n"
	       " %1$s [options] limit NAME RATE|off\n"
	       " %1$s [options] transfer FROM TO [--bytes SIZE] [--port PORT]\n"
	       " %1$s [options] route add CIDR via ADDR | route del CIDR\n"
	       " %1$s [options] list\n"
	       " %1$s [options] del NAME... | --all\n\n"
	       "Wire network namespaces the way a container runtime does, "
	       "with raw rtnetlink.\n"
	       "Every object is named " NV_PREFIX "NAME: the namespace "
	       NV_RUN_DIR "/" NV_PREFIX "NAME (ip netns\nsees it), the "
	       "host end of its veth pair (the other end is eth0 inside)\n"
	       "and a bridge.\n\n"
	       "Commands:\n"
	       " add NAME            a namespace with a veth pair to the host, "
	       "addresses\n"
	       "                     and a default route via the host end\n"
	       " bridge BRIDGE NAME...  namespaces on one bridge, which holds "
	       "the host's\n"
	       "                     address; the namespaces reach each other\n"
	       " exec NAME           run a program (default: $SHELL or "
	       "/bin/sh) inside\n"
	       " nat NAME            masquerade NAME's subnet (a namespace or "
	       "bridge) leaving\n"
	       "                     by any other link; turns on "
	       "net.ipv4.ip_forward\n"
	       " publish NAME HOSTPORT:PORT  forward HOSTPORT on this host's "
	       "addresses\n"
	       "                     to PORT in namespace NAME (DNAT)\n"
	       " limit NAME RATE     a token bucket (tbf) on both ends of "
	       "NAME's veth:\n"
	       "                     RATE as tc writes it (1mbit, 500kbit, "
	       "2mbps), or off\n"
	       " transfer FROM TO    send SIZE bytes over TCP from namespace "
	       "FROM to TO\n"
	       "                     (- is this one) and print the rate the "
	       "receiver saw\n"
	       " route add CIDR via ADDR  a route in this namespace; turns "
	       "on forwarding\n"
	       " list                the namespaces, links, addresses and "
	       "NAT rules\n"
	       " del NAME...         delete the namespaces and links (or "
	       "bridge) NAME, and\n"
	       "                     their NAT rules\n\n"
	       "NAT rules live in the nftables table 'ip " NAT_TABLE "' "
	       "(nft list table ip " NAT_TABLE "),\n"
	       "which the tool makes on first use and removes with its last "
	       "rule.\n\n"
	       "Options:\n"
	       "     --subnet CIDR   IPv4 subnet inside 198.18.0.0/15 (default "
	       DEFAULT_SUBNET ");\n"
	       "                     198.18.X.0 also picks IPv6 "
	       "2001:2:0:X::/64\n"
	       "     --address ADDR  the namespace's IPv4 address (add; "
	       "default the second\n"
	       "                     of the subnet, the host end has the "
	       "first)\n"
	       "     --all           del: everything named " NV_PREFIX
	       "*, also a crashed run's\n"
	       "     --udp           publish: UDP instead of TCP\n"
	       "     --bytes SIZE    transfer: how much (K, M suffixes; "
	       "default 256K)\n"
	       "     --port PORT     transfer: where the receiver listens "
	       "(default 5201)\n"
	       "     --connect ADDR:PORT  transfer: connect there instead "
	       "of TO's address\n"
	       "     --timeout SEC   transfer: give up after SEC seconds "
	       "(default 10)\n"
	       " -q, --quiet         show no evidence, only errors\n"
	       " -v, --verbose       narrate each step and netlink message\n"
	       " -h, --help          display this help\n"
	       " -V, --version       display version\n",
	       rep_prog());
}

struct opts {
	const char *subnet;
	const char *address;
	int all;
	int udp;
	const char *bytes, *port, *connect, *timeout;
};

static const struct option longopts[] = {
	{ "subnet", required_argument, NULL, OPT_SUBNET },
	{ "address", required_argument, NULL, OPT_ADDRESS },
	{ "all", no_argument, NULL, OPT_ALL },
	{ "udp", no_argument, NULL, OPT_UDP },
	{ "bytes", required_argument, NULL, OPT_BYTES },
	{ "port", required_argument, NULL, OPT_PORT },
	{ "connect", required_argument, NULL, OPT_CONNECT },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "quiet", no_argument, NULL, 'q' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

/* One getopt_long pass; optstring "+..." stops at the first non-option. */
static int parse_opts(int argc, char **argv, const char *optstring,
		      struct opts *o)
{
	int c, ret;

	while ((c = getopt_long(argc, argv, optstring, longopts, NULL)) != -1) {
		switch (c) {
		case OPT_SUBNET:
			o->subnet = optarg;
			break;
		case OPT_ADDRESS:
			o->address = optarg;
			break;
		case OPT_ALL:
			o->all = 1;
			break;
		case OPT_UDP:
			o->udp = 1;
			break;
		case OPT_BYTES:
			o->bytes = optarg;
			break;
		case OPT_PORT:
			o->port = optarg;
			break;
		case OPT_CONNECT:
			o->connect = optarg;
			break;
		case OPT_TIMEOUT:
			o->timeout = optarg;
			break;
		default:
			ret = cli_common_option(c, usage);
			if (ret != CLI_CONTINUE)
				return ret;
		}
	}
	return CLI_CONTINUE;
}

/* NAME is valid and nothing of that name exists yet; 0 or exit code. */
static int check_new(const char *name)
{
	char why[128], full[64];

	if (nv_check_name(name, why, sizeof(why)) < 0) {
		rep_error("%s", why);
		return 1;
	}
	snprintf(full, sizeof(full), NV_PREFIX "%s", name);
	if (nv_exists(full)) {
		rep_error("%s already exists (a namespace or link)", full);
		return 1;
	}
	return 0;
}

/* The subnet to use, free on the host; 0 or exit code. */
static int pick_subnet(const struct opts *o, struct nv_subnet *sn)
{
	const char *s = o->subnet ? o->subnet : DEFAULT_SUBNET;
	char why[128];
	int ret;

	if (nv_parse_subnet(s, sn, why, sizeof(why)) < 0) {
		rep_error("%s", why);
		return 1;
	}
	ret = nv_subnet_in_use(sn, why, sizeof(why));
	if (ret < 0)
		return 1;
	if (ret) {
		rep_error("subnet %s overlaps %s: choose another with "
			  "--subnet", s, why);
		return 1;
	}
	return 0;
}

static void show(const char *what, const struct nv_subnet *sn, uint32_t n)
{
	char a4[INET_ADDRSTRLEN], a6[INET6_ADDRSTRLEN];
	uint32_t v4 = htonl(nv_addr4(sn, n));
	struct in6_addr v6 = nv_addr6(sn, n);

	inet_ntop(AF_INET, &v4, a4, sizeof(a4));
	inet_ntop(AF_INET6, &v6, a6, sizeof(a6));
	rep_evidence("%s: %s/%d %s/64", what, a4, sn->prefix, a6);
}

static int cmd_add(int argc, char **argv, const struct opts *o)
{
	struct nv_subnet sn;
	uint32_t ns_n = 2, addr;
	char why[128], what[64];
	int ret;

	if (argc != 1)
		return cli_usage_error("add needs exactly one NAME");
	ret = check_new(argv[0]);
	if (ret)
		return ret;
	ret = pick_subnet(o, &sn);
	if (ret)
		return ret;
	if (o->address) {
		if (nv_parse_member(o->address, &sn, &addr, why,
				    sizeof(why)) < 0) {
			rep_error("%s", why);
			return 1;
		}
		ns_n = addr - sn.net;
	}
	if (nv_add(argv[0], &sn, ns_n, NULL) < 0)
		return 1;
	snprintf(what, sizeof(what), "host " NV_PREFIX "%s", argv[0]);
	show(what, &sn, 1);
	snprintf(what, sizeof(what), "netns " NV_PREFIX "%s eth0", argv[0]);
	show(what, &sn, ns_n);
	return 0;
}

static int cmd_bridge(int argc, char **argv, const struct opts *o)
{
	char br[64], what[64];
	struct nv_subnet sn;
	int i, j, ret;

	if (argc < 2)
		return cli_usage_error("bridge needs BRIDGE and at least one "
				       "NAME");
	if (o->address)
		return cli_usage_error("--address is for add; bridge numbers "
				       "its namespaces from the second "
				       "address");
	for (i = 0; i < argc; i++) {
		ret = check_new(argv[i]);
		if (ret)
			return ret;
		for (j = 0; j < i; j++)
			if (strcmp(argv[i], argv[j]) == 0) {
				rep_error("%s is given twice", argv[i]);
				return 1;
			}
	}
	ret = pick_subnet(o, &sn);
	if (ret)
		return ret;
	if ((uint32_t)argc + 1 > (1u << (32 - sn.prefix)) - 2) {
		rep_error("subnet /%d has room for %u namespaces", sn.prefix,
			  (1u << (32 - sn.prefix)) - 3);
		return 1;
	}
	snprintf(br, sizeof(br), NV_PREFIX "%s", argv[0]);
	if (nv_bridge_add(br, &sn) < 0)
		return 1;
	show(br, &sn, 1);
	for (i = 1; i < argc; i++) {
		if (nv_add(argv[i], &sn, (uint32_t)i + 1, br) < 0)
			goto out_undo;
		snprintf(what, sizeof(what), "netns " NV_PREFIX "%s eth0",
			 argv[i]);
		show(what, &sn, (uint32_t)i + 1);
	}
	return 0;
out_undo:
	/* Nothing half-made: the namespaces wired so far, then the bridge. */
	while (--i >= 1) {
		snprintf(what, sizeof(what), NV_PREFIX "%s", argv[i]);
		nv_link_del(what);
		nv_ns_delete(what);
	}
	nv_link_del(br);
	return 1;
}

static int cmd_exec(int argc, char **argv)
{
	char full[64], path[PATH_MAX], why[128];
	char **cmd;
	int back;

	if (argc < 1)
		return cli_usage_error("exec needs a NAME");
	if (nv_check_name(argv[0], why, sizeof(why)) < 0) {
		rep_error("%s", why);
		return 1;
	}
	snprintf(full, sizeof(full), NV_PREFIX "%s", argv[0]);
	snprintf(path, sizeof(path), NV_RUN_DIR "/%s", full);
	if (access(path, F_OK) < 0) {
		rep_error("no such namespace: %s", path);
		return 1;
	}
	if (nv_ns_enter(full, &back) < 0)
		return 1;
	close(back);
	optind = 1;
	if (argc > 1 && strcmp(argv[1], "--") == 0)
		optind = 2;
	cmd = cli_command_or_shell(argc, argv, optind);
	fflush(NULL);
	execvp(cmd[0], cmd);
	rep_fail("execvp(\"%s\")", cmd[0]);
	return cli_exec_failure_code(errno);
}

/* NAME names a namespace made by this tool: 0, or 1 after an error. */
static int need_ns(const char *name, char *full, size_t size)
{
	char path[PATH_MAX], why[128];

	if (nv_check_name(name, why, sizeof(why)) < 0) {
		rep_error("%s", why);
		return 1;
	}
	snprintf(full, size, NV_PREFIX "%s", name);
	snprintf(path, sizeof(path), NV_RUN_DIR "/%s", full);
	if (access(path, F_OK) < 0) {
		rep_error("no such namespace: %s (make it with add or bridge)",
			  path);
		return 1;
	}
	return 0;
}

/* A port number 1..65535: 0, or 1 after an error naming what. */
static int parse_port(const char *s, const char *what, uint16_t *port)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (end == s || *end || errno || v < 1 || v > 65535) {
		rep_error("invalid %s '%s': a port is 1..65535", what, s);
		return 1;
	}
	*port = (uint16_t)v;
	return 0;
}

static int cmd_nat(int argc, char **argv)
{
	char full[64], found[160], ip[INET_ADDRSTRLEN], why[128];
	uint32_t addr, net;
	int prefix, ret;

	if (argc != 1)
		return cli_usage_error("nat needs exactly one NAME");
	if (nv_check_name(argv[0], why, sizeof(why)) < 0) {
		rep_error("%s", why);
		return 1;
	}
	snprintf(full, sizeof(full), NV_PREFIX "%s", argv[0]);
	/* The subnet is the one on the host's end of NAME (or the bridge). */
	ret = nv_ifaddr4(full, &addr, &prefix);
	if (ret < 0)
		return 1;
	if (!ret) {
		if (if_nametoindex(full))
			rep_error("%s has no IPv4 address: it is on a bridge, "
				  "nat the bridge", full);
		else
			rep_error("no such link: %s (make it with add or "
				  "bridge)", full);
		return 1;
	}
	ret = nat_find(full, ": masquerade", found, sizeof(found));
	if (ret < 0)
		return 1;
	if (ret) {
		rep_error("already in table ip " NAT_TABLE ": %s", found);
		return 1;
	}
	net = addr & (prefix ? 0xffffffffu << (32 - prefix) : 0);
	if (nat_masquerade(full, net, prefix, full) < 0)
		return 1;
	net = htonl(net);
	rep_evidence("nat: %s/%d leaving by any link but %s gets that link's "
		     "address (table ip " NAT_TABLE ", chain postrouting)",
		     inet_ntop(AF_INET, &net, ip, sizeof(ip)), prefix, full);
	return 0;
}

static int cmd_publish(int argc, char **argv, const struct opts *o)
{
	char full[64], found[160], what[32], ip[INET_ADDRSTRLEN], *colon;
	const char *proto = o->udp ? "udp" : "tcp";
	uint16_t hport, port;
	uint32_t addr, a;
	int prefix, back, ret;

	if (argc != 2)
		return cli_usage_error("publish needs NAME and HOSTPORT:PORT");
	colon = strchr(argv[1], ':');
	if (!colon)
		return cli_usage_error("invalid port mapping '%s': "
				       "HOSTPORT:PORT", argv[1]);
	*colon = '\0';
	if (parse_port(argv[1], "host port", &hport) ||
	    parse_port(colon + 1, "container port", &port))
		return 1;
	ret = need_ns(argv[0], full, sizeof(full));
	if (ret)
		return ret;
	snprintf(what, sizeof(what), ": %s %u ->", proto, hport);
	ret = nat_find(NULL, what, found, sizeof(found));
	if (ret < 0)
		return 1;
	if (ret) {
		rep_error("%s port %u is already published: %s", proto, hport,
			  found);
		return 1;
	}
	if (nat_port_busy(o->udp ? IPPROTO_UDP : IPPROTO_TCP, hport, found,
			  sizeof(found))) {
		rep_error("%s port %u is in use on this host: %s", proto, hport,
			  found);
		return 1;
	}
	if (nv_ns_enter(full, &back) < 0)
		return 1;
	ret = nv_ifaddr4(NV_PEER_NAME, &addr, &prefix);
	nv_ns_return(back);
	if (ret <= 0) {
		if (!ret)
			rep_error("%s has no IPv4 address on " NV_PEER_NAME,
				  full);
		return 1;
	}
	if (nat_publish(full, o->udp ? IPPROTO_UDP : IPPROTO_TCP, hport,
			addr, port) < 0)
		return 1;
	a = htonl(addr);
	rep_evidence("publish: %s to any address of this host, port %u -> "
		     "%s:%u in %s", proto, hport,
		     inet_ntop(AF_INET, &a, ip, sizeof(ip)), port, full);
	return 0;
}

static int cmd_limit(int argc, char **argv)
{
	char full[64], why[128], rs[32];
	uint64_t rate = 0;
	int off, back, ret;

	if (argc != 2)
		return cli_usage_error("limit needs NAME and a RATE (or off)");
	ret = need_ns(argv[0], full, sizeof(full));
	if (ret)
		return ret;
	off = !strcmp(argv[1], "off");
	if (!off) {
		rate = tc_parse_rate(argv[1], why, sizeof(why));
		if (!rate) {
			rep_error("%s", why);
			return 1;
		}
	}
	if (!if_nametoindex(full)) {
		rep_error("no link %s: %s is on a bridge or was not made by add",
			  full, full);
		return 1;
	}
	/* The host's end sends what goes into the namespace ... */
	if (off ? tc_root_del(full) : tc_tbf_set(full, rate))
		return 1;
	/* ... eth0 inside sends what comes out of it. */
	if (nv_ns_enter(full, &back) < 0)
		goto out_undo;
	ret = off ? tc_root_del(NV_PEER_NAME) :
		    tc_tbf_set(NV_PEER_NAME, rate);
	nv_ns_return(back);
	if (ret < 0)
		goto out_undo;
	if (off)
		rep_evidence("limit: %s and " NV_PEER_NAME " in %s are "
			     "unlimited again", full, full);
	else
		rep_evidence("limit: %s (into the namespace) and " NV_PEER_NAME
			     " in %s (out of it) send at most %s", full, full,
			     tc_rate_str(rate, rs, sizeof(rs)));
	return 0;
out_undo:
	if (!off)
		tc_root_del(full);
	return 1;
}

/* "-" or a NAME made by this tool, for transfer. */
static int transfer_end(const char *s, const char **full, char *buf,
			size_t size)
{
	*full = NULL;
	if (!strcmp(s, "-"))
		return 0;
	*full = buf;
	return need_ns(s, buf, size);
}

/* SIZE: a number of bytes with an optional K or M (1024-based). */
static int parse_bytes(const char *s, uint64_t *v)
{
	unsigned long long n;
	char *end;

	errno = 0;
	n = strtoull(s, &end, 10);
	if (end != s && *s != '-' && !errno) {
		if (*end == 'K' || *end == 'k')
			n *= 1024, end++;
		else if (*end == 'M' || *end == 'm')
			n *= 1024 * 1024, end++;
		if (!*end && n >= 1 && n <= 1024ULL * 1024 * 1024) {
			*v = n;
			return 0;
		}
	}
	rep_error("invalid size '%s': 1..1G bytes, e.g. 64K or 4M", s);
	return 1;
}

static int cmd_transfer(int argc, char **argv, const struct opts *o)
{
	struct xfer x = { .bytes = DEFAULT_BYTES, .port = DEFAULT_PORT,
			  .timeout = DEFAULT_TIMEOUT };
	char from[64], to[64], *colon, *end;
	struct xfer_result res;
	long t;

	if (argc != 2)
		return cli_usage_error("transfer needs FROM and TO (a NAME, or "
				       "- for this namespace)");
	if (transfer_end(argv[0], &x.from, from, sizeof(from)) ||
	    transfer_end(argv[1], &x.to, to, sizeof(to)))
		return 1;
	if (!x.from && !x.to && !o->connect)
		return cli_usage_error("transfer between - and -: name a "
				       "namespace, or give --connect");
	if (o->bytes && parse_bytes(o->bytes, &x.bytes))
		return 1;
	if (o->port && parse_port(o->port, "port", &x.port))
		return 1;
	if (o->timeout) {
		errno = 0;
		t = strtol(o->timeout, &end, 10);
		if (end == o->timeout || *end || errno || t < 1 || t > 3600) {
			rep_error("invalid timeout '%s': 1..3600 seconds",
				  o->timeout);
			return 1;
		}
		x.timeout = (int)t;
	}
	if (o->connect) {
		char buf[64];

		snprintf(buf, sizeof(buf), "%s", o->connect);
		colon = strrchr(buf, ':');
		x.connect_to.sin_family = AF_INET;
		if (!colon || (*colon = '\0',
			       inet_pton(AF_INET, buf,
					 &x.connect_to.sin_addr) != 1)) {
			rep_error("invalid --connect '%s': IPV4ADDR:PORT",
				  o->connect);
			return 1;
		}
		if (parse_port(colon + 1, "--connect port",
			       &x.connect_to.sin_port))
			return 1;
		x.connect_to.sin_port = htons(x.connect_to.sin_port);
		x.has_connect = 1;
	}
	if (xfer_run(&x, &res) < 0)
		return 1;
	xfer_print(stdout, &res);
	return 0;
}

/* An IPv4 address inside 198.18.0.0/15 (host byte order): 0, or 1. */
static int parse_range_addr(const char *s, uint32_t *a)
{
	struct in_addr ia;

	if (inet_pton(AF_INET, s, &ia) != 1) {
		rep_error("invalid address '%s'", s);
		return 1;
	}
	*a = ntohl(ia.s_addr);
	if ((*a & (0xffffffffu << (32 - NV_RANGE4_LEN))) != NV_RANGE4) {
		rep_error("address %s is outside 198.18.0.0/15", s);
		return 1;
	}
	return 0;
}

static int cmd_route(int argc, char **argv)
{
	struct nv_subnet dst;
	char why[128];
	uint32_t gw = 0;
	int add, was;

	if (argc < 2 || (strcmp(argv[0], "add") && strcmp(argv[0], "del")))
		return cli_usage_error("route add CIDR via ADDR | route del "
				       "CIDR");
	add = !strcmp(argv[0], "add");
	if (add && (argc != 4 || strcmp(argv[2], "via")))
		return cli_usage_error("route add needs CIDR via ADDR");
	if (!add && argc != 2)
		return cli_usage_error("route del needs only the CIDR");
	if (nv_parse_subnet(argv[1], &dst, why, sizeof(why)) < 0) {
		rep_error("%s", why);
		return 1;
	}
	if (add && parse_range_addr(argv[3], &gw))
		return 1;
	if (nv_route(add, &dst, gw) < 0)
		return 1;
	if (!add) {
		rep_evidence("route: %s is gone", argv[1]);
		return 0;
	}
	/* A route toward containers only helps if this host forwards. */
	was = nv_forward(1, "this namespace routes packets between its "
			 "links");
	if (was < 0) {
		nv_route(0, &dst, gw);
		return 1;
	}
	rep_evidence("route: %s via %s; net.ipv4.ip_forward = 1%s", argv[1],
		     argv[3], was ? "" : " (was 0)");
	return 0;
}

static int cmd_del(int argc, char **argv, const struct opts *o)
{
	char full[64], path[PATH_MAX], why[128];
	int i, ret = 0, found, rules;

	if (o->all) {
		if (argc)
			return cli_usage_error("del takes NAMEs or --all, not "
					       "both");
		rules = nat_remove_all();
		ret = nv_del_all();
		if (ret < 0 || rules < 0)
			return 1;
		rep_evidence("deleted %d object(s) named " NV_PREFIX "* and "
			     "%d NAT rule(s)", ret, rules);
		return 0;
	}
	if (!argc)
		return cli_usage_error("del needs a NAME or --all");
	for (i = 0; i < argc; i++) {
		if (nv_check_name(argv[i], why, sizeof(why)) < 0) {
			rep_error("%s", why);
			ret = 1;
			continue;
		}
		snprintf(full, sizeof(full), NV_PREFIX "%s", argv[i]);
		snprintf(path, sizeof(path), NV_RUN_DIR "/%s", full);
		rules = nat_remove(full);
		if (rules < 0)
			ret = 1;
		found = rules > 0;
		if (if_nametoindex(full)) {
			found = 1;
			if (nv_link_del(full) < 0)
				ret = 1;
		}
		if (access(path, F_OK) == 0) {
			found = 1;
			if (nv_ns_delete(full) < 0)
				ret = 1;
		}
		if (!found) {
			rep_error("no such namespace or link: %s", full);
			ret = 1;
		}
	}
	return ret;
}

int main(int argc, char **argv)
{
	struct opts o = { 0 };
	const char *sub;
	int ret, subc;
	char **subv;

	rep_init(argv[0]);
	ret = parse_opts(argc, argv, "+qvhV", &o);
	if (ret != CLI_CONTINUE)
		return ret;
	if (optind >= argc)
		return cli_usage_error("missing command: add, bridge, exec, "
				       "nat, publish, limit, transfer, route, "
				       "list or del");
	sub = argv[optind];
	subc = argc - optind;
	subv = argv + optind;
	if (strcmp(sub, "exec") != 0) {
		/* Options may follow the command's arguments (permuted). */
		optind = 0;
		ret = parse_opts(subc, subv, "qvhV", &o);
		if (ret != CLI_CONTINUE)
			return ret;
	} else {
		optind = 1;
	}
	subc -= optind;
	subv += optind;
	if (strcmp(sub, "add") && strcmp(sub, "bridge") &&
	    strcmp(sub, "exec") && strcmp(sub, "list") && strcmp(sub, "del") &&
	    strcmp(sub, "nat") && strcmp(sub, "publish") &&
	    strcmp(sub, "limit") && strcmp(sub, "transfer") &&
	    strcmp(sub, "route"))
		return cli_usage_error("unknown command: %s", sub);
	if (o.udp && strcmp(sub, "publish"))
		return cli_usage_error("--udp is for publish");
	if ((o.bytes || o.port || o.connect || o.timeout) &&
	    strcmp(sub, "transfer"))
		return cli_usage_error("--bytes, --port, --connect and "
				       "--timeout are for transfer");
	if (o.all && strcmp(sub, "del"))
		return cli_usage_error("--all is for del");
	if (o.address && strcmp(sub, "add"))
		return cli_usage_error("--address is for add");
	if (geteuid() != 0) {
		rep_error("%s needs root: it makes or enters namespaces and "
			  "links (CAP_SYS_ADMIN, CAP_NET_ADMIN)", sub);
		return 1;
	}
	if (!strcmp(sub, "add"))
		return cmd_add(subc, subv, &o);
	if (!strcmp(sub, "bridge"))
		return cmd_bridge(subc, subv, &o);
	if (!strcmp(sub, "exec"))
		return cmd_exec(subc, subv);
	if (!strcmp(sub, "del"))
		return cmd_del(subc, subv, &o);
	if (!strcmp(sub, "nat"))
		return cmd_nat(subc, subv);
	if (!strcmp(sub, "publish"))
		return cmd_publish(subc, subv, &o);
	if (!strcmp(sub, "limit"))
		return cmd_limit(subc, subv);
	if (!strcmp(sub, "transfer"))
		return cmd_transfer(subc, subv, &o);
	if (!strcmp(sub, "route"))
		return cmd_route(subc, subv);
	if (subc)
		return cli_usage_error("list takes no arguments");
	return nv_list(stdout) < 0 || nat_list(stdout) < 0 ? 1 : 0;
}
