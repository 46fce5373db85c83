/*
 * timens.h - time namespace offsets for CLOCK_MONOTONIC and
 * CLOCK_BOOTTIME (time_namespaces(7)), the clocks as a namespace sees
 * them, and entering the time namespace of a running process.
 */
#ifndef CTK_TIMENS_H
#define CTK_TIMENS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

struct tns_offset {
	int set;		/* 0: leave this clock's offset alone */
	int64_t sec;		/* may be negative */
	long nsec;		/* 0..999999999, added to sec */
};

struct tns_offsets {
	struct tns_offset monotonic;
	struct tns_offset boottime;
};

/* Parse "[-]SECS[.FRACTION]" (down to nanoseconds) into o, normalized so
 * that nsec is in 0..999999999.  0, or -1 with errno EINVAL / ERANGE. */
int tns_parse_offset(const char *s, struct tns_offset *o);

/*
 * Parse the text of /proc/PID/timens_offsets: one "CLOCK SECS NSECS" line
 * per clock, CLOCK being "monotonic" / "boottime" or the clock IDs 1 / 7,
 * padded with spaces as the kernel prints it.  The clocks found are
 * marked set.  0, or -1 with errno EINVAL (empty, unknown clock, bad
 * number, nsec out of 0..999999999).
 */
int tns_parse_offsets(const char *text, struct tns_offsets *o);

/* "[-]S.NNNNNNNNN" for an offset ("-1.500000000" for sec -2, nsec 5e8). */
const char *tns_offset_str(const struct tns_offset *o, char *buf,
			   size_t size);

/* An offset in nanoseconds (offsets the kernel accepted always fit). */
int64_t tns_offset_ns(const struct tns_offset *o);

/* The normalized offset of ns nanoseconds, marked set. */
void tns_offset_from_ns(int64_t ns, struct tns_offset *o);

/* a - b in nanoseconds. */
int64_t tns_ts_diff_ns(const struct timespec *a, const struct timespec *b);

/*
 * The offset a restorer writes so that a restored process reads its
 * clock where it stopped: a checkpoint saved the reading saved, the
 * restorer reads now in a namespace whose offset is cur.  Offsets count
 * from the host's clock, not from the restorer's, hence "+ cur".
 */
int64_t tns_restore_offset_ns(const struct timespec *saved,
			      const struct timespec *now,
			      const struct tns_offset *cur);

/*
 * Write the set offsets to /proc/self/timens_offsets, which is allowed
 * only after unshare(CLONE_NEWTIME) and before any process has entered
 * the new namespace (the first child).  Narrated; 0 or -1 (reported).
 */
int tns_write_offsets(const struct tns_offsets *o);

/* Read /proc/PID/timens_offsets (pid 0: self): the offsets of the
 * process's time_for_children namespace.  0 or -1 (reported). */
int tns_read_offsets(pid_t pid, struct tns_offsets *o);

/* What one process sees of time. */
struct tns_clocks {
	struct timespec monotonic, boottime, realtime;
	double uptime;		/* /proc/uptime, first field; -1 if unread */
};

/* Read the three clocks and /proc/uptime now.  Never fails. */
void tns_read_clocks(struct tns_clocks *c);

/*
 * Open /proc/PID/ns/time: the handle setns(2) takes.  Needs ptrace read
 * access to the process.  A process that is gone, or a zombie, is named
 * in one line.  The fd, or -1 (reported).
 */
int tns_open_ns(pid_t pid);

/*
 * setns(fd, CLONE_NEWTIME): unlike unshare(), this moves the caller at
 * once, its clocks and its time_for_children.  Needs CAP_SYS_ADMIN.
 * Narrated; 0 or -1 (reported).
 */
int tns_setns(int fd, pid_t pid);

#endif
