/*
 * netns.c - container networking step by step: a named network namespace
 * (iproute2's ip/ipnetns.c recipe), a veth pair with one end moved into
 * it (ip/link_veth.c), addresses, links up and a default route, all as
 * raw rtnetlink messages.  Man pages: network_namespaces(7), veth(4),
 * rtnetlink(7), setns(2), mount(2).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/veth.h>

#include "fileio.h"
#include "netlink.h"
#include "netns.h"
#include "report.h"

int nv_check_name(const char *name, char *why, size_t size)
{
	size_t len = strlen(name);

	if (!len) {
		snprintf(why, size, "empty name");
		return -1;
	}
	if (strcspn(name, "/ \t\n:") != len) {
		snprintf(why, size, "invalid name '%s': no '/', ':' or spaces",
			 name);
		return -1;
	}
	if (len > (size_t)NV_NAME_MAX) {
		snprintf(why, size, "name too long: '%s%s' is %zu bytes, an "
			 "interface name holds 15", NV_PREFIX, name,
			 len + strlen(NV_PREFIX));
		return -1;
	}
	return 0;
}

int nv_parse_subnet(const char *s, struct nv_subnet *sn, char *why,
		    size_t size)
{
	char buf[32], *slash, *end;
	struct in_addr a;
	long n;

	snprintf(buf, sizeof(buf), "%s", s);
	slash = strchr(buf, '/');
	if (!slash || strlen(s) >= sizeof(buf))
		goto bad;
	*slash = '\0';
	errno = 0;
	n = strtol(slash + 1, &end, 10);
	if (inet_pton(AF_INET, buf, &a) != 1 || !slash[1] || *end || errno)
		goto bad;
	if (n < NV_RANGE4_LEN || n > 30) {
		snprintf(why, size, "subnet %s: prefix length must be %d..30",
			 s, NV_RANGE4_LEN);
		return -1;
	}
	sn->net = ntohl(a.s_addr);
	sn->prefix = (int)n;
	if (sn->net & ~(0xffffffffu << (32 - n))) {
		snprintf(why, size, "subnet %s has host bits set", s);
		return -1;
	}
	if ((sn->net & (0xffffffffu << (32 - NV_RANGE4_LEN))) != NV_RANGE4) {
		snprintf(why, size, "subnet %s is outside 198.18.0.0/15 "
			 "(RFC 2544)", s);
		return -1;
	}
	return 0;
bad:
	snprintf(why, size, "invalid subnet '%s': expected A.B.C.D/N", s);
	return -1;
}

int nv_parse_member(const char *s, const struct nv_subnet *sn,
		    uint32_t *addr, char *why, size_t size)
{
	uint32_t mask = 0xffffffffu << (32 - sn->prefix);
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1) {
		snprintf(why, size, "invalid address '%s'", s);
		return -1;
	}
	*addr = ntohl(a.s_addr);
	if ((*addr & mask) != sn->net) {
		snprintf(why, size, "address %s is outside the subnet", s);
		return -1;
	}
	if (*addr == sn->net || *addr == (sn->net | ~mask) ||
	    *addr == sn->net + 1) {
		snprintf(why, size, "address %s is the subnet's network, "
			 "broadcast or host address", s);
		return -1;
	}
	return 0;
}

uint32_t nv_addr4(const struct nv_subnet *sn, uint32_t n)
{
	return sn->net + n;
}

struct in6_addr nv_addr6(const struct nv_subnet *sn, uint32_t n)
{
	struct in6_addr a = { { { 0x20, 0x01, 0x00, 0x02 } } };
	uint32_t x = (sn->net - NV_RANGE4) >> 8;

	/* 198.18.X.0/24 <-> 2001:2:0:X::/64 */
	a.s6_addr[6] = (uint8_t)(x >> 8);
	a.s6_addr[7] = (uint8_t)x;
	a.s6_addr[12] = (uint8_t)(n >> 24);
	a.s6_addr[13] = (uint8_t)(n >> 16);
	a.s6_addr[14] = (uint8_t)(n >> 8);
	a.s6_addr[15] = (uint8_t)n;
	return a;
}

/* --- links, addresses and routes: one rtnetlink request each --- */

static int link_index(const char *name)
{
	unsigned int i = if_nametoindex(name);

	if (!i)
		return rep_fail("if_nametoindex(\"%s\")", name);
	return (int)i;
}

/*
 * ip link add HOST [master M] type veth peer name PEER [netns FD]:
 * the peer is described by a whole ifinfomsg nested in VETH_INFO_PEER,
 * and IFLA_NET_NS_FD there makes the kernel create it in the namespace.
 */
int nv_veth_add(int nl, const char *host, const char *peer_name, int nsfd,
		int master)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
	struct rtattr *linkinfo, *data, *peer;
	struct nl_req r;
	size_t max = sizeof(r);
	char effect[96];

	nl_init(&r, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, &ifi, sizeof(ifi));
	nl_addattr_str(&r.n, max, IFLA_IFNAME, host);
	if (master)
		nl_addattr32(&r.n, max, IFLA_MASTER, (uint32_t)master);
	linkinfo = nl_addattr_nest(&r.n, max, IFLA_LINKINFO);
	nl_addattr_str(&r.n, max, IFLA_INFO_KIND, "veth");
	data = nl_addattr_nest(&r.n, max, IFLA_INFO_DATA);
	peer = nl_addattr_nest(&r.n, max, VETH_INFO_PEER);
	r.n.nlmsg_len += NLMSG_ALIGN(sizeof(ifi));
	nl_addattr_str(&r.n, max, IFLA_IFNAME, peer_name);
	if (nsfd >= 0)
		nl_addattr32(&r.n, max, IFLA_NET_NS_FD, (uint32_t)nsfd);
	nl_addattr_nest_end(&r.n, peer);
	nl_addattr_nest_end(&r.n, data);
	nl_addattr_nest_end(&r.n, linkinfo);
	if (nsfd >= 0)
		snprintf(effect, sizeof(effect), "a veth pair: one end here, "
			 "%s in the namespace", peer_name);
	else
		snprintf(effect, sizeof(effect), "a veth pair, both ends here");
	if (nl_talk(nl, &r.n, effect) < 0)
		return rep_fail("RTM_NEWLINK veth \"%s\" peer \"%s\"", host,
				peer_name);
	return 0;
}

/* ip link set NAME up: IFF_UP in ifi_flags, and in ifi_change the mask. */
static int link_up(int nl, const char *name)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC,
				 .ifi_flags = IFF_UP, .ifi_change = IFF_UP };
	struct nl_req r;
	char effect[64];

	ifi.ifi_index = link_index(name);
	if (ifi.ifi_index < 0)
		return -1;
	nl_init(&r, RTM_NEWLINK, 0, &ifi, sizeof(ifi));
	snprintf(effect, sizeof(effect), "%s is up", name);
	if (nl_talk(nl, &r.n, effect) < 0)
		return rep_fail("RTM_NEWLINK \"%s\" IFF_UP", name);
	return 0;
}

int nv_link_up(const char *name)
{
	int nl = nl_open(), ret;

	if (nl < 0)
		return -1;
	ret = link_up(nl, name);
	close(nl);
	return ret;
}

/* ip addr add ADDR/N dev DEV nodad: IPv6 skips duplicate address
 * detection (IFA_F_NODAD), so the address works at once. */
static int addr_add(int nl, const char *dev, int family, const void *addr,
		    int prefix)
{
	struct ifaddrmsg ifa = { .ifa_family = (uint8_t)family,
				 .ifa_prefixlen = (uint8_t)prefix };
	size_t alen = family == AF_INET ? 4 : 16;
	char ip[INET6_ADDRSTRLEN], effect[96];
	struct nl_req r;
	int idx = link_index(dev);

	if (idx < 0)
		return -1;
	ifa.ifa_index = (uint32_t)idx;
	nl_init(&r, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, &ifa, sizeof(ifa));
	nl_addattr_l(&r.n, sizeof(r), IFA_LOCAL, addr, alen);
	nl_addattr_l(&r.n, sizeof(r), IFA_ADDRESS, addr, alen);
	if (family == AF_INET6)
		nl_addattr32(&r.n, sizeof(r), IFA_FLAGS, IFA_F_NODAD);
	inet_ntop(family, addr, ip, sizeof(ip));
	snprintf(effect, sizeof(effect), "%s has %s/%d", dev, ip, prefix);
	if (nl_talk(nl, &r.n, effect) < 0)
		return rep_fail_hint(family == AF_INET6 && errno == EACCES ?
				     "IPv6 is disabled on this link "
				     "(sysctl net.ipv6.conf.*.disable_ipv6)" :
				     NULL, "RTM_NEWADDR %s/%d dev \"%s\"", ip,
				     prefix, dev);
	return 0;
}

/* ip route add default via GW dev DEV */
static int route_default(int nl, const char *dev, int family, const void *gw)
{
	struct rtmsg rtm = { .rtm_family = (uint8_t)family,
			     .rtm_table = RT_TABLE_MAIN,
			     .rtm_protocol = RTPROT_BOOT,
			     .rtm_scope = RT_SCOPE_UNIVERSE,
			     .rtm_type = RTN_UNICAST };
	char ip[INET6_ADDRSTRLEN], effect[96];
	struct nl_req r;
	int idx = link_index(dev);

	if (idx < 0)
		return -1;
	nl_init(&r, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, &rtm, sizeof(rtm));
	nl_addattr_l(&r.n, sizeof(r), RTA_GATEWAY, gw,
		     family == AF_INET ? 4 : 16);
	nl_addattr32(&r.n, sizeof(r), RTA_OIF, (uint32_t)idx);
	inet_ntop(family, gw, ip, sizeof(ip));
	snprintf(effect, sizeof(effect), "default route via %s", ip);
	if (nl_talk(nl, &r.n, effect) < 0)
		return rep_fail("RTM_NEWROUTE default via %s dev \"%s\"", ip,
				dev);
	return 0;
}

int nv_link_del(const char *full)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
	struct nl_req r;
	char effect[64];
	int nl = nl_open();

	if (nl < 0)
		return -1;
	nl_init(&r, RTM_DELLINK, 0, &ifi, sizeof(ifi));
	nl_addattr_str(&r.n, sizeof(r), IFLA_IFNAME, full);
	snprintf(effect, sizeof(effect), "%s is gone (a veth takes its peer)",
		 full);
	if (nl_talk(nl, &r.n, effect) < 0) {
		rep_fail("RTM_DELLINK \"%s\"", full);
		close(nl);
		return -1;
	}
	close(nl);
	return 0;
}

/* Both addresses of sn's n-th member on dev. */
static int addr_pair(int nl, const char *dev, const struct nv_subnet *sn,
		     uint32_t n)
{
	uint32_t a4 = htonl(nv_addr4(sn, n));
	struct in6_addr a6 = nv_addr6(sn, n);

	if (addr_add(nl, dev, AF_INET, &a4, sn->prefix) < 0)
		return -1;
	return addr_add(nl, dev, AF_INET6, &a6, 64);
}

int nv_bridge_add(const char *full, const struct nv_subnet *sn)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
	struct rtattr *linkinfo;
	struct nl_req r;
	int nl = nl_open();

	if (nl < 0)
		return -1;
	/* ip link add FULL type bridge */
	nl_init(&r, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, &ifi, sizeof(ifi));
	nl_addattr_str(&r.n, sizeof(r), IFLA_IFNAME, full);
	linkinfo = nl_addattr_nest(&r.n, sizeof(r), IFLA_LINKINFO);
	nl_addattr_str(&r.n, sizeof(r), IFLA_INFO_KIND, "bridge");
	nl_addattr_nest_end(&r.n, linkinfo);
	if (nl_talk(nl, &r.n, "a bridge: a switch inside the kernel") < 0) {
		rep_fail("RTM_NEWLINK bridge \"%s\"", full);
		goto out_close;
	}
	if (link_up(nl, full) < 0 || addr_pair(nl, full, sn, 1) < 0)
		goto out_del_link;
	close(nl);
	return 0;
out_del_link:
	nv_link_del(full);
out_close:
	close(nl);
	return -1;
}

/* --- named namespaces --- */

/*
 * iproute2 makes /run/netns a shared mount point (bind-mounting it on
 * itself first if it is not one), so a namespace mounted there later
 * shows in every mount namespace that already has /run/netns.
 */
static int run_dir_shared(void)
{
	int made = 0;

	if (mkdir(NV_RUN_DIR, 0755) < 0 && errno != EEXIST)
		return rep_fail("mkdir(\"%s\")", NV_RUN_DIR);
	while (mount("", NV_RUN_DIR, "none", MS_SHARED | MS_REC, NULL) < 0) {
		if (errno != EINVAL || made)
			return rep_fail("mount(\"\", \"%s\", MS_SHARED)",
					NV_RUN_DIR);
		if (mount(NV_RUN_DIR, NV_RUN_DIR, "none", MS_BIND | MS_REC,
			  NULL) < 0)
			return rep_fail("mount(\"%s\", \"%s\", MS_BIND)",
					NV_RUN_DIR, NV_RUN_DIR);
		rep_step(0, "/run/netns is a mount point of its own",
			 "mount(\"%s\", \"%s\", \"none\", MS_BIND | MS_REC)",
			 NV_RUN_DIR, NV_RUN_DIR);
		made = 1;
	}
	rep_step(0, "mounts under /run/netns propagate",
		 "mount(\"\", \"%s\", \"none\", MS_SHARED | MS_REC)",
		 NV_RUN_DIR);
	return 0;
}

int nv_ns_create(const char *full)
{
	char path[PATH_MAX];
	int fd, back;

	if (run_dir_shared() < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/%s", NV_RUN_DIR, full);
	fd = open(path, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0);
	if (fd < 0)
		return rep_fail("open(\"%s\", O_CREAT | O_EXCL)", path);
	close(fd);
	back = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (back < 0) {
		rep_fail("open(\"/proc/self/ns/net\")");
		goto out_unlink;
	}
	/* A new, empty network namespace (only lo, down) for this process. */
	if (unshare(CLONE_NEWNET) < 0) {
		rep_fail("unshare(CLONE_NEWNET)");
		goto out_close;
	}
	rep_step(0, "this process is in a new network namespace",
		 "unshare(CLONE_NEWNET)");
	/* The bind mount keeps the namespace alive with no process in it. */
	if (mount("/proc/self/ns/net", path, "none", MS_BIND, NULL) < 0) {
		rep_fail("mount(\"/proc/self/ns/net\", \"%s\", MS_BIND)", path);
		goto out_setns;
	}
	rep_step(0, "the namespace has a name: ip netns lists it",
		 "mount(\"/proc/self/ns/net\", \"%s\", \"none\", MS_BIND)",
		 path);
	if (nv_ns_return(back) < 0)
		goto out_umount;
	return 0;
out_umount:
	umount2(path, MNT_DETACH);
out_setns:
	setns(back, CLONE_NEWNET);
out_close:
	close(back);
out_unlink:
	unlink(path);
	return -1;
}

int nv_ns_delete(const char *full)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", NV_RUN_DIR, full);
	/* A crashed run may have left the file without its mount. */
	if (umount2(path, MNT_DETACH) < 0 && errno != EINVAL)
		return rep_fail("umount2(\"%s\", MNT_DETACH)", path);
	if (unlink(path) < 0)
		return rep_fail("unlink(\"%s\")", path);
	rep_step(0, "the namespace goes when nothing holds it",
		 "umount2(\"%s\", MNT_DETACH); unlink()", path);
	return 0;
}

int nv_ns_enter(const char *full, int *back)
{
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", NV_RUN_DIR, full);
	*back = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (*back < 0)
		return rep_fail("open(\"/proc/self/ns/net\")");
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		rep_fail("open(\"%s\")", path);
		close(*back);
		return -1;
	}
	if (setns(fd, CLONE_NEWNET) < 0) {
		rep_fail("setns(\"%s\", CLONE_NEWNET)", path);
		close(fd);
		close(*back);
		return -1;
	}
	rep_step(0, "this process now sees the namespace's links",
		 "setns(open(\"%s\"), CLONE_NEWNET)", path);
	close(fd);
	return 0;
}

int nv_ns_return(int back)
{
	if (setns(back, CLONE_NEWNET) < 0) {
		rep_fail("setns(back, CLONE_NEWNET)");
		close(back);
		return -1;
	}
	close(back);
	return 0;
}

int nv_exists(const char *full)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", NV_RUN_DIR, full);
	return access(path, F_OK) == 0 || if_nametoindex(full) != 0;
}

/* Inside the namespace: lo and eth0 up, eth0's addresses, the routes. */
/* Inside the namespace nsfd: lo and eth0 up, eth0's addresses, default
 * routes via address 1 of sn.  0 or -1 (reported). */
static int wire_inside(int nsfd, const struct nv_subnet *sn, uint32_t ns_n)
{
	uint32_t gw4 = htonl(nv_addr4(sn, 1));
	struct in6_addr gw6 = nv_addr6(sn, 1);
	int back, nl, ret = -1;

	back = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (back < 0)
		return rep_fail("open(\"/proc/self/ns/net\")");
	if (setns(nsfd, CLONE_NEWNET) < 0) {
		rep_fail("setns(nsfd, CLONE_NEWNET)");
		close(back);
		return -1;
	}
	rep_step(0, "this process now sees the namespace's links",
		 "setns(nsfd, CLONE_NEWNET)");
	nl = nl_open();
	if (nl < 0)
		goto out_return;
	if (link_up(nl, "lo") < 0 || link_up(nl, NV_PEER_NAME) < 0 ||
	    addr_pair(nl, NV_PEER_NAME, sn, ns_n) < 0 ||
	    route_default(nl, NV_PEER_NAME, AF_INET, &gw4) < 0 ||
	    route_default(nl, NV_PEER_NAME, AF_INET6, &gw6) < 0)
		goto out_close;
	ret = 0;
out_close:
	close(nl);
out_return:
	if (nv_ns_return(back) < 0)
		ret = -1;
	return ret;
}

int nv_wire(const char *host, int nsfd, const struct nv_subnet *sn,
	    uint32_t ns_n, const char *master)
{
	int nl, master_idx = 0;

	if (master) {
		master_idx = link_index(master);
		if (master_idx < 0)
			return -1;
	}
	nl = nl_open();
	if (nl < 0)
		return -1;
	if (nv_veth_add(nl, host, NV_PEER_NAME, nsfd, master_idx) < 0)
		goto out_close;
	/*
	 * Up before the addresses: an IPv6 address added to a down link
	 * answers no neighbour solicitation until the next change.
	 */
	if (link_up(nl, host) < 0)
		goto out_del_link;
	if (!master && addr_pair(nl, host, sn, 1) < 0)
		goto out_del_link;
	if (wire_inside(nsfd, sn, ns_n) < 0)
		goto out_del_link;
	close(nl);
	return 0;
out_del_link:
	nv_link_del(host);
out_close:
	close(nl);
	return -1;
}

int nv_add(const char *name, const struct nv_subnet *sn, uint32_t ns_n,
	   const char *master)
{
	char full[IFNAMSIZ + 8], path[PATH_MAX];
	int nsfd;

	snprintf(full, sizeof(full), "%s%s", NV_PREFIX, name);
	snprintf(path, sizeof(path), "%s/%s", NV_RUN_DIR, full);
	if (nv_ns_create(full) < 0)
		return -1;
	nsfd = open(path, O_RDONLY | O_CLOEXEC);
	if (nsfd < 0) {
		rep_fail("open(\"%s\")", path);
		goto out_del_ns;
	}
	if (nv_wire(full, nsfd, sn, ns_n, master) < 0)
		goto out_close_nsfd;
	close(nsfd);
	return 0;
out_close_nsfd:
	close(nsfd);
out_del_ns:
	nv_ns_delete(full);
	return -1;
}

/* --- finding what the tool made --- */

struct overlap {
	const struct nv_subnet *sn;
	char *what;
	size_t size;
	int found;
};

static int overlap_cb(const struct nlmsghdr *m, void *arg)
{
	const struct ifaddrmsg *ifa = NLMSG_DATA(m);
	struct overlap *o = arg;
	struct rtattr *tb[IFA_MAX + 1];
	char ip[INET_ADDRSTRLEN], dev[IF_NAMESIZE] = "?";
	uint32_t a, mask;
	int p;

	if (m->nlmsg_type != RTM_NEWADDR || ifa->ifa_family != AF_INET)
		return 0;
	nl_parse_attrs(m, sizeof(*ifa), tb, IFA_MAX);
	if (!tb[IFA_LOCAL] || o->found)
		return 0;
	memcpy(&a, RTA_DATA(tb[IFA_LOCAL]), 4);
	a = ntohl(a);
	p = ifa->ifa_prefixlen < o->sn->prefix ? ifa->ifa_prefixlen :
						o->sn->prefix;
	mask = p ? 0xffffffffu << (32 - p) : 0;
	if ((a & mask) != (o->sn->net & mask))
		return 0;
	memcpy(&a, RTA_DATA(tb[IFA_LOCAL]), 4);
	if_indextoname(ifa->ifa_index, dev);
	snprintf(o->what, o->size, "%s/%u on %s",
		 inet_ntop(AF_INET, &a, ip, sizeof(ip)), ifa->ifa_prefixlen,
		 dev);
	o->found = 1;
	return 0;
}

int nv_subnet_in_use(const struct nv_subnet *sn, char *what, size_t size)
{
	struct ifaddrmsg ifa = { .ifa_family = AF_INET };
	struct overlap o = { sn, what, size, 0 };
	struct nl_req r;
	int nl = nl_open();

	if (nl < 0)
		return -1;
	nl_init(&r, RTM_GETADDR, 0, &ifa, sizeof(ifa));
	if (nl_dump(nl, &r.n, overlap_cb, &o) < 0) {
		rep_fail("RTM_GETADDR dump");
		close(nl);
		return -1;
	}
	close(nl);
	return o.found;
}

#define NV_MAX_LINKS	64

struct links {
	int n;
	int index[NV_MAX_LINKS];
	char name[NV_MAX_LINKS][IF_NAMESIZE];
	char kind[NV_MAX_LINKS][16];
	int all;	/* every link, not only NV_PREFIX ones */
};

static int links_cb(const struct nlmsghdr *m, void *arg)
{
	const struct ifinfomsg *ifi = NLMSG_DATA(m);
	struct rtattr *tb[IFLA_MAX + 1], *info[IFLA_INFO_MAX + 1];
	struct links *l = arg;
	const char *name;

	if (m->nlmsg_type != RTM_NEWLINK || l->n == NV_MAX_LINKS)
		return 0;
	nl_parse_attrs(m, sizeof(*ifi), tb, IFLA_MAX);
	if (!tb[IFLA_IFNAME])
		return 0;
	name = RTA_DATA(tb[IFLA_IFNAME]);
	if (!l->all && strncmp(name, NV_PREFIX, strlen(NV_PREFIX)) != 0)
		return 0;
	l->index[l->n] = ifi->ifi_index;
	snprintf(l->name[l->n], IF_NAMESIZE, "%s", name);
	snprintf(l->kind[l->n], 16, "device");
	if (tb[IFLA_LINKINFO]) {
		struct rtattr *rta = RTA_DATA(tb[IFLA_LINKINFO]);
		int len = (int)RTA_PAYLOAD(tb[IFLA_LINKINFO]);

		memset(info, 0, sizeof(info));
		for (; RTA_OK(rta, len); rta = RTA_NEXT(rta, len))
			if (rta->rta_type <= IFLA_INFO_MAX)
				info[rta->rta_type] = rta;
		if (info[IFLA_INFO_KIND])
			snprintf(l->kind[l->n], 16, "%s",
				 (char *)RTA_DATA(info[IFLA_INFO_KIND]));
	}
	l->n++;
	return 0;
}

static int dump_links(int nl, struct links *l)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
	struct nl_req r;

	nl_init(&r, RTM_GETLINK, 0, &ifi, sizeof(ifi));
	if (nl_dump(nl, &r.n, links_cb, l) < 0)
		return rep_fail("RTM_GETLINK dump");
	return 0;
}

struct addrs {
	int index;
	FILE *f;
};

static int addrs_cb(const struct nlmsghdr *m, void *arg)
{
	const struct ifaddrmsg *ifa = NLMSG_DATA(m);
	struct rtattr *tb[IFA_MAX + 1];
	struct addrs *a = arg;
	char ip[INET6_ADDRSTRLEN];
	struct rtattr *rta;

	if (m->nlmsg_type != RTM_NEWADDR || (int)ifa->ifa_index != a->index ||
	    ifa->ifa_scope == RT_SCOPE_LINK)
		return 0;
	nl_parse_attrs(m, sizeof(*ifa), tb, IFA_MAX);
	rta = tb[IFA_LOCAL] ? tb[IFA_LOCAL] : tb[IFA_ADDRESS];
	if (rta && inet_ntop(ifa->ifa_family, RTA_DATA(rta), ip, sizeof(ip)))
		fprintf(a->f, " %s/%u", ip, ifa->ifa_prefixlen);
	return 0;
}

static int print_addrs(int nl, int index, FILE *f)
{
	struct ifaddrmsg ifa = { .ifa_family = AF_UNSPEC };
	struct addrs a = { index, f };
	struct nl_req r;

	nl_init(&r, RTM_GETADDR, 0, &ifa, sizeof(ifa));
	if (nl_dump(nl, &r.n, addrs_cb, &a) < 0)
		return rep_fail("RTM_GETADDR dump");
	return 0;
}

/* The NV_PREFIX entries of NV_RUN_DIR, sorted; count or -1. */
static int ns_names(char names[][NAME_MAX + 1], int max)
{
	struct dirent **ents;
	int i, n, k = 0;

	n = scandir(NV_RUN_DIR, &ents, NULL, alphasort);
	if (n < 0)
		return errno == ENOENT ? 0 : rep_fail("scandir(\"%s\")",
							NV_RUN_DIR);
	for (i = 0; i < n; i++) {
		if (k < max && strncmp(ents[i]->d_name, NV_PREFIX,
				       strlen(NV_PREFIX)) == 0)
			snprintf(names[k++], NAME_MAX + 1, "%s",
				 ents[i]->d_name);
		free(ents[i]);
	}
	free(ents);
	return k;
}

int nv_list(FILE *f)
{
	char names[NV_MAX_LINKS][NAME_MAX + 1];
	struct links l = { 0 };
	int i, j, n, nl, back, ret = -1;

	nl = nl_open();
	if (nl < 0)
		return -1;
	if (dump_links(nl, &l) < 0)
		goto out_close;
	for (i = 0; i < l.n; i++) {
		fprintf(f, "link %s %s", l.name[i], l.kind[i]);
		if (print_addrs(nl, l.index[i], f) < 0)
			goto out_close;
		fputc('\n', f);
	}
	n = ns_names(names, NV_MAX_LINKS);
	if (n < 0)
		goto out_close;
	for (i = 0; i < n; i++) {
		struct links in = { .all = 1 };
		int inl;

		fprintf(f, "netns %s", names[i]);
		if (nv_ns_enter(names[i], &back) < 0) {
			fprintf(f, " (not a namespace)\n");
			continue;
		}
		inl = nl_open();
		if (inl >= 0 && dump_links(inl, &in) == 0)
			for (j = 0; j < in.n; j++) {
				fprintf(f, " %s", in.name[j]);
				print_addrs(inl, in.index[j], f);
			}
		if (inl >= 0)
			close(inl);
		fputc('\n', f);
		if (nv_ns_return(back) < 0)
			goto out_close;
	}
	ret = 0;
out_close:
	close(nl);
	return ret;
}

int nv_del_all(void)
{
	char names[NV_MAX_LINKS][NAME_MAX + 1];
	struct links l = { 0 };
	int i, n, nl, count = 0, ret = 0;

	nl = nl_open();
	if (nl < 0)
		return -1;
	if (dump_links(nl, &l) < 0) {
		close(nl);
		return -1;
	}
	close(nl);
	/* Links first (each veth takes its peer), then the namespaces. */
	for (i = 0; i < l.n; i++) {
		if (!if_nametoindex(l.name[i]))
			continue;	/* gone with its peer */
		if (nv_link_del(l.name[i]) < 0)
			ret = -1;
		else
			count++;
	}
	n = ns_names(names, NV_MAX_LINKS);
	if (n < 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (nv_ns_delete(names[i]) < 0)
			ret = -1;
		else
			count++;
	}
	return ret < 0 ? -1 : count;
}

/* --- what a namespace's addresses and routes are; routing between --- */

struct ifaddr4 {
	int index;
	uint32_t addr;
	int prefix;
	int found;
};

static int ifaddr4_cb(const struct nlmsghdr *m, void *arg)
{
	const struct ifaddrmsg *ifa = NLMSG_DATA(m);
	struct rtattr *tb[IFA_MAX + 1];
	struct ifaddr4 *a = arg;

	if (m->nlmsg_type != RTM_NEWADDR || ifa->ifa_family != AF_INET ||
	    (int)ifa->ifa_index != a->index || a->found)
		return 0;
	nl_parse_attrs(m, sizeof(*ifa), tb, IFA_MAX);
	if (!tb[IFA_LOCAL])
		return 0;
	memcpy(&a->addr, RTA_DATA(tb[IFA_LOCAL]), 4);
	a->addr = ntohl(a->addr);
	a->prefix = ifa->ifa_prefixlen;
	a->found = 1;
	return 0;
}

int nv_ifaddr4(const char *dev, uint32_t *addr, int *prefix)
{
	struct ifaddrmsg ifa = { .ifa_family = AF_INET };
	struct ifaddr4 a = { 0 };
	struct nl_req r;
	int nl;

	a.index = (int)if_nametoindex(dev);
	if (!a.index)
		return 0;
	nl = nl_open();
	if (nl < 0)
		return -1;
	nl_init(&r, RTM_GETADDR, 0, &ifa, sizeof(ifa));
	if (nl_dump(nl, &r.n, ifaddr4_cb, &a) < 0) {
		rep_fail("RTM_GETADDR dump");
		close(nl);
		return -1;
	}
	close(nl);
	*addr = a.addr;
	*prefix = a.prefix;
	return a.found;
}

static int gateway_cb(const struct nlmsghdr *m, void *arg)
{
	const struct rtmsg *rtm = NLMSG_DATA(m);
	struct rtattr *tb[RTA_MAX + 1];
	struct ifaddr4 *g = arg;

	if (m->nlmsg_type != RTM_NEWROUTE || rtm->rtm_family != AF_INET ||
	    rtm->rtm_dst_len || rtm->rtm_table != RT_TABLE_MAIN || g->found)
		return 0;
	nl_parse_attrs(m, sizeof(*rtm), tb, RTA_MAX);
	if (!tb[RTA_GATEWAY])
		return 0;
	memcpy(&g->addr, RTA_DATA(tb[RTA_GATEWAY]), 4);
	g->addr = ntohl(g->addr);
	g->found = 1;
	return 0;
}

int nv_gateway4(uint32_t *gw)
{
	struct rtmsg rtm = { .rtm_family = AF_INET };
	struct ifaddr4 g = { 0 };
	struct nl_req r;
	int nl = nl_open();

	if (nl < 0)
		return -1;
	nl_init(&r, RTM_GETROUTE, 0, &rtm, sizeof(rtm));
	if (nl_dump(nl, &r.n, gateway_cb, &g) < 0) {
		rep_fail("RTM_GETROUTE dump");
		close(nl);
		return -1;
	}
	close(nl);
	*gw = g.addr;
	return g.found;
}

int nv_route(int add, const struct nv_subnet *dst, uint32_t gw)
{
	struct rtmsg rtm = { .rtm_family = AF_INET,
			     .rtm_dst_len = (uint8_t)dst->prefix,
			     .rtm_table = RT_TABLE_MAIN,
			     .rtm_protocol = RTPROT_BOOT,
			     .rtm_scope = RT_SCOPE_UNIVERSE,
			     .rtm_type = RTN_UNICAST };
	uint32_t d = htonl(dst->net), g = htonl(gw);
	char ds[INET_ADDRSTRLEN], gs[INET_ADDRSTRLEN], effect[128];
	struct nl_req r;
	int nl = nl_open();

	if (nl < 0)
		return -1;
	inet_ntop(AF_INET, &d, ds, sizeof(ds));
	inet_ntop(AF_INET, &g, gs, sizeof(gs));
	/* ip route add NET/PREFIX via GW: the kernel finds the link that
	 * reaches GW itself (it must be on a directly connected subnet). */
	nl_init(&r, add ? RTM_NEWROUTE : RTM_DELROUTE,
		add ? NLM_F_CREATE | NLM_F_EXCL : 0, &rtm, sizeof(rtm));
	nl_addattr_l(&r.n, sizeof(r), RTA_DST, &d, 4);
	if (add)
		nl_addattr_l(&r.n, sizeof(r), RTA_GATEWAY, &g, 4);
	if (add)
		snprintf(effect, sizeof(effect), "packets for %s/%d go to %s",
			 ds, dst->prefix, gs);
	else
		snprintf(effect, sizeof(effect), "no route for %s/%d", ds,
			 dst->prefix);
	if (nl_talk(nl, &r.n, effect) < 0) {
		if (add)
			rep_fail("RTM_NEWROUTE %s/%d via %s", ds, dst->prefix,
				 gs);
		else if (errno == ESRCH)
			rep_error("no route for %s/%d in this namespace", ds,
				  dst->prefix);
		else
			rep_fail("RTM_DELROUTE %s/%d", ds, dst->prefix);
		close(nl);
		return -1;
	}
	close(nl);
	return 0;
}

#define FORWARD_SYSCTL	"/proc/sys/net/ipv4/ip_forward"

int nv_forward(int on, const char *effect)
{
	char buf[16];
	int was;

	/* /proc/sys/net shows the namespace of the process that opens it. */
	if (file_read_line_at(AT_FDCWD, FORWARD_SYSCTL, buf, sizeof(buf)) < 0)
		return rep_fail("read(\"%s\")", FORWARD_SYSCTL);
	was = atoi(buf) ? 1 : 0;
	if (on < 0 || on == was)
		return was;
	if (file_write_at(AT_FDCWD, FORWARD_SYSCTL, on ? "1" : "0") < 0)
		return rep_fail("write(\"%s\", \"%d\")", FORWARD_SYSCTL, on);
	rep_step(0, effect, "write(\"%s\", \"%d\")", FORWARD_SYSCTL, on);
	return was;
}
