/*
 * env.h - the container's environment, built as docker builds it: a
 * default PATH, HOSTNAME and HOME, then --env-file lines and -e options
 * in order, a later KEY replacing an earlier one.
 */
#ifndef CTK_ENV_H
#define CTK_ENV_H

#include <stddef.h>

#define ENV_MAX		256

struct env {
	int n;
	char *v[ENV_MAX + 1];	/* "KEY=VALUE", NULL-terminated */
};

/* Set "KEY=VALUE", or for a bare "KEY" the host's value (skipped when the
 * host has none).  0, or -1 with a message in why (bad key, full). */
int env_put(struct env *e, const char *kv, char *why, size_t size);

/* The value of KEY, or NULL. */
const char *env_get(const struct env *e, const char *key);

/* Read an env file: one KEY=VALUE or KEY per line; blank lines and lines
 * starting with # are skipped; no quoting (as docker).  0, or -1 with
 * "FILE:LINE: problem" in why. */
int env_read_file(struct env *e, const char *path, char *why, size_t size);

void env_free(struct env *e);

#endif
