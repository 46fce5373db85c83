/*
 * seccomp-filter.h - the container's syscall filter: the built-in deny
 * list, a Docker/OCI seccomp profile read from JSON, and loading a filter.
 * (Not "seccomp.h": with -Iminicontainer that name would hide libseccomp's.)
 * See seccomp(2), seccomp_init(3), seccomp_rule_add(3), seccomp_load(3).
 */
#ifndef CTK_SECCOMP_FILTER_H
#define CTK_SECCOMP_FILTER_H

#include <stddef.h>
#include <stdint.h>
#include <seccomp.h>
#include <jansson.h>

/*
 * The default filter: allow everything except the syscalls a container
 * must not make (module loading, the kernel keyring, bpf, clocks, mounts,
 * setns, new user namespaces, personas other than Docker's five, ...),
 * which return EPERM; clone3 returns ENOSYS so glibc falls back to
 * clone.  Syscalls this architecture lacks are skipped.  Only the native
 * architecture is in the filter: a syscall through another ABI is
 * killed.  *out gets the context (seccomp_release() it).  0 or -1
 * (reported, errno kept).
 */
int sc_default(scmp_filter_ctx *out);

/*
 * A Docker seccomp profile (also the shape of OCI linux.seccomp) as a
 * filter: defaultAction, defaultErrnoRet (EPERM if absent),
 * architectures, Docker's archMap (the native entry's subArchitectures
 * are added), syscalls[] with names (or the old name), action, errnoRet,
 * args (index, value, valueTwo, op; for SCMP_CMP_MASKED_EQ value is the
 * mask) and Docker's includes/excludes (arches, caps, minKernel).  As in
 * runc, several args on the same index mean "any of them" (one rule
 * each), otherwise all must hold.  Unknown syscall names are skipped, and
 * so are entries whose action is the default one.  0, or -1 with errno
 * EINVAL (ENOMEM, ...) and why naming the JSON path, e.g.
 * "syscalls[3].action: unknown action 'SCMP_ACT_FOO'".
 */
int sc_from_json(json_t *profile, scmp_filter_ctx *out, char *why,
		 size_t size);

/*
 * As sc_from_json(), for a container holding the capabilities in caps
 * (bit n = capability n, as in caps.h): Docker's profile keeps entries
 * with "includes": {"caps": [...]} or "excludes" that apply only to some
 * containers; sc_from_json() takes the container to hold none of them.
 */
int sc_from_json_caps(json_t *profile, uint64_t caps, scmp_filter_ctx *out,
		      char *why, size_t size);

/* As sc_from_json() on the file at path; why "not valid JSON: <error> at
 * line L" when it does not parse, "PATH: <strerror>" when unreadable. */
int sc_load_file(const char *path, scmp_filter_ctx *out, char *why,
		 size_t size);
int sc_load_file_caps(const char *path, uint64_t caps, scmp_filter_ctx *out,
		      char *why, size_t size);

/*
 * Load ctx into the kernel for this thread (seccomp_load()); the filter
 * is inherited by every child and kept across execve().  The caller sets
 * no_new_privs first, or holds CAP_SYS_ADMIN.  Narrated.  0 or -1
 * (reported, errno kept).
 */
int sc_apply(scmp_filter_ctx ctx);

#endif
