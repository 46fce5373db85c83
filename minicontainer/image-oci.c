/*
 * image-oci.c - the documents of an image: media types, digests, the
 * platform's manifest, names, and blobs checked before use.
 *
 * Every blob is read only after its size and sha256 match the
 * descriptor that names it: a tampered blob is refused before a parser
 * or tar ever sees it.  Layer paths are cleaned here too, so the rules
 * on what may not leave a layer sit in one place.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <openssl/evp.h>

#include "cli.h"
#include "image.h"
#include "report.h"

enum img_media img_media_type(const char *mt)
{
	static const struct {
		const char *name;
		enum img_media type;
	} t[] = {
		{ "application/vnd.oci.image.index.v1+json", IMG_MT_INDEX },
		{ "application/vnd.docker.distribution.manifest.list.v2+json",
		  IMG_MT_INDEX },
		{ "application/vnd.oci.image.manifest.v1+json",
		  IMG_MT_MANIFEST },
		{ "application/vnd.docker.distribution.manifest.v2+json",
		  IMG_MT_MANIFEST },
		{ "application/vnd.oci.image.config.v1+json", IMG_MT_CONFIG },
		{ "application/vnd.docker.container.image.v1+json",
		  IMG_MT_CONFIG },
		{ "application/vnd.oci.image.layer.v1.tar", IMG_MT_LAYER_TAR },
		{ "application/vnd.oci.image.layer.v1.tar+gzip",
		  IMG_MT_LAYER_GZIP },
		{ "application/vnd.oci.image.layer.v1.tar+zstd",
		  IMG_MT_LAYER_ZSTD },
		{ "application/vnd.oci.image.layer.nondistributable.v1.tar",
		  IMG_MT_LAYER_TAR },
		{ "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
		  IMG_MT_LAYER_GZIP },
		{ "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd",
		  IMG_MT_LAYER_ZSTD },
		{ "application/vnd.docker.image.rootfs.diff.tar",
		  IMG_MT_LAYER_TAR },
		{ "application/vnd.docker.image.rootfs.diff.tar.gzip",
		  IMG_MT_LAYER_GZIP },
		{ "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip",
		  IMG_MT_LAYER_GZIP },
	};
	size_t i;

	for (i = 0; mt && i < sizeof(t) / sizeof(t[0]); i++)
		if (!strcmp(mt, t[i].name))
			return t[i].type;
	return IMG_MT_UNKNOWN;
}

int img_digest_hex(const char *digest, char hex[IMG_HEX_LEN + 1])
{
	const char *h;

	if (!digest || strncmp(digest, "sha256:", 7))
		return -1;
	h = digest + 7;
	if (strlen(h) != IMG_HEX_LEN ||
	    strspn(h, "0123456789abcdef") != IMG_HEX_LEN)
		return -1;
	memcpy(hex, h, IMG_HEX_LEN + 1);
	return 0;
}

int img_sha256_fd(int fd, char hex[IMG_HEX_LEN + 1], off_t *size)
{
	unsigned char buf[65536], md[EVP_MAX_MD_SIZE];
	unsigned int mdlen, i;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	off_t total = 0;
	ssize_t n;
	int ret = -1;

	if (!ctx || !EVP_DigestInit_ex(ctx, EVP_sha256(), NULL)) {
		errno = ENOMEM;
		goto out;
	}
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			goto out;
		}
		EVP_DigestUpdate(ctx, buf, (size_t)n);
		total += n;
	}
	if (!EVP_DigestFinal_ex(ctx, md, &mdlen))
		goto out;
	for (i = 0; i < mdlen; i++)
		sprintf(hex + 2 * i, "%02x", md[i]);
	if (size)
		*size = total;
	ret = 0;
out:
	EVP_MD_CTX_free(ctx);
	return ret;
}

const char *img_arch(void)
{
	static const struct {
		const char *machine, *goarch;
	} t[] = {
		{ "x86_64", "amd64" }, { "aarch64", "arm64" },
		{ "i686", "386" }, { "i386", "386" }, { "armv7l", "arm" },
		{ "ppc64le", "ppc64le" }, { "s390x", "s390x" },
		{ "riscv64", "riscv64" },
	};
	static struct utsname u;
	size_t i;

	if (uname(&u) < 0)
		return "unknown";
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (!strcmp(u.machine, t[i].machine))
			return t[i].goarch;
	return u.machine;
}

json_t *img_pick_manifest(json_t *index, const char *arch, char *why,
			  size_t size)
{
	json_t *list = json_object_get(index, "manifests"), *m, *only = NULL;
	size_t i, len = 0, nplat = 0;
	char offered[256] = "";

	if (!json_is_array(list) || json_array_size(list) == 0) {
		snprintf(why, size, "the index lists no manifest");
		return NULL;
	}
	json_array_foreach(list, i, m) {
		json_t *p = json_object_get(m, "platform");
		const char *os = json_string_value(json_object_get(p, "os"));
		const char *a = json_string_value(json_object_get(p,
							"architecture"));

		if (!p) {
			only = m;
			continue;
		}
		nplat++;
		if (os && a && !strcmp(os, "linux") && !strcmp(a, arch))
			return m;
		if (len < sizeof(offered))
			len += (size_t)snprintf(offered + len,
						sizeof(offered) - len,
						"%s%s/%s", len ? ", " : "",
						os ? os : "?", a ? a : "?");
	}
	/* A single-image index (podman save, skopeo) names no platform. */
	if (only && json_array_size(list) == 1)
		return only;
	if (nplat)
		snprintf(why, size, "no manifest for linux/%s (the index has %s)",
			 arch, offered);
	else
		snprintf(why, size, "%zu manifests and none names its platform",
			 json_array_size(list));
	return NULL;
}

int img_normalize_name(const char *ref, char *out, size_t size)
{
	const char *slash = strrchr(ref, '/');
	const char *last = slash ? slash + 1 : ref;
	int n;

	if (strchr(last, ':') || strchr(ref, '@'))
		n = snprintf(out, size, "%s", ref);
	else
		n = snprintf(out, size, "%s:latest", ref);
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

int img_clean_path(const char *path, char *out, size_t size)
{
	size_t len = 0;
	const char *p = path;

	while (*p) {
		size_t n;

		while (*p == '/')
			p++;
		n = strcspn(p, "/");
		if (n == 0)
			break;
		if (n == 2 && !strncmp(p, "..", 2))
			return -1;
		if (!(n == 1 && *p == '.')) {
			if (len + n + 2 > size)
				return -1;
			if (len)
				out[len++] = '/';
			memcpy(out + len, p, n);
			len += n;
		}
		p += n;
	}
	out[len] = '\0';
	return len ? 0 : -1;
}

int img_whiteout(const char *base, const char **name)
{
	if (strncmp(base, ".wh.", 4))
		return 0;
	if (!strcmp(base, ".wh..wh..opq"))
		return 2;
	*name = base + 4;
	return 1;
}

int img_is_cached_whiteout(mode_t mode, dev_t rdev)
{
	return S_ISCHR(mode) && major(rdev) == 0 && minor(rdev) == 0;
}

const char *img_opaque_xattr(void)
{
	/* trusted.* needs CAP_SYS_ADMIN; overlayfs reads user.* when
	 * mounted with "userxattr", as in a user namespace. */
	return geteuid() == 0 ? "trusted.overlay.opaque" :
				"user.overlay.opaque";
}

int img_open_blob(int layoutfd, const char *digest, json_int_t size)
{
	char hex[IMG_HEX_LEN + 1], path[96], got[IMG_HEX_LEN + 1];
	off_t len;
	int fd;

	if (img_digest_hex(digest, hex) < 0) {
		rep_error("invalid digest '%s': expected sha256:<64 hex "
			  "digits>", digest ? digest : "(none)");
		return -1;
	}
	snprintf(path, sizeof(path), "blobs/sha256/%s", hex);
	/* RESOLVE_IN_ROOT: a symlink in the layout cannot lead out. */
	fd = cli_openat2(layoutfd, path, O_RDONLY | O_CLOEXEC,
			 RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
	if (fd < 0) {
		if (errno == ENOENT)
			rep_error("blob %s is missing from the image", digest);
		else
			rep_fail("open(\"%s\")", path);
		return -1;
	}
	if (img_sha256_fd(fd, got, &len) < 0) {
		rep_fail("read(\"%s\")", path);
		goto out_close;
	}
	if (strcmp(got, hex)) {
		rep_error("blob %s: wrong digest: its content hashes to "
			  "sha256:%s", digest, got);
		goto out_close;
	}
	if (size >= 0 && len != (off_t)size) {
		rep_error("blob %s: %lld bytes, the descriptor says %lld",
			  digest, (long long)len, (long long)size);
		goto out_close;
	}
	if (lseek(fd, 0, SEEK_SET) < 0) {
		rep_fail("lseek(\"%s\")", path);
		goto out_close;
	}
	return fd;
out_close:
	close(fd);
	return -1;
}

json_t *img_load_blob_json(int layoutfd, const char *digest,
			   json_int_t size, const char *what)
{
	json_error_t e;
	json_t *j;
	int fd = img_open_blob(layoutfd, digest, size);

	if (fd < 0)
		return NULL;
	j = json_loadfd(fd, JSON_REJECT_DUPLICATES, &e);
	close(fd);
	if (!j || !json_is_object(j)) {
		rep_error("%s %s is not a JSON object: %s", what, digest,
			  j ? "another JSON value" : e.text);
		json_decref(j);
		return NULL;
	}
	return j;
}
