/*
 * tty.c - the container's terminal (`run -t`, with -i its input).  A pty
 * is a pair of character devices joined by a line discipline: what is
 * written to the master is the keyboard of the slave, what is written to
 * the slave comes out of the master.  The slave is the command's
 * controlling terminal (echo, line editing, ^C as SIGINT all happen there,
 * inside the container); the master is a plain fd the runtime copies to
 * and from the host's terminal.  As runc does, the pair is made inside the
 * container, from the container's own devpts, and the master travels to
 * the runtime over a unix socket.
 * Man pages: pty(7), pts(4), termios(3), tty_ioctl(4), credentials(7)
 * "Sessions", unix(7) SCM_RIGHTS, cmsg(3), signalfd(2), poll(2).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include "report.h"
#include "tty.h"

#ifndef TIOCGPTPEER
#define TIOCGPTPEER	_IO('T', 0x41)
#endif

/* The slave's path beside ptmx_path: "dev/ptmx" -> "dev/pts/N",
 * "/dev/pts/ptmx" -> "/dev/pts/N". */
static void slave_path(const char *ptmx_path, int n, char *buf, size_t size)
{
	const char *slash = strrchr(ptmx_path, '/');
	int dirlen = slash ? (int)(slash - ptmx_path) : 0;

	if (dirlen >= 3 && strncmp(slash - 3, "pts", 3) == 0)
		snprintf(buf, size, "%.*s/%d", dirlen, ptmx_path, n);
	else if (slash)
		snprintf(buf, size, "%.*s/pts/%d", dirlen, ptmx_path, n);
	else
		snprintf(buf, size, "pts/%d", n);
}

int tty_open_pair(const char *ptmx_path, int *master, int *slave)
{
	char path[PATH_MAX];
	int m, s, n, unlock = 0;

	/*
	 * Each open of ptmx makes a new pair in the devpts instance the
	 * ptmx belongs to.  It must be the container's own instance
	 * (newinstance, rootfs_mount_dev): a slave from the host's devpts
	 * would be the host's /dev/pts/N, invisible in the container (its
	 * /dev/pts/N is another terminal or none, so tty(1) and ttyname(3)
	 * lie) and reachable only by showing the container every terminal
	 * of the host.  O_NOCTTY: opening it must not make it anybody's
	 * controlling terminal by accident.
	 */
	m = open(ptmx_path, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (m < 0)
		return rep_fail("open(\"%s\", O_RDWR | O_NOCTTY | O_CLOEXEC)",
				ptmx_path);
	/* A new slave is locked until the master's owner unlocks it
	 * (unlockpt(3)); grantpt(3) has nothing to do on devpts, which
	 * gives the slave to the opener with the mount's mode. */
	if (ioctl(m, TIOCSPTLCK, &unlock) < 0) {
		rep_fail("ioctl(%d, TIOCSPTLCK, 0)", m);
		goto out_close_master;
	}
	if (ioctl(m, TIOCGPTN, &n) < 0) {
		rep_fail("ioctl(%d, TIOCGPTN)", m);
		goto out_close_master;
	}
	rep_step(m, NULL, "open(\"%s\", O_RDWR | O_NOCTTY | O_CLOEXEC); "
		 "unlockpt(); the slave is pts/%d", ptmx_path, n);
	/*
	 * TIOCGPTPEER (Linux 4.13) opens the slave through the master
	 * itself: no path is looked up, so a /dev/pts that the image made
	 * a symlink, or another devpts mounted over it, cannot hand us a
	 * different terminal.  Older kernels: by path, beside ptmx_path.
	 */
	s = ioctl(m, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (s >= 0) {
		rep_step(s, "the slave, opened through its master",
			 "ioctl(%d, TIOCGPTPEER, O_RDWR | O_NOCTTY | "
			 "O_CLOEXEC)", m);
	} else if (errno == EINVAL || errno == ENOTTY) {
		slave_path(ptmx_path, n, path, sizeof(path));
		s = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC);
		if (s < 0) {
			rep_fail("open(\"%s\", O_RDWR | O_NOCTTY | O_CLOEXEC)",
				 path);
			goto out_close_master;
		}
		rep_step(s, "the slave, by path", "open(\"%s\", O_RDWR | "
			 "O_NOCTTY | O_CLOEXEC)", path);
	} else {
		rep_fail("ioctl(%d, TIOCGPTPEER)", m);
		goto out_close_master;
	}
	*master = m;
	*slave = s;
	return 0;

out_close_master:
	n = errno;
	close(m);
	errno = n;
	return -1;
}

int tty_become_controlling(int slave)
{
	pid_t sid;
	int fd;

	/*
	 * A terminal controls one session, and only a session leader may
	 * acquire one; TIOCSCTTY from a process in the runtime's session
	 * would fail (it has the host's terminal already) or steal it.
	 * setsid(2) makes a new session with no terminal, led by us.
	 */
	sid = setsid();
	if (sid < 0)
		return rep_fail_hint(errno == EPERM ? "a process group leader "
				     "cannot start a session: fork first" :
				     NULL, "setsid()");
	rep_step(sid, "a new session and process group, no terminal yet",
		 "setsid()");
	/*
	 * Now the slave becomes the session's controlling terminal and
	 * our group its foreground group: ^C typed on the host reaches the
	 * slave as a byte and its line discipline sends SIGINT here, and
	 * when this leader exits the terminal's other users get SIGHUP.
	 */
	if (ioctl(slave, TIOCSCTTY, 0) < 0)
		return rep_fail("ioctl(%d, TIOCSCTTY, 0)", slave);
	rep_step(0, "the pty slave is this session's controlling terminal",
		 "ioctl(%d, TIOCSCTTY, 0)", slave);
	for (fd = 0; fd <= 2; fd++) {
		/* dup2() onto itself would keep close-on-exec. */
		if (fd == slave) {
			if (fcntl(fd, F_SETFD, 0) < 0)
				return rep_fail("fcntl(%d, F_SETFD, 0)", fd);
		} else if (dup2(slave, fd) < 0) {
			return rep_fail("dup2(%d, %d)", slave, fd);
		}
	}
	rep_step(0, "stdin, stdout and stderr are the terminal",
		 "dup2(%d, 0); dup2(%d, 1); dup2(%d, 2)", slave, slave, slave);
	if (slave > 2)
		close(slave);
	return 0;
}

int tty_send_fd(int sock, int fd)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	char byte = 'F';
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = u.buf,
			      .msg_controllen = sizeof(u.buf) };
	struct cmsghdr *c;
	ssize_t n;

	/*
	 * SCM_RIGHTS: the kernel installs a new descriptor for the same
	 * open file in the receiver, as dup(2) across processes would.
	 * A stream socket carries control data only with real data: one
	 * byte.
	 */
	memset(u.buf, 0, sizeof(u.buf));
	c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	do
		n = sendmsg(sock, &msg, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return rep_fail("sendmsg(%d, SCM_RIGHTS { %d })", sock, fd);
	rep_step(n, "the fd travels to the other end of the socket",
		 "sendmsg(%d, SCM_RIGHTS { %d })", sock, fd);
	return 0;
}

int tty_recv_fd(int sock)
{
	union {
		char buf[CMSG_SPACE(4 * sizeof(int))];
		struct cmsghdr align;
	} u;
	char byte;
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = u.buf,
			      .msg_controllen = sizeof(u.buf) };
	struct cmsghdr *c;
	int fd = -1, extra, i, nfds;
	ssize_t n;

	do
		n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return rep_fail("recvmsg(%d, SCM_RIGHTS)", sock);
	for (c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		nfds = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
		for (i = 0; i < nfds; i++) {
			memcpy(&extra, CMSG_DATA(c) + i * sizeof(int),
			       sizeof(int));
			/* One was expected: close the others. */
			if (fd < 0)
				fd = extra;
			else
				close(extra);
		}
	}
	if (fd < 0) {
		errno = n == 0 ? ECONNRESET : EBADMSG;
		return rep_fail_hint(n == 0 ? "the sender closed the socket "
				     "before sending a file descriptor" :
				     "a message without SCM_RIGHTS",
				     "recvmsg(%d, SCM_RIGHTS)", sock);
	}
	rep_step(fd, "a new fd for the sender's open file",
		 "recvmsg(%d, SCM_RIGHTS)", sock);
	return fd;
}

/* The settings exit(3) puts back: a copy, the caller's may be gone. */
static struct tty_saved exit_saved;

static void restore_at_exit(void)
{
	tty_restore(&exit_saved);
}

int tty_raw(int fd, struct tty_saved *saved)
{
	static int registered;
	struct termios raw;

	saved->fd = fd;
	saved->saved = 0;
	if (!isatty(fd))
		return 0;
	if (tcgetattr(fd, &saved->t) < 0)
		return rep_fail("tcgetattr(%d)", fd);
	/*
	 * The container's pty has a line discipline of its own: it echoes,
	 * edits lines, turns ^C into SIGINT and \n into \r\n.  The host's
	 * terminal must do none of that, or keys would echo twice, ^C
	 * would kill the runtime instead of the container's foreground
	 * job, and lines would reach the container only at Enter.
	 * cfmakeraw(3): no echo, no canonical mode, no signals, no output
	 * processing, 8-bit bytes, read returns after one byte.
	 */
	raw = saved->t;
	cfmakeraw(&raw);
	if (tcsetattr(fd, TCSANOW, &raw) < 0)
		return rep_fail("tcsetattr(%d, TCSANOW, cfmakeraw())", fd);
	saved->saved = 1;
	rep_step(0, "the host's terminal passes every key on as it is",
		 "tcsetattr(%d, TCSANOW, cfmakeraw())", fd);
	exit_saved = *saved;
	if (!registered && atexit(restore_at_exit) == 0)
		registered = 1;
	return 0;
}

void tty_restore(struct tty_saved *saved)
{
	if (!saved || !saved->saved)
		return;
	/* TCSANOW: never wait for output a stopped terminal won't take. */
	if (tcsetattr(saved->fd, TCSANOW, &saved->t) == 0)
		rep_step(0, "the host's terminal settings are back",
			 "tcsetattr(%d, TCSANOW, saved)", saved->fd);
	saved->saved = 0;
	if (saved != &exit_saved && exit_saved.fd == saved->fd)
		exit_saved.saved = 0;
}

/* Window size from -> to; narrated or not (not while relaying). */
static int copy_winsize(int from, int to, int narrate)
{
	struct winsize ws;

	if (ioctl(from, TIOCGWINSZ, &ws) < 0)
		return narrate ? rep_fail("ioctl(%d, TIOCGWINSZ)", from) : -1;
	/*
	 * Set on the master, the size is the slave's: the kernel sends
	 * SIGWINCH to the slave's foreground process group when it
	 * changes, and a full-screen program redraws.
	 */
	if (ioctl(to, TIOCSWINSZ, &ws) < 0)
		return narrate ? rep_fail("ioctl(%d, TIOCSWINSZ, { %u, %u })",
					  to, ws.ws_row, ws.ws_col) : -1;
	if (narrate)
		rep_step(0, "the container's terminal has the host's size",
			 "ioctl(%d, TIOCSWINSZ, { .ws_row = %u, .ws_col = %u "
			 "})", to, ws.ws_row, ws.ws_col);
	return 0;
}

int tty_copy_winsize(int from, int to)
{
	return copy_winsize(from, to, 1);
}

/* Bytes read from one side and not yet written to the other. */
struct relay_buf {
	char b[8192];
	size_t off, len;
};

/* Write what b holds; a partial write keeps the rest.  0 or -1. */
static int relay_flush(int fd, struct relay_buf *b)
{
	ssize_t n = write(fd, b->b + b->off, b->len - b->off);

	if (n < 0)
		return errno == EINTR || errno == EAGAIN ? 0 : -1;
	b->off += (size_t)n;
	if (b->off == b->len)
		b->off = b->len = 0;
	return 0;
}

/* Fill an empty b from fd: bytes read, 0 at end of file, -1. */
static ssize_t relay_fill(int fd, struct relay_buf *b)
{
	ssize_t n = read(fd, b->b, sizeof(b->b));

	if (n > 0) {
		b->off = 0;
		b->len = (size_t)n;
	}
	return n;
}

/* Send the slave's end-of-file character: 1 sent, 0 try later, -1. */
static int send_veof(int master)
{
	struct termios t;
	ssize_t n;

	/* termios asked of a master are its slave's (tty_ioctl(4)). */
	if (tcgetattr(master, &t) < 0 || t.c_cc[VEOF] == _POSIX_VDISABLE)
		return 1;
	n = write(master, &t.c_cc[VEOF], 1);
	if (n < 0)
		return errno == EINTR || errno == EAGAIN ? 0 : -1;
	return 1;
}

enum { P_SIG, P_IN, P_MASTER, P_OUT, P_N };

int tty_relay(int master, int in_fd, int out_fd, struct tty_saved *saved)
{
	struct relay_buf in2m, m2o;
	struct sigaction ign = { .sa_handler = SIG_IGN }, oldpipe;
	struct signalfd_siginfo si;
	struct pollfd p[P_N];
	sigset_t winch, oldmask;
	int flags, sfd = -1, ws_from = -1, in_open = in_fd >= 0;
	int veof = 0, hup = 0, err = 0;
	char call[64] = "";
	ssize_t n;

	in2m.off = in2m.len = m2o.off = m2o.len = 0;
	/* A reader of out_fd gone must be an error here, not our death
	 * with the host's terminal left raw. */
	sigemptyset(&ign.sa_mask);
	sigaction(SIGPIPE, &ign, &oldpipe);
	sigemptyset(&winch);
	sigaddset(&winch, SIGWINCH);
	sigprocmask(SIG_BLOCK, &winch, &oldmask);
	if (in_fd >= 0 && isatty(in_fd))
		ws_from = in_fd;
	else if (isatty(out_fd))
		ws_from = out_fd;
	if (ws_from >= 0) {
		/*
		 * SIGWINCH (the host's terminal was resized) read from an fd:
		 * blocked, it is queued for the signalfd, and poll() wakes
		 * for it beside the data, with no handler racing the loop.
		 */
		sfd = signalfd(-1, &winch, SFD_NONBLOCK | SFD_CLOEXEC);
		if (sfd < 0) {
			err = errno;
			snprintf(call, sizeof(call),
				 "signalfd(-1, { SIGWINCH })");
			goto out_unblock;
		}
		/* Not narrated: the terminal may be raw already. */
		copy_winsize(ws_from, master, 0);
	}
	/*
	 * The master non-blocking: a container that reads no input must
	 * not stop the output.  in_fd and out_fd stay as they are: their
	 * open file is shared with the shell that started us.
	 */
	flags = fcntl(master, F_GETFL);
	if (flags < 0 || fcntl(master, F_SETFL, flags | O_NONBLOCK) < 0) {
		err = errno;
		snprintf(call, sizeof(call), "fcntl(%d, F_SETFL, O_NONBLOCK)",
			 master);
		goto out_close_signalfd;
	}
	for (;;) {
		p[P_SIG].fd = sfd;
		p[P_SIG].events = POLLIN;
		/* Read a side only when what it gave before is written. */
		p[P_IN].fd = in_open && !in2m.len && !veof ? in_fd : -1;
		p[P_IN].events = POLLIN;
		p[P_MASTER].events = m2o.len ? 0 : POLLIN;
		if (!hup && (in2m.len || veof))
			p[P_MASTER].events |= POLLOUT;
		p[P_MASTER].fd = p[P_MASTER].events ? master : -1;
		p[P_OUT].fd = m2o.len ? out_fd : -1;
		p[P_OUT].events = POLLOUT;
		if (poll(p, P_N, -1) < 0) {
			if (errno == EINTR)
				continue;
			err = errno;
			snprintf(call, sizeof(call), "poll()");
			goto out_restore_flags;
		}
		if (p[P_SIG].revents & POLLIN) {
			while (read(sfd, &si, sizeof(si)) == sizeof(si))
				;
			copy_winsize(ws_from, master, 0);
		}
		if (p[P_IN].revents) {
			n = relay_fill(in_fd, &in2m);
			/* EIO: the host's terminal hung up; as end of file. */
			if (n == 0 || (n < 0 && errno == EIO)) {
				in_open = 0;
				veof = !hup;
			} else if (n < 0 && errno != EINTR && errno != EAGAIN) {
				err = errno;
				snprintf(call, sizeof(call), "read(%d)", in_fd);
				goto out_restore_flags;
			}
		}
		if (p[P_MASTER].revents & POLLOUT) {
			if (in2m.len && relay_flush(master, &in2m) < 0)
				hup = 1;
			/* At the end of the input, ^D once, as docker -i. */
			if (!in2m.len && veof && send_veof(master))
				veof = 0;
		}
		/*
		 * POLLHUP on the master: the last slave fd is closed.  Input
		 * has nowhere to go; output may still be queued, so the
		 * master is read until it says EIO.
		 */
		if (p[P_MASTER].revents & (POLLHUP | POLLERR))
			hup = 1;
		if (hup) {
			in2m.off = in2m.len = 0;
			veof = 0;
		}
		if ((p[P_MASTER].events & POLLIN) && p[P_MASTER].revents &
		    (POLLIN | POLLHUP | POLLERR)) {
			n = relay_fill(master, &m2o);
			/*
			 * EIO on a master is its end of file: no process holds
			 * the slave any more, the container's side is gone.
			 */
			if (n == 0 || (n < 0 && errno == EIO))
				break;
			if (n < 0 && errno == EAGAIN &&
			    p[P_MASTER].revents & POLLHUP)
				break;
			if (n < 0 && errno != EINTR && errno != EAGAIN) {
				err = errno;
				snprintf(call, sizeof(call), "read(%d)",
					 master);
				goto out_restore_flags;
			}
		}
		if (p[P_OUT].revents && relay_flush(out_fd, &m2o) < 0) {
			err = errno;
			snprintf(call, sizeof(call), "write(%d)", out_fd);
			goto out_restore_flags;
		}
	}

out_restore_flags:
	fcntl(master, F_SETFL, flags);
out_close_signalfd:
	if (sfd >= 0)
		close(sfd);
out_unblock:
	sigprocmask(SIG_SETMASK, &oldmask, NULL);
	sigaction(SIGPIPE, &oldpipe, NULL);
	/* The terminal first, so the error line below reads normally. */
	tty_restore(saved);
	if (!call[0])
		return 0;
	errno = err;
	return rep_fail("%s", call);
}
