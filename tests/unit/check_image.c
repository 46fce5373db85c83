/* check_image.c - image documents and layers: paths, whiteouts, digests,
 * names, the platform's manifest, and a layer unpacked into a temp dir. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>
#include <archive.h>
#include <archive_entry.h>

#include "fileio.h"
#include "image.h"
#include "report.h"
#include "suites.h"

START_TEST(test_img_clean_path_relative)
{
	char out[64];

	ck_assert_int_eq(img_clean_path("./a//b/", out, sizeof(out)), 0);
	ck_assert_str_eq(out, "a/b");
	ck_assert_int_eq(img_clean_path("/etc/passwd", out, sizeof(out)), 0);
	ck_assert_str_eq(out, "etc/passwd");
	/* "..." is a name like any other. */
	ck_assert_int_eq(img_clean_path("a/.../b", out, sizeof(out)), 0);
	ck_assert_str_eq(out, "a/.../b");
}
END_TEST

START_TEST(test_img_clean_path_refuses_dotdot)
{
	char out[64];

	ck_assert_int_eq(img_clean_path("../x", out, sizeof(out)), -1);
	ck_assert_int_eq(img_clean_path("a/../b", out, sizeof(out)), -1);
	ck_assert_int_eq(img_clean_path("a/..", out, sizeof(out)), -1);
	ck_assert_int_eq(img_clean_path("./", out, sizeof(out)), -1);
	ck_assert_int_eq(img_clean_path("aaaaaaaa/bbbbbbbb", out, 8), -1);
}
END_TEST

START_TEST(test_img_whiteout_kinds)
{
	const char *name = NULL;

	ck_assert_int_eq(img_whiteout(".wh.gone", &name), 1);
	ck_assert_str_eq(name, "gone");
	ck_assert_int_eq(img_whiteout(".wh..wh..opq", &name), 2);
	ck_assert_int_eq(img_whiteout(".whx", &name), 0);
	ck_assert_int_eq(img_whiteout("file", &name), 0);
}
END_TEST

START_TEST(test_img_digest_hex_strict)
{
	char hex[IMG_HEX_LEN + 1];
	const char *good = "sha256:"
		"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

	ck_assert_int_eq(img_digest_hex(good, hex), 0);
	ck_assert_str_eq(hex, good + 7);
	ck_assert_int_eq(img_digest_hex("sha256:E3B0C442", hex), -1);
	ck_assert_int_eq(img_digest_hex("sha512:e3b0", hex), -1);
	ck_assert_int_eq(img_digest_hex("sha256:../../etc/passwd", hex), -1);
	ck_assert_int_eq(img_digest_hex(NULL, hex), -1);
}
END_TEST

START_TEST(test_img_sha256_fd_empty)
{
	char hex[IMG_HEX_LEN + 1];
	off_t size = -1;
	int fd = open("/dev/null", O_RDONLY);

	ck_assert_int_eq(img_sha256_fd(fd, hex, &size), 0);
	close(fd);
	ck_assert_str_eq(hex, "e3b0c44298fc1c149afbf4c8996fb924"
			      "27ae41e4649b934ca495991b7852b855");
	ck_assert_int_eq(size, 0);
}
END_TEST

START_TEST(test_img_normalize_name_tags)
{
	char out[128];

	ck_assert_int_eq(img_normalize_name("busybox", out, sizeof(out)), 0);
	ck_assert_str_eq(out, "busybox:latest");
	ck_assert_int_eq(img_normalize_name("localhost:5000/bb", out,
					    sizeof(out)), 0);
	ck_assert_str_eq(out, "localhost:5000/bb:latest");
	ck_assert_int_eq(img_normalize_name("a/b:1", out, sizeof(out)), 0);
	ck_assert_str_eq(out, "a/b:1");
	ck_assert_int_eq(img_normalize_name("verylongname", out, 8), -1);
}
END_TEST

START_TEST(test_img_media_type_known)
{
	ck_assert_int_eq(img_media_type(
		"application/vnd.oci.image.layer.v1.tar+zstd"),
		IMG_MT_LAYER_ZSTD);
	ck_assert_int_eq(img_media_type(
		"application/vnd.docker.image.rootfs.diff.tar.gzip"),
		IMG_MT_LAYER_GZIP);
	ck_assert_int_eq(img_media_type(
		"application/vnd.docker.distribution.manifest.list.v2+json"),
		IMG_MT_INDEX);
	ck_assert_int_eq(img_media_type("application/x-tar"), IMG_MT_UNKNOWN);
	ck_assert_int_eq(img_media_type(NULL), IMG_MT_UNKNOWN);
}
END_TEST

START_TEST(test_img_pick_manifest_platform)
{
	char why[256];
	json_t *idx = json_loads(
		"{\"manifests\": ["
		"{\"digest\": \"a\", \"platform\": {\"os\": \"linux\", "
		"\"architecture\": \"arm64\"}},"
		"{\"digest\": \"b\", \"platform\": {\"os\": \"linux\", "
		"\"architecture\": \"amd64\"}}]}", 0, NULL);
	json_t *m = img_pick_manifest(idx, "amd64", why, sizeof(why));

	ck_assert_ptr_nonnull(m);
	ck_assert_str_eq(json_string_value(json_object_get(m, "digest")), "b");
	ck_assert_ptr_null(img_pick_manifest(idx, "s390x", why, sizeof(why)));
	ck_assert_str_eq(why, "no manifest for linux/s390x (the index has "
			      "linux/arm64, linux/amd64)");
	json_decref(idx);
}
END_TEST

START_TEST(test_img_pick_manifest_single_without_platform)
{
	char why[256];
	json_t *one = json_loads("{\"manifests\": [{\"digest\": \"a\"}]}", 0,
				 NULL);
	json_t *two = json_loads("{\"manifests\": [{\"digest\": \"a\"}, "
				 "{\"digest\": \"b\"}]}", 0, NULL);

	ck_assert_ptr_nonnull(img_pick_manifest(one, "amd64", why,
						sizeof(why)));
	ck_assert_ptr_null(img_pick_manifest(two, "amd64", why, sizeof(why)));
	ck_assert_str_eq(why, "2 manifests and none names its platform");
	json_decref(one);
	json_decref(two);
}
END_TEST

/* A layer tar in a temp file: name, type, content or link target. */
static int make_layer(const char *path, const char *const *entries)
{
	struct archive *a = archive_write_new();
	struct archive_entry *e;
	int fd;

	archive_write_set_format_pax_restricted(a);
	archive_write_open_filename(a, path);
	for (; entries[0]; entries += 3) {
		e = archive_entry_new();
		archive_entry_set_pathname(e, entries[0]);
		archive_entry_set_mode(e, (entries[1][0] == 'd' ? AE_IFDIR :
					   entries[1][0] == 'l' ? AE_IFLNK :
					   AE_IFREG) | 0644);
		if (entries[1][0] == 'l')
			archive_entry_set_symlink(e, entries[2]);
		else if (entries[1][0] == 'h')
			archive_entry_set_hardlink(e, entries[2]);
		else if (entries[1][0] == 'f')
			archive_entry_set_size(e, (la_int64_t)strlen(
				entries[2]));
		archive_write_header(a, e);
		if (entries[1][0] == 'f')
			archive_write_data(a, entries[2], strlen(entries[2]));
		archive_entry_free(e);
	}
	archive_write_free(a);
	fd = open(path, O_RDONLY);
	ck_assert_int_ge(fd, 0);
	return fd;
}

static char tmp[] = "/tmp/check_image.XXXXXX";
static int tfd = -1;

static void setup(void)
{
	strcpy(tmp, "/tmp/check_image.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmp));
	tfd = open(tmp, O_DIRECTORY | O_RDONLY);
	rep_level = REP_QUIET;
}

static void teardown(void)
{
	ck_assert_int_eq(file_remove_tree_at(AT_FDCWD, tmp), 0);
	close(tfd);
	rep_level = REP_EVIDENCE;
}

START_TEST(test_img_unpack_layer_whiteouts)
{
	static const char *const entries[] = {
		"d/", "d", "", "d/keep", "f", "kept", "d/.wh.gone", "f", "",
		"o/.wh..wh..opq", "f", "", "o/new", "f", "n",
		"abs", "l", "/etc/passwd", "d/again", "h", "d/keep",
		NULL,
	};
	char path[256], v[4];
	long long bytes = 0;
	struct stat st;
	int fd;

	snprintf(path, sizeof(path), "%s/layer.tar", tmp);
	fd = make_layer(path, entries);
	ck_assert_int_eq(img_unpack_layer(fd, IMG_MT_LAYER_TAR, tfd, "l",
					  "test", &bytes), 0);
	close(fd);
	ck_assert_int_eq(bytes, 5);
	/* .wh.gone is overlayfs's whiteout: a 0/0 character device. */
	ck_assert_int_eq(fstatat(tfd, "l/d/gone", &st, AT_SYMLINK_NOFOLLOW), 0);
	ck_assert(img_is_cached_whiteout(st.st_mode, st.st_rdev));
	ck_assert_int_ne(faccessat(tfd, "l/d/.wh.gone", F_OK, 0), 0);
	snprintf(path, sizeof(path), "%s/l/o", tmp);
	ck_assert_int_eq(getxattr(path, img_opaque_xattr(), v, sizeof(v)), 1);
	/* An absolute symlink is kept as it is: it resolves in the root. */
	ck_assert_int_eq(fstatat(tfd, "l/abs", &st, AT_SYMLINK_NOFOLLOW), 0);
	ck_assert(S_ISLNK(st.st_mode));
	ck_assert_int_eq(fstatat(tfd, "l/d/again", &st, 0), 0);
	ck_assert_int_eq(st.st_nlink, 2);
}
END_TEST

START_TEST(test_img_unpack_layer_refuses_escapes)
{
	static const char *const dotdot[] = { "../x", "f", "", NULL };
	static const char *const through[] = {
		"evil", "l", "/tmp", "evil/planted", "f", "x", NULL,
	};
	static const char *const hard[] = { "h", "h", "../../etc/passwd",
					    NULL };
	const char *const *bad[] = { dotdot, through, hard };
	char path[256];
	long long bytes;
	size_t i;
	int fd;

	for (i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s/bad%zu.tar", tmp, i);
		fd = make_layer(path, bad[i]);
		ck_assert_int_eq(img_unpack_layer(fd, IMG_MT_LAYER_TAR, tfd,
						  "l", "test", &bytes), -1);
		close(fd);
		/* Nothing half-unpacked stays. */
		ck_assert_int_ne(faccessat(tfd, "l", F_OK, 0), 0);
	}
	ck_assert_int_ne(access("/tmp/planted", F_OK), 0);
}
END_TEST

START_TEST(test_img_copy_layers_applies_whiteouts)
{
	static const char *const lower[] = {
		"d/gone", "f", "g", "o/old", "f", "o", "same", "f", "1", NULL,
	};
	static const char *const upper[] = {
		"d/.wh.gone", "f", "", "o/.wh..wh..opq", "f", "",
		"o/new", "f", "n", "same", "f", "2", NULL,
	};
	char path[256], dest[256], buf[8];
	char *layers[2];
	long long bytes;
	int fd;

	snprintf(path, sizeof(path), "%s/1.tar", tmp);
	fd = make_layer(path, lower);
	ck_assert_int_eq(img_unpack_layer(fd, IMG_MT_LAYER_TAR, tfd, "l1",
					  "1", &bytes), 0);
	close(fd);
	snprintf(path, sizeof(path), "%s/2.tar", tmp);
	fd = make_layer(path, upper);
	ck_assert_int_eq(img_unpack_layer(fd, IMG_MT_LAYER_TAR, tfd, "l2",
					  "2", &bytes), 0);
	close(fd);
	ck_assert_int_ge(asprintf(&layers[0], "%s/l1", tmp), 0);
	ck_assert_int_ge(asprintf(&layers[1], "%s/l2", tmp), 0);
	snprintf(dest, sizeof(dest), "%s/root", tmp);
	ck_assert_int_eq(img_copy_layers(dest, layers, 2), 0);
	ck_assert_int_ne(faccessat(tfd, "root/d/gone", F_OK,
				   AT_SYMLINK_NOFOLLOW), 0);
	ck_assert_int_ne(faccessat(tfd, "root/o/old", F_OK, 0), 0);
	ck_assert_int_eq(faccessat(tfd, "root/o/new", F_OK, 0), 0);
	ck_assert_int_eq(file_read_at(tfd, "root/same", buf, sizeof(buf)), 1);
	ck_assert_str_eq(buf, "2");
	free(layers[0]);
	free(layers[1]);
}
END_TEST

Suite *image_suite(void)
{
	Suite *s = suite_create("image");
	TCase *tc = tcase_create("documents");
	TCase *tl = tcase_create("layers");

	tcase_add_test(tc, test_img_clean_path_relative);
	tcase_add_test(tc, test_img_clean_path_refuses_dotdot);
	tcase_add_test(tc, test_img_whiteout_kinds);
	tcase_add_test(tc, test_img_digest_hex_strict);
	tcase_add_test(tc, test_img_sha256_fd_empty);
	tcase_add_test(tc, test_img_normalize_name_tags);
	tcase_add_test(tc, test_img_media_type_known);
	tcase_add_test(tc, test_img_pick_manifest_platform);
	tcase_add_test(tc, test_img_pick_manifest_single_without_platform);
	suite_add_tcase(s, tc);
	tcase_add_checked_fixture(tl, setup, teardown);
	tcase_add_test(tl, test_img_unpack_layer_whiteouts);
	tcase_add_test(tl, test_img_unpack_layer_refuses_escapes);
	tcase_add_test(tl, test_img_copy_layers_applies_whiteouts);
	suite_add_tcase(s, tl);
	return s;
}
