/*
 * mountinfo.c - a small parser for /proc/PID/mountinfo.
 *
 * Line format (proc(5)):
 *   36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw
 *   id parent maj:min root point options [optional...] - type source sopts
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mountinfo.h"

/* Copy one space-separated field, decoding \ooo escapes.  Returns the
 * position after the field, or NULL if there is none. */
static const char *field(const char *p, char *out, size_t size)
{
	size_t n = 0;

	while (*p == ' ')
		p++;
	if (!*p || *p == '\n')
		return NULL;
	while (*p && *p != ' ' && *p != '\n') {
		char c = *p++;

		if (c == '\\' && p[0] >= '0' && p[0] <= '3' && p[1] >= '0' &&
		    p[1] <= '7' && p[2] >= '0' && p[2] <= '7') {
			c = (char)((p[0] - '0') * 64 + (p[1] - '0') * 8 +
				   (p[2] - '0'));
			p += 3;
		}
		if (n + 1 < size)
			out[n++] = c;
	}
	if (size)
		out[n] = '\0';
	return p;
}

int mnt_parse_line(const char *line, struct mnt_entry *e)
{
	char tmp[512];
	const char *p = line;
	char *end;

	memset(e, 0, sizeof(*e));
	if (!(p = field(p, tmp, sizeof(tmp))))
		goto bad;
	e->id = (int)strtol(tmp, &end, 10);
	if (*end)
		goto bad;
	if (!(p = field(p, tmp, sizeof(tmp))))
		goto bad;
	e->parent = (int)strtol(tmp, &end, 10);
	if (*end)
		goto bad;
	if (!(p = field(p, tmp, sizeof(tmp))))	/* major:minor */
		goto bad;
	if (!(p = field(p, e->root, sizeof(e->root))))
		goto bad;
	if (!(p = field(p, e->point, sizeof(e->point))))
		goto bad;
	if (!(p = field(p, tmp, sizeof(tmp))))	/* mount options */
		goto bad;
	/* Optional fields, up to the lone "-" separator. */
	for (;;) {
		if (!(p = field(p, tmp, sizeof(tmp))))
			goto bad;
		if (strcmp(tmp, "-") == 0)
			break;
		size_t used = strlen(e->optional);

		snprintf(e->optional + used, sizeof(e->optional) - used,
			 "%s%s", used ? " " : "", tmp);
	}
	if (!(p = field(p, e->fstype, sizeof(e->fstype))))
		goto bad;
	if (!field(p, e->source, sizeof(e->source)))
		goto bad;
	return 0;
bad:
	errno = EINVAL;
	return -1;
}

int mnt_count(FILE *f)
{
	char *line = NULL;
	size_t cap = 0;
	int n = 0;

	rewind(f);
	while (getline(&line, &cap, f) > 0)
		n++;
	free(line);
	return ferror(f) ? -1 : n;
}

int mnt_find_point(FILE *f, const char *point, struct mnt_entry *e)
{
	struct mnt_entry cur;
	char *line = NULL;
	size_t cap = 0;
	int found = 0;

	rewind(f);
	while (getline(&line, &cap, f) > 0) {
		if (mnt_parse_line(line, &cur) == 0 &&
		    strcmp(cur.point, point) == 0) {
			*e = cur;
			found = 1;
		}
	}
	free(line);
	if (!found) {
		errno = ENOENT;
		return -1;
	}
	return 0;
}

int mnt_is_shared(const struct mnt_entry *e)
{
	return strncmp(e->optional, "shared:", 7) == 0 ||
	       strstr(e->optional, " shared:") != NULL;
}
