/*
 * check_tty.c - pty pairs, the controlling terminal, fd passing, raw mode
 * and the relay, on real ptys from /dev/ptmx.  A forked child plays the
 * container's command, pipes play the host's keyboard and screen.  No
 * root needed.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "report.h"
#include "suites.h"
#include "tty.h"

static int m = -1, s = -1;

static void setup(void)
{
	ck_assert_int_eq(tty_open_pair("/dev/ptmx", &m, &s), 0);
}

static void teardown(void)
{
	close(m);
	close(s);
}

/* Wait for pid; its exit status, or 128 + signal. */
static int wait_code(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) :
				   128 + WTERMSIG(status);
}

/* Everything readable from fd until end of file, NUL-terminated. */
static size_t slurp(int fd, char *buf, size_t size)
{
	size_t len = 0;
	ssize_t n;

	while (len < size - 1) {
		n = read(fd, buf + len, size - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	return len;
}

/* Expected failures: their report goes nowhere; NULL to undo. */
static FILE *quiet;

static void quiet_reports(int on)
{
	if (on) {
		quiet = fopen("/dev/null", "w");
		rep_set_stream(quiet);
	} else {
		rep_set_stream(NULL);
		fclose(quiet);
	}
}

/* In a forked child: s as the controlling terminal, no other fd. */
static void become_command(int slave)
{
	if (tty_become_controlling(slave) < 0)
		_exit(90);
	syscall(SYS_close_range, 3U, ~0U, 0);
}

START_TEST(test_tty_open_pair_ptmx)
{
	char buf[16] = "";
	const char *name = ptsname(m);

	ck_assert_ptr_nonnull(name);
	ck_assert_str_eq(ttyname(s), name);
	ck_assert(fcntl(m, F_GETFD) & FD_CLOEXEC);
	ck_assert(fcntl(s, F_GETFD) & FD_CLOEXEC);
	/* Written to the slave, read from the master: ONLCR at work. */
	ck_assert_int_eq(write(s, "x\n", 2), 2);
	ck_assert_int_eq(read(m, buf, sizeof(buf) - 1), 3);
	ck_assert_str_eq(buf, "x\r\n");
}
END_TEST

START_TEST(test_tty_open_pair_relative_path)
{
	int cwd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int m2 = -1, s2 = -1;

	ck_assert_int_ge(cwd, 0);
	ck_assert_int_eq(chdir("/"), 0);
	ck_assert_int_eq(tty_open_pair("dev/ptmx", &m2, &s2), 0);
	ck_assert(isatty(s2));
	ck_assert_str_eq(ttyname(s2), ptsname(m2));
	ck_assert_int_eq(fchdir(cwd), 0);
	close(m2);
	close(s2);
	close(cwd);
}
END_TEST

START_TEST(test_tty_open_pair_missing_ptmx_reported)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&buf, &len);
	int m2 = -1, s2 = -1;

	rep_set_stream(mem);
	ck_assert_int_eq(tty_open_pair("/nonexistent/ptmx", &m2, &s2), -1);
	ck_assert_int_eq(errno, ENOENT);
	rep_set_stream(NULL);
	fclose(mem);
	ck_assert_ptr_nonnull(strstr(buf, "open(\"/nonexistent/ptmx\", "));
	/* Reported once: one line. */
	ck_assert_ptr_eq(strchr(buf, '\n'), buf + len - 1);
	ck_assert_int_eq(m2, -1);
	free(buf);
}
END_TEST

START_TEST(test_tty_become_controlling_new_session)
{
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		if (tty_become_controlling(s) < 0)
			_exit(1);
		if (getsid(0) != getpid())
			_exit(2);
		/* The terminal's session and foreground group are ours. */
		if (tcgetsid(0) != getpid() || tcgetpgrp(0) != getpid())
			_exit(3);
		if (!isatty(0) || !isatty(1) || !isatty(2))
			_exit(4);
		if (strcmp(ttyname(0), ptsname(m)) != 0)
			_exit(5);
		/* The original is closed, 0-2 survive execve. */
		if (fcntl(s, F_GETFD) != -1 || errno != EBADF)
			_exit(6);
		if (fcntl(0, F_GETFD) || fcntl(1, F_GETFD) || fcntl(2, F_GETFD))
			_exit(7);
		_exit(0);
	}
	ck_assert_int_eq(wait_code(pid), 0);
}
END_TEST

START_TEST(test_tty_become_controlling_slave_is_stdout)
{
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		/* The slave already at 1, close-on-exec: kept, flag off. */
		if (dup3(s, 1, O_CLOEXEC) < 0)
			_exit(1);
		close(s);
		if (tty_become_controlling(1) < 0)
			_exit(2);
		if (fcntl(1, F_GETFD) != 0 || !isatty(0) || !isatty(2))
			_exit(3);
		_exit(tcgetsid(1) == getpid() ? 0 : 4);
	}
	ck_assert_int_eq(wait_code(pid), 0);
}
END_TEST

START_TEST(test_tty_become_controlling_group_leader_fails)
{
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		/* Control: a session leader cannot setsid() again. */
		quiet_reports(1);
		setsid();
		if (tty_become_controlling(s) != -1)
			_exit(1);
		_exit(errno == EPERM ? 0 : 2);
	}
	ck_assert_int_eq(wait_code(pid), 0);
}
END_TEST

START_TEST(test_tty_send_fd_and_use_it)
{
	int sv[2], p[2], fd;
	char buf[8];

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0,
				    sv), 0);
	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	ck_assert_int_eq(tty_send_fd(sv[0], p[1]), 0);
	/* The only writer left is the one that crossed the socket. */
	close(p[1]);
	fd = tty_recv_fd(sv[1]);
	ck_assert_int_ge(fd, 0);
	ck_assert(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	ck_assert_int_eq(write(fd, "ok", 2), 2);
	close(fd);
	ck_assert_uint_eq(slurp(p[0], buf, sizeof(buf)), 2);
	ck_assert_str_eq(buf, "ok");
	close(p[0]);
	close(sv[0]);
	close(sv[1]);
}
END_TEST

START_TEST(test_tty_send_fd_master_across_fork)
{
	int sv[2], fd;
	char buf[16] = "";
	pid_t pid;

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0,
				    sv), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int cm, cs;

		/* As init does: a new pair, the master sent away. */
		if (tty_open_pair("/dev/ptmx", &cm, &cs) < 0 ||
		    tty_send_fd(sv[1], cm) < 0)
			_exit(1);
		close(cm);
		_exit(write(cs, "from child\n", 11) == 11 ? 0 : 2);
	}
	close(sv[1]);
	fd = tty_recv_fd(sv[0]);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(wait_code(pid), 0);
	ck_assert_int_eq(read(fd, buf, sizeof(buf) - 1), 12);
	ck_assert_str_eq(buf, "from child\r\n");
	/* The child is gone with the last slave fd: EIO. */
	ck_assert_int_eq(read(fd, buf, sizeof(buf)), -1);
	ck_assert_int_eq(errno, EIO);
	close(fd);
	close(sv[0]);
}
END_TEST

START_TEST(test_tty_recv_fd_without_fd_fails)
{
	int sv[2];

	quiet_reports(1);
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	ck_assert_int_eq(write(sv[0], "x", 1), 1);
	ck_assert_int_eq(tty_recv_fd(sv[1]), -1);
	ck_assert_int_eq(errno, EBADMSG);
	/* The sender closed without sending. */
	close(sv[0]);
	ck_assert_int_eq(tty_recv_fd(sv[1]), -1);
	ck_assert_int_eq(errno, ECONNRESET);
	quiet_reports(0);
	close(sv[1]);
}
END_TEST

START_TEST(test_tty_copy_winsize_to_master)
{
	struct winsize ws = { .ws_row = 33, .ws_col = 101 }, got = { 0 };
	int m2, s2;

	ck_assert_int_eq(tty_open_pair("/dev/ptmx", &m2, &s2), 0);
	ck_assert_int_eq(ioctl(s2, TIOCSWINSZ, &ws), 0);
	ck_assert_int_eq(tty_copy_winsize(s2, m), 0);
	/* Set on the master, read on the slave: the same terminal. */
	ck_assert_int_eq(ioctl(s, TIOCGWINSZ, &got), 0);
	ck_assert_uint_eq(got.ws_row, 33);
	ck_assert_uint_eq(got.ws_col, 101);
	close(m2);
	close(s2);
}
END_TEST

START_TEST(test_tty_copy_winsize_not_a_tty)
{
	int p[2];

	quiet_reports(1);
	ck_assert_int_eq(pipe(p), 0);
	ck_assert_int_eq(tty_copy_winsize(p[0], m), -1);
	ck_assert_int_eq(errno, ENOTTY);
	quiet_reports(0);
	close(p[0]);
	close(p[1]);
}
END_TEST

START_TEST(test_tty_raw_restore_round_trip)
{
	struct termios before, raw, after;
	struct tty_saved saved;

	ck_assert_int_eq(tcgetattr(s, &before), 0);
	ck_assert(before.c_lflag & ICANON);
	ck_assert_int_eq(tty_raw(s, &saved), 0);
	ck_assert_int_eq(saved.saved, 1);
	ck_assert_int_eq(tcgetattr(s, &raw), 0);
	ck_assert(!(raw.c_lflag & (ICANON | ECHO | ISIG)));
	ck_assert(!(raw.c_oflag & OPOST));
	tty_restore(&saved);
	ck_assert_int_eq(saved.saved, 0);
	ck_assert_int_eq(tcgetattr(s, &after), 0);
	ck_assert_uint_eq(after.c_iflag, before.c_iflag);
	ck_assert_uint_eq(after.c_oflag, before.c_oflag);
	ck_assert_uint_eq(after.c_cflag, before.c_cflag);
	ck_assert_uint_eq(after.c_lflag, before.c_lflag);
	ck_assert_mem_eq(after.c_cc, before.c_cc, sizeof(before.c_cc));
	/* A second restore does nothing. */
	tty_restore(&saved);
	tty_restore(NULL);
}
END_TEST

START_TEST(test_tty_raw_not_a_tty_saves_nothing)
{
	struct tty_saved saved;
	int p[2];

	ck_assert_int_eq(pipe(p), 0);
	ck_assert_int_eq(tty_raw(p[0], &saved), 0);
	ck_assert_int_eq(saved.saved, 0);
	tty_restore(&saved);
	close(p[0]);
	close(p[1]);
}
END_TEST

START_TEST(test_tty_raw_restored_at_exit)
{
	struct termios t;
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct tty_saved saved;

		if (tty_raw(s, &saved) < 0)
			_exit(1);
		exit(0);	/* no tty_restore: atexit does it */
	}
	ck_assert_int_eq(wait_code(pid), 0);
	ck_assert_int_eq(tcgetattr(s, &t), 0);
	ck_assert(t.c_lflag & ICANON);
	ck_assert(t.c_oflag & OPOST);
}
END_TEST

/*
 * The host's terminal and its user, as pipes: the user reads the screen
 * until it shows "hello", types "abc" and Enter, and reads on until the
 * screen closes; the transcript goes back on res.
 */
START_TEST(test_tty_relay_hello_uppercase)
{
	int kbd[2], scr[2], res[2];
	char buf[256];
	pid_t cmd, user;

	ck_assert_int_eq(pipe(kbd), 0);
	ck_assert_int_eq(pipe(scr), 0);
	ck_assert_int_eq(pipe(res), 0);
	cmd = fork();
	ck_assert_int_ge(cmd, 0);
	if (cmd == 0) {
		ssize_t n, i;

		close(m);
		become_command(s);
		if (write(1, "hello\n", 6) != 6)
			_exit(1);
		/* Canonical mode: one read, one line. */
		n = read(0, buf, sizeof(buf));
		if (n <= 0)
			_exit(2);
		for (i = 0; i < n; i++)
			buf[i] = (char)toupper((unsigned char)buf[i]);
		_exit(write(1, buf, (size_t)n) == n ? 0 : 3);
	}
	close(s);
	user = fork();
	ck_assert_int_ge(user, 0);
	if (user == 0) {
		size_t len = 0;
		int typed = 0;
		ssize_t n;

		close(scr[1]);
		close(res[0]);
		while (len < sizeof(buf) - 1) {
			n = read(scr[0], buf + len, sizeof(buf) - 1 - len);
			if (n <= 0)
				break;
			len += (size_t)n;
			buf[len] = '\0';
			if (!typed && strstr(buf, "hello\r\n")) {
				if (write(kbd[1], "abc\n", 4) != 4)
					_exit(1);
				typed = 1;
			}
		}
		/* kbd[1] stays open: the relay must end on the master. */
		_exit(write(res[1], buf, len) == (ssize_t)len ? 0 : 2);
	}
	close(scr[0]);
	close(res[1]);
	ck_assert_int_eq(tty_relay(m, kbd[0], scr[1], NULL), 0);
	close(scr[1]);
	slurp(res[0], buf, sizeof(buf));
	ck_assert_int_eq(wait_code(cmd), 0);
	ck_assert_int_eq(wait_code(user), 0);
	/* The echo of "abc" comes from the container's line discipline. */
	ck_assert_str_eq(buf, "hello\r\nabc\r\nABC\r\n");
	close(kbd[0]);
	close(kbd[1]);
	close(res[0]);
}
END_TEST

START_TEST(test_tty_relay_eof_sends_veof)
{
	int kbd[2], scr[2];
	char buf[256];
	pid_t cmd;

	ck_assert_int_eq(pipe(kbd), 0);
	ck_assert_int_eq(pipe(scr), 0);
	/* Piped input that ends: `printf 'one\ntwo\n' | run -i -t`. */
	ck_assert_int_eq(write(kbd[1], "one\ntwo\n", 8), 8);
	close(kbd[1]);
	cmd = fork();
	ck_assert_int_ge(cmd, 0);
	if (cmd == 0) {
		int lines = 0;
		ssize_t n;

		close(m);
		become_command(s);
		/* A read of 0 comes only from the ^D at an empty line. */
		while ((n = read(0, buf, sizeof(buf))) > 0)
			lines++;
		n = snprintf(buf, sizeof(buf), "lines=%d\n", lines);
		_exit(write(1, buf, (size_t)n) == n ? 0 : 1);
	}
	close(s);
	ck_assert_int_eq(tty_relay(m, kbd[0], scr[1], NULL), 0);
	close(scr[1]);
	slurp(scr[0], buf, sizeof(buf));
	ck_assert_int_eq(wait_code(cmd), 0);
	ck_assert_str_eq(buf, "one\r\ntwo\r\nlines=2\r\n");
	close(kbd[0]);
	close(scr[0]);
}
END_TEST

START_TEST(test_tty_relay_no_input)
{
	int scr[2];
	char buf[64];
	pid_t cmd;

	ck_assert_int_eq(pipe(scr), 0);
	cmd = fork();
	ck_assert_int_ge(cmd, 0);
	if (cmd == 0) {
		close(m);
		become_command(s);
		_exit(write(1, "out\n", 4) == 4 ? 0 : 1);
	}
	close(s);
	ck_assert_int_eq(tty_relay(m, -1, scr[1], NULL), 0);
	close(scr[1]);
	slurp(scr[0], buf, sizeof(buf));
	ck_assert_int_eq(wait_code(cmd), 0);
	ck_assert_str_eq(buf, "out\r\n");
	close(scr[0]);
}
END_TEST

/*
 * The host's terminal is a pty of its own (hm, hs): the relay reads hs in
 * raw mode.  The command waits until it has the host's first size, tells
 * the resizer, and then waits for the new size, which only SIGWINCH can
 * bring.  The terminal is cooked again after the relay.
 */
START_TEST(test_tty_relay_winsize_follows_sigwinch)
{
	struct winsize first = { .ws_row = 24, .ws_col = 80 };
	struct winsize next = { .ws_row = 50, .ws_col = 132 };
	struct tty_saved saved;
	struct termios t;
	int hm, hs, scr[2], ready[2];
	sigset_t winch;
	char buf[128];
	pid_t cmd, resizer;

	ck_assert_int_eq(tty_open_pair("/dev/ptmx", &hm, &hs), 0);
	ck_assert_int_eq(ioctl(hs, TIOCSWINSZ, &first), 0);
	ck_assert_int_eq(pipe(scr), 0);
	ck_assert_int_eq(pipe(ready), 0);
	sigemptyset(&winch);
	sigaddset(&winch, SIGWINCH);
	sigprocmask(SIG_BLOCK, &winch, NULL);
	cmd = fork();
	ck_assert_int_ge(cmd, 0);
	if (cmd == 0) {
		struct timespec ts = { .tv_sec = 3 };
		struct winsize ws = { 0 };
		int told = 0, n;

		close(m);
		if (tty_become_controlling(s) < 0)
			_exit(90);
		for (;;) {
			ioctl(0, TIOCGWINSZ, &ws);
			if (ws.ws_row == 24 && !told) {
				told = write(ready[1], "r", 1) == 1;
				close(ready[1]);
			}
			if (ws.ws_row == 50)
				break;
			/* SIGWINCH stays blocked: a change is never lost. */
			if (sigtimedwait(&winch, NULL, &ts) < 0)
				break;
		}
		n = snprintf(buf, sizeof(buf), "size %ux%u\n", ws.ws_row,
			     ws.ws_col);
		_exit(write(1, buf, (size_t)n) == n ? 0 : 1);
	}
	close(s);
	close(ready[1]);
	resizer = fork();
	ck_assert_int_ge(resizer, 0);
	if (resizer == 0) {
		/* As a terminal emulator whose window was resized. */
		if (read(ready[0], buf, 1) != 1)
			_exit(1);
		if (ioctl(hm, TIOCSWINSZ, &next) < 0)
			_exit(2);
		_exit(kill(getppid(), SIGWINCH) < 0 ? 3 : 0);
	}
	close(ready[0]);
	ck_assert_int_eq(tty_raw(hs, &saved), 0);
	ck_assert_int_eq(tty_relay(m, hs, scr[1], &saved), 0);
	close(scr[1]);
	slurp(scr[0], buf, sizeof(buf));
	ck_assert_int_eq(wait_code(cmd), 0);
	ck_assert_int_eq(wait_code(resizer), 0);
	ck_assert_str_eq(buf, "size 50x132\r\n");
	/* The relay put the host's terminal back. */
	ck_assert_int_eq(saved.saved, 0);
	ck_assert_int_eq(tcgetattr(hs, &t), 0);
	ck_assert(t.c_lflag & ICANON);
	close(scr[0]);
	close(hm);
	close(hs);
}
END_TEST

static void tick(int sig)
{
	(void)sig;
}

/*
 * 256 KiB through a pipe that holds 64 KiB, read slowly, with a timer
 * interrupting every millisecond: partial writes and EINTR, no byte lost.
 */
START_TEST(test_tty_relay_large_output_complete)
{
	static char block[4096];
	struct sigaction sa = { .sa_handler = tick };	/* no SA_RESTART */
	struct itimerval it = { { 0, 1000 }, { 0, 1000 } };
	int scr[2], res[2];
	size_t total = 0;
	char buf[32];
	pid_t cmd, user;

	ck_assert_int_eq(pipe(scr), 0);
	ck_assert_int_eq(pipe(res), 0);
	cmd = fork();
	ck_assert_int_ge(cmd, 0);
	if (cmd == 0) {
		int i;

		close(m);
		become_command(s);
		memset(block, 'x', sizeof(block));
		for (i = 0; i < 64; i++)
			if (write(1, block, sizeof(block)) != sizeof(block))
				_exit(1);
		_exit(0);
	}
	close(s);
	user = fork();
	ck_assert_int_ge(user, 0);
	if (user == 0) {
		ssize_t n;

		close(scr[1]);
		while ((n = read(scr[0], block, 1000)) > 0) {
			total += (size_t)n;
			usleep(100);
		}
		n = snprintf(buf, sizeof(buf), "%zu", total);
		_exit(write(res[1], buf, (size_t)n) == n ? 0 : 1);
	}
	close(scr[0]);
	close(res[1]);
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	setitimer(ITIMER_REAL, &it, NULL);
	ck_assert_int_eq(tty_relay(m, -1, scr[1], NULL), 0);
	memset(&it, 0, sizeof(it));
	setitimer(ITIMER_REAL, &it, NULL);
	close(scr[1]);
	slurp(res[0], buf, sizeof(buf));
	ck_assert_int_eq(wait_code(cmd), 0);
	ck_assert_int_eq(wait_code(user), 0);
	ck_assert_str_eq(buf, "262144");
	close(res[0]);
}
END_TEST

/* While the command is quiet the relay sleeps in poll(): no CPU. */
START_TEST(test_tty_relay_idle_no_busy_loop)
{
	struct rusage before, after;
	int kbd[2], scr[2];
	long used_us;
	pid_t cmd;

	ck_assert_int_eq(pipe(kbd), 0);
	ck_assert_int_eq(pipe(scr), 0);
	cmd = fork();
	ck_assert_int_ge(cmd, 0);
	if (cmd == 0) {
		close(m);
		become_command(s);
		usleep(500000);
		_exit(0);
	}
	close(s);
	getrusage(RUSAGE_SELF, &before);
	ck_assert_int_eq(tty_relay(m, kbd[0], scr[1], NULL), 0);
	getrusage(RUSAGE_SELF, &after);
	used_us = (after.ru_utime.tv_sec - before.ru_utime.tv_sec +
		   after.ru_stime.tv_sec - before.ru_stime.tv_sec) * 1000000L +
		  after.ru_utime.tv_usec - before.ru_utime.tv_usec +
		  after.ru_stime.tv_usec - before.ru_stime.tv_usec;
	ck_assert_int_eq(wait_code(cmd), 0);
	/* A spinning loop would use about the whole half second. */
	ck_assert_int_lt(used_us, 50000);
	close(kbd[0]);
	close(kbd[1]);
	close(scr[0]);
	close(scr[1]);
}
END_TEST

START_TEST(test_tty_relay_screen_closed_fails_and_restores)
{
	struct tty_saved saved;
	struct termios t;
	int hm, hs, scr[2];
	char *buf = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&buf, &len);
	pid_t cmd;

	ck_assert_int_eq(tty_open_pair("/dev/ptmx", &hm, &hs), 0);
	ck_assert_int_eq(pipe(scr), 0);
	close(scr[0]);		/* nobody reads the screen: EPIPE */
	cmd = fork();
	ck_assert_int_ge(cmd, 0);
	if (cmd == 0) {
		close(m);
		become_command(s);
		_exit(write(1, "x\n", 2) == 2 ? 0 : 1);
	}
	close(s);
	ck_assert_int_eq(tty_raw(hs, &saved), 0);
	rep_set_stream(mem);
	ck_assert_int_eq(tty_relay(m, hs, scr[1], &saved), -1);
	ck_assert_int_eq(errno, EPIPE);
	rep_set_stream(NULL);
	fclose(mem);
	ck_assert_ptr_nonnull(strstr(buf, "write("));
	ck_assert_int_eq(tcgetattr(hs, &t), 0);
	ck_assert(t.c_lflag & ICANON);
	/* The runtime closes the master: the command's terminal hangs up. */
	close(m);
	m = -1;
	wait_code(cmd);
	free(buf);
	close(scr[1]);
	close(hm);
	close(hs);
}
END_TEST

Suite *tty_suite(void)
{
	Suite *s = suite_create("tty");
	TCase *tc = tcase_create("core");
	TCase *relay = tcase_create("relay");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_tty_open_pair_ptmx);
	tcase_add_test(tc, test_tty_open_pair_relative_path);
	tcase_add_test(tc, test_tty_open_pair_missing_ptmx_reported);
	tcase_add_test(tc, test_tty_become_controlling_new_session);
	tcase_add_test(tc, test_tty_become_controlling_slave_is_stdout);
	tcase_add_test(tc, test_tty_become_controlling_group_leader_fails);
	tcase_add_test(tc, test_tty_send_fd_and_use_it);
	tcase_add_test(tc, test_tty_send_fd_master_across_fork);
	tcase_add_test(tc, test_tty_recv_fd_without_fd_fails);
	tcase_add_test(tc, test_tty_copy_winsize_to_master);
	tcase_add_test(tc, test_tty_copy_winsize_not_a_tty);
	tcase_add_test(tc, test_tty_raw_restore_round_trip);
	tcase_add_test(tc, test_tty_raw_not_a_tty_saves_nothing);
	tcase_add_test(tc, test_tty_raw_restored_at_exit);
	suite_add_tcase(s, tc);
	tcase_add_checked_fixture(relay, setup, teardown);
	tcase_add_test(relay, test_tty_relay_hello_uppercase);
	tcase_add_test(relay, test_tty_relay_eof_sends_veof);
	tcase_add_test(relay, test_tty_relay_no_input);
	tcase_add_test(relay, test_tty_relay_winsize_follows_sigwinch);
	tcase_add_test(relay, test_tty_relay_large_output_complete);
	tcase_add_test(relay, test_tty_relay_idle_no_busy_loop);
	tcase_add_test(relay, test_tty_relay_screen_closed_fails_and_restores);
	suite_add_tcase(s, relay);
	return s;
}
