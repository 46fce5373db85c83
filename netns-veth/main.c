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
#include "netns.h"
#include "report.h"

enum { OPT_SUBNET = 256, OPT_ADDRESS, OPT_ALL };

#define DEFAULT_SUBNET	"198.18.0.0/24"

static void usage(void)
{
	printf("Usage:\n"
	       " %1$s [options] add NAME [--subnet CIDR] [--address ADDR]\n"
	       " %1$s [options] bridge BRIDGE NAME... [--subnet CIDR]\n"
	       " %1$s [options] exec NAME [--] [program [argument...]]\n"
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
	       " list                the namespaces, links and addresses made "
	       "by this tool\n"
	       " del NAME...         delete the namespaces and links (or "
	       "bridge) NAME\n\n"
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
};

static const struct option longopts[] = {
	{ "subnet", required_argument, NULL, OPT_SUBNET },
	{ "address", required_argument, NULL, OPT_ADDRESS },
	{ "all", no_argument, NULL, OPT_ALL },
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

static int cmd_del(int argc, char **argv, const struct opts *o)
{
	char full[64], path[PATH_MAX], why[128];
	int i, ret = 0, found;

	if (o->all) {
		if (argc)
			return cli_usage_error("del takes NAMEs or --all, not "
					       "both");
		ret = nv_del_all();
		if (ret < 0)
			return 1;
		rep_evidence("deleted %d object(s) named " NV_PREFIX "*", ret);
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
		found = 0;
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
	    strcmp(sub, "exec") && strcmp(sub, "list") && strcmp(sub, "del"))
		return cli_usage_error("unknown command: %s", sub);
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
	if (subc)
		return cli_usage_error("list takes no arguments");
	return nv_list(stdout) < 0 ? 1 : 0;
}
