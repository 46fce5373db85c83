/*
 * fuzz_layer_path.c - the paths a layer's tar names (image-oci.c's
 * img_clean_path and img_whiteout), and, when the input is big enough
 * to be one, the tar itself unpacked by image-layer.c's
 * img_unpack_layer into a scratch directory.
 *
 * Invariants: an accepted path is relative, has no empty, "." or ".."
 * component, fits the buffer and cleans to itself; an unpacked layer
 * never writes beside its directory (a sibling "outside" stays empty).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "fuzz.h"
#include "image.h"
#include "report.h"

static int scratch = -1;		/* the scratch directory */
static char scratch_path[4096];

static void check_clean(const char *in, size_t size)
{
	char *out = malloc(size), *again = malloc(size);
	const char *c, *name;

	if (!out || !again)
		abort();
	if (img_clean_path(in, out, size) == 0) {
		FUZZ_CHECK(*out && *out != '/' && strlen(out) < size,
			   "'%s' -> '%s'", in, out);
		for (c = out; *c;) {
			size_t n = strcspn(c, "/");

			FUZZ_CHECK(n > 0 && !(n == 1 && *c == '.') &&
				   !(n == 2 && !strncmp(c, "..", 2)),
				   "'%s' -> '%s'", in, out);
			if (img_whiteout(c, &name) == 1)
				FUZZ_CHECK(name == c + 4, "'%s'", c);
			c += n;
			if (*c)
				c++;
			FUZZ_CHECK(*c || c[-1] != '/', "'%s' -> '%s' ends in /",
				   in, out);
		}
		FUZZ_CHECK(img_clean_path(out, again, size) == 0 &&
			   !strcmp(out, again), "'%s' -> '%s' -> '%s'", in, out,
			   again);
	}
	free(out);
	free(again);
}

static void cleanup(void)
{
	if (scratch >= 0) {
		close(scratch);
		scratch = -1;
		file_remove_tree_at(AT_FDCWD, scratch_path);
	}
}

/* FUZZ_TMP or /tmp: a directory holding "layer" and "outside". */
static void scratch_init(void)
{
	const char *tmp = getenv("FUZZ_TMP");

	snprintf(scratch_path, sizeof(scratch_path), "%s/ctk-fuzz-XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(scratch_path))
		abort();
	scratch = open(scratch_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (scratch < 0 || mkdirat(scratch, "outside", 0755) < 0)
		abort();
	atexit(cleanup);
	/* Refused layers say why on one line each: not wanted here. */
	rep_set_stream(fopen("/dev/null", "w"));
}

static int is_empty(int dirfd, const char *name)
{
	int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *e;
	int n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n == 0;
}

static void unpack(const uint8_t *data, size_t size)
{
	static const uint8_t zstd[] = { 0x28, 0xb5, 0x2f, 0xfd };
	enum img_media mt = IMG_MT_LAYER_TAR;
	long long bytes = 0;
	int fd, ret;

	/* Decompressed only as the media type says: say what it is. */
	if (data[0] == 0x1f && data[1] == 0x8b)
		mt = IMG_MT_LAYER_GZIP;
	else if (!memcmp(data, zstd, sizeof(zstd)))
		mt = IMG_MT_LAYER_ZSTD;
	if (scratch < 0)
		scratch_init();
	fd = memfd_create("layer", MFD_CLOEXEC);
	if (fd < 0 || write(fd, data, size) != (ssize_t)size ||
	    lseek(fd, 0, SEEK_SET) < 0)
		abort();
	ret = img_unpack_layer(fd, mt, scratch, "layer", "fuzz", &bytes);
	close(fd);
	FUZZ_CHECK(is_empty(scratch, "outside"),
		   "the layer wrote beside its directory");
	if (ret == 0)
		FUZZ_CHECK(file_remove_tree_at(scratch, "layer") == 0,
			   "layer not removable");
	else
		FUZZ_CHECK(faccessat(scratch, "layer", F_OK,
				     AT_SYMLINK_NOFOLLOW) < 0,
			   "a refused layer was left behind");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_str(data, size);
	size_t len = strlen(s);

	/* Every buffer size around the path's own length. */
	check_clean(s, 4096);
	check_clean(s, len + 1);
	check_clean(s, len / 2 + 1);
	free(s);
	if (size >= 512)
		unpack(data, size);
	return 0;
}
