/*
 * report.c - narration, evidence and error lines for every tool.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "report.h"

int rep_level = REP_EVIDENCE;

static const char *prog = "ctk";
static FILE *out;
static FILE *log_file;
static int log_json;

static void emit(const char *level, const char *msg);
static struct rep_steps *steps;
static void (*step_hook)(int n);
static void (*step_observer)(const char *call, long result,
			     const char *effect);

/* Known causes, by call name and errno; the first match wins. */
static const struct {
	const char *call;
	int err;
	const char *hint;
} hints[] = {
	{ "unshare", EPERM,
	  "creating these namespaces needs CAP_SYS_ADMIN: run as root, or "
	  "inside a user namespace of your own" },
	{ "unshare", ENOSPC,
	  "the namespace limit is reached (see /proc/sys/user/max_*_namespaces)" },
	{ "chroot", EPERM, "chroot(2) needs CAP_SYS_CHROOT: run as root" },
	{ "mount", EPERM,
	  "mounting needs CAP_SYS_ADMIN in the user namespace that owns "
	  "this mount namespace: run as root" },
	{ "mount", EINVAL,
	  "a propagation change (MS_PRIVATE, MS_SLAVE) works only on a mount "
	  "point, and the filesystem type must suit the source" },
	{ "pivot_root", EINVAL,
	  "new_root must be a mount point (bind-mount it onto itself), "
	  "the mounts involved must not be shared (make / private first), "
	  "and an initramfs root cannot be pivoted (use switch_root)" },
	{ "pivot_root", EPERM, "pivot_root(2) needs CAP_SYS_ADMIN: run as root" },
	{ "pivot_root", EBUSY,
	  "new_root or put_old is already the root, or put_old is busy" },
	{ "umount2", EINVAL, "the target is not a mount point" },
	{ "umount2", EBUSY,
	  "the mount is still in use; MNT_DETACH detaches it lazily" },
	{ "umount2", EPERM, "unmounting needs CAP_SYS_ADMIN: run as root" },
	{ "sethostname", EPERM,
	  "changing the hostname needs CAP_SYS_ADMIN in the UTS namespace's "
	  "user namespace" },
	{ "rmdir", EBUSY,
	  "a cgroup that still holds processes or child groups cannot be "
	  "removed" },
};

void rep_init(const char *argv0)
{
	const char *slash = argv0 ? strrchr(argv0, '/') : NULL;

	if (argv0)
		prog = slash ? slash + 1 : argv0;
}

const char *rep_prog(void)
{
	return prog;
}

void rep_set_stream(FILE *f)
{
	out = f;
}

static FILE *stream(void)
{
	return out ? out : stderr;
}

const char *rep_hint_for(const char *call, int err)
{
	size_t len = strcspn(call, "(");
	size_t i;

	for (i = 0; i < sizeof(hints) / sizeof(hints[0]); i++)
		if (hints[i].err == err && strlen(hints[i].call) == len &&
		    strncmp(hints[i].call, call, len) == 0)
			return hints[i].hint;
	return NULL;
}

void rep_step(long result, const char *effect, const char *call_fmt, ...)
{
	char line[1024];
	va_list ap;
	FILE *f = stream();
	int len, n = 0;

	if (rep_level < REP_NARRATE && !step_observer)
		return;
	va_start(ap, call_fmt);
	len = vsnprintf(line, sizeof(line), call_fmt, ap);
	va_end(ap);
	if (step_observer)
		step_observer(line, result, effect);
	if (rep_level < REP_NARRATE)
		return;
	if (len >= 0 && (size_t)len < sizeof(line))
		len += snprintf(line + len, sizeof(line) - len, " = %ld%s%s",
				result, effect && *effect ? ": " : "",
				effect ? effect : "");
	if (!steps || log_json) {
		emit("debug", line);
		return;
	}
	/* One line, one write, in number order: see struct rep_steps. */
	while (__atomic_exchange_n(&steps->lock, 1, __ATOMIC_ACQUIRE))
		sched_yield();
	n = ++steps->last;
	fprintf(f, "%s: %2d %s\n", prog, n, line);
	fflush(f);
	__atomic_store_n(&steps->lock, 0, __ATOMIC_RELEASE);
	/* Outside the lock: a hook that stops this process stops no other. */
	if (step_hook)
		step_hook(n);
}

void rep_number_steps(struct rep_steps *s)
{
	steps = s;
}

int rep_steps_taken(void)
{
	return steps ? __atomic_load_n(&steps->last, __ATOMIC_ACQUIRE) : 0;
}

void rep_await_steps(int n)
{
	int i;

	if (!steps || rep_level < REP_NARRATE)
		return;
	for (i = 0; i < 1000 && rep_steps_taken() < n; i++)
		usleep(1000);
}

void rep_step_observer(void (*observer)(const char *call, long result,
					const char *effect))
{
	step_observer = observer;
}

int rep_steps_wanted(void)
{
	return rep_level >= REP_NARRATE || step_observer;
}

void rep_step_hook(void (*hook)(int n))
{
	step_hook = hook;
}

void rep_set_log(FILE *f, int json)
{
	log_file = f;
	log_json = json;
}

/* {"level":"error","msg":"...","time":"2026-11-23T10:00:00Z"} */
static void json_line(FILE *f, const char *level, const char *msg)
{
	char when[32];
	time_t now = time(NULL);
	struct tm tm;

	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ",
		 gmtime_r(&now, &tm));
	fprintf(f, "{\"level\":\"%s\",\"msg\":", level);
	rep_json_str(f, msg);
	fprintf(f, ",\"time\":\"%s\"}\n", when);
	fflush(f);
}

/*
 * One message at a level: "PROG: MESSAGE" on the stream, unless JSON
 * was asked for without a log file (then JSON there); and into the log
 * file, if any, in its format (runc's --log and --log-format).
 */
static void emit(const char *level, const char *msg)
{
	FILE *f = stream();

	if (log_file) {
		if (log_json)
			json_line(log_file, level, msg);
		else
			fprintf(log_file, "%s: %s\n", prog, msg);
		fflush(log_file);
	}
	if (log_json && !log_file)
		json_line(f, level, msg);
	else
		fprintf(f, "%s: %s\n", prog, msg);
}

void rep_log(const char *level, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	if (!log_file)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (log_json)
		json_line(log_file, level, msg);
	else
		fprintf(log_file, "%s: %s\n", prog, msg);
	fflush(log_file);
}

/* "PROG: MESSAGE\n" */
static void vline(const char *level, const char *fmt, va_list ap)
{
	char msg[2048];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	emit(level, msg);
}

void rep_evidence(const char *fmt, ...)
{
	va_list ap;

	if (rep_level < REP_EVIDENCE)
		return;
	va_start(ap, fmt);
	vline("info", fmt, ap);
	va_end(ap);
}

void rep_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vline("error", fmt, ap);
	va_end(ap);
}

static int vfail(const char *hint, const char *call_fmt, va_list ap)
{
	int err = errno;
	char call[512], msg[1024];

	vsnprintf(call, sizeof(call), call_fmt, ap);
	snprintf(msg, sizeof(msg), "%s: %s", call, strerror(err));
	emit("error", msg);
	if (!hint)
		hint = rep_hint_for(call, err);
	if (hint) {
		snprintf(msg, sizeof(msg), "hint: %s", hint);
		emit("info", msg);
	}
	errno = err;
	return -1;
}

int rep_fail(const char *call_fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, call_fmt);
	ret = vfail(NULL, call_fmt, ap);
	va_end(ap);
	return ret;
}

int rep_fail_hint(const char *hint, const char *call_fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, call_fmt);
	ret = vfail(hint, call_fmt, ap);
	va_end(ap);
	return ret;
}

void rep_json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(f, "\\u%04x", *s);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}
