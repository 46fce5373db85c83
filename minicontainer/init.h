/*
 * init.h - PID 1 of the container: what tini and docker --init do.
 */
#ifndef CTK_INIT_H
#define CTK_INIT_H

#include <sys/types.h>

/*
 * Run as PID 1 while child (the command) lives, with every signal
 * blocked by the caller before child was forked: reap every process that
 * ends (orphans are re-parented to PID 1, and a zombie stays until its
 * parent waits), pass on the signals sent to the container, and return
 * the exit code for child's end: its status, or 128 + N if a signal N
 * killed it.  Returning ends the container: the kernel kills whatever is
 * left in a PID namespace whose init exits.
 */
int init_run(pid_t child);

/*
 * --pid host, after init_run(): this init is not a namespace's PID 1,
 * so nothing kills what the command left.  As the child subreaper of
 * those processes it kills each (SIGKILL) and reaps it, until none is
 * left.
 */
void init_end_orphans(void);

#endif
