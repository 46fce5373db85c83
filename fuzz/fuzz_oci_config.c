/*
 * fuzz_oci_config.c - an OCI bundle's config.json as oci-config.c
 * parses it: the input is the file's bytes, read the way
 * oci_config_load reads the file (duplicate keys refused), then
 * oci_config_parse.  Then the process object alone, as exec --process
 * reads it.
 *
 * Invariants: an accepted config has an absolute, clean root and at
 * most the table sizes of every list; a refused one says why.
 */
#include <jansson.h>

#include "fuzz.h"
#include "oci-config.h"

static void check(const struct oci_config *c)
{
	int k;

	FUZZ_CHECK(c->root[0] == '/' && !strstr(c->root, "//") &&
		   !strstr(c->root, "/./"), "root '%s'", c->root);
	FUZZ_CHECK(c->process.args && c->process.args[0] &&
		   *c->process.args[0], "process.args");
	FUZZ_CHECK(c->process.cwd && c->process.cwd[0] == '/', "cwd");
	FUZZ_CHECK(c->nmounts >= 0 && c->nmounts <= OCI_MAX_MOUNTS &&
		   c->nnamespaces >= 0 && c->nnamespaces <= 8 &&
		   c->nmasked <= OCI_MAX_PATHS &&
		   c->nreadonly <= OCI_MAX_PATHS &&
		   c->ndevices <= OCI_MAX_PATHS &&
		   c->nsysctl <= OCI_MAX_SYSCTL &&
		   c->process.ngroups <= OCI_MAX_GROUPS &&
		   c->process.nrlimits <= OCI_MAX_RLIMITS, "table sizes");
	for (k = 0; k < c->nmounts; k++)
		FUZZ_CHECK(c->mounts[k].destination &&
			   memchr(c->mounts[k].data, '\0',
				  sizeof(c->mounts[k].data)), "mounts[%d]", k);
	for (k = 0; k < OCI_HOOK_KINDS; k++)
		FUZZ_CHECK(c->nhooks[k] >= 0 && c->nhooks[k] <= OCI_MAX_HOOKS,
			   "hooks");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct oci_config *c = malloc(sizeof(*c));
	struct oci_process p;
	char why[512] = "";
	json_t *doc;

	if (!c)
		abort();
	doc = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES,
			 NULL);
	if (!doc)
		goto out;
	if (oci_config_parse(doc, "/bundle", c, why, sizeof(why)) == 0) {
		check(c);
		oci_config_free(c);	/* drops doc too */
	} else {
		FUZZ_CHECK(*why && strlen(why) < sizeof(why), "no why");
		why[0] = '\0';
		if (oci_process_parse(json_object_get(doc, "process"), &p,
				      "process", why, sizeof(why)) == 0)
			oci_process_free(&p);
		else
			FUZZ_CHECK(*why, "process: no why");
		json_decref(doc);
	}
out:
	free(c);
	return 0;
}
