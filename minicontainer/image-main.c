/*
 * image-main.c - minicontainer-image: the image half of minicontainer,
 * a separate program so that a plain `minicontainer run` never maps
 * libarchive or libcrypto.  `minicontainer image ...` executes it, and
 * so does `run --image` (its "prepare" command) before the start.
 *
 * minicontainer-image [--storage DIR] [--state-root DIR] [-q|-v] COMMAND
 *   load FILE|DIR        an oci-archive, a docker save tar, an OCI layout
 *   ls                   the images in the store
 *   inspect IMAGE        an image's config and layers, as JSON
 *   rm IMAGE...          an image, and the layers no other image uses
 *   prepare [--copy-to DIR] IMAGE
 *                        for run: load IMAGE if it is a path, then print
 *                        {Id, Names, LayerDirs, Config} as JSON; with
 *                        --copy-to, copy the layers into DIR (vfs)
 *
 * Errors: one line, exit 125, as minicontainer's own.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "fileio.h"
#include "image-store.h"
#include "report.h"

static const char *state_root;

static void usage(void)
{
	printf("Usage:\n"
	       " minicontainer [--storage DIR] image load FILE|DIR\n"
	       " minicontainer [--storage DIR] image ls\n"
	       " minicontainer [--storage DIR] image inspect IMAGE\n"
	       " minicontainer [--storage DIR] image rm IMAGE...\n"
	       "\nKeep OCI and docker images: load verifies every blob's "
	       "sha256 and unpacks the\nlayers once, shared by every image "
	       "and container that uses them.\n"
	       "\nFILE: an OCI archive (podman save --format oci-archive, "
	       "skopeo copy ...\noci-archive:FILE) or a docker save tarball;"
	       " DIR: an OCI image layout.\nIMAGE: a NAME[:TAG], an ID or a "
	       "unique ID prefix.\n"
	       "\nThe store is /var/lib/minicontainer (root), else "
	       "$XDG_DATA_HOME/minicontainer.\n"
	       "\nSee minicontainer(8).\n");
}

static int fail_usage(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

static int fail_usage(const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = cli_vusage_error(IMG_EXIT, "image --help", fmt, ap);
	va_end(ap);
	return ret;
}

/* The names the archive gave, else the ID. */
static int cmd_load(struct img_store *s, int argc, char **argv)
{
	char id[IMG_HEX_LEN + 1];
	json_t *names, *v;
	size_t i;

	(void)argc;
	if (img_load(s, argv[1], id, &names) < 0)
		return IMG_EXIT;
	json_array_foreach(names, i, v)
		printf("Loaded image: %s\n", json_string_value(v));
	if (!json_array_size(names))
		printf("Loaded image ID: sha256:%s\n", id);
	json_decref(names);
	return 0;
}

/* "1.2 MB", as docker counts (powers of 1000). */
static void human(long long n, char *buf, size_t size)
{
	static const char *const unit[] = { "B", "kB", "MB", "GB", "TB" };
	double v = (double)n;
	int u = 0;

	while (v >= 1000 && u < 4) {
		v /= 1000;
		u++;
	}
	snprintf(buf, size, u ? "%.1f %s" : "%.0f %s", v, unit[u]);
}

static void print_row(const char *name, const char *id, json_t *config,
		      json_int_t size)
{
	const char *created = json_string_value(json_object_get(config,
								"created"));
	char repo[512] = "<none>", when[32] = "", sz[32];
	const char *tag = "<none>";

	if (name) {
		char *colon;

		snprintf(repo, sizeof(repo), "%s", name);
		colon = strrchr(repo, ':');
		if (colon && !strchr(colon, '/')) {
			*colon = '\0';
			tag = name + (colon - repo) + 1;
		}
	}
	if (created) {
		snprintf(when, sizeof(when), "%.16s", created);
		if (strchr(when, 'T'))
			*strchr(when, 'T') = ' ';
	}
	human(size, sz, sizeof(sz));
	printf("%-32s %-10s %-12.12s  %-16s  %s\n", repo, tag, id,
	       *when ? when : "-", sz);
}

static int cmd_ls(struct img_store *s, int argc, char **argv)
{
	struct dirent *e;
	DIR *d;

	(void)argc;
	(void)argv;
	printf("%-32s %-10s %-12s  %-16s  %s\n", "REPOSITORY", "TAG",
	       "IMAGE ID", "CREATED", "SIZE");
	if (s->fd < 0) /* no store yet: no image */
		return 0;
	d = fdopendir(openat(s->fd, "images", O_RDONLY | O_DIRECTORY |
			     O_CLOEXEC));
	if (!d)
		return rep_fail("opendir(\"%s/images\")", s->dir), IMG_EXIT;
	while ((e = readdir(d))) {
		json_t *meta, *config, *v, *names;
		json_int_t size;
		size_t i;

		if (e->d_name[0] == '.')
			continue;
		meta = img_read_meta(s, e->d_name);
		config = img_read_config(s, e->d_name);
		names = json_object_get(meta, "names");
		size = json_integer_value(json_object_get(meta, "size"));
		json_array_foreach(names, i, v)
			print_row(json_string_value(v), e->d_name, config,
				  size);
		if (!json_array_size(names))
			print_row(NULL, e->d_name, config, size);
		json_decref(config);
		json_decref(meta);
	}
	closedir(d);
	return 0;
}

/* What an engineer wants of an image, in docker inspect's names. */
static json_t *describe(struct img_store *s, const char *id)
{
	json_t *meta = img_read_meta(s, id), *config = img_read_config(s, id);
	json_t *dirs = json_array(), *v, *out, *c;
	char dir[PATH_MAX];
	size_t i;

	if (!meta || !config) {
		json_decref(meta);
		json_decref(config);
		json_decref(dirs);
		return NULL;
	}
	json_array_foreach(json_object_get(meta, "layers"), i, v) {
		img_layer_dir(s, json_string_value(v), dir, sizeof(dir));
		json_array_append_new(dirs, json_string(dir));
	}
	c = json_object_get(config, "config");
	out = json_pack("{s:O, s:O, s:O*, s:O*, s:O*, s:O, s:O*, s:o, s:O}",
			"Id", json_object_get(meta, "id"),
			"RepoTags", json_object_get(meta, "names"),
			"Created", json_object_get(config, "created"),
			"Architecture", json_object_get(config, "architecture"),
			"Os", json_object_get(config, "os"),
			"Config", c ? c : json_object(),
			"RootFS", json_object_get(config, "rootfs"),
			"LayerDirs", dirs,
			"Size", json_object_get(meta, "size"));
	json_decref(meta);
	json_decref(config);
	return out;
}

static int find(struct img_store *s, const char *ref,
		char id[IMG_HEX_LEN + 1])
{
	char why[600];

	if (img_find(s, ref, id, why, sizeof(why)) == 0)
		return 0;
	rep_error("%s", why);
	return -1;
}

static int cmd_inspect(struct img_store *s, int argc, char **argv)
{
	char id[IMG_HEX_LEN + 1];
	json_t *all = json_array(), *one;
	int i;

	for (i = 1; i < argc; i++) {
		if (find(s, argv[i], id) < 0 || !(one = describe(s, id))) {
			json_decref(all);
			return IMG_EXIT;
		}
		json_array_append_new(all, one);
	}
	json_dumpf(all, stdout, JSON_INDENT(4));
	putchar('\n');
	json_decref(all);
	return 0;
}

/* A container whose recorded config names this image, or NULL. */
static const char *user_of(const char *id, char *name, size_t size)
{
	char want[IMG_HEX_LEN + 16], buf[32768], path[PATH_MAX + 320];
	struct dirent *e;
	DIR *d;

	if (!state_root || !(d = opendir(state_root)))
		return NULL;
	snprintf(want, sizeof(want), "\nimage=sha256:%s\n", id);
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s/config", state_root,
			 e->d_name);
		if (file_read_at(AT_FDCWD, path, buf, sizeof(buf)) > 0 &&
		    strstr(buf, want)) {
			snprintf(path, sizeof(path), "%s/%s/name", state_root,
				 e->d_name);
			if (file_read_line_at(AT_FDCWD, path, name, size) <= 0)
				snprintf(name, size, "%.64s", e->d_name);
			closedir(d);
			return name;
		}
	}
	closedir(d);
	return NULL;
}

static int cmd_rm(struct img_store *s, int argc, char **argv)
{
	char id[IMG_HEX_LEN + 1], name[128];
	int i, ret = 0;

	for (i = 1; i < argc; i++) {
		if (find(s, argv[i], id) < 0) {
			ret = IMG_EXIT;
			continue;
		}
		if (user_of(id, name, sizeof(name))) {
			rep_error("image %s is used by container %s: remove "
				  "the container first", argv[i], name);
			ret = IMG_EXIT;
			continue;
		}
		if (img_remove(s, id) < 0) {
			ret = IMG_EXIT;
			continue;
		}
		printf("Deleted: sha256:%s\n", id);
	}
	return ret;
}

/* For run: the image (loaded first if a path), as one JSON object. */
static int cmd_prepare(struct img_store *s, int argc, char **argv)
{
	const char *copy_to = NULL, *ref;
	char id[IMG_HEX_LEN + 1];
	json_t *out, *dirs;
	char **layers;
	struct stat sb;
	size_t i, n;
	int ret = IMG_EXIT;

	if (argc == 4)
		copy_to = argv[2];
	ref = argv[argc - 1];
	/* A path is loaded (or found again: same digest, same ID). */
	if (stat(ref, &sb) == 0 ? img_load(s, ref, id, NULL) < 0 :
				  find(s, ref, id) < 0)
		return IMG_EXIT;
	out = describe(s, id);
	if (!out)
		return IMG_EXIT;
	dirs = json_object_get(out, "LayerDirs");
	n = json_array_size(dirs);
	if (copy_to) {
		layers = calloc(n + 1, sizeof(*layers));
		for (i = 0; layers && i < n; i++)
			layers[i] = (char *)json_string_value(
				json_array_get(dirs, i));
		if (!layers || img_copy_layers(copy_to, layers, (int)n) < 0) {
			free(layers);
			goto out;
		}
		free(layers);
	}
	json_dumpf(out, stdout, JSON_COMPACT);
	putchar('\n');
	ret = fflush(stdout) == 0 ? 0 : IMG_EXIT;
out:
	json_decref(out);
	return ret;
}

/*
 * Each command's arguments, checked before the store is opened: a
 * command refused makes no store.  0, or the exit status after one line.
 */
static int check_load(int argc, char **argv)
{
	if (argc != 2)
		return fail_usage("image load takes one FILE or DIR");
	if (access(argv[1], F_OK) < 0) {
		rep_error("image %s: %s", argv[1], strerror(errno));
		return IMG_EXIT;
	}
	return 0;
}

static int check_none(int argc, char **argv)
{
	return argc == 1 ? 0 : fail_usage("image %s takes no argument",
					   argv[0]);
}

static int check_images(int argc, char **argv)
{
	return argc >= 2 ? 0 : fail_usage("image %s needs an IMAGE", argv[0]);
}

static int check_prepare(int argc, char **argv)
{
	if ((argc == 4 && !strcmp(argv[1], "--copy-to")) || argc == 2)
		return 0;
	return fail_usage("usage: prepare [--copy-to DIR] IMAGE");
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "storage", required_argument, NULL, 's' },
		{ "state-root", required_argument, NULL, 'S' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	static const struct {
		const char *name;
		int (*check)(int, char **);
		int (*fn)(struct img_store *, int, char **);
		int exclusive, create;
	} commands[] = {
		{ "load", check_load, cmd_load, 1, 1 },
		{ "ls", check_none, cmd_ls, 0, 0 },
		{ "list", check_none, cmd_ls, 0, 0 },
		{ "inspect", check_images, cmd_inspect, 0, 0 },
		{ "rm", check_images, cmd_rm, 1, 0 },
		{ "prepare", check_prepare, cmd_prepare, 1, 1 },
	};
	char storage[PATH_MAX - 128] = "";
	struct img_store s;
	size_t i;
	int c, ret;

	rep_init("minicontainer");
	while ((c = getopt_long(argc, argv, "+qvhV", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			snprintf(storage, sizeof(storage), "%s", optarg);
			break;
		case 'S':
			state_root = optarg;
			break;
		case 'q':
			rep_level = REP_QUIET;
			break;
		case 'v':
			rep_level = REP_NARRATE;
			break;
		case 'h':
			usage();
			return 0;
		case 'V':
			cli_print_version();
			return 0;
		default:
			return fail_usage("invalid option");
		}
	}
	if (optind >= argc)
		return fail_usage("image needs a command: load, ls, inspect "
				  "or rm");
	if (!*storage && img_store_default(storage, sizeof(storage)) < 0) {
		rep_error("no image store: set HOME or use --storage DIR");
		return IMG_EXIT;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(argv[optind], commands[i].name))
			continue;
		ret = commands[i].check(argc - optind, argv + optind);
		if (ret)
			return ret;
		if (img_store_open(&s, storage, commands[i].exclusive,
				   commands[i].create) < 0)
			return IMG_EXIT;
		ret = commands[i].fn(&s, argc - optind, argv + optind);
		img_store_close(&s);
		return ret;
	}
	return fail_usage("unknown image command: %s", argv[optind]);
}
