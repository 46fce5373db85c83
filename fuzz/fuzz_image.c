/*
 * fuzz_image.c - the documents of an image as image-oci.c reads them:
 * the input is one JSON document taken as an index (the platform's
 * manifest picked by img_pick_manifest), as a manifest (its config and
 * layers' media types and digests) and as docker save's manifest.json
 * (its RepoTags normalized into stored names).
 *
 * Invariants: a picked descriptor is one of the index's own; a digest
 * accepted yields 64 lowercase hex digits; a normalized name has a tag
 * or a digest and fits its buffer.
 */
#include <jansson.h>

#include "fuzz.h"
#include "image.h"

static void digest(json_t *desc)
{
	const char *d = json_string_value(json_object_get(desc, "digest"));
	char hex[IMG_HEX_LEN + 1];

	img_media_type(json_string_value(json_object_get(desc,
							 "mediaType")));
	if (img_digest_hex(d, hex) == 0)
		FUZZ_CHECK(strlen(hex) == IMG_HEX_LEN &&
			   strspn(hex, "0123456789abcdef") == IMG_HEX_LEN &&
			   !strcmp(d + 7, hex), "'%s' -> '%s'", d, hex);
}

static void name(const char *ref)
{
	char out[64];
	const char *slash, *last;

	if (!ref || img_normalize_name(ref, out, sizeof(out)) < 0)
		return;
	FUZZ_CHECK(strlen(out) < sizeof(out), "'%s'", ref);
	slash = strrchr(out, '/');
	last = slash ? slash + 1 : out;
	FUZZ_CHECK(strchr(last, ':') || strchr(out, '@'), "'%s' -> '%s'", ref,
		   out);
}

static void as_index(json_t *doc, const char *arch)
{
	char why[256];
	json_t *m = img_pick_manifest(doc, arch, why, sizeof(why)), *v;
	size_t i;
	int found = 0;

	if (!m) {
		FUZZ_CHECK(strlen(why) < sizeof(why), "why");
		return;
	}
	json_array_foreach(json_object_get(doc, "manifests"), i, v)
		found |= v == m;
	FUZZ_CHECK(found, "picked a descriptor the index does not list");
	digest(m);
	name(json_string_value(json_object_get(json_object_get(m,
		"annotations"), "io.containerd.image.name")));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *doc = json_loadb((const char *)data, size,
				 JSON_REJECT_DUPLICATES, NULL), *v;
	size_t i;

	if (!doc)
		return 0;
	as_index(doc, img_arch());
	as_index(doc, "arm64");
	/* A manifest: config and layers. */
	digest(json_object_get(doc, "config"));
	json_array_foreach(json_object_get(doc, "layers"), i, v)
		digest(v);
	/* docker save: [ { "Config", "RepoTags", "Layers" } ]. */
	json_array_foreach(json_object_get(json_array_get(doc, 0),
					   "RepoTags"), i, v)
		name(json_string_value(v));
	json_decref(doc);
	return 0;
}
