/*
 * console-recv.c - the other end of an OCI --console-socket, as conmon
 * and containerd's shim are: listen on PATH, receive the pty master a
 * runtime sends with SCM_RIGHTS, type INPUT into it, and print what the
 * terminal shows until it closes (or TIMEOUT seconds pass).
 *
 * usage: console-recv PATH INPUT [TIMEOUT]
 * Prints "master: /dev/pts/N" (ttyname(3) of the received fd, as the
 * container's devpts numbers it) first, then the output.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int recv_fd(int sock)
{
	char byte, cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { &byte, 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = cbuf,
			      .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *c;
	int fd;

	if (recvmsg(sock, &msg, 0) <= 0)
		return -1;
	c = CMSG_FIRSTHDR(&msg);
	if (!c || c->cmsg_type != SCM_RIGHTS)
		return -1;
	memcpy(&fd, CMSG_DATA(c), sizeof(fd));
	return fd;
}

int main(int argc, char **argv)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int lsock, conn, master, timeout;
	char buf[4096];
	ssize_t n;

	if (argc < 3) {
		fprintf(stderr, "usage: console-recv PATH INPUT [TIMEOUT]\n");
		return 2;
	}
	timeout = argc > 3 ? atoi(argv[3]) : 10;
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", argv[1]);
	lsock = socket(AF_UNIX, SOCK_STREAM, 0);
	unlink(argv[1]);
	if (lsock < 0 || bind(lsock, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    listen(lsock, 1) < 0) {
		perror("console-recv: listen");
		return 1;
	}
	/* Ready: the caller may start the runtime now. */
	printf("listening\n");
	fflush(stdout);
	conn = accept(lsock, NULL, NULL);
	master = conn < 0 ? -1 : recv_fd(conn);
	if (master < 0) {
		fprintf(stderr, "console-recv: no fd received\n");
		return 1;
	}
	printf("master: %s\n", ptsname(master) ? ptsname(master) : "?");
	fflush(stdout);
	if (write(master, argv[2], strlen(argv[2])) < 0)
		return 1;
	for (;;) {
		struct pollfd p = { master, POLLIN, 0 };

		if (poll(&p, 1, timeout * 1000) <= 0)
			break;
		n = read(master, buf, sizeof(buf));
		if (n <= 0)
			break;	/* EIO: the slave side is closed */
		fwrite(buf, 1, (size_t)n, stdout);
		fflush(stdout);
	}
	return 0;
}
