/*
 * trace.c - minicontainer --trace FILE: the start's steps in the Chrome
 * trace-event format.  See trace.h; the format is Google's "Trace Event
 * Format" document (JSON array form: "[" then events; a reader accepts
 * the array unclosed, so a crashed start still leaves a usable trace).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "report.h"
#include "trace.h"

static int fd = -1;
static long long t0, last;
static pid_t owner, named;
static dev_t dev;
static ino_t ino;
static int before_exec;		/* the runtime, until its re-execution */

/* The command's process rearranges its fds before execve (its pipes to
 * fd 3, the rest closed): write only while fd is still the trace. */
static int still_ours(void)
{
	struct stat st;

	return fd >= 0 && fstat(fd, &st) == 0 && st.st_dev == dev &&
	       st.st_ino == ino;
}

/* Keep fd out of the low numbers a process hands to its children, and
 * remember which file it is. */
static void settle(int cloexec)
{
	struct stat st;
	int high = fcntl(fd, cloexec ? F_DUPFD_CLOEXEC : F_DUPFD, 512);

	if (high >= 0) {
		close(fd);
		fd = high;
	}
	if (fstat(fd, &st) == 0) {
		dev = st.st_dev;
		ino = st.st_ino;
	}
}

static long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

/* s as the inside of a JSON string, cut to fit. */
static void escape(char *out, size_t size, const char *s)
{
	size_t n = 0;

	for (; *s && n + 7 < size; s++) {
		if (*s == '"' || *s == '\\') {
			out[n++] = '\\';
			out[n++] = *s;
		} else if ((unsigned char)*s < 0x20) {
			n += (size_t)snprintf(out + n, size - n, "\\u%04x", *s);
		} else {
			out[n++] = *s;
		}
	}
	out[n] = '\0';
}

static void put(const char *buf, int len)
{
	if (len > 0 && still_ours() && write(fd, buf, (size_t)len) != len) {
		/* A trace cut short is no reason to stop a container. */
	}
}

/* The process's name in the viewer, once per process: the runtime, or
 * the container's init (PID 1 in its namespace). */
static void name_process(pid_t pid)
{
	char buf[160];

	named = pid;
	put(buf, snprintf(buf, sizeof(buf),
			  "{\"name\": \"process_name\", \"ph\": \"M\", "
			  "\"pid\": %d, \"args\": {\"name\": \"%s\"}},\n", pid,
			  pid == 1 ? "init (PID 1 in the container)" :
			  pid == owner ? "minicontainer (runtime)" :
			  "minicontainer (monitor or helper)"));
}

static void on_step(const char *call, long result, const char *effect)
{
	char ecall[1024], eeff[256], name[72], buf[1600];
	long long now = now_us();
	pid_t pid = getpid();
	size_t n = strcspn(call, "(");

	if (pid != named)
		name_process(pid);
	snprintf(name, sizeof(name), "%.*s", (int)(n < 64 ? n : 64), call);
	escape(ecall, sizeof(ecall), call);
	escape(eeff, sizeof(eeff), effect ? effect : "");
	put(buf, snprintf(buf, sizeof(buf),
			  "{\"name\": \"%s\", \"cat\": \"step\", \"ph\": \"X\", "
			  "\"ts\": %lld, \"dur\": %lld, \"pid\": %d, \"tid\": "
			  "%d, \"args\": {\"call\": \"%s\", \"result\": %ld, "
			  "\"effect\": \"%s\"}},\n", name, last - t0,
			  now - last, pid, pid, ecall, result, eeff));
	last = now;
	if (before_exec) {
		snprintf(buf, sizeof(buf), "%lld", last);
		setenv("MC_TRACE_LAST", buf, 1);
	}
}

void trace_event(const char *name)
{
	if (fd >= 0)
		on_step(name, 0, NULL);
}

int trace_open(const char *path)
{
	const char *inherited = getenv("MC_TRACE_FD");
	char buf[32];

	owner = getpid();
	last = now_us();
	if (inherited) {
		/* Back from the sealed copy's execve: the same file, the
		 * same clock; the exec shows as the gap before the next. */
		fd = atoi(inherited);
		t0 = atoll(getenv("MC_TRACE_T0") ? getenv("MC_TRACE_T0") : "0");
		if (getenv("MC_TRACE_LAST"))
			last = atoll(getenv("MC_TRACE_LAST"));
		named = owner;
		unsetenv("MC_TRACE_FD");
		unsetenv("MC_TRACE_T0");
		unsetenv("MC_TRACE_LAST");
		settle(1);
		rep_step_observer(on_step);
		on_step("execve: the runtime again, from its sealed copy", 0,
			NULL);
		return 0;
	}
	/* Not close-on-exec: it survives the runtime's re-execution from
	 * its sealed copy (step 1), which finds it by MC_TRACE_FD. */
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644);
	if (fd < 0)
		return rep_fail("open(\"%s\")", path);
	settle(0);
	before_exec = 1;
	t0 = last;
	snprintf(buf, sizeof(buf), "%d", fd);
	setenv("MC_TRACE_FD", buf, 1);
	snprintf(buf, sizeof(buf), "%lld", t0);
	setenv("MC_TRACE_T0", buf, 1);
	put("[\n", 2);
	rep_step_observer(on_step);
	return 0;
}

void trace_close(const char *name)
{
	char buf[256], ename[128];

	if (fd < 0)
		return;
	escape(ename, sizeof(ename), name);
	put(buf, snprintf(buf, sizeof(buf),
			  "{\"name\": \"%s\", \"cat\": \"run\", \"ph\": \"X\", "
			  "\"ts\": 0, \"dur\": %lld, \"pid\": %d, \"tid\": %d}\n"
			  "]\n", ename, now_us() - t0, getpid(), getpid()));
	close(fd);
	fd = -1;
	rep_step_observer(NULL);
}
