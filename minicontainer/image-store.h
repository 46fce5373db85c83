/*
 * image-store.h - where images and unpacked layers are kept:
 *
 *   STORE/layers/HEX/       a layer unpacked (HEX: its blob's sha256),
 *                           shared by every image and container using it
 *   STORE/layers/HEX.size   its files' bytes
 *   STORE/images/HEX/       an image (HEX: its config's sha256, the ID):
 *                           config.json as shipped, image.json (names,
 *                           layers bottom first, size)
 *   STORE/tmp/              loads in progress; moved into place only
 *                           when everything checked out
 *   STORE/lock              flock(2): loads and removals one at a time
 */
#ifndef CTK_IMAGE_STORE_H
#define CTK_IMAGE_STORE_H

#include <limits.h>
#include <jansson.h>

#include "image.h"

struct img_store {
	char dir[PATH_MAX - 128];
	int fd, lockfd;
};

/* Open (making it) the store at dir; exclusive: lock it for a change.
 * 0, or -1 after one line. */
int img_store_open(struct img_store *s, const char *dir, int exclusive,
		   int create);
void img_store_close(struct img_store *s);

/* The default store: /var/lib/minicontainer for root, else
 * $XDG_DATA_HOME/minicontainer or ~/.local/share/minicontainer. */
int img_store_default(char *buf, size_t size);

/* Load an archive or layout; the new image's ID in id, and if names is
 * not NULL, the names the archive gives it (a new array).  0 or -1. */
int img_load(struct img_store *s, const char *path,
	     char id[IMG_HEX_LEN + 1], json_t **names);

/* An image by name[:tag], ID or unique ID prefix.  0, or -1 with why. */
int img_find(struct img_store *s, const char *ref, char id[IMG_HEX_LEN + 1],
	     char *why, size_t size);

/* images/ID/image.json and config.json; NULL after one line. */
json_t *img_read_meta(struct img_store *s, const char *id);
json_t *img_read_config(struct img_store *s, const char *id);

/* Remove an image, and the layers no other image uses.  0 or -1. */
int img_remove(struct img_store *s, const char *id);

/* The absolute directory of a cached layer. */
void img_layer_dir(const struct img_store *s, const char *hex, char *buf,
		   size_t size);

#endif
