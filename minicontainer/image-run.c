/*
 * image-run.c - run --image: the image's layers become the container's
 * root.
 *
 * minicontainer-image does the image work in a process of its own (so
 * this static runtime never maps libarchive or libcrypto) and answers
 * with one JSON object: the image's ID, its layer directories bottom
 * first, and its config.  Then, here:
 *
 *   unshare(CLONE_NEWNS)   the runtime's own mount namespace, made
 *                          private: the overlay mounted next exists only
 *                          for this runtime and the container it starts,
 *                          and vanishes with them (no host mount to leak)
 *   mount("overlay", ...)  the layers read-only (lowerdir, top first),
 *                          the container's writes in upperdir, both under
 *                          the container's state directory
 *
 * Where overlayfs cannot be mounted (no module, rootless), the layers
 * are copied into the state directory instead: podman's "vfs" driver.
 *
 * Man pages: unshare(2), mount(2), mount_namespaces(7); the kernel's
 * Documentation/filesystems/overlayfs.rst.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "image-run.h"
#include "ns.h"
#include "report.h"
#include "state.h"

static const char *storage, *driver = "overlay";
static char mounted[PATH_MAX];

void imgrun_set_storage(const char *dir)
{
	storage = dir;
}

int imgrun_set_driver(const char *name)
{
	if (strcmp(name, "overlay") && strcmp(name, "vfs"))
		return -1;
	driver = name;
	return 0;
}

/* Where minicontainer-image is: beside this binary (set by main). */
static const char *helper(void)
{
	const char *h = getenv("CTK_IMAGE_HELPER");

	return h && *h ? h : "minicontainer-image";
}

int imgrun_exec(int argc, char **argv, const char *state_root)
{
	char *args[64];
	int n = 0, i;

	args[n++] = (char *)helper();
	if (storage) {
		args[n++] = "--storage";
		args[n++] = (char *)storage;
	}
	if (state_root) {
		args[n++] = "--state-root";
		args[n++] = (char *)state_root;
	}
	if (rep_level == REP_QUIET)
		args[n++] = "-q";
	else if (rep_level >= REP_NARRATE)
		args[n++] = "-v";
	for (i = 0; i < argc && n < 63; i++)
		args[n++] = argv[i];
	args[n] = NULL;
	execv(args[0], args);
	rep_fail("execv(\"%s\")", args[0]);
	return -1;
}

/* Run the helper's prepare; its stdout, parsed.  NULL after a line. */
static json_t *prepare(const char *image, const char *copy_to)
{
	char *argv[] = { "prepare", copy_to ? "--copy-to" : (char *)image,
			 (char *)copy_to, (char *)image, NULL };
	json_error_t e;
	json_t *j = NULL;
	int p[2], status;
	FILE *f;
	pid_t pid;

	if (!copy_to)
		argv[2] = NULL;
	if (pipe2(p, O_CLOEXEC) < 0) {
		rep_fail("pipe2()");
		return NULL;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		rep_fail("fork()");
		close(p[0]);
		close(p[1]);
		return NULL;
	}
	if (pid == 0) {
		dup2(p[1], 1);
		imgrun_exec(copy_to ? 4 : 2, argv, NULL);
		_exit(IMG_EXIT_CODE);
	}
	close(p[1]);
	f = fdopen(p[0], "r");
	if (f) {
		j = json_loadf(f, JSON_DISABLE_EOF_CHECK, &e);
		fclose(f);
	} else {
		close(p[0]);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	/* The helper said why on stderr if it failed. */
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 ||
	    !json_is_object(j)) {
		json_decref(j);
		return NULL;
	}
	return j;
}

json_t *imgrun_prepare(const char *image)
{
	return prepare(image, NULL);
}

/* "lowerdir=TOP:...:BOTTOM,upperdir=U,workdir=W"; -1 if too long. */
static int overlay_options(json_t *dirs, const char *dir, char *buf,
			   size_t size)
{
	size_t len, i = json_array_size(dirs);
	int n;

	len = (size_t)snprintf(buf, size, "lowerdir=");
	while (i-- > 0) {
		n = snprintf(buf + len, size > len ? size - len : 0, "%s%s",
			     json_string_value(json_array_get(dirs, i)),
			     i ? ":" : "");
		len += (size_t)n;
	}
	n = snprintf(buf + len, size > len ? size - len : 0,
		     ",upperdir=%s/upper,workdir=%s/work", dir, dir);
	len += (size_t)n;
	return len < size ? 0 : -1;
}

static int mount_overlay(const char *dir, json_t *dirs, const char *root)
{
	char opts[4096], path[PATH_MAX + 16];

	/* mount(2) takes one page of options: about 40 layers here. */
	if (overlay_options(dirs, dir, opts, sizeof(opts)) < 0) {
		errno = E2BIG;
		return -1;
	}
	snprintf(path, sizeof(path), "%s/upper", dir);
	if (mkdir(path, 0755) < 0 && errno != EEXIST)
		return rep_fail("mkdir(\"%s\")", path);
	snprintf(path, sizeof(path), "%s/work", dir);
	if (mkdir(path, 0700) < 0 && errno != EEXIST)
		return rep_fail("mkdir(\"%s\")", path);
	if (mount("overlay", root, "overlay", 0, opts) < 0)
		return -1;
	rep_step(0, "the layers read-only below, the container's writes in "
		 "upperdir", "mount(\"overlay\", \"%s\", \"overlay\", 0, "
		 "\"%.60s...\")", root, opts);
	snprintf(mounted, sizeof(mounted), "%s", root);
	return 0;
}

int imgrun_root(const struct mc_state *st, json_t *image, char *root,
		size_t size)
{
	json_t *dirs = json_object_get(image, "LayerDirs"), *copied;
	const char *id = json_string_value(json_object_get(image, "Id"));
	int vfs = !strcmp(driver, "vfs") || geteuid() != 0;

	snprintf(root, size, "%s/rootfs", st->dir);
	if (mkdir(root, 0755) < 0 && errno != EEXIST)
		return rep_fail("mkdir(\"%s\")", root);
	if (!vfs) {
		if (unshare(CLONE_NEWNS) < 0)
			return rep_fail("unshare(CLONE_NEWNS)");
		rep_step(0, "a mount namespace of the runtime's own, for the "
			 "image's root", "unshare(CLONE_NEWNS)");
		if (ns_set_propagation(NS_PROP_PRIVATE) < 0)
			return -1;
		if (mount_overlay(st->dir, dirs, root) == 0)
			return 0;
		/* No overlayfs here: the copy still gives a root. */
		rep_evidence("overlayfs: %s; copying the layers instead (vfs)",
			     strerror(errno));
	}
	copied = prepare(id, root);
	if (!copied)
		return -1;
	json_decref(copied);
	rep_step(0, "the layers copied, whiteouts applied (the vfs driver)",
		 "copy(%zu layers, \"%s\")", json_array_size(dirs), root);
	return 0;
}

void imgrun_release(void)
{
	if (mounted[0] && umount2(mounted, MNT_DETACH) == 0)
		mounted[0] = '\0';
}
