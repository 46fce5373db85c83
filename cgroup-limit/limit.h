/*
^ * limit.h - the limits a user asks for, parsed from friendly units into
 * the values the kernel's files take.  Pure: no file is touched here.
 */
#ifndef CTK_LIMIT_H
#define CTK_LIMIT_H

#include <stdint.h>
#include <sys/types.h>

#define CG_MAX UINT64_MAX	/* "max": no limit */

/* "64M", "1.5G", "4096", "512k", "max" (if allow_max) -> bytes.
 * Units are powers of 1024 (K M G T).  0, or -1 with errno EINVAL/ERANGE. */
int cg_parse_size(const char *s, int allow_max, uint64_t *bytes);

/* "0.5" CPUs -> quota for the period (cpu.max "QUOTA PERIOD").  Rejects
 * 0 and more than ncpu CPUs.  0 or -1 (EINVAL, ERANGE). */
int cg_parse_cpus(const char *s, long ncpu, uint64_t period_us,
		  uint64_t *quota_us);

/* cpu.weight 1..10000.  0 or -1. */
int cg_parse_weight(const char *s, unsigned *weight);

/* pids.max: 1.. or "max". */
int cg_parse_pids(const char *s, uint64_t *pids);

/* "DEV:RATE": DEV a block device path or MAJ:MIN, RATE a size per
 * second ("1M") or a count ("100").  Sets dev (makedev) and rate.
 * 0 or -1 with errno EINVAL, ENOENT (no such device), ENOTBLK. */
int cg_parse_io(const char *s, int iops, dev_t *dev, uint64_t *rate);

/* A CPU or memory-node list as cpuset takes it: "0-1,3".  Checks every
 * number is below max (count).  0 or -1. */
int cg_parse_cpulist(const char *s, long max);

/* A group name: 1..64 of [A-Za-z0-9._-], not "." or "..", so it can
 * never leave the toolkit's subtree.  0 or -1 (EINVAL). */
int cg_check_name(const char *s);

/* bytes as "64.0M", for reports. */
const char *cg_fmt_size(uint64_t bytes, char *buf, size_t size);

#endif
