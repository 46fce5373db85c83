/*
 * seccomp-default.c - the default filter, precompiled: the BPF program
 * seccomp-gen wrote at build time from sc_default(), loaded straight
 * into the kernel.  The unit tests check it still equals what
 * sc_default() compiles to.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stddef.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#include "report.h"
#include "seccomp-default.h"
#include "seccomp-default-bpf.h"

const struct sock_filter *sc_default_bpf(size_t *n)
{
	*n = sizeof(default_bpf) / sizeof(default_bpf[0]);
	return default_bpf;
}

int sc_apply_default(void)
{
	struct sock_fprog prog = {
		.len = sizeof(default_bpf) / sizeof(default_bpf[0]),
		.filter = (struct sock_filter *)default_bpf,
	};

	/* As sc_apply(), without libseccomp's compile step: the program
	 * is attached to this thread and inherited across execve(2). */
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0)
		return rep_fail("seccomp(SECCOMP_SET_MODE_FILTER, 0, {%u BPF "
				"instructions})", prog.len);
	rep_step(0, "every syscall of this process and its children passes "
		 "the filter first", "seccomp(SECCOMP_SET_MODE_FILTER, 0, {%u "
		 "BPF instructions, compiled at build time})", prog.len);
	return 0;
}
