/*
 * fuzz_parsers.c - the small parsers of the command lines and of
 * config.json's values, each handed the same input: sizes and CPU
 * lists (cgroup-limit/limit.c), CIDR subnets and addresses
 * (netns-veth/netns.c), ID maps (ns-unshare/idmap.c), signals and
 * capabilities (minicontainer/oci-config.c) and time offsets
 * (timens/timens.c).  What one accepts is formatted back and parsed
 * again, and must come back the same.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <sys/types.h>

#include "fuzz.h"
#include "idmap.h"
#include "limit.h"
#include "netns.h"
#include "oci-config.h"
#include "timens.h"

static void sizes(const char *s)
{
	char buf[64];
	uint64_t b, again, cpus;
	unsigned w;

	if (cg_parse_size(s, 1, &b) == 0 && b != CG_MAX) {
		/* Bytes as plain digits parse to the same bytes. */
		snprintf(buf, sizeof(buf), "%" PRIu64, b);
		FUZZ_CHECK(cg_parse_size(buf, 0, &again) == 0 && again == b,
			   "'%s' -> %" PRIu64 ", '%s' -> %" PRIu64, s, b, buf,
			   again);
		/* Whole KiB: the same with a unit. */
		if (b && b % 1024 == 0) {
			snprintf(buf, sizeof(buf), "%" PRIu64 "K", b / 1024);
			FUZZ_CHECK(cg_parse_size(buf, 0, &again) == 0 &&
				   again == b, "'%s' -> %" PRIu64 ", '%s'", s,
				   b, buf);
		}
		cg_fmt_size(b, buf, sizeof(buf));
		FUZZ_CHECK(strlen(buf) < sizeof(buf) - 1, "'%s'", buf);
	}
	FUZZ_CHECK(cg_parse_size(s, 0, &b) < 0 || strcmp(s, "max"),
		   "'max' accepted without allow_max");
	if (cg_parse_cpus(s, 4, 100000, &cpus) == 0)
		FUZZ_CHECK(cpus >= 1000 && cpus <= 400000,
			   "'%s' -> quota %" PRIu64 " of 4 CPUs", s, cpus);
	if (cg_parse_weight(s, &w) == 0)
		FUZZ_CHECK(w >= 1 && w <= 10000, "'%s' -> weight %u", s, w);
	if (cg_parse_pids(s, &b) == 0)
		FUZZ_CHECK(b == CG_MAX || (b >= 1 && b <= 4194304),
			   "'%s' -> pids %" PRIu64, s, b);
	/* "MAJ:MIN:RATE" only: a "/dev/..." device would be stat(2)ed. */
	if (*s != '/') {
		dev_t dev;

		if (cg_parse_io(s, 0, &dev, &b) == 0)
			FUZZ_CHECK(b > 0, "'%s' -> rate 0", s);
		if (cg_parse_io(s, 1, &dev, &b) == 0)
			FUZZ_CHECK(b > 0, "'%s' -> iops 0", s);
	}
}

/* Every number of an accepted CPU list is below the count given. */
static void cpulist(const char *s)
{
	const char *p;

	if (cg_parse_cpulist(s, 8) < 0)
		return;
	for (p = s; *p;) {
		char *end;
		unsigned long long n;

		errno = 0;
		n = strtoull(p, &end, 10);
		FUZZ_CHECK(end != p && !errno && n < 8,
			   "'%s' accepted for 8 CPUs", s);
		p = *end ? end + 1 : end;
	}
}

/* A group name never leaves the toolkit's subtree. */
static void names(const char *s)
{
	FUZZ_CHECK(cg_check_name(s) < 0 || (strcmp(s, "..") &&
		   strcmp(s, ".") && *s && !strchr(s, '/')),
		   "group name '%s'", s);
}

static void subnets(const char *s)
{
	struct nv_subnet sn, sn2;
	char why[256], buf[64];
	uint32_t a;

	if (nv_parse_subnet(s, &sn, why, sizeof(why)) == 0) {
		FUZZ_CHECK(sn.prefix >= NV_RANGE4_LEN && sn.prefix <= 30,
			   "'%s' -> /%d", s, sn.prefix);
		snprintf(buf, sizeof(buf), "%u.%u.%u.%u/%d", sn.net >> 24,
			 (sn.net >> 16) & 255, (sn.net >> 8) & 255,
			 sn.net & 255, sn.prefix);
		FUZZ_CHECK(nv_parse_subnet(buf, &sn2, why, sizeof(why)) == 0 &&
			   sn2.net == sn.net && sn2.prefix == sn.prefix,
			   "'%s' -> '%s'", s, buf);
	}
	/* An address in the default subnet: never its network, broadcast
	 * or host end. */
	sn.net = NV_RANGE4;
	sn.prefix = 24;
	if (nv_parse_member(s, &sn, &a, why, sizeof(why)) == 0)
		FUZZ_CHECK((a & 0xffffff00u) == NV_RANGE4 &&
			   (a & 255) > 1 && (a & 255) < 255, "'%s'", s);
	nv_check_name(s, why, sizeof(why));
}

/* "IN:OUT:COUNT[,IN:OUT:COUNT...]": a map, written as the kernel reads
 * it, parses back line by line to the same ranges. */
static void idmaps(const char *s)
{
	static struct ns_idmap map;
	static char text[NS_MAX_MAP_LINES * 40];
	char *copy = strdup(s), *tok, *save, *line;
	struct ns_idrange r;
	int i;

	if (!copy)
		abort();
	map.n = 0;
	for (tok = strtok_r(copy, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (ns_idrange_parse(tok, &r) < 0)
			continue;
		FUZZ_CHECK(r.count >= 1 &&
			   (uint64_t)r.inner + r.count - 1 <= 4294967294ULL &&
			   (uint64_t)r.outer + r.count - 1 <= 4294967294ULL,
			   "'%s'", tok);
		ns_idmap_add(&map, &r);
	}
	free(copy);
	FUZZ_CHECK(ns_idmap_format(&map, text, sizeof(text)) == 0, "format");
	i = 0;
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save), i++) {
		char *c;

		for (c = line; *c; c++)
			if (*c == ' ')
				*c = ':';
		FUZZ_CHECK(i < map.n && ns_idrange_parse(line, &r) == 0 &&
			   r.inner == map.r[i].inner &&
			   r.outer == map.r[i].outer &&
			   r.count == map.r[i].count, "line %d '%s'", i, line);
	}
	FUZZ_CHECK(i == map.n, "%d lines for %d ranges", i, map.n);
}

static void signals(const char *s)
{
	int sig = oci_parse_signal(s), cap = oci_parse_cap(s);

	FUZZ_CHECK(sig == -1 || (sig >= 1 && sig <= SIGRTMAX),
		   "'%s' -> signal %d", s, sig);
	FUZZ_CHECK(cap >= -1 && cap < 64, "'%s' -> capability %d", s, cap);
}

/* Any offset in nanoseconds: normalized, printed and parsed back. */
static void offset_ns(const uint8_t *data, size_t size)
{
	struct tns_offset o, o2;
	char buf[64];
	int64_t ns;

	if (size < sizeof(ns))
		return;
	memcpy(&ns, data, sizeof(ns));
	tns_offset_from_ns(ns, &o);
	FUZZ_CHECK(o.set && o.nsec >= 0 && o.nsec < 1000000000L &&
		   tns_offset_ns(&o) == ns, "%" PRId64, ns);
	tns_offset_str(&o, buf, sizeof(buf));
	FUZZ_CHECK(tns_parse_offset(buf, &o2) == 0 && o2.sec == o.sec &&
		   o2.nsec == o.nsec, "%" PRId64 " -> '%s'", ns, buf);
}

static void offsets(const char *s)
{
	struct tns_offset o, o2;
	struct tns_offsets all;
	char buf[64];

	if (tns_parse_offset(s, &o) == 0) {
		FUZZ_CHECK(o.set && o.nsec >= 0 && o.nsec < 1000000000L,
			   "'%s' -> nsec %ld", s, o.nsec);
		tns_offset_str(&o, buf, sizeof(buf));
		FUZZ_CHECK(tns_parse_offset(buf, &o2) == 0 && o2.sec == o.sec &&
			   o2.nsec == o.nsec, "'%s' -> '%s'", s, buf);
	}
	memset(&all, 0, sizeof(all));
	if (tns_parse_offsets(s, &all) == 0) {
		FUZZ_CHECK(all.monotonic.set || all.boottime.set, "'%s'", s);
		FUZZ_CHECK(all.monotonic.nsec >= 0 &&
			   all.monotonic.nsec < 1000000000L &&
			   all.boottime.nsec >= 0 &&
			   all.boottime.nsec < 1000000000L, "'%s'", s);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_str(data, size);

	sizes(s);
	cpulist(s);
	names(s);
	subnets(s);
	idmaps(s);
	signals(s);
	offsets(s);
	offset_ns(data, size);
	free(s);
	return 0;
}
