/*
 * tty.h - the container's terminal for `run -t` (and its input for -i):
 * a pty pair made from the container's own devpts, the slave as the
 * command's controlling terminal, the master passed to the runtime over
 * a unix socket, and the runtime relaying it to the host's terminal.
 */
#ifndef CTK_TTY_H
#define CTK_TTY_H

#include <termios.h>

/*
 * Open a new pty pair from the ptmx at ptmx_path ("/dev/ptmx" after the
 * root switch, "dev/ptmx" before it): the container's devpts must already
 * be mounted.  Both fds are close-on-exec; the slave is opened without
 * becoming anyone's controlling terminal.  0, or -1 (reported).
 */
int tty_open_pair(const char *ptmx_path, int *master, int *slave);

/*
 * Make slave the controlling terminal of a new session led by this
 * process, and its stdin, stdout and stderr; slave itself is closed if it
 * is above 2.  The caller must not be a process group leader (a forked
 * child is not).  0, or -1 (reported).
 */
int tty_become_controlling(int slave);

/* Pass fd over the unix socket sock (SCM_RIGHTS).  0, or -1 (reported). */
int tty_send_fd(int sock, int fd);
/* Receive one fd sent with tty_send_fd() (close-on-exec), or -1. */
int tty_recv_fd(int sock);

/* The host terminal's settings before raw mode; saved is 0 if none. */
struct tty_saved {
	int fd;
	int saved;
	struct termios t;
};

/*
 * If fd is a terminal, save its settings in *saved and make it raw
 * (cfmakeraw).  Not a terminal: nothing changes, saved->saved = 0.  The
 * last saved settings are also put back at exit(3).  0, or -1 (reported).
 */
int tty_raw(int fd, struct tty_saved *saved);
/* Put the saved settings back, once; nothing if none were saved. */
void tty_restore(struct tty_saved *saved);

/* Copy the window size of terminal from to terminal to.  0 or -1. */
int tty_copy_winsize(int from, int to);

/*
 * Copy in_fd to master and master to out_fd until the container side is
 * gone (every slave fd closed: EIO on the master).  in_fd < 0: no input.
 * At end of file on in_fd the slave's VEOF character (^D) is sent once.
 * The window size of in_fd (of out_fd when in_fd is not a terminal) is
 * copied to master at the start and on every SIGWINCH, which is blocked
 * and read from a signalfd while the relay runs; SIGPIPE is ignored
 * meanwhile.  *saved (may be NULL) is restored before returning.
 * 0, or -1 (reported).
 */
int tty_relay(int master, int in_fd, int out_fd, struct tty_saved *saved);

#endif
