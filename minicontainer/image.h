/*
 * image.h - OCI and docker images: what minicontainer-image reads, checks
 * and keeps, so that a container can start on one.
 *
 * An image is a handful of JSON documents and tar files, each named by
 * the sha256 of its bytes (a content address):
 *
 *   index.json --> manifest --> config      (Cmd, Env, User, diff_ids)
 *                           \-> layer, layer, ... (tar, gzip or zstd)
 *
 * image-oci.c reads and checks the documents, image-layer.c turns one
 * layer into a directory (whiteouts in overlayfs's form) and copies
 * layers into one tree when overlayfs cannot stack them, image-store.c
 * keeps images and layers in the store, image-main.c is the CLI.
 *
 * Specs: OCI image-spec (image-layout, image-index, manifest, config,
 * layer "Representing Changes"), docker's image spec v1.2 (docker save).
 */
#ifndef CTK_IMAGE_H
#define CTK_IMAGE_H

#include <stddef.h>
#include <sys/types.h>
#include <jansson.h>

#define IMG_HEX_LEN	64	/* sha256 in hex */
#define IMG_MAX_LAYERS	128
#define IMG_EXIT	125	/* docker's code for its own errors */

/* What a load does, step by step: shown with --verbose only, so that a
 * refused image says one line. */
#define img_say(...) \
	do { \
		if (rep_level >= REP_NARRATE) \
			rep_evidence(__VA_ARGS__); \
	} while (0)

/* What a descriptor's mediaType says the blob is. */
enum img_media {
	IMG_MT_UNKNOWN,
	IMG_MT_INDEX,		/* OCI image index, docker manifest list */
	IMG_MT_MANIFEST,	/* OCI or docker schema 2 manifest */
	IMG_MT_CONFIG,		/* OCI or docker image config */
	IMG_MT_LAYER_TAR,	/* a layer: plain tar */
	IMG_MT_LAYER_GZIP,	/* gzip-compressed tar */
	IMG_MT_LAYER_ZSTD,	/* zstd-compressed tar */
};

enum img_media img_media_type(const char *media_type);

/* "sha256:<64 lowercase hex>": the hex part copied to hex, 0; else -1.
 * Nothing else is accepted: the hex becomes a file name. */
int img_digest_hex(const char *digest, char hex[IMG_HEX_LEN + 1]);

/* The sha256 of everything read from fd, in hex.  0, or -1 with errno. */
int img_sha256_fd(int fd, char hex[IMG_HEX_LEN + 1], off_t *size);

/* The platform's architecture as OCI names it (GOARCH: amd64, arm64). */
const char *img_arch(void);

/*
 * From an index's "manifests", the descriptor for linux/arch: one whose
 * platform matches, else the only one if it names no platform.  NULL
 * with why (the platforms it offers) if none.
 */
json_t *img_pick_manifest(json_t *index, const char *arch, char *why,
			  size_t size);

/* A reference as stored: "name" becomes "name:latest"; a digest or a
 * tag is kept.  0, or -1 if it does not fit. */
int img_normalize_name(const char *ref, char *out, size_t size);

/*
 * One entry's path in a layer, made relative and checked: "./a//b/"
 * becomes "a/b".  -1 if a component is ".." (it would leave the
 * layer) or the path is empty.
 */
int img_clean_path(const char *path, char *out, size_t size);

/* ".wh.NAME": 1 and NAME in name; ".wh..wh..opq": 2; other: 0. */
int img_whiteout(const char *base, const char **name);

/*
 * The blob named by digest in an image layout (dirfd: the layout's
 * root): opened without leaving the layout, its size and sha256
 * checked against the descriptor's before anything else reads it.  The
 * fd (at offset 0), or -1 after one reported line.
 */
int img_open_blob(int layoutfd, const char *digest, json_int_t size);

/* The blob's JSON, checked as above; NULL after one reported line. */
json_t *img_load_blob_json(int layoutfd, const char *digest,
			   json_int_t size, const char *what);

/*
 * Unpack one layer (fd: the blob, media type mt) into the directory
 * dirfd/name, which it creates.  Whiteouts become overlayfs's: a 0/0
 * character device, the opaque xattr (trusted.overlay.opaque, or
 * user.overlay.opaque when not root).  Not root: no device nodes and no
 * owners (everything belongs to the caller).  The regular files' bytes
 * added up in *bytes.  0, or -1 after one line (and nothing left).
 */
int img_unpack_layer(int fd, enum img_media mt, int dirfd, const char *name,
		     const char *what, long long *bytes);

/* Copy the layer directories, bottom first, into dest (an empty or new
 * directory), applying their whiteouts: the vfs driver.  0 or -1. */
int img_copy_layers(const char *dest, char *const *layers, int n);

/* Is this a whiteout as the cache stores it (0/0 character device)? */
int img_is_cached_whiteout(mode_t mode, dev_t rdev);

/* The xattr that marks an opaque directory in this user's cache. */
const char *img_opaque_xattr(void);

#endif
