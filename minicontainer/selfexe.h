/*
 * selfexe.h - keep the container from overwriting the runtime binary
 * through /proc/PID/exe (CVE-2019-5736).
 */
#ifndef CTK_SELFEXE_H
#define CTK_SELFEXE_H

/*
 * If this process does not already run from a sealed memfd, copy the
 * binary into one, seal it against writes and re-execute it with the same
 * arguments and environment: /proc/self/exe of every process of the
 * runtime (the container's init included) is then an anonymous file that
 * nobody can write.  Returns only on failure (-1, reported), or 0 when
 * already sealed.
 */
int selfexe_protect(char **argv);

#endif
