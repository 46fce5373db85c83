/*
 * contrast.h - the classic namespace mistakes, each reproduced next to
 * its fix, in processes and namespaces the demo makes and throws away.
 */
#ifndef CTK_CONTRAST_H
#define CTK_CONTRAST_H

/* Run the named demo ("stale-proc", "shared-mount", "pid-no-fork").
 * 0 when the demo showed both results, 1 if it could not, 2 unknown. */
int ns_contrast(const char *name);

/* The names, for --help and error messages. */
extern const char *const ns_contrast_names;

#endif
