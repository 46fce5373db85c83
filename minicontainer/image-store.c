/*
 * image-store.c - load images into the store, find and remove them.
 *
 * A load never leaves half a layer behind: the archive is unpacked into
 * STORE/tmp, every blob's digest is checked before a parser or tar reads
 * it, the layers are unpacked into STORE/tmp as well, and only when all
 * of it succeeded are the layers and the image moved into place, each
 * with one rename(2).  A load killed halfway leaves only STORE/tmp,
 * which the next load empties (it holds the lock, so nothing else is
 * using it).
 *
 * Two archive formats are read:
 *   OCI image layout (a directory, or a tar of one: oci-archive):
 *     oci-layout, index.json, blobs/sha256/HEX
 *   docker save: manifest.json [{Config, RepoTags, Layers}], each
 *     layer an uncompressed tar whose sha256 is its diff_id.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <archive.h>
#include <archive_entry.h>

#include "cli.h"
#include "fileio.h"
#include "image-store.h"
#include "report.h"

/* An image being loaded, not yet in the store. */
struct staged {
	char id[IMG_HEX_LEN + 1];	/* the config's sha256 */
	json_t *config;
	json_t *names;			/* array of normalized names */
	int nlayers;
	char layers[IMG_MAX_LAYERS][IMG_HEX_LEN + 1];
	long long size;
};

int img_store_default(char *buf, size_t size)
{
	const char *xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
	int n;

	if (geteuid() == 0)
		n = snprintf(buf, size, "/var/lib/minicontainer");
	else if (xdg && *xdg == '/')
		n = snprintf(buf, size, "%s/minicontainer", xdg);
	else if (home && *home == '/')
		n = snprintf(buf, size, "%s/.local/share/minicontainer", home);
	else
		return -1;
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

static int mkdir_p(const char *path)
{
	char buf[PATH_MAX], *p;

	snprintf(buf, sizeof(buf), "%s", path);
	for (p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(buf, 0700) < 0 && errno != EEXIST ? -1 : 0;
}

int img_store_open(struct img_store *s, const char *dir, int exclusive,
		   int create)
{
	static const char *const sub[] = { "layers", "images", "tmp" };
	size_t i;

	if (snprintf(s->dir, sizeof(s->dir), "%s", dir) >=
	    (int)sizeof(s->dir)) {
		rep_error("image store path too long: %s", dir);
		return -1;
	}
	s->fd = s->lockfd = -1;
	/* Reading a store that was never made finds it empty and makes
	 * nothing: only load and prepare create it. */
	if (!create && access(dir, F_OK) < 0 && errno == ENOENT)
		return 0;
	if (mkdir_p(dir) < 0)
		return rep_fail("mkdir(\"%s\")", dir);
	s->fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (s->fd < 0)
		return rep_fail("open(\"%s\")", dir);
	for (i = 0; i < sizeof(sub) / sizeof(sub[0]); i++)
		if (mkdirat(s->fd, sub[i], 0700) < 0 && errno != EEXIST) {
			rep_fail("mkdir(\"%s/%s\")", dir, sub[i]);
			goto out_close;
		}
	s->lockfd = openat(s->fd, "lock", O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (s->lockfd < 0 ||
	    flock(s->lockfd, exclusive ? LOCK_EX : LOCK_SH) < 0) {
		rep_fail("flock(\"%s/lock\")", dir);
		goto out_close;
	}
	return 0;
out_close:
	img_store_close(s);
	return -1;
}

void img_store_close(struct img_store *s)
{
	if (s->lockfd >= 0)
		close(s->lockfd);
	if (s->fd >= 0)
		close(s->fd);
	s->fd = s->lockfd = -1;
}

void img_layer_dir(const struct img_store *s, const char *hex, char *buf,
		   size_t size)
{
	snprintf(buf, size, "%s/layers/%s", s->dir, hex);
}

/* Empty STORE/tmp: with the lock held, whatever is there is stale. */
static void clear_tmp(struct img_store *s)
{
	file_remove_tree_at(s->fd, "tmp");
	mkdirat(s->fd, "tmp", 0700);
}

/* The current entry's data from a to w. */
static int copy_data(struct archive *a, struct archive *w)
{
	const void *buf;
	size_t len;
	la_int64_t off;
	int r;

	while ((r = archive_read_data_block(a, &buf, &len, &off)) ==
	       ARCHIVE_OK)
		if (archive_write_data_block(w, buf, len, off) != ARCHIVE_OK)
			return -1;
	return r == ARCHIVE_EOF && archive_write_finish_entry(w) ==
	       ARCHIVE_OK ? 0 : -1;
}

/*
 * The outer tar (oci-archive or docker save) into dir.  libarchive's
 * SECURE flags refuse "..", absolute paths and writing through a
 * symlink; owners are not restored (these are documents, not a root).
 */
static int extract_archive(const char *path, const char *dir)
{
	struct archive *a = archive_read_new(), *w = archive_write_disk_new();
	struct archive_entry *e;
	int r, ret = -1, cwd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	archive_read_support_format_tar(a);
	archive_read_support_filter_gzip(a);
	archive_read_support_filter_zstd(a);
	archive_write_disk_set_options(w, ARCHIVE_EXTRACT_SECURE_NODOTDOT |
				       ARCHIVE_EXTRACT_SECURE_SYMLINKS |
				       ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS);
	if (archive_read_open_filename(a, path, 65536) != ARCHIVE_OK) {
		rep_error("image %s: %s", path, archive_error_string(a));
		goto out;
	}
	/* Entries are relative: extract from inside dir. */
	if (cwd < 0 || chdir(dir) < 0) {
		rep_fail("chdir(\"%s\")", dir);
		goto out;
	}
	while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
		mode_t t = archive_entry_filetype(e);

		/* Documents and blobs only: files, directories, and the
		 * symlinks old docker save uses for shared layers. */
		if (t != AE_IFREG && t != AE_IFDIR && t != AE_IFLNK) {
			rep_error("image %s: entry '%s' is not a file or "
				  "directory", path, archive_entry_pathname(e));
			goto out;
		}
		archive_entry_set_perm(e, t == AE_IFDIR ? 0700 : 0600);
		if (archive_write_header(w, e) != ARCHIVE_OK ||
		    (t == AE_IFREG && copy_data(a, w) < 0)) {
			rep_error("image %s: %s", path,
				  archive_error_string(w) ?
				  archive_error_string(w) :
				  archive_error_string(a));
			goto out;
		}
	}
	if (r != ARCHIVE_EOF) {
		rep_error("image %s: %s", path, archive_error_string(a));
		goto out;
	}
	ret = 0;
out:
	archive_read_free(a);
	archive_write_free(w);
	if (cwd >= 0) {
		if (fchdir(cwd) < 0)
			ret = rep_fail("fchdir()");
		close(cwd);
	}
	return ret;
}

/* Open a document of the layout by path, never leaving it. */
static int open_in(int layoutfd, const char *path)
{
	return cli_openat2(layoutfd, path, O_RDONLY | O_CLOEXEC,
			   RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
}

static json_t *load_json_at(int layoutfd, const char *path, const char *what)
{
	json_error_t e;
	json_t *j;
	int fd = open_in(layoutfd, path);

	if (fd < 0) {
		rep_error("%s: %s: %s", what, path, strerror(errno));
		return NULL;
	}
	j = json_loadfd(fd, JSON_REJECT_DUPLICATES, &e);
	close(fd);
	if (!j)
		rep_error("%s: %s is not valid JSON: %s (line %d)", what, path,
			  e.text, e.line);
	return j;
}

static void add_name(struct staged *st, const char *ref)
{
	char name[512];
	size_t i;
	json_t *v;

	if (!ref || !*ref || img_normalize_name(ref, name, sizeof(name)) < 0)
		return;
	json_array_foreach(st->names, i, v)
		if (!strcmp(json_string_value(v), name))
			return;
	json_array_append_new(st->names, json_string(name));
}

/* Unpack a checked layer blob into tmp/layer-HEX, unless cached. */
static int stage_layer_fd(struct img_store *s, struct staged *st, int fd,
			  enum img_media mt, const char *hex,
			  const char *digest)
{
	static const char *const kind[] = {
		[IMG_MT_LAYER_TAR] = "tar", [IMG_MT_LAYER_GZIP] = "tar+gzip",
		[IMG_MT_LAYER_ZSTD] = "tar+zstd",
	};
	char name[IMG_HEX_LEN + 16], what[IMG_HEX_LEN + 32];
	int tmpfd, szfd, ret, n = st->nlayers;
	long long bytes = 0;

	if (n == IMG_MAX_LAYERS) {
		rep_error("image has more than %d layers", IMG_MAX_LAYERS);
		return -1;
	}
	memcpy(st->layers[n], hex, IMG_HEX_LEN + 1);
	snprintf(what, sizeof(what), "%d (%.19s)", n + 1, digest);
	snprintf(name, sizeof(name), "layers/%s", hex);
	if (faccessat(s->fd, name, F_OK, AT_SYMLINK_NOFOLLOW) == 0) {
		char sz[32] = "0";

		snprintf(name, sizeof(name), "layers/%s.size", hex);
		file_read_line_at(s->fd, name, sz, sizeof(sz));
		st->size += atoll(sz);
		img_say("layer %s: already in the store, shared", what);
		st->nlayers++;
		return 0;
	}
	snprintf(name, sizeof(name), "tmp/layer-%s", hex);
	tmpfd = s->fd;
	/* The same layer twice in one image: unpacked once. */
	if (faccessat(tmpfd, name, F_OK, AT_SYMLINK_NOFOLLOW) == 0) {
		st->nlayers++;
		return 0;
	}
	ret = img_unpack_layer(fd, mt, tmpfd, name, what, &bytes);
	if (ret < 0)
		return -1;
	snprintf(name, sizeof(name), "tmp/layer-%s.size", hex);
	szfd = openat(tmpfd, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
		      0600);
	if (szfd < 0 || dprintf(szfd, "%lld\n", bytes) < 0) {
		if (szfd >= 0)
			close(szfd);
		return rep_fail("write(\"%s\")", name);
	}
	close(szfd);
	st->size += bytes;
	img_say("layer %s, %s: digest checked, unpacked (%lld bytes)",
		     what, kind[mt], bytes);
	st->nlayers++;
	return 0;
}

/* As stage_layer_fd(); fd is closed either way. */
static int stage_layer(struct img_store *s, struct staged *st, int fd,
		       enum img_media mt, const char *hex, const char *digest)
{
	int ret = stage_layer_fd(s, st, fd, mt, hex, digest);

	close(fd);
	return ret;
}

/* The config: its digest is the image's ID. */
static int stage_config(struct staged *st, json_t *config, const char *hex)
{
	if (!json_is_object(config)) {
		rep_error("config sha256:%s is not a JSON object", hex);
		return -1;
	}
	st->config = config;
	memcpy(st->id, hex, IMG_HEX_LEN + 1);
	return 0;
}

/* OCI: index -> (nested index ->) manifest -> config and layers. */
static int load_oci(struct img_store *s, int lfd, struct staged *st)
{
	json_t *index, *desc, *manifest = NULL, *config, *layers, *l, *held;
	char why[256], hex[IMG_HEX_LEN + 1];
	const char *mt;
	size_t i;
	int depth, ret = -1;

	index = load_json_at(lfd, "index.json", "image");
	if (!index)
		return -1;
	held = index;
	for (depth = 0;; depth++) {
		desc = img_pick_manifest(index, img_arch(), why, sizeof(why));
		if (!desc) {
			rep_error("image: %s", why);
			goto out;
		}
		/* The top-level entry carries the image's name. */
		if (depth == 0) {
			add_name(st, json_string_value(json_object_get(
				json_object_get(desc, "annotations"),
				"io.containerd.image.name")));
			if (json_array_size(st->names) == 0)
				add_name(st, json_string_value(json_object_get(
					json_object_get(desc, "annotations"),
					"org.opencontainers.image.ref.name")));
		}
		mt = json_string_value(json_object_get(desc, "mediaType"));
		if (img_media_type(mt) != IMG_MT_INDEX)
			break;
		if (depth == 3) {
			rep_error("image: indexes nested more than 3 deep");
			goto out;
		}
		index = img_load_blob_json(lfd, json_string_value(
			json_object_get(desc, "digest")), json_integer_value(
			json_object_get(desc, "size")), "index");
		if (!index)
			goto out;
		json_decref(held);
		held = index;
	}
	if (img_media_type(mt) != IMG_MT_MANIFEST) {
		rep_error("image: unsupported manifest media type '%s'",
			  mt ? mt : "(none)");
		goto out;
	}
	manifest = img_load_blob_json(lfd, json_string_value(json_object_get(
		desc, "digest")), json_integer_value(json_object_get(desc,
		"size")), "manifest");
	if (!manifest)
		goto out;
	img_say("manifest %.19s: linux/%s", json_string_value(
		json_object_get(desc, "digest")), img_arch());
	desc = json_object_get(manifest, "config");
	mt = json_string_value(json_object_get(desc, "mediaType"));
	if (img_media_type(mt) != IMG_MT_CONFIG) {
		rep_error("image: unsupported config media type '%s'",
			  mt ? mt : "(none)");
		goto out;
	}
	config = img_load_blob_json(lfd, json_string_value(json_object_get(
		desc, "digest")), json_integer_value(json_object_get(desc,
		"size")), "config");
	if (!config || stage_config(st, config, json_string_value(
		json_object_get(desc, "digest")) + 7) < 0)
		goto out;
	img_say("config %.19s: the image's ID", json_string_value(
		json_object_get(desc, "digest")));
	layers = json_object_get(manifest, "layers");
	if (!json_is_array(layers)) {
		rep_error("image: the manifest has no layers array");
		goto out;
	}
	/* Every media type first: refuse before unpacking anything. */
	json_array_foreach(layers, i, l) {
		mt = json_string_value(json_object_get(l, "mediaType"));
		if (img_media_type(mt) < IMG_MT_LAYER_TAR) {
			rep_error("image: layer %zu: unsupported media type "
				  "'%s'", i + 1, mt ? mt : "(none)");
			goto out;
		}
	}
	json_array_foreach(layers, i, l) {
		const char *d = json_string_value(json_object_get(l, "digest"));
		int fd = img_open_blob(lfd, d, json_integer_value(
			json_object_get(l, "size")));

		if (fd < 0)
			goto out;
		img_digest_hex(d, hex);
		mt = json_string_value(json_object_get(l, "mediaType"));
		if (stage_layer(s, st, fd, img_media_type(mt), hex, d) < 0)
			goto out;
	}
	ret = 0;
out:
	json_decref(manifest);
	json_decref(held);
	return ret;
}

/* docker save: manifest.json names files; digests are computed. */
static int load_docker(struct img_store *s, int lfd, struct staged *st)
{
	json_t *list = load_json_at(lfd, "manifest.json", "image"), *m, *tags,
	       *diff, *l, *config = NULL;
	char hex[IMG_HEX_LEN + 1], want[IMG_HEX_LEN + 1];
	const char *cfg, *base;
	json_error_t e;
	size_t i;
	int fd, ret = -1;

	if (!list)
		return -1;
	m = json_array_get(list, 0);
	if (!json_is_object(m) || json_array_size(list) != 1) {
		rep_error("image: manifest.json must list exactly one image "
			  "(it lists %zu)", json_array_size(list));
		goto out;
	}
	cfg = json_string_value(json_object_get(m, "Config"));
	fd = cfg ? open_in(lfd, cfg) : -1;
	if (fd < 0) {
		rep_error("image: config %s is missing", cfg ? cfg : "(none)");
		goto out;
	}
	if (img_sha256_fd(fd, hex, NULL) < 0 || lseek(fd, 0, SEEK_SET) < 0) {
		rep_fail("read(\"%s\")", cfg);
		close(fd);
		goto out;
	}
	/* The file's name is its digest ("HEX.json", "blobs/sha256/HEX"). */
	base = strrchr(cfg, '/') ? strrchr(cfg, '/') + 1 : cfg;
	if (strspn(base, "0123456789abcdef") == IMG_HEX_LEN &&
	    strncmp(base, hex, IMG_HEX_LEN)) {
		rep_error("config %s: wrong digest: its content hashes to "
			  "sha256:%s", cfg, hex);
		close(fd);
		goto out;
	}
	config = json_loadfd(fd, JSON_REJECT_DUPLICATES, &e);
	close(fd);
	if (!config) {
		rep_error("config %s is not valid JSON: %s", cfg, e.text);
		goto out;
	}
	if (stage_config(st, config, hex) < 0)
		goto out;
	config = NULL;
	tags = json_object_get(m, "RepoTags");
	json_array_foreach(tags, i, l)
		add_name(st, json_string_value(l));
	diff = json_object_get(json_object_get(st->config, "rootfs"),
			       "diff_ids");
	if (json_array_size(diff) !=
	    json_array_size(json_object_get(m, "Layers"))) {
		rep_error("image: %zu layers, but the config lists %zu "
			  "diff_ids", json_array_size(json_object_get(m,
			  "Layers")), json_array_size(diff));
		goto out;
	}
	json_array_foreach(json_object_get(m, "Layers"), i, l) {
		const char *path = json_string_value(l);
		const char *d = json_string_value(json_array_get(diff, i));

		fd = path ? open_in(lfd, path) : -1;
		if (fd < 0) {
			rep_error("image: layer %s is missing",
				  path ? path : "(none)");
			goto out;
		}
		/* A docker save layer is the tar itself: its sha256 is
		 * the diff_id the config lists. */
		if (img_sha256_fd(fd, hex, NULL) < 0 ||
		    lseek(fd, 0, SEEK_SET) < 0 ||
		    img_digest_hex(d, want) < 0 || strcmp(hex, want)) {
			rep_error("layer %s: wrong digest: sha256:%s, the "
				  "config says %s", path, hex, d ? d : "?");
			close(fd);
			goto out;
		}
		if (stage_layer(s, st, fd, IMG_MT_LAYER_TAR, hex, d) < 0)
			goto out;
	}
	ret = 0;
out:
	json_decref(config);
	json_decref(list);
	return ret;
}

/* Replace images/ID/image.json (a new file renamed over it). */
static int write_meta(struct img_store *s, const char *id, json_t *meta)
{
	char tmp[PATH_MAX + 320], path[PATH_MAX + 320];

	snprintf(path, sizeof(path), "%s/images/%s/image.json", s->dir, id);
	snprintf(tmp, sizeof(tmp), "%s/images/%s/.image.json.tmp", s->dir,
		 id);
	if (json_dump_file(meta, tmp, JSON_INDENT(2)) < 0 ||
	    rename(tmp, path) < 0) {
		unlink(tmp);
		return rep_fail("write(\"%s\")", path);
	}
	return 0;
}

/* Drop names from every other image: a name means one image. */
static void take_names(struct img_store *s, const struct staged *st)
{
	struct dirent *e;
	DIR *d = fdopendir(openat(s->fd, "images", O_RDONLY | O_DIRECTORY |
				  O_CLOEXEC));

	while (d && (e = readdir(d))) {
		json_t *meta, *names, *v, *keep;
		size_t i;

		if (e->d_name[0] == '.' || !strcmp(e->d_name, st->id))
			continue;
		meta = img_read_meta(s, e->d_name);
		if (!meta)
			continue;
		names = json_object_get(meta, "names");
		keep = json_array();
		json_array_foreach(names, i, v) {
			size_t j;
			json_t *w;
			int taken = 0;

			json_array_foreach(st->names, j, w)
				taken |= json_equal(v, w);
			if (!taken)
				json_array_append(keep, v);
		}
		if (json_array_size(keep) != json_array_size(names)) {
			json_object_set_new(meta, "names", keep);
			write_meta(s, e->d_name, meta);
		} else {
			json_decref(keep);
		}
		json_decref(meta);
	}
	if (d)
		closedir(d);
}

/* Everything checked: move the layers and the image into place. */
static int commit(struct img_store *s, struct staged *st)
{
	char from[IMG_HEX_LEN + 32], to[IMG_HEX_LEN + 32];
	char path[PATH_MAX + 320];
	json_t *meta, *layers, *v;
	size_t j;
	int i;

	/* The same config is the same image: its layers are in place
	 * already (whatever compression this archive used); only names
	 * change hands. */
	meta = img_read_meta(s, st->id);
	if (meta) {
		json_array_foreach(json_object_get(meta, "names"), j, v)
			add_name(st, json_string_value(v));
		json_object_set(meta, "names", st->names);
		i = write_meta(s, st->id, meta);
		json_decref(meta);
		if (i < 0)
			return -1;
		img_say("image sha256:%.12s: in the store already",
			     st->id);
		take_names(s, st);
		return 0;
	}
	layers = json_array();
	for (i = 0; i < st->nlayers; i++) {
		snprintf(from, sizeof(from), "tmp/layer-%s", st->layers[i]);
		snprintf(to, sizeof(to), "layers/%s", st->layers[i]);
		json_array_append_new(layers, json_string(st->layers[i]));
		if (faccessat(s->fd, from, F_OK, AT_SYMLINK_NOFOLLOW) < 0)
			continue;	/* it was cached */
		if (renameat(s->fd, from, s->fd, to) < 0) {
			json_decref(layers);
			return rep_fail("rename(\"%s\", \"%s\")", from, to);
		}
		strcat(from, ".size");
		strcat(to, ".size");
		renameat(s->fd, from, s->fd, to);
	}
	meta = json_pack("{s:s+, s:O, s:o, s:I}", "id", "sha256:", st->id,
			 "names", st->names, "layers", layers, "size",
			 (json_int_t)st->size);
	snprintf(to, sizeof(to), "tmp/image-%s", st->id);
	if (!meta || mkdirat(s->fd, to, 0700) < 0) {
		json_decref(meta);
		return rep_fail("mkdir(\"%s/%s\")", s->dir, to);
	}
	snprintf(path, sizeof(path), "%s/%s/image.json", s->dir, to);
	if (json_dump_file(meta, path, JSON_INDENT(2)) < 0) {
		json_decref(meta);
		return rep_fail("write(\"%s\")", path);
	}
	json_decref(meta);
	snprintf(path, sizeof(path), "%s/%s/config.json", s->dir, to);
	if (json_dump_file(st->config, path, JSON_INDENT(2)) < 0)
		return rep_fail("write(\"%s\")", path);
	snprintf(from, sizeof(from), "images/%s", st->id);
	file_remove_tree_at(s->fd, from);
	if (renameat(s->fd, to, s->fd, from) < 0)
		return rep_fail("rename(\"%s\", \"%s\")", to, from);
	take_names(s, st);
	return 0;
}

int img_load(struct img_store *s, const char *path,
	     char id[IMG_HEX_LEN + 1], json_t **names)
{
	struct staged st = { .names = json_array() };
	char tmp[PATH_MAX];
	struct stat sb;
	int lfd = -1, ret = -1;

	clear_tmp(s);
	if (stat(path, &sb) < 0) {
		rep_error("image %s: %s", path, strerror(errno));
		goto out;
	}
	if (S_ISDIR(sb.st_mode)) {
		lfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	} else {
		snprintf(tmp, sizeof(tmp), "%s/tmp/archive", s->dir);
		if (mkdir(tmp, 0700) < 0 || extract_archive(path, tmp) < 0)
			goto out;
		lfd = open(tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	}
	if (lfd < 0) {
		rep_fail("open(\"%s\")", path);
		goto out;
	}
	if (faccessat(lfd, "index.json", F_OK, 0) == 0)
		ret = load_oci(s, lfd, &st);
	else if (faccessat(lfd, "manifest.json", F_OK, 0) == 0)
		ret = load_docker(s, lfd, &st);
	else
		rep_error("image %s: neither an OCI image layout (index.json) "
			  "nor a docker save archive (manifest.json)", path);
	if (ret == 0 && names)
		*names = json_deep_copy(st.names);
	if (ret == 0)
		ret = commit(s, &st);
	if (ret == 0)
		memcpy(id, st.id, IMG_HEX_LEN + 1);
out:
	if (lfd >= 0)
		close(lfd);
	clear_tmp(s);
	json_decref(st.config);
	json_decref(st.names);
	return ret;
}

json_t *img_read_meta(struct img_store *s, const char *id)
{
	char path[PATH_MAX + 320];
	json_t *j;

	snprintf(path, sizeof(path), "%s/images/%s/image.json", s->dir, id);
	j = json_load_file(path, 0, NULL);
	return json_is_object(j) ? j : (json_decref(j), NULL);
}

json_t *img_read_config(struct img_store *s, const char *id)
{
	char path[PATH_MAX + 320];
	json_error_t e;
	json_t *j;

	snprintf(path, sizeof(path), "%s/images/%s/config.json", s->dir, id);
	j = json_load_file(path, 0, &e);
	if (!j)
		rep_error("image %.12s: config.json: %s", id, e.text);
	return j;
}

/*
 * A short name matches as podman resolves it: "busybox:1" is also
 * localhost/busybox:1 (podman import, podman save) and
 * docker.io/library/busybox:1 (docker save).
 */
static int short_name_matches(const char *stored, const char *name)
{
	static const char *const prefix[] = { "", "localhost/",
					      "docker.io/library/",
					      "docker.io/" };
	size_t i, n;

	if (!stored || !*name)
		return 0;
	for (i = 0; i < sizeof(prefix) / sizeof(prefix[0]); i++) {
		n = strlen(prefix[i]);
		if (!strncmp(stored, prefix[i], n) && !strcmp(stored + n, name))
			return 1;
	}
	return 0;
}

int img_find(struct img_store *s, const char *ref, char id[IMG_HEX_LEN + 1],
	     char *why, size_t size)
{
	char name[512];
	const char *hex = strncmp(ref, "sha256:", 7) ? ref : ref + 7;
	size_t len = strlen(hex), hits = 0;
	struct dirent *e;
	DIR *d = fdopendir(openat(s->fd, "images", O_RDONLY | O_DIRECTORY |
				  O_CLOEXEC));

	if (img_normalize_name(ref, name, sizeof(name)) < 0)
		name[0] = '\0';
	while (d && (e = readdir(d))) {
		json_t *meta, *v;
		size_t i;
		int named = 0;

		if (e->d_name[0] == '.')
			continue;
		meta = img_read_meta(s, e->d_name);
		json_array_foreach(json_object_get(meta, "names"), i, v)
			named |= short_name_matches(json_string_value(v), name);
		json_decref(meta);
		if (named) {
			memcpy(id, e->d_name, IMG_HEX_LEN + 1);
			closedir(d);
			return 0;
		}
		if (len >= 4 && len <= IMG_HEX_LEN &&
		    strspn(hex, "0123456789abcdef") == len &&
		    !strncmp(e->d_name, hex, len)) {
			memcpy(id, e->d_name, IMG_HEX_LEN + 1);
			hits++;
		}
	}
	if (d)
		closedir(d);
	if (hits == 1)
		return 0;
	snprintf(why, size, hits ? "image ID prefix '%s' is ambiguous" :
		 "no such image: %s", ref);
	return -1;
}

int img_remove(struct img_store *s, const char *id)
{
	char path[IMG_HEX_LEN + 32];
	json_t *meta = img_read_meta(s, id), *v, *keep = json_object();
	struct dirent *e;
	size_t i;
	DIR *d;

	snprintf(path, sizeof(path), "images/%s", id);
	if (file_remove_tree_at(s->fd, path) < 0) {
		json_decref(meta);
		json_decref(keep);
		return rep_fail("remove(\"%s/%s\")", s->dir, path);
	}
	/* The layers the remaining images use stay. */
	d = fdopendir(openat(s->fd, "images", O_RDONLY | O_DIRECTORY |
			     O_CLOEXEC));
	while (d && (e = readdir(d))) {
		json_t *other;

		if (e->d_name[0] == '.')
			continue;
		other = img_read_meta(s, e->d_name);
		json_array_foreach(json_object_get(other, "layers"), i, v)
			json_object_set_new(keep, json_string_value(v),
					    json_true());
		json_decref(other);
	}
	if (d)
		closedir(d);
	json_array_foreach(json_object_get(meta, "layers"), i, v) {
		if (json_object_get(keep, json_string_value(v)))
			continue;
		snprintf(path, sizeof(path), "layers/%s",
			 json_string_value(v));
		file_remove_tree_at(s->fd, path);
		strcat(path, ".size");
		unlinkat(s->fd, path, 0);
	}
	json_decref(meta);
	json_decref(keep);
	return 0;
}
