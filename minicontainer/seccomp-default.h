/*
 * seccomp-default.h - the default seccomp filter, compiled to BPF at
 * build time (seccomp-gen), so a container start only loads it.
 */
#ifndef CTK_SECCOMP_DEFAULT_H
#define CTK_SECCOMP_DEFAULT_H

#include <stddef.h>
#include <linux/filter.h>

/* The program and its length in instructions. */
const struct sock_filter *sc_default_bpf(size_t *n);

/* Load it into the kernel for this thread (no_new_privs set first).
 * 0 or -1 (reported). */
int sc_apply_default(void);

#endif
