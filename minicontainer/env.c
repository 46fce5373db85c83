/*
 * env.c - the container's environment variables: a list of "KEY=VALUE"
 * strings handed to execve(2) as envp.  Nothing of the runtime's own
 * environment goes in unless asked for by name (-e KEY).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "env.h"

/* A key is not empty and holds no '=', space or control character. */
static int key_ok(const char *k, size_t len)
{
	size_t i;

	if (!len)
		return 0;
	for (i = 0; i < len; i++)
		if (k[i] == '=' || (unsigned char)k[i] <= ' ' || k[i] == 0x7f)
			return 0;
	return 1;
}

static int find(const struct env *e, const char *k, size_t len)
{
	int i;

	for (i = 0; i < e->n; i++)
		if (!strncmp(e->v[i], k, len) && e->v[i][len] == '=')
			return i;
	return -1;
}

int env_put(struct env *e, const char *kv, char *why, size_t size)
{
	const char *eq = strchr(kv, '=');
	size_t klen = eq ? (size_t)(eq - kv) : strlen(kv);
	char *s;
	int i;

	if (!key_ok(kv, klen)) {
		snprintf(why, size, "invalid environment variable '%s': "
			 "KEY=VALUE, KEY without '=' or spaces", kv);
		return -1;
	}
	if (eq) {
		s = strdup(kv);
	} else {
		const char *host = getenv(kv);

		/* docker: -e KEY takes the host's value, if it has one. */
		if (!host)
			return 0;
		if (asprintf(&s, "%s=%s", kv, host) < 0)
			s = NULL;
	}
	if (!s) {
		snprintf(why, size, "out of memory");
		return -1;
	}
	i = find(e, s, klen);
	if (i >= 0) {
		free(e->v[i]);
		e->v[i] = s;
		return 0;
	}
	if (e->n == ENV_MAX) {
		free(s);
		snprintf(why, size, "more than %d environment variables",
			 ENV_MAX);
		return -1;
	}
	e->v[e->n++] = s;
	e->v[e->n] = NULL;
	return 0;
}

const char *env_get(const struct env *e, const char *key)
{
	int i = find(e, key, strlen(key));

	return i < 0 ? NULL : e->v[i] + strlen(key) + 1;
}

int env_read_file(struct env *e, const char *path, char *why, size_t size)
{
	char *line = NULL, *p, inner[512];
	size_t cap = 0, len;
	ssize_t n;
	int lineno = 0, ret = 0;
	FILE *f;

	f = fopen(path, "re");
	if (!f) {
		snprintf(why, size, "env file %s: %s", path, strerror(errno));
		return -1;
	}
	while ((n = getline(&line, &cap, f)) >= 0) {
		lineno++;
		len = (size_t)n;
		while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		if (strlen(line) != len) {
			snprintf(why, size, "%s:%d: a NUL byte in the line",
				 path, lineno);
			ret = -1;
			break;
		}
		p = line;
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p || *p == '#')
			continue;
		if (env_put(e, p, inner, sizeof(inner)) < 0) {
			snprintf(why, size, "%s:%d: %s", path, lineno, inner);
			ret = -1;
			break;
		}
	}
	free(line);
	fclose(f);
	return ret;
}

void env_free(struct env *e)
{
	int i;

	for (i = 0; i < e->n; i++)
		free(e->v[i]);
	e->n = 0;
	e->v[0] = NULL;
}
