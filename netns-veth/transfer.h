/*
 * transfer.h - a bounded TCP transfer between two network namespaces,
 * timed where it is received: how fast does a link really carry data?
 */
#ifndef CTK_TRANSFER_H
#define CTK_TRANSFER_H

#include <stdint.h>
#include <stdio.h>
#include <netinet/in.h>

struct xfer {
	const char *from;	/* namespace (NV_PREFIX included) or NULL: */
	const char *to;		/* ... this process's own */
	uint64_t bytes;		/* how much to send */
	uint16_t port;		/* the receiver listens here */
	int has_connect;	/* connect to connect_to, not to TO's address */
	struct sockaddr_in connect_to;
	int timeout;		/* seconds, for the whole transfer */
};

struct xfer_result {
	uint64_t bytes;			/* received */
	struct sockaddr_in peer;	/* the sender, as the receiver saw it */
	struct sockaddr_in local;	/* the receiver's own address */
	double seconds;			/* from accept() to end of data */
};

/* Start a receiver in x->to, connect from x->from, send, wait for the
 * receiver's count.  0, or -1 (reported). */
int xfer_run(const struct xfer *x, struct xfer_result *res);

/* One line: what crossed, from where to where, how fast. */
void xfer_print(FILE *f, const struct xfer_result *r);

#endif
