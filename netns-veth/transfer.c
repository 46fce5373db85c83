/*
 * transfer.c - measure a link: a receiver in one network namespace, a
 * sender in another, a fixed number of bytes over TCP, timed by the
 * receiver from accept() to the end of the data.  A network namespace is
 * chosen per process (setns(2)), so the receiver is a child that joins
 * TO while this process joins FROM; a socket stays in the namespace it
 * was made in.  The receiver also reports the address the connection
 * came from: after NAT it is not the sender's own.
 * Man pages: setns(2), socket(7), tcp(7), poll(2).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "netns.h"
#include "report.h"
#include "transfer.h"

#define CHUNK	16384

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Milliseconds left until deadline (at least 0). */
static int left_ms(double deadline)
{
	double l = (deadline - now()) * 1000;

	return l > 0 ? (int)l : 0;
}

/* Wait for events on fd until deadline; 0, or -1 with errno ETIMEDOUT. */
static int wait_fd(int fd, short events, double deadline)
{
	struct pollfd p = { .fd = fd, .events = events };
	int n;

	do
		n = poll(&p, 1, left_ms(deadline));
	while (n < 0 && errno == EINTR);
	if (n == 0)
		errno = ETIMEDOUT;
	return n > 0 ? 0 : -1;
}

static const char *addr_str(const struct sockaddr_in *a, char *buf,
			    size_t size)
{
	char ip[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &a->sin_addr, ip, sizeof(ip));
	snprintf(buf, size, "%s:%u", ip, ntohs(a->sin_port));
	return buf;
}

/* Join namespace full (NULL: stay).  0 or -1 (reported). */
static int join(const char *full)
{
	int back;

	if (!full)
		return 0;
	if (nv_ns_enter(full, &back) < 0)
		return -1;
	close(back);
	return 0;
}

/* The receiver, in a child: listen, tell the parent, count, report. */
static int receive(const struct xfer *x, int ready, double deadline)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	struct xfer_result res = { 0 };
	socklen_t len = sizeof(res.peer);
	static char buf[CHUNK];
	int one = 1, ls, s;
	double start;
	ssize_t n;

	if (join(x->to) < 0)
		return -1;
	ls = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (ls < 0)
		return rep_fail("socket(AF_INET, SOCK_STREAM)");
	setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	sa.sin_port = htons(x->port);
	if (bind(ls, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return rep_fail("bind(0.0.0.0:%u)", x->port);
	if (listen(ls, 1) < 0)
		return rep_fail("listen(0.0.0.0:%u)", x->port);
	/* Only now may the sender connect. */
	if (write(ready, "r", 1) != 1)
		return rep_fail("write(ready pipe)");
	if (wait_fd(ls, POLLIN, deadline) < 0)
		return rep_fail("accept(0.0.0.0:%u): nothing connected within "
				"%d s", x->port, x->timeout);
	s = accept(ls, (struct sockaddr *)&res.peer, &len);
	if (s < 0)
		return rep_fail("accept(0.0.0.0:%u)", x->port);
	start = now();
	len = sizeof(res.local);
	getsockname(s, (struct sockaddr *)&res.local, &len);
	for (;;) {
		if (wait_fd(s, POLLIN, deadline) < 0)
			return rep_fail("recv(): %llu of %llu bytes within "
					"%d s", (unsigned long long)res.bytes,
					(unsigned long long)x->bytes,
					x->timeout);
		n = recv(s, buf, sizeof(buf), 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return rep_fail("recv()");
		if (n == 0)
			break;
		res.bytes += (uint64_t)n;
	}
	res.seconds = now() - start;
	/* Closing tells the sender everything arrived. */
	close(s);
	if (write(ready, &res, sizeof(res)) != (ssize_t)sizeof(res))
		return rep_fail("write(result pipe)");
	return 0;
}

/* Where to connect: --connect, or TO's eth0, or FROM's gateway. */
static int target(const struct xfer *x, struct sockaddr_in *sa)
{
	uint32_t a;
	int back, ret, prefix;

	if (x->has_connect) {
		*sa = x->connect_to;
		return 0;
	}
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_port = htons(x->port);
	if (nv_ns_enter(x->to ? x->to : x->from, &back) < 0)
		return -1;
	if (x->to)
		ret = nv_ifaddr4(NV_PEER_NAME, &a, &prefix);
	else
		ret = nv_gateway4(&a);
	nv_ns_return(back);
	if (ret <= 0) {
		if (!ret)
			rep_error("%s has no %s", x->to ? x->to : x->from,
				  x->to ? "IPv4 address on " NV_PEER_NAME :
				  "default route to reach this namespace by");
		return -1;
	}
	sa->sin_addr.s_addr = htonl(a);
	return 0;
}

/* The sender: connect, send x->bytes, wait for the receiver to close. */
static int send_all(const struct xfer *x, const struct sockaddr_in *sa,
		    double deadline)
{
	static char buf[CHUNK];
	uint64_t sent = 0;
	char as[32];
	socklen_t len = sizeof(int);
	int s, err = 0, back = -1;
	ssize_t n;

	addr_str(sa, as, sizeof(as));
	if (x->from && nv_ns_enter(x->from, &back) < 0)
		return -1;
	s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (back >= 0)
		nv_ns_return(back);
	if (s < 0)
		return rep_fail("socket(AF_INET, SOCK_STREAM)");
	if (connect(s, (const struct sockaddr *)sa, sizeof(*sa)) < 0 &&
	    errno != EINPROGRESS)
		goto out_connect;
	if (wait_fd(s, POLLOUT, deadline) < 0)
		goto out_connect;
	getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &len);
	if (err) {
		errno = err;
		goto out_connect;
	}
	memset(buf, 'x', sizeof(buf));
	while (sent < x->bytes) {
		size_t chunk = x->bytes - sent < CHUNK ? x->bytes - sent :
							 CHUNK;

		if (wait_fd(s, POLLOUT, deadline) < 0)
			goto out_send;
		n = send(s, buf, chunk, MSG_NOSIGNAL);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n < 0)
			goto out_send;
		sent += (uint64_t)n;
	}
	shutdown(s, SHUT_WR);
	/* The receiver closes once it has read everything. */
	while (wait_fd(s, POLLIN, deadline) == 0 && recv(s, buf, 1, 0) > 0)
		;
	close(s);
	return 0;
out_connect:
	rep_fail("connect(%s)", as);
	close(s);
	return -1;
out_send:
	rep_fail("send(%s): %llu of %llu bytes", as,
		 (unsigned long long)sent, (unsigned long long)x->bytes);
	close(s);
	return -1;
}

int xfer_run(const struct xfer *x, struct xfer_result *res)
{
	double deadline = now() + x->timeout;
	struct sockaddr_in sa;
	int p[2], status;
	pid_t pid;
	char c;

	if (target(x, &sa) < 0)
		return -1;
	if (pipe2(p, O_CLOEXEC) < 0)
		return rep_fail("pipe2()");
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		rep_fail("fork()");
		goto out_close;
	}
	if (pid == 0) {
		close(p[0]);
		/* A second longer: a failed connect is the sender's to tell. */
		_exit(receive(x, p[1], deadline + 1) < 0 ? 1 : 0);
	}
	close(p[1]);
	p[1] = -1;
	if (read(p[0], &c, 1) != 1) {
		rep_error("the receiver in %s did not start", x->to ? x->to :
			  "this namespace");
		goto out_reap;
	}
	if (send_all(x, &sa, deadline) < 0)
		goto out_reap;
	if (read(p[0], res, sizeof(*res)) != (ssize_t)sizeof(*res))
		goto out_reap;
	close(p[0]);
	waitpid(pid, &status, 0);
	return 0;
out_reap:
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
out_close:
	close(p[0]);
	if (p[1] >= 0)
		close(p[1]);
	return -1;
}

void xfer_print(FILE *f, const struct xfer_result *r)
{
	char from[32], to[32];
	double mbit = r->seconds > 0 ? (double)r->bytes * 8 / r->seconds / 1e6
				     : 0;

	fprintf(f, "%llu bytes from %s to %s in %.3f s: %.2f Mbit/s\n",
		(unsigned long long)r->bytes, addr_str(&r->peer, from,
		sizeof(from)), addr_str(&r->local, to, sizeof(to)),
		r->seconds, mbit);
}
