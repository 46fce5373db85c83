/* check_oci.c - config.json read into struct oci_config: runc's own spec,
 * required fields, types and ranges named by their JSON path, mount
 * options, resources, hooks, time offsets, devices, signals and caps. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "caps.h"
#include "fileio.h"
#include "limit.h"
#include "oci-config.h"
#include "suites.h"

/* The output of `runc spec` (runc 1.1.5), compacted. */
static const char runc_spec[] =
	"{\"ociVersion\":\"1.0.2-dev\",\"process\":{\"terminal\":true,\"user"
	"\":{\"uid\":0,\"gid\":0},\"args\":[\"sh\"],\"env\":[\"PATH=/usr/loca"
	"l/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\",\"TERM=xterm\""
	"],\"cwd\":\"/\",\"capabilities\":{\"bounding\":[\"CAP_AUDIT_WRITE\","
	"\"CAP_KILL\",\"CAP_NET_BIND_SERVICE\"],\"effective\":[\"CAP_AUDIT_WR"
	"ITE\",\"CAP_KILL\",\"CAP_NET_BIND_SERVICE\"],\"permitted\":[\"CAP_AU"
	"DIT_WRITE\",\"CAP_KILL\",\"CAP_NET_BIND_SERVICE\"],\"ambient\":[\"CA"
	"P_AUDIT_WRITE\",\"CAP_KILL\",\"CAP_NET_BIND_SERVICE\"]},\"rlimits\":"
	"[{\"type\":\"RLIMIT_NOFILE\",\"hard\":1024,\"soft\":1024}],\"noNewPr"
	"ivileges\":true},\"root\":{\"path\":\"rootfs\",\"readonly\":true},\""
	"hostname\":\"runc\",\"mounts\":[{\"destination\":\"/proc\",\"type\":"
	"\"proc\",\"source\":\"proc\"},{\"destination\":\"/dev\",\"type\":\"t"
	"mpfs\",\"source\":\"tmpfs\",\"options\":[\"nosuid\",\"strictatime\","
	"\"mode=755\",\"size=65536k\"]},{\"destination\":\"/dev/pts\",\"type"
	"\":\"devpts\",\"source\":\"devpts\",\"options\":[\"nosuid\",\"noexec"
	"\",\"newinstance\",\"ptmxmode=0666\",\"mode=0620\",\"gid=5\"]},{\"de"
	"stination\":\"/dev/shm\",\"type\":\"tmpfs\",\"source\":\"shm\",\"opt"
	"ions\":[\"nosuid\",\"noexec\",\"nodev\",\"mode=1777\",\"size=65536k"
	"\"]},{\"destination\":\"/dev/mqueue\",\"type\":\"mqueue\",\"source\""
	":\"mqueue\",\"options\":[\"nosuid\",\"noexec\",\"nodev\"]},{\"destin"
	"ation\":\"/sys\",\"type\":\"sysfs\",\"source\":\"sysfs\",\"options\""
	":[\"nosuid\",\"noexec\",\"nodev\",\"ro\"]},{\"destination\":\"/sys/f"
	"s/cgroup\",\"type\":\"cgroup\",\"source\":\"cgroup\",\"options\":[\""
	"nosuid\",\"noexec\",\"nodev\",\"relatime\",\"ro\"]}],\"linux\":{\"re"
	"sources\":{\"devices\":[{\"allow\":false,\"access\":\"rwm\"}]},\"nam"
	"espaces\":[{\"type\":\"pid\"},{\"type\":\"network\"},{\"type\":\"ipc"
	"\"},{\"type\":\"uts\"},{\"type\":\"mount\"}],\"maskedPaths\":[\"/pro"
	"c/acpi\",\"/proc/asound\",\"/proc/kcore\",\"/proc/keys\",\"/proc/lat"
	"ency_stats\",\"/proc/timer_list\",\"/proc/timer_stats\",\"/proc/sche"
	"d_debug\",\"/sys/firmware\",\"/proc/scsi\"],\"readonlyPaths\":[\"/pr"
	"oc/bus\",\"/proc/fs\",\"/proc/irq\",\"/proc/sys\",\"/proc/sysrq-trig"
	"ger\"]}}";

/* The least a config may hold. */
static const char minimal_spec[] =
	"{\"ociVersion\": \"1.2.0\", \"root\": {\"path\": \"rootfs\"},"
	" \"process\": {\"args\": [\"sh\"], \"cwd\": \"/\","
	" \"user\": {\"uid\": 0, \"gid\": 0}}}";

static char tmp[] = "/tmp/check_oci.XXXXXX";

static void setup(void)
{
	strcpy(tmp, "/tmp/check_oci.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmp));
}

static void teardown(void)
{
	ck_assert_int_eq(file_remove_tree_at(AT_FDCWD, tmp), 0);
}

static json_t *doc_of(const char *text)
{
	json_t *doc = json_loads(text, JSON_REJECT_DUPLICATES, NULL);

	ck_assert_ptr_nonnull(doc);
	return doc;
}

/* Set doc's value at a dotted path ("process.user.uid"), making objects
 * on the way; value NULL removes it. */
static void set(json_t *doc, const char *dotted, const char *value)
{
	char path[256], *key, *dot;
	json_t *o = doc, *next;

	snprintf(path, sizeof(path), "%s", dotted);
	for (key = path; (dot = strchr(key, '.')); key = dot + 1) {
		*dot = '\0';
		next = json_object_get(o, key);
		if (!json_is_object(next)) {
			next = json_object();
			json_object_set_new(o, key, next);
		}
		o = next;
	}
	if (!value) {
		json_object_del(o, key);
		return;
	}
	next = json_loads(value, JSON_DECODE_ANY, NULL);
	ck_assert_msg(next != NULL, "bad test JSON %s", value);
	json_object_set_new(o, key, next);
}

/* The minimal config with one value changed. */
static json_t *minimal_with(const char *dotted, const char *value)
{
	json_t *doc = doc_of(minimal_spec);

	set(doc, dotted, value);
	return doc;
}

/* Parse doc (consumed), which must succeed. */
static void parse_ok(json_t *doc, struct oci_config *c)
{
	char why[512] = "";
	int rc = oci_config_parse(doc, "/bundle", c, why, sizeof(why));

	if (rc < 0)
		json_decref(doc);
	ck_assert_msg(rc == 0, "parse failed: %s", why);
}

/* Parse doc (consumed), which must fail with exactly want. */
static void parse_fails(json_t *doc, const char *want)
{
	struct oci_config c;
	char why[512] = "";

	ck_assert_int_eq(oci_config_parse(doc, "/bundle", &c, why,
					  sizeof(why)), -1);
	ck_assert_str_eq(why, want);
	ck_assert_ptr_null(c.json);
	ck_assert_ptr_null(c.process.args);
	json_decref(doc);
}

static void fails_with(const char *dotted, const char *value,
		       const char *want)
{
	parse_fails(minimal_with(dotted, value), want);
}

static void write_config(const char *text)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/config.json", tmp);
	f = fopen(path, "we");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fputs(text, f) >= 0, 1);
	ck_assert_int_eq(fclose(f), 0);
}

/* ------------------------------------------------------------ load */

START_TEST(test_oci_config_load_runc_spec)
{
	struct oci_config c;
	char why[512] = "", root[PATH_MAX];
	uint64_t three;

	write_config(runc_spec);
	ck_assert_msg(oci_config_load(tmp, &c, why, sizeof(why)) == 0, "%s",
		      why);
	ck_assert_str_eq(c.oci_version, "1.0.2-dev");
	snprintf(root, sizeof(root), "%s/rootfs", tmp);
	ck_assert_str_eq(c.root, root);
	ck_assert_int_eq(c.root_readonly, 1);
	ck_assert_str_eq(c.hostname, "runc");
	ck_assert_str_eq(c.process.args[0], "sh");
	ck_assert_ptr_null(c.process.args[1]);
	ck_assert_str_eq(c.process.env[1], "TERM=xterm");
	ck_assert_ptr_null(c.process.env[2]);
	ck_assert_str_eq(c.process.cwd, "/");
	ck_assert_int_eq(c.process.uid, 0);
	ck_assert_int_eq(c.process.gid, 0);
	ck_assert_int_eq(c.process.umask, -1);
	ck_assert_int_eq(c.process.terminal, 1);
	ck_assert_int_eq(c.process.no_new_privileges, 1);
	ck_assert_int_eq(c.process.has_caps, 1);
	/* CAP_AUDIT_WRITE, CAP_KILL, CAP_NET_BIND_SERVICE */
	three = CAPS_BIT(29) | CAPS_BIT(5) | CAPS_BIT(10);
	ck_assert_uint_eq(c.process.caps.bounding, three);
	ck_assert_uint_eq(c.process.caps.ambient, three);
	ck_assert_uint_eq(c.process.caps.inheritable, 0);
	ck_assert_int_eq(c.process.nrlimits, 1);
	ck_assert_int_eq(c.process.rlimits[0].resource, RLIMIT_NOFILE);
	ck_assert_uint_eq(c.process.rlimits[0].lim.rlim_cur, 1024);
	ck_assert_int_eq(c.process.has_oom_score_adj, 0);
	ck_assert_ptr_null(c.process.seccomp);
	ck_assert_int_eq(c.nmounts, 7);
	ck_assert_str_eq(c.mounts[1].destination, "/dev");
	ck_assert_str_eq(c.mounts[1].type, "tmpfs");
	ck_assert_uint_eq(c.mounts[1].flags, MS_NOSUID | MS_STRICTATIME);
	ck_assert_str_eq(c.mounts[1].data, "mode=755,size=65536k");
	ck_assert_str_eq(c.mounts[2].data,
			 "newinstance,ptmxmode=0666,mode=0620,gid=5");
	ck_assert_uint_eq(c.mounts[6].flags, MS_NOSUID | MS_NOEXEC |
			  MS_NODEV | MS_RELATIME | MS_RDONLY);
	ck_assert_int_eq(c.nnamespaces, 5);
	ck_assert_int_eq(c.namespaces[0].type, CLONE_NEWPID);
	ck_assert_int_eq(c.namespaces[4].type, CLONE_NEWNS);
	ck_assert_ptr_null(c.namespaces[4].path);
	ck_assert_int_eq(c.nmasked, 10);
	ck_assert_str_eq(c.masked[2], "/proc/kcore");
	ck_assert_int_eq(c.nreadonly, 5);
	ck_assert_int_eq(c.has_limits, 0);
	ck_assert_int_eq(c.ndevices, 0);
	ck_assert_int_eq(c.uids.n, 0);
	ck_assert_int_eq(c.time.monotonic.set, 0);
	ck_assert_ptr_null(c.cgroups_path);
	ck_assert_ptr_null(c.annotations);
	ck_assert_int_eq(c.nhooks[OCI_HOOK_PRESTART], 0);
	oci_config_free(&c);
	/* Freeing twice is harmless. */
	oci_config_free(&c);
}
END_TEST

START_TEST(test_oci_config_load_missing_file)
{
	struct oci_config c;
	char why[512], want[PATH_MAX];

	ck_assert_int_eq(oci_config_load(tmp, &c, why, sizeof(why)), -1);
	snprintf(want, sizeof(want), "%s/config.json: no such file or "
		 "directory", tmp);
	ck_assert_str_eq(why, want);
}
END_TEST

START_TEST(test_oci_config_load_invalid_json)
{
	static const char prefix[] = "config.json is not valid JSON: ";
	struct oci_config c;
	char why[512];

	write_config("{\"ociVersion\": \"1.2.0\",\n\"root\": }");
	ck_assert_int_eq(oci_config_load(tmp, &c, why, sizeof(why)), -1);
	ck_assert_int_eq(strncmp(why, prefix, strlen(prefix)), 0);
	ck_assert_ptr_nonnull(strstr(why, "(line 2)"));
	/* Duplicate keys: refused, not last-one-wins. */
	write_config("{\"ociVersion\": \"1.2.0\", \"ociVersion\": \"1.0\"}");
	ck_assert_int_eq(oci_config_load(tmp, &c, why, sizeof(why)), -1);
	ck_assert_ptr_nonnull(strstr(why, "duplicate"));
	/* Valid JSON, wrong document: the path of what is wrong. */
	write_config("[]");
	ck_assert_int_eq(oci_config_load(tmp, &c, why, sizeof(why)), -1);
	ck_assert_str_eq(why, "config.json: must be a JSON object");
}
END_TEST

/* ------------------------------------------------- required and types */

START_TEST(test_oci_config_parse_minimal)
{
	struct oci_config c;

	parse_ok(doc_of(minimal_spec), &c);
	ck_assert_str_eq(c.root, "/bundle/rootfs");
	ck_assert_ptr_null(c.process.env);
	ck_assert_int_eq(c.process.has_caps, 0);
	ck_assert_int_eq(c.root_readonly, 0);
	ck_assert_ptr_null(c.hostname);
	ck_assert_int_eq(c.nmounts, 0);
	ck_assert_int_eq(c.nnamespaces, 0);
	ck_assert_int_eq(c.rootfs_propagation, 0);
	oci_config_free(&c);
}
END_TEST

START_TEST(test_oci_config_parse_required_fields)
{
	static const struct {
		const char *remove, *why;
	} t[] = {
		{ "ociVersion", "ociVersion: missing: must be a string" },
		{ "root", "root: missing: must be an object" },
		{ "root.path", "root.path: missing: must be a string" },
		{ "process", "process: missing: must be an object" },
		{ "process.args", "process.args: missing: must be a "
		  "non-empty array of strings" },
		{ "process.cwd", "process.cwd: missing: must be an absolute "
		  "path" },
		{ "process.user", "process.user: missing: must be an "
		  "object" },
		{ "process.user.uid", "process.user.uid: missing: must be "
		  "an integer from 0 to 4294967294" },
		{ "process.user.gid", "process.user.gid: missing: must be "
		  "an integer from 0 to 4294967294" },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		fails_with(t[i].remove, NULL, t[i].why);
	/* null counts as missing. */
	fails_with("process.cwd", "null",
		   "process.cwd: missing: must be an absolute path");
}
END_TEST

START_TEST(test_oci_config_parse_wrong_types)
{
	static const struct {
		const char *path, *value, *why;
	} t[] = {
		{ "ociVersion", "1", "ociVersion: must be a string" },
		{ "root", "\"rootfs\"", "root: must be an object" },
		{ "root.readonly", "\"yes\"",
		  "root.readonly: must be a boolean" },
		{ "process.args", "\"sh\"", "process.args: must be a "
		  "non-empty array of strings" },
		{ "process.args", "[\"sh\", 1]", "process.args: must be a "
		  "non-empty array of strings" },
		{ "process.env", "{}", "process.env: must be an array of "
		  "strings" },
		{ "process.user.uid", "\"0\"", "process.user.uid: must be "
		  "an integer from 0 to 4294967294" },
		{ "process.user.gid", "1.5", "process.user.gid: must be an "
		  "integer from 0 to 4294967294" },
		{ "process.terminal", "1", "process.terminal: must be a "
		  "boolean" },
		{ "process.capabilities", "[]", "process.capabilities: must "
		  "be an object" },
		{ "process.capabilities.bounding", "\"CAP_KILL\"",
		  "process.capabilities.bounding: must be an array of "
		  "capability names" },
		{ "hostname", "false", "hostname: must be a string" },
		{ "mounts", "{}", "mounts: must be an array of at most 64 "
		  "mounts" },
		{ "linux", "[]", "linux: must be an object" },
		{ "linux.namespaces", "{}", "linux.namespaces: must be an "
		  "array" },
		{ "linux.seccomp", "\"default\"", "linux.seccomp: must be an "
		  "object" },
		{ "linux.sysctl", "{\"net.ipv4.ip_forward\": 1}",
		  "linux.sysctl.net.ipv4.ip_forward: must be a string" },
		{ "linux.cgroupsPath", "[]", "linux.cgroupsPath: must be a "
		  "string" },
		{ "hooks", "[]", "hooks: must be an object" },
		{ "annotations", "[]", "annotations: must be an object" },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		fails_with(t[i].path, t[i].value, t[i].why);
}
END_TEST

START_TEST(test_oci_config_parse_invalid_values)
{
	fails_with("process.cwd", "\"tmp\"",
		   "process.cwd: must be an absolute path");
	fails_with("process.user.uid", "-1", "process.user.uid: must be an "
		   "integer from 0 to 4294967294");
	fails_with("process.user.uid", "4294967295", "process.user.uid: "
		   "must be an integer from 0 to 4294967294");
	fails_with("process.args", "[]",
		   "process.args: must be a non-empty array of strings");
	fails_with("process.args", "[\"\"]",
		   "process.args[0]: must not be empty");
	fails_with("process.oomScoreAdj", "5000", "process.oomScoreAdj: "
		   "must be an integer from -1000 to 1000");
	fails_with("process.user.umask", "512", "process.user.umask: must "
		   "be an integer from 0 to 511");
	fails_with("ociVersion", "\"2.0.0\"", "ociVersion: '2.0.0' is not "
		   "supported: this runtime implements " OCI_VERSION);
	fails_with("root.path", "\"\"", "root.path: must not be empty");
	fails_with("mounts", "[{\"destination\": \"/proc\"}, {\"destination"
		   "\": \"/a\"}, {\"destination\": \"/b\"}, {\"destination\":"
		   " \"tmp\"}]",
		   "mounts[3].destination: must be an absolute path");
	fails_with("linux.maskedPaths", "[\"/proc/kcore\", \"sys\"]",
		   "linux.maskedPaths[1]: must be an absolute path");
	fails_with("linux.rootfsPropagation", "\"recursive\"",
		   "linux.rootfsPropagation: unknown propagation "
		   "'recursive'");
}
END_TEST

START_TEST(test_oci_config_parse_root_path)
{
	struct oci_config c;
	char why[256], cwd[PATH_MAX], want[PATH_MAX + 32];
	json_t *doc;

	doc = minimal_with("root.path", "\"./rootfs/\"");
	ck_assert_int_eq(oci_config_parse(doc, "/srv//b/.", &c, why,
					  sizeof(why)), 0);
	ck_assert_str_eq(c.root, "/srv/b/rootfs");
	oci_config_free(&c);

	doc = minimal_with("root.path", "\"/var/lib/r\"");
	ck_assert_int_eq(oci_config_parse(doc, "/srv/b", &c, why,
					  sizeof(why)), 0);
	ck_assert_str_eq(c.root, "/var/lib/r");
	oci_config_free(&c);

	/* A relative bundle: against the working directory. */
	ck_assert_ptr_nonnull(getcwd(cwd, sizeof(cwd)));
	snprintf(want, sizeof(want), "%s/b/rootfs", strcmp(cwd, "/") ? cwd :
		 "");
	doc = doc_of(minimal_spec);
	ck_assert_int_eq(oci_config_parse(doc, "b", &c, why, sizeof(why)),
			 0);
	ck_assert_str_eq(c.root, want);
	ck_assert_int_eq(c.root[0], '/');
	oci_config_free(&c);
}
END_TEST

/* --------------------------------------------------------- process */

START_TEST(test_oci_config_parse_process_fields)
{
	struct oci_config c;
	json_t *doc = doc_of(minimal_spec);

	set(doc, "process.env", "[\"A=1\", \"B=2\"]");
	set(doc, "process.user.uid", "1000");
	set(doc, "process.user.gid", "4294967294");
	set(doc, "process.user.additionalGids", "[5, 100]");
	set(doc, "process.user.umask", "18");
	set(doc, "process.oomScoreAdj", "-1000");
	set(doc, "process.apparmorProfile", "\"\"");
	parse_ok(doc, &c);
	ck_assert_str_eq(c.process.env[0], "A=1");
	ck_assert_str_eq(c.process.env[1], "B=2");
	ck_assert_ptr_null(c.process.env[2]);
	ck_assert_uint_eq(c.process.uid, 1000);
	ck_assert_uint_eq(c.process.gid, 4294967294u);
	ck_assert_int_eq(c.process.ngroups, 2);
	ck_assert_uint_eq(c.process.groups[1], 100);
	ck_assert_int_eq(c.process.umask, 022);
	ck_assert_int_eq(c.process.has_oom_score_adj, 1);
	ck_assert_int_eq(c.process.oom_score_adj, -1000);
	oci_config_free(&c);

	fails_with("process.user.additionalGids", "[1, -5]",
		   "process.user.additionalGids[1]: must be an integer "
		   "from 0 to 4294967294");
}
END_TEST

START_TEST(test_oci_config_parse_capabilities)
{
	struct oci_config c;
	json_t *doc = doc_of(minimal_spec);

	/* An unknown name is skipped, as runc does. */
	set(doc, "process.capabilities", "{\"bounding\": [\"CAP_SYS_ADMIN\","
	    " \"CAP_NO_SUCH_THING\", \"CAP_CHOWN\"], \"effective\": [],"
	    " \"inheritable\": [\"CAP_KILL\"]}");
	parse_ok(doc, &c);
	ck_assert_int_eq(c.process.has_caps, 1);
	ck_assert_uint_eq(c.process.caps.bounding, CAPS_BIT(21) | CAPS_BIT(0));
	ck_assert_uint_eq(c.process.caps.effective, 0);
	ck_assert_uint_eq(c.process.caps.permitted, 0);
	ck_assert_uint_eq(c.process.caps.inheritable, CAPS_BIT(5));
	oci_config_free(&c);

	fails_with("process.capabilities", "{\"ambient\": [\"CAP_KILL\", 3]}",
		   "process.capabilities.ambient[1]: must be a capability "
		   "name (\"CAP_...\")");
}
END_TEST

START_TEST(test_oci_config_parse_rlimits)
{
	struct oci_config c;
	json_t *doc = doc_of(minimal_spec);

	set(doc, "process.rlimits", "[{\"type\": \"RLIMIT_NPROC\", \"hard\":"
	    " 100, \"soft\": 50}, {\"type\": \"RLIMIT_CORE\", \"hard\": 0,"
	    " \"soft\": 0}]");
	parse_ok(doc, &c);
	ck_assert_int_eq(c.process.nrlimits, 2);
	ck_assert_int_eq(c.process.rlimits[0].resource, RLIMIT_NPROC);
	ck_assert_uint_eq(c.process.rlimits[0].lim.rlim_cur, 50);
	ck_assert_uint_eq(c.process.rlimits[0].lim.rlim_max, 100);
	ck_assert_int_eq(c.process.rlimits[1].resource, RLIMIT_CORE);
	oci_config_free(&c);

	fails_with("process.rlimits", "[{\"type\": \"RLIMIT_FOO\", \"hard\":"
		   " 1, \"soft\": 1}]",
		   "process.rlimits[0].type: unknown resource 'RLIMIT_FOO'");
	fails_with("process.rlimits", "[{\"type\": \"RLIMIT_NOFILE\", \"hard"
		   "\": 1, \"soft\": 1}, {\"type\": \"RLIMIT_NOFILE\", \"hard"
		   "\": 2, \"soft\": 2}]",
		   "process.rlimits[1].type: RLIMIT_NOFILE is given twice");
	fails_with("process.rlimits", "[{\"type\": \"RLIMIT_NOFILE\", \"hard"
		   "\": 1, \"soft\": 2}]",
		   "process.rlimits[0]: soft 2 is above hard 1");
	fails_with("process.rlimits", "[{\"type\": \"RLIMIT_NOFILE\", \"soft"
		   "\": 2}]", "process.rlimits[0].hard: missing: must be an "
		   "integer from 0 to 9223372036854775807");
}
END_TEST

/* This host has no LSM (the usual case in CI): the settings are refused,
 * since silently ignoring a confinement asked for would weaken it.  On a
 * host with the LSM on, the same configs parse. */
START_TEST(test_oci_config_parse_apparmor_refused)
{
	int on = 0;
	char y = 0;
	FILE *f = fopen("/sys/module/apparmor/parameters/enabled", "re");
	struct oci_config c;

	if (f) {
		on = fread(&y, 1, 1, f) == 1 && y == 'Y';
		fclose(f);
	}
	if (on) {
		parse_ok(minimal_with("process.apparmorProfile",
				      "\"ctk-default\""), &c);
		oci_config_free(&c);
		return;
	}
	fails_with("process.apparmorProfile", "\"ctk-default\"",
		   "process.apparmorProfile: AppArmor is not enabled on this "
		   "host, so the profile 'ctk-default' cannot be applied");
	/* The control: an empty profile asks for nothing. */
	parse_ok(minimal_with("process.apparmorProfile", "\"\""), &c);
	oci_config_free(&c);
}
END_TEST

START_TEST(test_oci_config_parse_selinux_refused)
{
	struct oci_config c;

	if (access("/sys/fs/selinux/enforce", F_OK) == 0) {
		parse_ok(minimal_with("process.selinuxLabel",
				      "\"system_u:system_r:container_t:s0\""),
			 &c);
		oci_config_free(&c);
		return;
	}
	fails_with("process.selinuxLabel", "\"system_u:system_r:"
		   "container_t:s0\"", "process.selinuxLabel: SELinux is not "
		   "enabled on this host, so the label 'system_u:system_r:"
		   "container_t:s0' cannot be applied");
	fails_with("linux.mountLabel", "\"system_u:object_r:x:s0\"",
		   "linux.mountLabel: SELinux is not enabled on this host, so "
		   "the label 'system_u:object_r:x:s0' cannot be applied");
}
END_TEST

START_TEST(test_oci_process_parse_bare)
{
	struct oci_process p;
	char why[256];
	json_t *v;

	v = doc_of("{\"args\": [\"ls\", \"-l\"], \"cwd\": \"/tmp\", \"user\":"
		   " {\"uid\": 7, \"gid\": 8}, \"terminal\": false}");
	ck_assert_int_eq(oci_process_parse(v, &p, "", why, sizeof(why)), 0);
	ck_assert_str_eq(p.args[1], "-l");
	ck_assert_ptr_null(p.args[2]);
	ck_assert_str_eq(p.cwd, "/tmp");
	ck_assert_uint_eq(p.uid, 7);
	ck_assert_int_eq(p.umask, -1);
	ck_assert_ptr_null(p.seccomp);
	oci_process_free(&p);
	oci_process_free(&p);
	json_decref(v);

	/* Without a prefix the paths start at the object's own fields. */
	v = doc_of("{\"args\": [\"ls\"], \"cwd\": \"tmp\", \"user\":"
		   " {\"uid\": 7, \"gid\": 8}}");
	ck_assert_int_eq(oci_process_parse(v, &p, "", why, sizeof(why)), -1);
	ck_assert_str_eq(why, "cwd: must be an absolute path");
	ck_assert_ptr_null(p.args);
	ck_assert_int_eq(oci_process_parse(v, &p, "exec", why, sizeof(why)),
			 -1);
	ck_assert_str_eq(why, "exec.cwd: must be an absolute path");
	json_decref(v);

	v = doc_of("{\"args\": 5}");
	ck_assert_int_eq(oci_process_parse(v, &p, "", why, sizeof(why)), -1);
	ck_assert_str_eq(why, "args: must be a non-empty array of strings");
	json_decref(v);
}
END_TEST

/* ---------------------------------------------------------- mounts */

static json_t *strings(const char *text)
{
	return doc_of(text);
}

START_TEST(test_oci_mount_options_flags)
{
	static const struct {
		const char *opt;
		unsigned long flags;
	} t[] = {
		{ "ro", MS_RDONLY }, { "nosuid", MS_NOSUID },
		{ "nodev", MS_NODEV }, { "noexec", MS_NOEXEC },
		{ "sync", MS_SYNCHRONOUS }, { "dirsync", MS_DIRSYNC },
		{ "remount", MS_REMOUNT }, { "mand", MS_MANDLOCK },
		{ "noatime", MS_NOATIME }, { "nodiratime", MS_NODIRATIME },
		{ "relatime", MS_RELATIME }, { "strictatime", MS_STRICTATIME },
		{ "bind", MS_BIND }, { "rbind", MS_BIND | MS_REC },
		{ "rw", 0 }, { "suid", 0 }, { "dev", 0 }, { "exec", 0 },
		{ "async", 0 }, { "nomand", 0 }, { "atime", 0 },
		{ "diratime", 0 }, { "norelatime", 0 }, { "nostrictatime", 0 },
	};
	struct oci_mount m;
	char why[256], text[64];
	size_t i;
	json_t *o;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		snprintf(text, sizeof(text), "[\"%s\"]", t[i].opt);
		o = strings(text);
		ck_assert_int_eq(oci_mount_options(o, &m, "o", why,
						   sizeof(why)), 0);
		ck_assert_msg(m.flags == t[i].flags, "%s: %#lx", t[i].opt,
			      m.flags);
		ck_assert_str_eq(m.data, "");
		ck_assert_uint_eq(m.propagation, 0);
		json_decref(o);
	}
}
END_TEST

START_TEST(test_oci_mount_options_later_wins)
{
	struct oci_mount m;
	char why[256];
	json_t *o = strings("[\"ro\", \"nosuid\", \"rw\", \"noatime\","
			    " \"atime\", \"nodev\"]");

	ck_assert_int_eq(oci_mount_options(o, &m, "o", why, sizeof(why)), 0);
	ck_assert_uint_eq(m.flags, MS_NOSUID | MS_NODEV);
	json_decref(o);
	/* Absent options: nothing set. */
	ck_assert_int_eq(oci_mount_options(NULL, &m, "o", why, sizeof(why)),
			 0);
	ck_assert_uint_eq(m.flags, 0);
}
END_TEST

START_TEST(test_oci_mount_options_propagation)
{
	static const struct {
		const char *opt;
		unsigned long prop;
	} t[] = {
		{ "private", MS_PRIVATE }, { "rprivate", MS_PRIVATE | MS_REC },
		{ "shared", MS_SHARED }, { "rshared", MS_SHARED | MS_REC },
		{ "slave", MS_SLAVE }, { "rslave", MS_SLAVE | MS_REC },
		{ "unbindable", MS_UNBINDABLE },
		{ "runbindable", MS_UNBINDABLE | MS_REC },
	};
	struct oci_mount m;
	char why[256], text[64];
	size_t i;
	json_t *o;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		snprintf(text, sizeof(text), "[\"rbind\", \"%s\"]", t[i].opt);
		o = strings(text);
		ck_assert_int_eq(oci_mount_options(o, &m, "o", why,
						   sizeof(why)), 0);
		ck_assert_uint_eq(m.propagation, t[i].prop);
		/* Propagation stays out of the mount flags. */
		ck_assert_uint_eq(m.flags, MS_BIND | MS_REC);
		json_decref(o);
	}
}
END_TEST

START_TEST(test_oci_mount_options_data_bounded)
{
	struct oci_mount m;
	char why[256], opt[300], text[700];
	json_t *o;

	o = strings("[\"nosuid\", \"mode=755\", \"size=65536k\"]");
	ck_assert_int_eq(oci_mount_options(o, &m, "o", why, sizeof(why)), 0);
	ck_assert_str_eq(m.data, "mode=755,size=65536k");
	json_decref(o);

	/* Two options of 299 bytes do not fit in 511 with their comma. */
	memset(opt, 'x', sizeof(opt) - 1);
	opt[sizeof(opt) - 1] = '\0';
	opt[0] = 'a';
	opt[1] = '=';
	snprintf(text, sizeof(text), "[\"%s\", \"%s\"]", opt, opt);
	o = strings(text);
	ck_assert_int_eq(oci_mount_options(o, &m, "mounts[2].options", why,
					   sizeof(why)), -1);
	ck_assert_str_eq(why, "mounts[2].options[1]: the options passed to "
			 "mount(2) do not fit in 511 bytes");
	json_decref(o);

	o = strings("[\"ro\", 7]");
	ck_assert_int_eq(oci_mount_options(o, &m, "mounts[0].options", why,
					   sizeof(why)), -1);
	ck_assert_str_eq(why, "mounts[0].options[1]: must be a string");
	json_decref(o);
}
END_TEST

START_TEST(test_oci_config_parse_bind_mounts)
{
	struct oci_config c;
	json_t *doc = doc_of(minimal_spec);

	set(doc, "mounts", "[{\"destination\": \"/data\", \"type\": \"bind\","
	    " \"source\": \"data\", \"options\": [\"ro\"]},"
	    " {\"destination\": \"/home\", \"source\": \"/home\","
	    " \"options\": [\"rbind\", \"rprivate\"]},"
	    " {\"destination\": \"/tmp\", \"type\": \"tmpfs\"}]");
	parse_ok(doc, &c);
	ck_assert_int_eq(c.nmounts, 3);
	ck_assert_ptr_null(c.mounts[0].type);
	ck_assert_str_eq(c.mounts[0].source, "data");
	ck_assert_uint_eq(c.mounts[0].flags, MS_BIND | MS_RDONLY);
	ck_assert_ptr_null(c.mounts[1].type);
	ck_assert_uint_eq(c.mounts[1].flags, MS_BIND | MS_REC);
	ck_assert_uint_eq(c.mounts[1].propagation, MS_PRIVATE | MS_REC);
	ck_assert_str_eq(c.mounts[2].type, "tmpfs");
	ck_assert_ptr_null(c.mounts[2].source);
	ck_assert_uint_eq(c.mounts[2].flags, 0);
	oci_config_free(&c);
}
END_TEST

/* ----------------------------------------------------------- linux */

START_TEST(test_oci_config_parse_namespaces)
{
	struct oci_config c;
	json_t *doc = doc_of(minimal_spec);

	set(doc, "linux.namespaces", "[{\"type\": \"pid\"}, {\"type\":"
	    " \"network\", \"path\": \"/var/run/netns/a\"}, {\"type\":"
	    " \"mount\"}, {\"type\": \"ipc\"}, {\"type\": \"uts\"},"
	    " {\"type\": \"user\"}, {\"type\": \"cgroup\"},"
	    " {\"type\": \"time\"}]");
	parse_ok(doc, &c);
	ck_assert_int_eq(c.nnamespaces, 8);
	ck_assert_int_eq(c.namespaces[1].type, CLONE_NEWNET);
	ck_assert_str_eq(c.namespaces[1].path, "/var/run/netns/a");
	ck_assert_int_eq(c.namespaces[5].type, CLONE_NEWUSER);
	ck_assert_int_eq(c.namespaces[6].type, CLONE_NEWCGROUP);
	ck_assert_int_eq(c.namespaces[7].type, CLONE_NEWTIME);
	oci_config_free(&c);

	fails_with("linux.namespaces", "[{\"type\": \"pid\"}, {\"type\":"
		   " \"uts\"}, {\"type\": \"foo\"}]",
		   "linux.namespaces[2].type: unknown namespace type 'foo'");
	fails_with("linux.namespaces", "[{\"type\": \"pid\"}, {\"type\":"
		   " \"pid\", \"path\": \"/proc/1/ns/pid\"}]",
		   "linux.namespaces[1].type: the pid namespace is given "
		   "twice");
	fails_with("linux.namespaces", "[{\"type\": \"ipc\", \"path\":"
		   " \"ns/ipc\"}]",
		   "linux.namespaces[0].path: must be an absolute path");
	fails_with("linux.namespaces", "[{\"path\": \"/proc/1/ns/ipc\"}]",
		   "linux.namespaces[0].type: missing: must be a string");
}
END_TEST

START_TEST(test_oci_config_parse_id_mappings)
{
	struct oci_config c;
	json_t *doc = doc_of(minimal_spec);

	set(doc, "linux.uidMappings", "[{\"containerID\": 0, \"hostID\":"
	    " 1000, \"size\": 1}, {\"containerID\": 1, \"hostID\": 100000,"
	    " \"size\": 65536}]");
	set(doc, "linux.gidMappings", "[{\"containerID\": 0, \"hostID\":"
	    " 1000, \"size\": 1}]");
	parse_ok(doc, &c);
	ck_assert_int_eq(c.uids.n, 2);
	ck_assert_uint_eq(c.uids.r[1].inner, 1);
	ck_assert_uint_eq(c.uids.r[1].outer, 100000);
	ck_assert_uint_eq(c.uids.r[1].count, 65536);
	ck_assert_int_eq(c.gids.n, 1);
	oci_config_free(&c);

	fails_with("linux.uidMappings", "[{\"containerID\": 0, \"hostID\":"
		   " 1000, \"size\": 10}, {\"containerID\": 5, \"hostID\":"
		   " 5000, \"size\": 1}]",
		   "linux.uidMappings[1]: overlaps an earlier mapping");
	fails_with("linux.gidMappings", "[{\"containerID\": 0, \"hostID\":"
		   " 1000, \"size\": 0}]", "linux.gidMappings[0].size: must "
		   "be an integer from 1 to 4294967295");
	fails_with("linux.gidMappings", "[{\"containerID\": 4294967294,"
		   " \"hostID\": 1000, \"size\": 2}]", "linux.gidMappings[0]: "
		   "the range passes 4294967294, the last valid ID");
}
END_TEST

START_TEST(test_oci_config_parse_time_offsets)
{
	struct oci_config c;
	json_t *doc = doc_of(minimal_spec);

	set(doc, "linux.namespaces", "[{\"type\": \"time\"}]");
	set(doc, "linux.timeOffsets", "{\"monotonic\": {\"secs\": 172800,"
	    " \"nanosecs\": 5}, \"boottime\": {\"secs\": -3600}}");
	parse_ok(doc, &c);
	ck_assert_int_eq(c.time.monotonic.set, 1);
	ck_assert_int_eq(c.time.monotonic.sec, 172800);
	ck_assert_int_eq(c.time.monotonic.nsec, 5);
	ck_assert_int_eq(c.time.boottime.set, 1);
	ck_assert_int_eq(c.time.boottime.sec, -3600);
	ck_assert_int_eq(c.time.boottime.nsec, 0);
	oci_config_free(&c);

	doc = minimal_with("linux.namespaces", "[{\"type\": \"time\"}]");
	set(doc, "linux.timeOffsets", "{\"realtime\": {\"secs\": 1}}");
	parse_fails(doc, "linux.timeOffsets.realtime: unknown clock: a time "
		    "namespace offsets only monotonic and boottime");
	doc = minimal_with("linux.namespaces", "[{\"type\": \"time\"}]");
	set(doc, "linux.timeOffsets", "{\"boottime\": {\"nanosecs\":"
	    " 1000000000}}");
	parse_fails(doc, "linux.timeOffsets.boottime.nanosecs: must be an "
		    "integer from 0 to 999999999");
	/* Offsets with no time namespace to hold them. */
	fails_with("linux.timeOffsets", "{\"monotonic\": {\"secs\": 1}}",
		   "linux.timeOffsets: needs a time namespace in "
		   "linux.namespaces");
}
END_TEST

START_TEST(test_oci_config_parse_resources_memory)
{
	struct oci_config c;
	json_t *doc;

	doc = minimal_with("linux.resources.memory", "{\"limit\": 67108864,"
			   " \"swap\": 100663296, \"reservation\": 1}");
	parse_ok(doc, &c);
	ck_assert_int_eq(c.has_limits, 1);
	ck_assert_uint_eq(c.limits.memory, 67108864);
	ck_assert_int_eq(c.limits.swap_set, 1);
	ck_assert_uint_eq(c.limits.swap, 33554432);
	ck_assert_uint_eq(c.limits.memory_high, 0);
	oci_config_free(&c);

	/* swap -1: unlimited swap, memory.swap.max "max". */
	doc = minimal_with("linux.resources.memory", "{\"limit\": 1048576,"
			   " \"swap\": -1}");
	parse_ok(doc, &c);
	ck_assert_uint_eq(c.limits.swap, CG_MAX);
	ck_assert_int_eq(c.limits.swap_set, 1);
	oci_config_free(&c);

	/* limit -1 and swap 0: nothing set. */
	doc = minimal_with("linux.resources.memory", "{\"limit\": -1,"
			   " \"swap\": 0}");
	parse_ok(doc, &c);
	ck_assert_int_eq(c.has_limits, 0);
	ck_assert_int_eq(c.limits.swap_set, 0);
	oci_config_free(&c);

	fails_with("linux.resources.memory", "{\"limit\": 2048, \"swap\":"
		   " 1024}", "linux.resources.memory.swap: 1024 is below the "
		   "limit 2048 (swap counts memory plus swap)");
	fails_with("linux.resources.memory", "{\"swap\": 1024}",
		   "linux.resources.memory.swap: needs linux.resources."
		   "memory.limit (swap counts memory plus swap)");
	fails_with("linux.resources.memory", "{\"limit\": -2}",
		   "linux.resources.memory.limit: must be an integer from -1 "
		   "to 9223372036854775807");
}
END_TEST

START_TEST(test_oci_config_parse_resources_cpu)
{
	static const struct {
		int shares;
		unsigned weight;
	} t[] = { { 2, 1 }, { 1024, 39 }, { 262144, 10000 }, { 0, 0 } };
	struct oci_config c;
	char text[64];
	json_t *doc;
	size_t i;

	doc = minimal_with("linux.resources.cpu", "{\"quota\": 50000,"
			   " \"cpus\": \"0-1\", \"mems\": \"0\"}");
	parse_ok(doc, &c);
	ck_assert_int_eq(c.has_limits, 1);
	ck_assert_uint_eq(c.limits.cpu_quota, 50000);
	ck_assert_uint_eq(c.limits.cpu_period, 100000);
	ck_assert_str_eq(c.limits.cpus, "0-1");
	ck_assert_str_eq(c.limits.mems, "0");
	ck_assert_uint_eq(c.limits.cpu_weight, 0);
	oci_config_free(&c);

	doc = minimal_with("linux.resources.cpu", "{\"quota\": 20000,"
			   " \"period\": 50000}");
	parse_ok(doc, &c);
	ck_assert_uint_eq(c.limits.cpu_quota, 20000);
	ck_assert_uint_eq(c.limits.cpu_period, 50000);
	oci_config_free(&c);

	/* quota -1: no limit, whatever the period. */
	doc = minimal_with("linux.resources.cpu", "{\"quota\": -1,"
			   " \"period\": 50000}");
	parse_ok(doc, &c);
	ck_assert_uint_eq(c.limits.cpu_quota, 0);
	ck_assert_int_eq(c.has_limits, 0);
	oci_config_free(&c);

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		snprintf(text, sizeof(text), "{\"shares\": %d}", t[i].shares);
		parse_ok(minimal_with("linux.resources.cpu", text), &c);
		ck_assert_uint_eq(c.limits.cpu_weight, t[i].weight);
		ck_assert_int_eq(c.has_limits, !!t[i].weight);
		oci_config_free(&c);
	}
	fails_with("linux.resources.cpu", "{\"shares\": 1}",
		   "linux.resources.cpu.shares: must be 0 (unset) or from 2 "
		   "to 262144");
	fails_with("linux.resources.cpu", "{\"period\": 10}",
		   "linux.resources.cpu.period: must be an integer from 1000 "
		   "to 1000000");
}
END_TEST

START_TEST(test_oci_config_parse_resources_pids_io)
{
	struct oci_config c;
	char text[1024];
	size_t used = 0;
	json_t *doc;
	int i;

	doc = minimal_with("linux.resources.pids", "{\"limit\": 64}");
	set(doc, "linux.resources.blockIO", "{\"weight\": 10,"
	    " \"throttleReadBpsDevice\": [{\"major\": 8, \"minor\": 0,"
	    " \"rate\": 1048576}], \"throttleWriteIOPSDevice\":"
	    " [{\"major\": 8, \"minor\": 0, \"rate\": 100}, {\"major\": 253,"
	    " \"minor\": 1, \"rate\": 50}], \"throttleReadIOPSDevice\": [],"
	    " \"throttleWriteBpsDevice\": [{\"major\": 253, \"minor\": 1,"
	    " \"rate\": 2048}]}");
	parse_ok(doc, &c);
	ck_assert_int_eq(c.has_limits, 1);
	ck_assert_uint_eq(c.limits.pids, 64);
	/* One entry per device, its four rates merged. */
	ck_assert_int_eq(c.limits.nio, 2);
	ck_assert_uint_eq(c.limits.io[0].dev, makedev(8, 0));
	ck_assert_uint_eq(c.limits.io[0].rbps, 1048576);
	ck_assert_uint_eq(c.limits.io[0].wiops, 100);
	ck_assert_uint_eq(c.limits.io[0].wbps, 0);
	ck_assert_uint_eq(c.limits.io[1].dev, makedev(253, 1));
	ck_assert_uint_eq(c.limits.io[1].wiops, 50);
	ck_assert_uint_eq(c.limits.io[1].wbps, 2048);
	oci_config_free(&c);

	/* pids 0 and -1: unset. */
	parse_ok(minimal_with("linux.resources.pids", "{\"limit\": -1}"), &c);
	ck_assert_uint_eq(c.limits.pids, 0);
	ck_assert_int_eq(c.has_limits, 0);
	oci_config_free(&c);

	used = snprintf(text, sizeof(text), "{\"throttleReadBpsDevice\": [");
	for (i = 0; i <= CG_MAX_IO; i++)
		used += snprintf(text + used, sizeof(text) - used, "%s"
				 "{\"major\": 8, \"minor\": %d, \"rate\": 1}",
				 i ? ", " : "", i * 16);
	snprintf(text + used, sizeof(text) - used, "]}");
	fails_with("linux.resources.blockIO", text, "linux.resources.blockIO."
		   "throttleReadBpsDevice[8]: more than 8 devices");
	fails_with("linux.resources.blockIO", "{\"throttleReadBpsDevice\":"
		   " [{\"major\": 8, \"rate\": 1}]}",
		   "linux.resources.blockIO.throttleReadBpsDevice[0].minor: "
		   "missing: must be an integer from 0 to 1048575");
}
END_TEST

START_TEST(test_oci_config_parse_device_rules)
{
	struct oci_config c;

	/* Deny everything, allow the default nodes back: docker's and
	 * runc's usual list. */
	parse_ok(minimal_with("linux.resources.devices", "[{\"allow\":"
			      " false, \"access\": \"rwm\"}, {\"allow\": true,"
			      " \"type\": \"c\", \"major\": 1, \"minor\": 3,"
			      " \"access\": \"rwm\"}, {\"allow\": true,"
			      " \"type\": \"c\", \"major\": 136, \"access\":"
			      " \"rwm\"}, {\"allow\": true, \"type\": \"c\","
			      " \"major\": 10, \"minor\": 200, \"access\":"
			      " \"rwm\"}, {\"allow\": true, \"type\": \"c\","
			      " \"major\": 5, \"minor\": 2}]"), &c);
	ck_assert_int_eq(c.has_limits, 0);
	oci_config_free(&c);

	fails_with("linux.resources.devices", "[{\"allow\": false, \"access\":"
		   " \"rwm\"}, {\"allow\": true, \"type\": \"c\", \"major\": 1,"
		   " \"minor\": 3}, {\"allow\": true, \"type\": \"c\","
		   " \"major\": 1, \"minor\": 5}, {\"allow\": true, \"type\":"
		   " \"c\", \"major\": 1, \"minor\": 9}, {\"allow\": true,"
		   " \"type\": \"c\", \"major\": 4, \"minor\": 1, \"access\":"
		   " \"rw\"}]", "linux.resources.devices[4]: allowing c 4:1 is "
		   "not supported: no device cgroup here");
	fails_with("linux.resources.devices", "[{\"allow\": true}]",
		   "linux.resources.devices[0]: allowing a *:* is not "
		   "supported: no device cgroup here");
	fails_with("linux.resources.devices", "[{\"allow\": true, \"type\":"
		   " \"c\", \"major\": -1, \"minor\": -1, \"access\": \"m\"}]",
		   "linux.resources.devices[0]: allowing c *:* is not "
		   "supported: no device cgroup here");
	fails_with("linux.resources.devices", "[{\"allow\": true, \"type\":"
		   " \"b\", \"major\": 1, \"minor\": 3}]",
		   "linux.resources.devices[0]: allowing b 1:3 is not "
		   "supported: no device cgroup here");
	fails_with("linux.resources.devices", "[{\"access\": \"rwm\"}]",
		   "linux.resources.devices[0].allow: missing: must be a "
		   "boolean");
	fails_with("linux.resources.devices", "[{\"allow\": false, \"access\":"
		   " \"rwx\"}]", "linux.resources.devices[0].access: must be "
		   "made of r, w and m");
}
END_TEST

START_TEST(test_oci_config_parse_devices)
{
	struct oci_config c;
	json_t *doc = doc_of(minimal_spec);

	set(doc, "linux.devices", "[{\"path\": \"/dev/fuse\", \"type\": \"c\","
	    " \"major\": 10, \"minor\": 229, \"fileMode\": 438, \"uid\": 0,"
	    " \"gid\": 0}, {\"path\": \"/dev/sda\", \"type\": \"b\","
	    " \"major\": 8, \"minor\": 0, \"fileMode\": 432, \"gid\": 6},"
	    " {\"path\": \"/dev/ttyX\", \"type\": \"u\", \"major\": 4,"
	    " \"minor\": 64}, {\"path\": \"/dev/fifo\", \"type\": \"p\"}]");
	parse_ok(doc, &c);
	ck_assert_int_eq(c.ndevices, 4);
	ck_assert_str_eq(c.devices[0].path, "/dev/fuse");
	ck_assert_uint_eq(c.devices[0].type, S_IFCHR);
	ck_assert_uint_eq(c.devices[0].major, 10);
	ck_assert_uint_eq(c.devices[0].minor, 229);
	ck_assert_uint_eq(c.devices[0].mode, 0666);
	ck_assert_uint_eq(c.devices[1].type, S_IFBLK);
	ck_assert_uint_eq(c.devices[1].mode, 0660);
	ck_assert_uint_eq(c.devices[1].gid, 6);
	ck_assert_uint_eq(c.devices[2].type, S_IFCHR);
	ck_assert_uint_eq(c.devices[2].mode, 0666);	/* the default */
	ck_assert_uint_eq(c.devices[3].type, S_IFIFO);
	oci_config_free(&c);

	fails_with("linux.devices", "[{\"path\": \"/dev/x\", \"type\": \"s\"}]",
		   "linux.devices[0].type: must be c, b, u or p");
	fails_with("linux.devices", "[{\"path\": \"/dev/x\", \"type\": \"c\","
		   " \"major\": 1}]", "linux.devices[0].minor: missing: must "
		   "be an integer from 0 to 1048575");
	fails_with("linux.devices", "[{\"path\": \"/etc/x\", \"type\": \"p\"}]",
		   "linux.devices[0].path: must be a path under /dev, "
		   "without '..'");
	fails_with("linux.devices", "[{\"path\": \"/dev/../etc/x\", \"type\":"
		   " \"p\"}]", "linux.devices[0].path: must be a path under "
		   "/dev, without '..'");
}
END_TEST

START_TEST(test_oci_config_parse_linux_misc)
{
	struct oci_config c;
	json_t *doc = doc_of(minimal_spec);

	set(doc, "linux.cgroupsPath", "\"/ctk/box\"");
	set(doc, "linux.rootfsPropagation", "\"rslave\"");
	set(doc, "linux.sysctl", "{\"net.ipv4.ip_forward\": \"1\","
	    " \"kernel.shmmax\": \"4096\"}");
	set(doc, "linux.readonlyPaths", "[\"/proc/sys\"]");
	set(doc, "linux.seccomp", "{\"defaultAction\": \"SCMP_ACT_ALLOW\"}");
	set(doc, "annotations", "{\"org.example.key\": \"v\"}");
	set(doc, "linux.unknownField", "[1, 2]");	/* ignored */
	parse_ok(doc, &c);
	ck_assert_str_eq(c.cgroups_path, "/ctk/box");
	ck_assert_uint_eq(c.rootfs_propagation, MS_SLAVE | MS_REC);
	ck_assert_int_eq(c.nsysctl, 2);
	ck_assert_str_eq(c.sysctl[0].key, "net.ipv4.ip_forward");
	ck_assert_str_eq(c.sysctl[0].value, "1");
	ck_assert_int_eq(c.nreadonly, 1);
	ck_assert_str_eq(json_string_value(json_object_get(c.process.seccomp,
				"defaultAction")), "SCMP_ACT_ALLOW");
	ck_assert_str_eq(json_string_value(json_object_get(c.annotations,
				"org.example.key")), "v");
	oci_config_free(&c);
}
END_TEST

START_TEST(test_oci_config_parse_hooks)
{
	struct oci_config c;
	const struct oci_hook *h;
	json_t *doc = doc_of(minimal_spec);

	set(doc, "hooks", "{\"prestart\": [{\"path\": \"/bin/fix\"}],"
	    " \"createRuntime\": [{\"path\": \"/usr/bin/net\", \"args\":"
	    " [\"net\", \"up\"], \"env\": [\"X=1\"], \"timeout\": 5},"
	    " {\"path\": \"/bin/two\"}], \"createContainer\": [],"
	    " \"startContainer\": [{\"path\": \"/s\"}], \"poststart\":"
	    " [{\"path\": \"/p\"}], \"poststop\": [{\"path\": \"/q\"}],"
	    " \"someday\": [{\"path\": \"ignored\"}]}");
	parse_ok(doc, &c);
	ck_assert_int_eq(c.nhooks[OCI_HOOK_PRESTART], 1);
	ck_assert_int_eq(c.nhooks[OCI_HOOK_CREATE_RUNTIME], 2);
	ck_assert_int_eq(c.nhooks[OCI_HOOK_CREATE_CONTAINER], 0);
	ck_assert_int_eq(c.nhooks[OCI_HOOK_START_CONTAINER], 1);
	ck_assert_int_eq(c.nhooks[OCI_HOOK_POSTSTART], 1);
	ck_assert_int_eq(c.nhooks[OCI_HOOK_POSTSTOP], 1);
	h = &c.hooks[OCI_HOOK_PRESTART][0];
	ck_assert_str_eq(h->path, "/bin/fix");
	ck_assert_ptr_null(h->args);
	ck_assert_ptr_null(h->env);
	ck_assert_int_eq(h->timeout, 0);
	h = &c.hooks[OCI_HOOK_CREATE_RUNTIME][0];
	ck_assert_str_eq(h->args[1], "up");
	ck_assert_ptr_null(h->args[2]);
	ck_assert_str_eq(h->env[0], "X=1");
	ck_assert_int_eq(h->timeout, 5);
	ck_assert_str_eq(c.hooks[OCI_HOOK_POSTSTOP][0].path, "/q");
	oci_config_free(&c);

	fails_with("hooks", "{\"poststop\": [{\"path\": \"/a\"}, {\"path\":"
		   " \"rel\"}]}",
		   "hooks.poststop[1].path: must be an absolute path");
	fails_with("hooks", "{\"prestart\": [{\"path\": \"/a\", \"timeout\":"
		   " 0}]}", "hooks.prestart[0].timeout: must be an integer "
		   "from 1 to 2147483647");
	/* A hook whose args parsed but whose env did not: freed (valgrind
	 * shows it). */
	fails_with("hooks", "{\"createRuntime\": [{\"path\": \"/a\", \"args\":"
		   " [\"a\"], \"env\": [1]}]}",
		   "hooks.createRuntime[0].env: must be an array of strings");
}
END_TEST

/* A failure late in the document frees what was parsed before it. */
START_TEST(test_oci_config_free_after_failure)
{
	struct oci_config c;
	char why[256];
	json_t *doc = doc_of(runc_spec);

	set(doc, "annotations", "7");
	ck_assert_int_eq(oci_config_parse(doc, "/b", &c, why, sizeof(why)),
			 -1);
	ck_assert_str_eq(why, "annotations: must be an object");
	ck_assert_ptr_null(c.process.args);
	ck_assert_ptr_null(c.process.env);
	oci_config_free(&c);
	/* The caller still holds doc. */
	ck_assert_int_eq(doc->refcount, 1);
	json_decref(doc);
}
END_TEST

/* ---------------------------------------------------- signals, caps */

START_TEST(test_oci_parse_signal_names)
{
	ck_assert_int_eq(oci_parse_signal("TERM"), SIGTERM);
	ck_assert_int_eq(oci_parse_signal("SIGTERM"), SIGTERM);
	ck_assert_int_eq(oci_parse_signal("sigkill"), SIGKILL);
	ck_assert_int_eq(oci_parse_signal("hup"), SIGHUP);
	ck_assert_int_eq(oci_parse_signal("SIGWINCH"), SIGWINCH);
	ck_assert_int_eq(oci_parse_signal("CHLD"), SIGCHLD);
	ck_assert_int_eq(oci_parse_signal("SIGCLD"), SIGCHLD);
	ck_assert_int_eq(oci_parse_signal("SIGFOO"), -1);
	ck_assert_int_eq(oci_parse_signal("SIG"), -1);
	ck_assert_int_eq(oci_parse_signal(""), -1);
	ck_assert_int_eq(oci_parse_signal(NULL), -1);
}
END_TEST

START_TEST(test_oci_parse_signal_numbers)
{
	ck_assert_int_eq(oci_parse_signal("15"), 15);
	ck_assert_int_eq(oci_parse_signal("9"), 9);
	ck_assert_int_eq(oci_parse_signal("1"), 1);
	ck_assert_int_eq(oci_parse_signal("64"), SIGRTMAX == 64 ? 64 : -1);
	ck_assert_int_eq(oci_parse_signal("0"), -1);
	ck_assert_int_eq(oci_parse_signal("65"), -1);
	ck_assert_int_eq(oci_parse_signal("15x"), -1);
	ck_assert_int_eq(oci_parse_signal("-9"), -1);
	ck_assert_int_eq(oci_parse_signal("99999999999999999999"), -1);
	ck_assert_int_eq(oci_parse_signal("RTMIN"), SIGRTMIN);
	ck_assert_int_eq(oci_parse_signal("SIGRTMIN+1"), SIGRTMIN + 1);
	ck_assert_int_eq(oci_parse_signal("RTMAX"), SIGRTMAX);
	ck_assert_int_eq(oci_parse_signal("SIGRTMAX-2"), SIGRTMAX - 2);
	ck_assert_int_eq(oci_parse_signal("RTMIN-1"), -1);
	ck_assert_int_eq(oci_parse_signal("RTMIN+99"), -1);
}
END_TEST

START_TEST(test_oci_parse_cap_names)
{
	ck_assert_int_eq(oci_parse_cap("CAP_SYS_ADMIN"), 21);
	ck_assert_int_eq(oci_parse_cap("CAP_CHOWN"), 0);
	ck_assert_int_eq(oci_parse_cap("CAP_NET_BIND_SERVICE"), 10);
	/* The spec's names carry the prefix. */
	ck_assert_int_eq(oci_parse_cap("SYS_ADMIN"), -1);
	ck_assert_int_eq(oci_parse_cap("CAP_"), -1);
	ck_assert_int_eq(oci_parse_cap("CAP_NO_SUCH"), -1);
	ck_assert_int_eq(oci_parse_cap("CAP_12"), -1);
	ck_assert_int_eq(oci_parse_cap(NULL), -1);
}
END_TEST

Suite *oci_suite(void)
{
	Suite *s = suite_create("oci");
	TCase *tf = tcase_create("bundle");
	TCase *tc = tcase_create("config");
	TCase *tm = tcase_create("mounts");
	TCase *tl = tcase_create("linux");
	TCase *ts = tcase_create("names");

	tcase_add_checked_fixture(tf, setup, teardown);
	tcase_add_test(tf, test_oci_config_load_runc_spec);
	tcase_add_test(tf, test_oci_config_load_missing_file);
	tcase_add_test(tf, test_oci_config_load_invalid_json);
	suite_add_tcase(s, tf);
	tcase_add_test(tc, test_oci_config_parse_minimal);
	tcase_add_test(tc, test_oci_config_parse_required_fields);
	tcase_add_test(tc, test_oci_config_parse_wrong_types);
	tcase_add_test(tc, test_oci_config_parse_invalid_values);
	tcase_add_test(tc, test_oci_config_parse_root_path);
	tcase_add_test(tc, test_oci_config_parse_process_fields);
	tcase_add_test(tc, test_oci_config_parse_capabilities);
	tcase_add_test(tc, test_oci_config_parse_rlimits);
	tcase_add_test(tc, test_oci_config_parse_apparmor_refused);
	tcase_add_test(tc, test_oci_config_parse_selinux_refused);
	tcase_add_test(tc, test_oci_process_parse_bare);
	tcase_add_test(tc, test_oci_config_parse_hooks);
	tcase_add_test(tc, test_oci_config_free_after_failure);
	suite_add_tcase(s, tc);
	tcase_add_test(tm, test_oci_mount_options_flags);
	tcase_add_test(tm, test_oci_mount_options_later_wins);
	tcase_add_test(tm, test_oci_mount_options_propagation);
	tcase_add_test(tm, test_oci_mount_options_data_bounded);
	tcase_add_test(tm, test_oci_config_parse_bind_mounts);
	suite_add_tcase(s, tm);
	tcase_add_test(tl, test_oci_config_parse_namespaces);
	tcase_add_test(tl, test_oci_config_parse_id_mappings);
	tcase_add_test(tl, test_oci_config_parse_time_offsets);
	tcase_add_test(tl, test_oci_config_parse_resources_memory);
	tcase_add_test(tl, test_oci_config_parse_resources_cpu);
	tcase_add_test(tl, test_oci_config_parse_resources_pids_io);
	tcase_add_test(tl, test_oci_config_parse_device_rules);
	tcase_add_test(tl, test_oci_config_parse_devices);
	tcase_add_test(tl, test_oci_config_parse_linux_misc);
	suite_add_tcase(s, tl);
	tcase_add_test(ts, test_oci_parse_signal_names);
	tcase_add_test(ts, test_oci_parse_signal_numbers);
	tcase_add_test(ts, test_oci_parse_cap_names);
	suite_add_tcase(s, ts);
	return s;
}
