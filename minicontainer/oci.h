/*
 * oci.h - minicontainer's OCI runtime CLI (runc's commands and
 * semantics): create, start, state, kill, delete, run, exec, list, ps,
 * pause, resume, features.
 */
#ifndef CTK_OCI_H
#define CTK_OCI_H

/* The state root (the global --root); default /run/minicontainer-oci. */
void oci_set_root(const char *dir);

/* Run the OCI command argv[0] with its arguments; the exit code (0, or
 * 1 after one line, as runc; run and exec: the process's status). */
int oci_main(int argc, char **argv);

/* Is argv (from the command on) OCI's rather than the native CLI's?
 * globals: an OCI-only global option was given (--log, --log-format,
 * --debug, --systemd-cgroup). */
int oci_is_command(int argc, char **argv, int globals);

#endif
