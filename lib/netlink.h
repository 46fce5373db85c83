/*
 * netlink.h - a small raw rtnetlink helper set, named like iproute2's
 * lib/libnetlink.c (addattr_l, addattr_nest, rtnl_talk), so the veth code
 * can be read beside ip/link_veth.c.  See netlink(7) and rtnetlink(7).
 */
#ifndef CTK_NETLINK_H
#define CTK_NETLINK_H

#include <stddef.h>
#include <stdint.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

/* Room for any request this toolkit builds. */
#define NL_BUFSIZE	1024

/* A request: the header followed by the family header and attributes. */
struct nl_req {
	struct nlmsghdr n;
	char buf[NL_BUFSIZE];
};

/* Open a NETLINK_ROUTE socket in the current network namespace.
 * Returns the fd, or -1 (reported). */
int nl_open(void);
/* The same for another netlink family (NETLINK_NETFILTER for nftables). */
int nl_open_proto(int proto);

/* Start a request of type with flags (NLM_F_REQUEST is added), whose
 * family header of hdrlen bytes is copied from hdr. */
void nl_init(struct nl_req *r, int type, int flags, const void *hdr,
	     size_t hdrlen);

/* Append attribute type with alen bytes of data.  0, or -1 with errno
 * EMSGSIZE when maxlen would be exceeded. */
int nl_addattr_l(struct nlmsghdr *n, size_t maxlen, int type,
		 const void *data, size_t alen);
int nl_addattr32(struct nlmsghdr *n, size_t maxlen, int type, uint32_t v);
/* A NUL-terminated string attribute (iproute2's addattrstrz). */
int nl_addattr_str(struct nlmsghdr *n, size_t maxlen, int type,
		   const char *s);

/* Open a nested attribute; close it with nl_addattr_nest_end(). NULL
 * with errno EMSGSIZE when full. */
struct rtattr *nl_addattr_nest(struct nlmsghdr *n, size_t maxlen, int type);
void nl_addattr_nest_end(struct nlmsghdr *n, struct rtattr *nest);

/* The message decoded on one line: type, flags, family header fields and
 * each attribute by name (nested ones in braces).  Returns buf. */
const char *nl_describe(const struct nlmsghdr *n, char *buf, size_t size);

/*
 * Send n, wait for the kernel's ACK and turn an NLMSG_ERROR into errno.
 * Under -v the message is narrated decoded, with effect.  A failure is
 * not reported here (the caller knows which object it was): returns 0, or
 * -1 with errno.
 */
int nl_talk(int fd, struct nlmsghdr *n, const char *effect);

/* Send a NLM_F_DUMP request and call cb for each answer until NLMSG_DONE;
 * cb returns 0 to go on, or -1 to stop with an error.  0 or -1. */
int nl_dump(int fd, struct nlmsghdr *n,
	    int (*cb)(const struct nlmsghdr *m, void *arg), void *arg);

/* The attributes of a message after its family header of hdrlen bytes,
 * indexed by type into tb[0..max] (NULL when absent). */
void nl_parse_attrs(const struct nlmsghdr *m, size_t hdrlen,
		    struct rtattr **tb, int max);

/*
 * An nfnetlink batch (nftables' transaction): NFNL_MSG_BATCH_BEGIN, the
 * messages, NFNL_MSG_BATCH_END.  The kernel applies all of the messages
 * or none of them.
 */
#define NL_BATCH_SIZE	8192

struct nl_batch {
	char buf[NL_BATCH_SIZE] __attribute__((aligned(NLMSG_ALIGNTO)));
	size_t len;		/* bytes of complete messages in buf */
	struct nlmsghdr *last;	/* the message being built, or NULL */
	uint32_t first_seq;
	int count;
};

/* Start a batch for nfnetlink subsystem subsys (NFNL_SUBSYS_NFTABLES). */
void nl_batch_init(struct nl_batch *b, int subsys);
/* Append a message of type (subsystem << 8 | msg) for protocol family
 * (NFPROTO_*) with flags; add its attributes with nl_addattr_*(n,
 * nl_batch_room(b, n), ...).  NULL with errno EMSGSIZE when full. */
struct nlmsghdr *nl_batch_add(struct nl_batch *b, int type, int flags,
			      int family);
size_t nl_batch_room(const struct nl_batch *b, const struct nlmsghdr *n);
/* Close the batch, send it and read an ACK per message.  Under -v each
 * message is narrated decoded.  0, or -1 with the first error in errno
 * (not reported: the caller knows the object). */
int nl_batch_commit(int fd, struct nl_batch *b, const char *effect);

#endif
