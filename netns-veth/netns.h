/*
 * netns.h - named network namespaces as iproute2 makes them (a bind mount
 * of /proc/self/ns/net under /run/netns), veth pairs and a bridge, their
 * addresses and routes, all over raw rtnetlink (lib/netlink.h).
 */
#ifndef CTK_NETNS_H
#define CTK_NETNS_H

#include <stdint.h>
#include <stdio.h>
#include <netinet/in.h>

/* Every object the tool makes is named with this prefix. */
#define NV_PREFIX	"ctk-"
#define NV_RUN_DIR	"/run/netns"
/* The namespace end of every veth. */
#define NV_PEER_NAME	"eth0"
/* Longest NAME: NV_PREFIX NAME must fit IFNAMSIZ - 1 (15) bytes. */
#define NV_NAME_MAX	(15 - (int)(sizeof(NV_PREFIX) - 1))
/* Subnets come from RFC 2544's 198.18.0.0/15 (and RFC 5180's 2001:2::/48). */
#define NV_RANGE4	0xc6120000u
#define NV_RANGE4_LEN	15

/* An IPv4 subnet (host byte order) and its IPv6 twin 2001:2:0:X::/64. */
struct nv_subnet {
	uint32_t net;
	int prefix;
};

/* Check NAME: not empty, at most NV_NAME_MAX bytes, no '/' or space.
 * 0, or -1 with a message in why. */
int nv_check_name(const char *name, char *why, size_t size);

/* Parse "A.B.C.D/N" with no host bits set, inside 198.18.0.0/15 and N in
 * 15..30.  0, or -1 with a message in why. */
int nv_parse_subnet(const char *s, struct nv_subnet *sn, char *why,
		    size_t size);

/* Parse an IPv4 address inside sn usable by a namespace (not the network,
 * broadcast or first address, which is the host's).  0 or -1 + why. */
int nv_parse_member(const char *s, const struct nv_subnet *sn,
		    uint32_t *addr, char *why, size_t size);

/* The n-th address of sn (1 = host end) as IPv4 and IPv6. */
uint32_t nv_addr4(const struct nv_subnet *sn, uint32_t n);
struct in6_addr nv_addr6(const struct nv_subnet *sn, uint32_t n);

/* 1 if the host already has an IPv4 address whose subnet overlaps sn
 * (described in what), 0 if not, -1 on error (reported). */
int nv_subnet_in_use(const struct nv_subnet *sn, char *what, size_t size);

/* 1 if a namespace or link called full (prefix included) exists. */
int nv_exists(const char *full);

/* Make the named namespace NV_RUN_DIR/full; 0 or -1 (reported). */
int nv_ns_create(const char *full);
/* Unmount and remove NV_RUN_DIR/full; 0 or -1 (reported). */
int nv_ns_delete(const char *full);
/* Move this process into namespace full; *back is an fd to return with
 * nv_ns_return().  0 or -1 (reported). */
int nv_ns_enter(const char *full, int *back);
int nv_ns_return(int back);

/*
 * Wire namespace NAME: make NV_PREFIX NAME, a veth NV_PREFIX NAME (host)
 * <-> eth0 (inside), addresses n = host_n and ns_n of sn on each end (the
 * host end gets none if master is given: it joins that bridge instead),
 * lo and both ends up, default routes inside via address 1.  On failure
 * everything made is removed.  0 or -1 (reported).
 */
int nv_add(const char *name, const struct nv_subnet *sn, uint32_t ns_n,
	   const char *master);

/* The wiring of nv_add() for a namespace given by fd (a container's
 * /proc/PID/ns/net): veth host <-> eth0 in nsfd, addresses, links up,
 * default routes.  On failure the veth is removed.  0 or -1 (reported). */
int nv_wire(const char *host, int nsfd, const struct nv_subnet *sn,
	    uint32_t ns_n, const char *master);

/* Make bridge full with address 1 of sn, up.  0 or -1 (reported). */
int nv_bridge_add(const char *full, const struct nv_subnet *sn);

/* ip link set NAME up, in this namespace.  0 or -1 (reported). */
int nv_link_up(const char *name);

/* ip link add HOST [master M] type veth peer name PEER, the peer made in
 * the network namespace nsfd (-1: here), on the rtnetlink socket nl.
 * 0 or -1 (reported). */
int nv_veth_add(int nl, const char *host, const char *peer_name, int nsfd,
		int master);

/* Delete link full (its veth peer goes with it).  0 or -1 (reported). */
int nv_link_del(const char *full);

/* Delete every NV_PREFIX link and namespace.  Number deleted, or -1. */
int nv_del_all(void);

/* The first IPv4 address on dev in this namespace (host byte order) and
 * its prefix length: 1, 0 if it has none, -1 (reported). */
int nv_ifaddr4(const char *dev, uint32_t *addr, int *prefix);

/* The IPv4 default gateway of this namespace: 1, 0 if none, -1. */
int nv_gateway4(uint32_t *gw);

/* ip route add|del NET/PREFIX [via GW] in this namespace (host byte
 * order).  0 or -1 (reported). */
int nv_route(int add, const struct nv_subnet *dst, uint32_t gw);

/* Set net.ipv4.ip_forward of this namespace to on (0 or 1; -1 only
 * reads it), narrating effect.  The old value, or -1 (reported). */
int nv_forward(int on, const char *effect);

/* Print the tool's namespaces, links and addresses on f.  0 or -1. */
int nv_list(FILE *f);

#endif
