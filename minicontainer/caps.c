/*
 * caps.c - the capabilities a container keeps.
 *
 * Demonstrates: prctl(PR_CAPBSET_DROP), cap_set_proc(3) (capset(2)),
 * cap_reset_ambient(3) (prctl(PR_CAP_AMBIENT_CLEAR_ALL)).
 * See capabilities(7), prctl(2), cap_from_name(3), cap_set_proc(3).
 *
 * Root's power is split into about forty capabilities.  A container runs
 * as uid 0 but keeps only a dozen of them (podman's default set), so it
 * can chown its files and bind port 80 but not load a module, mount a
 * filesystem or reconfigure the host's network.  Five sets decide what a
 * thread may do: the bounding set limits what any execve() can ever grant
 * again, permitted is what it may use, effective is what it uses now,
 * inheritable and ambient carry capabilities across execve().
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/capability.h>
#include <sys/prctl.h>

#include "caps.h"
#include "report.h"

/* Longest capability name, "cap_" included, plus room to spare. */
#define CAPS_NAME_MAX	64

int caps_parse(const char *name, int *cap)
{
	char full[CAPS_NAME_MAX];
	cap_value_t v;
	const char *p;

	/* Letters and '_' only: cap_from_name() would also take "12". */
	for (p = name; *p; p++)
		if (!isalpha((unsigned char)*p) && *p != '_')
			goto unknown;
	if (!*name || strlen(name) + 5 > sizeof(full))
		goto unknown;
	snprintf(full, sizeof(full), "%s%s",
		 strncasecmp(name, "cap_", 4) ? "cap_" : "", name);
	if (cap_from_name(full, &v) < 0 || v < 0 || v >= 64 ||
	    v >= (int)cap_max_bits())
		goto unknown;
	*cap = v;
	return 0;
unknown:
	errno = EINVAL;
	return -1;
}

uint64_t caps_default(void)
{
	static const int def[] = {
		CAP_CHOWN, CAP_DAC_OVERRIDE, CAP_FOWNER, CAP_FSETID, CAP_KILL,
		CAP_NET_BIND_SERVICE, CAP_SETFCAP, CAP_SETGID, CAP_SETPCAP,
		CAP_SETUID, CAP_SYS_CHROOT,
	};
	uint64_t set = 0;
	size_t i;

	for (i = 0; i < sizeof(def) / sizeof(def[0]); i++)
		set |= CAPS_BIT(def[i]);
	return set;
}

uint64_t caps_all(void)
{
	unsigned n = cap_max_bits(), c;
	uint64_t all = n >= 64 ? ~0ULL : CAPS_BIT(n) - 1;

	/* Every capability the runtime itself may still hold: one dropped
	 * from its bounding set (a root without CAP_SYS_RESOURCE, in some
	 * sandboxes) cannot be given, and asking fails cap_set_proc. */
	for (c = 0; c < n && c < 64; c++)
		if (cap_get_bound(c) != 1)
			all &= ~CAPS_BIT(c);
	return all;
}

/* Parse names[0..n) into *set; *all tells whether "ALL" was among them. */
static int parse_list(char *const *names, int n, uint64_t *set, int *all,
		      char *why, size_t size)
{
	int i, cap;

	*set = 0;
	*all = 0;
	for (i = 0; i < n; i++) {
		if (!strcasecmp(names[i], "ALL")) {
			*all = 1;
			continue;
		}
		if (caps_parse(names[i], &cap) < 0) {
			snprintf(why, size, "unknown capability '%s'",
				 names[i]);
			return -1;
		}
		*set |= CAPS_BIT(cap);
	}
	return 0;
}

int caps_modify(uint64_t *set, char *const *add, int nadd,
		char *const *drop, int ndrop, char *why, size_t size)
{
	uint64_t a, d, s;
	int add_all, drop_all;

	if (parse_list(add, nadd, &a, &add_all, why, size) < 0 ||
	    parse_list(drop, ndrop, &d, &drop_all, why, size) < 0)
		return -1;
	if (drop_all)
		s = add_all ? caps_all() : a;
	else if (add_all)
		s = caps_all() & ~d;
	else
		s = (*set | a) & ~d;
	*set = s;
	return 0;
}

const char *caps_str(uint64_t set, char *buf, size_t size)
{
	size_t len = 0;
	int n;

	if (size)
		buf[0] = '\0';
	for (n = 0; n < 64; n++) {
		char *name, *p;

		if (!(set & CAPS_BIT(n)))
			continue;
		/* cap_to_name() gives "cap_chown", or "41" if unknown. */
		name = cap_to_name(n);
		if (!name)
			continue;
		p = strncmp(name, "cap_", 4) ? name : name + 4;
		for (char *c = p; *c; c++)
			*c = toupper((unsigned char)*c);
		if (len < size)
			len += snprintf(buf + len, size - len, "%s%s",
					len ? " " : "", p);
		cap_free(name);
	}
	if (!set)
		snprintf(buf, size, "none");
	return buf;
}

int caps_drop_bounding(uint64_t keep)
{
	char names[1024], effect[1100];
	int n, max = cap_max_bits(), dropped = 0;

	for (n = 0; n < max && n < 64; n++) {
		if (keep & CAPS_BIT(n))
			continue;
		/* Already gone (a parent dropped it): nothing to do. */
		if (prctl(PR_CAPBSET_READ, n, 0, 0, 0) == 0)
			continue;
		/*
		 * The bounding set caps what execve() can put in the
		 * permitted set, even for a set-user-ID-root program or a
		 * file with capabilities.  A capability dropped from it
		 * never comes back to this process or its descendants;
		 * dropping needs CAP_SETPCAP (capabilities(7)).
		 */
		if (prctl(PR_CAPBSET_DROP, n, 0, 0, 0) < 0) {
			char *name = cap_to_name(n);
			int err = errno;

			rep_fail_hint(err == EPERM ? "dropping from the "
				      "bounding set needs CAP_SETPCAP: drop "
				      "before reducing the effective set" :
				      NULL, "prctl(PR_CAPBSET_DROP, %s)",
				      name ? name : "?");
			cap_free(name);
			errno = err;
			return -1;
		}
		dropped++;
	}
	snprintf(effect, sizeof(effect), "the bounding set is %s",
		 caps_str(keep & caps_all(), names, sizeof(names)));
	rep_step(0, effect, "prctl(PR_CAPBSET_DROP, ...) x%d", dropped);
	return 0;
}

int caps_set(uint64_t set)
{
	static const cap_flag_t flags[] = { CAP_EFFECTIVE, CAP_PERMITTED,
					    CAP_INHERITABLE };
	char names[1024], effect[1100];
	cap_value_t list[64];
	int n, nlist = 0, err;
	size_t i;
	cap_t caps;

	for (n = 0; n < 64; n++)
		if (set & CAPS_BIT(n))
			list[nlist++] = n;
	caps = cap_init();
	if (!caps)
		return rep_fail("cap_init()");
	for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
		if (nlist && cap_set_flag(caps, flags[i], nlist, list,
					  CAP_SET) < 0) {
			rep_fail("cap_set_flag(caps, %d, %d, list, CAP_SET)",
				 flags[i], nlist);
			goto out_free;
		}
	caps_str(set, names, sizeof(names));
	/*
	 * capset(2) replaces the thread's effective, permitted and
	 * inheritable sets at once.  Permitted can only shrink: whatever
	 * leaves it now is gone for good (until an execve() of a program
	 * with file capabilities, which the bounding set already limits).
	 */
	if (cap_set_proc(caps) < 0) {
		err = errno;
		rep_fail_hint(err == EPERM ? "a capability outside the "
			      "permitted set cannot be added" : NULL,
			      "cap_set_proc(\"%s\")", names);
		errno = err;
		goto out_free;
	}
	snprintf(effect, sizeof(effect), "effective = permitted = "
		 "inheritable = %s", names);
	rep_step(0, effect, "cap_set_proc(caps)");
	cap_free(caps);

	/*
	 * Ambient capabilities survive execve() of an ordinary program
	 * (capabilities(7), "Ambient capability set"); a runtime that
	 * inherited some must not pass them into the container unasked.
	 */
	if (cap_reset_ambient() < 0)
		return rep_fail("cap_reset_ambient()");
	rep_step(0, "the ambient set is empty", "cap_reset_ambient()");
	return 0;

out_free:
	err = errno;
	cap_free(caps);
	errno = err;
	return -1;
}
