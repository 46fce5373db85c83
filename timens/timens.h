/*
 * timens.h - time namespace offsets for CLOCK_MONOTONIC and
 * CLOCK_BOOTTIME (time_namespaces(7)).
 */
#ifndef CTK_TIMENS_H
#define CTK_TIMENS_H

#include <stdint.h>

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
 * Write the set offsets to /proc/self/timens_offsets, which is allowed
 * only after unshare(CLONE_NEWTIME) and before any process has entered
 * the new namespace (the first child).  Narrated; 0 or -1 (reported).
 */
int tns_write_offsets(const struct tns_offsets *o);

#endif
