/*
 * image-run.h - run --image: the image through minicontainer-image, its
 * layers stacked (overlayfs) or copied (vfs) into the container's root.
 */
#ifndef CTK_IMAGE_RUN_H
#define CTK_IMAGE_RUN_H

#include <stddef.h>
#include <jansson.h>

#include "state.h"

#define IMG_EXIT_CODE	125

/* The global --storage DIR and --storage-driver overlay|vfs (-1 if
 * the name is neither). */
void imgrun_set_storage(const char *dir);
int imgrun_set_driver(const char *name);

/* Execute minicontainer-image with the global options, then argv
 * ("load", FILE...); returns only on failure (-1). */
int imgrun_exec(int argc, char **argv, const char *state_root);

/* The image (a path is loaded first): {Id, RepoTags, Config, LayerDirs,
 * ...}.  NULL after one line from the helper. */
json_t *imgrun_prepare(const char *image);

/* Make st->dir/rootfs the container's root from the image: an overlay
 * mounted in a mount namespace of this runtime's own, or a copy.  The
 * path in root.  0, or -1 after one line. */
int imgrun_root(const struct mc_state *st, json_t *image, char *root,
		size_t size);

/* Unmount the overlay (before the state directory is removed). */
void imgrun_release(void);

#endif
