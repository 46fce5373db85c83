/*
 * cli.h - what every tool's main() shares: usage errors, --version, exit
 * codes, the default root filesystem, finding and running the command.
 */
#ifndef CTK_CLI_H
#define CTK_CLI_H

#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <sys/types.h>

#define CTK_NAME	"ctk"
#ifndef CTK_VERSION
#define CTK_VERSION	"0.1.0"
/*
 * Find the program before anything is changed, as execvp(3) will see it
 * after entering root (NULL: the host's /), along $PATH or
 * CLI_DEFAULT_PATH.  A relative name with a '/' is left to execvp when
 * there is no root (it is relative to the working directory).  0, or after
 * one line ("CMD: command not found") 127 or 126.
 */
int cli_check_program(const char *root, const char *cmd);

#endif

/* Exit codes (STYLE.md): the command's own status passes through. */
#define EXIT_USAGE	2
#define EXIT_CANNOT_EXEC 126
#define EXIT_NOT_FOUND	127

/* Default command when none is given. */
#define CLI_DEFAULT_SHELL "/bin/sh"
/* PATH used to find the command inside a root (and given to it). */
#define CLI_DEFAULT_PATH \
	"/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* "PROG: MESSAGE" and "Try 'PROG --help' ..." on stderr; returns 2. */
int cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The same with another exit code and help option ("run --help"). */
int cli_vusage_error(int code, const char *help, const char *fmt,
		     va_list ap) __attribute__((format(printf, 3, 0)));

/* The command after the options, or { $SHELL or /bin/sh, NULL }. */
char **cli_command_or_shell(int argc, char **argv, int optind);

/* "PROG from ctk VERSION" on stdout. */
void cli_print_version(void);

/* Map a wait(2) status to an exit code: the status, or 128+signal. */
int cli_exit_status(int wstatus);

/* waitpid() for pid, retrying on EINTR; exit code as above, or -1. */
int cli_wait(pid_t pid);

/* cli_fork_wait() result in the child. */
#define CLI_IN_CHILD	(-1)

/*
 * Fork.  The child returns CLI_IN_CHILD (with pdeathsig set to be sent
 * when the parent dies, if nonzero).  The parent ignores the terminal's
 * SIGINT and SIGQUIT (the child gets them), waits, and returns the exit
 * code main() should return: the child's status, or 1 on error.
 */
int cli_fork_wait(int pdeathsig);

/* Number of processes listed in the procfs mounted at dir, or -1. */
int cli_count_pids(const char *dir);

/* The exit code for a failed execve(2) errno: 127 not found, else 126. */
int cli_exec_failure_code(int err);

/*
 * The default root filesystem: $CTK_ROOTFS, else ../rootfs beside the
 * binary (build tree), else ../share/ctk/rootfs (installed).  0 or -1.
 */
int cli_default_rootfs(char *buf, size_t size);

/* cli_common_option() result: the option was handled, parsing goes on. */
#define CLI_CONTINUE	(-1)

/*
 * Handle the options every tool shares: -q, -v, -h (calls usage), -V, and
 * getopt's errors ('?', ':').  Returns CLI_CONTINUE, or the exit code
 * main() should return now.
 */
int cli_common_option(int c, void (*usage)(void));

/* What "[NEWROOT [COMMAND [ARG]...]]" resolves to before any change. */
struct cli_target {
	char root[PATH_MAX];	/* absolute, symlinks resolved */
	char exe[PATH_MAX];		/* the command's path as seen where it runs */
	char **argv;		/* the command and its arguments */
};

/*
 * Take NEWROOT (default: the default rootfs) and COMMAND (default: the
 * shell) from argv[optind...], check the root is a directory and find the
 * command inside it (or on the host if on_host).  Returns 0, or the exit
 * code after one reported line: 1 bad root, 126/127 bad command.
 */
int cli_parse_target(int argc, char **argv, int optind, int on_host,
		     struct cli_target *t);

/*
 * Check that root exists and is a directory; report one line and return
 * -1 if not.
 */
int cli_check_root_dir(const char *root);

/* openat2(2): path at dirfd opened with flags, resolved as resolve
 * (RESOLVE_IN_ROOT, ...) says, retried while a concurrent mount or
 * rename makes it EAGAIN.  The fd, or -1 with errno (ENOSYS on a kernel
 * or libc without it: no fallback, the caller decides). */
int cli_openat2(int dirfd, const char *path, int flags,
		unsigned long long resolve);

/*
 * Find cmd as the process will see it after entering root: a name without
 * '/' is searched along CLI_DEFAULT_PATH.  Symlinks are resolved inside
 * root (openat2 RESOLVE_IN_ROOT), never on the host.  On success writes
 * the in-root path to out and returns 0; -1 with errno ENOENT (not found)
 * or EACCES (not an executable regular file) otherwise.
 */
int cli_resolve_in_root(const char *root, const char *cmd, char *out,
			size_t size);

/* As cli_resolve_in_root(), searching the colon-separated list path. */
int cli_resolve_in_root_path(const char *root, const char *cmd,
			     const char *path, char *out, size_t size);

/*
 * Find the program before anything is changed, as execvp(3) will see it
 * after entering root (NULL: the host's /), along $PATH or
 * CLI_DEFAULT_PATH.  A relative name with a '/' is left to execvp when
 * there is no root (it is relative to the working directory).  0, or after
 * one line ("CMD: command not found") 127 or 126.
 */
int cli_check_program(const char *root, const char *cmd);

#endif
