/*
 * lifecycle.h - minicontainer's commands around a container: each takes
 * its argv from the command name on, and returns the exit code (docker's:
 * 0, or 1 with one line on stderr).
 */
#ifndef CTK_LIFECYCLE_H
#define CTK_LIFECYCLE_H

int lc_ps(int argc, char **argv);
int lc_wait(int argc, char **argv);
int lc_logs(int argc, char **argv);
int lc_stop(int argc, char **argv);
int lc_kill(int argc, char **argv);
int lc_rm(int argc, char **argv);
int lc_cleanup(int argc, char **argv);
int lc_inspect(int argc, char **argv);

#endif
