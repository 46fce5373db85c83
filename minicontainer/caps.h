/*
 * caps.h - Linux capabilities of a container: names, docker's
 * --cap-add/--cap-drop arithmetic, and the bounding, effective,
 * permitted, inheritable and ambient sets of the process.
 * See capabilities(7), cap_from_name(3), cap_set_proc(3), prctl(2).
 */
#ifndef CTK_CAPS_H
#define CTK_CAPS_H

#include <stddef.h>
#include <stdint.h>

/* Capability n is bit n of a uint64_t set. */
#define CAPS_BIT(n)	(1ULL << (n))

/*
 * "NET_ADMIN", "cap_net_admin", "CAP_NET_ADMIN" -> 0 and *cap.  -1 with
 * errno EINVAL for a name that libcap or this kernel does not know.
 */
int caps_parse(const char *name, int *cap);

/* podman's default set: CHOWN DAC_OVERRIDE FOWNER FSETID KILL
 * NET_BIND_SERVICE SETFCAP SETGID SETPCAP SETUID SYS_CHROOT. */
uint64_t caps_default(void);

/* Every capability this kernel knows (cap_max_bits()). */
uint64_t caps_all(void);

/*
 * docker's --cap-add/--cap-drop applied to *set.  "ALL" (any case) is
 * allowed in both: with ALL in drop, start from the empty set and add;
 * else with ALL in add, start from every capability and remove the drops;
 * else add, then remove the drops (a name in both ends up dropped).
 * 0, or -1 with errno EINVAL, why = "unknown capability 'FOO'" and *set
 * untouched.
 */
int caps_modify(uint64_t *set, char *const *add, int nadd,
		char *const *drop, int ndrop, char *why, size_t size);

/* "CHOWN DAC_OVERRIDE ...": upper case without CAP_, in number order;
 * "none" when empty.  Returns buf. */
const char *caps_str(uint64_t set, char *buf, size_t size);

/*
 * Drop from the bounding set every capability not in keep
 * (prctl(PR_CAPBSET_DROP)).  Needs CAP_SETPCAP in the effective set, so
 * call it before caps_set() reduces the process's own sets.  Narrated.
 * 0 or -1 (reported, errno kept).
 */
int caps_drop_bounding(uint64_t keep);

/* Effective = permitted = inheritable = set (cap_set_proc), then clear
 * the ambient set (cap_reset_ambient).  Narrated.  0 or -1 (reported). */
int caps_set(uint64_t set);

#endif
