/* check_mcopts.c - minicontainer's input checks: env.c, options.c and
 * user.c, against temp files and a temp root. */
#define _GNU_SOURCE
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "env.h"
#include "options.h"
#include "suites.h"
#include "user.h"

static char why[512], dir[64];

static void write_file(const char *name, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

static void setup(void)
{
	char path[128];

	snprintf(dir, sizeof(dir), "/tmp/ctk-unit.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/etc", dir);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/work", dir);
	mkdir(path, 0755);
	write_file("etc/passwd", "root:x:0:0:root:/root:/bin/sh\n"
		   "nobody:x:65534:65534:nobody:/nonexistent:/bin/false\n"
		   "app:x:1000:1000::/home/app:/bin/sh\n");
	write_file("etc/group", "root:x:0:\nwheel:x:10:app,other\n"
		   "video:x:44:app\napp:x:1000:\n");
}

static void teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	ck_assert_int_eq(system(cmd), 0);
}

START_TEST(test_env_put_replaces_and_takes_host_values)
{
	struct env e = { 0 };

	setenv("CTK_UNIT_HOST", "h", 1);
	unsetenv("CTK_UNIT_NONE");
	ck_assert_int_eq(env_put(&e, "A=1", why, sizeof(why)), 0);
	ck_assert_int_eq(env_put(&e, "B=", why, sizeof(why)), 0);
	ck_assert_int_eq(env_put(&e, "A=2=3", why, sizeof(why)), 0);
	ck_assert_int_eq(env_put(&e, "CTK_UNIT_HOST", why, sizeof(why)), 0);
	ck_assert_int_eq(env_put(&e, "CTK_UNIT_NONE", why, sizeof(why)), 0);
	ck_assert_int_eq(e.n, 3);
	ck_assert_str_eq(env_get(&e, "A"), "2=3");
	ck_assert_str_eq(env_get(&e, "B"), "");
	ck_assert_str_eq(env_get(&e, "CTK_UNIT_HOST"), "h");
	ck_assert_ptr_null(env_get(&e, "CTK_UNIT_NONE"));
	ck_assert_ptr_null(e.v[3]);
	env_free(&e);
}
END_TEST

START_TEST(test_env_put_rejects_bad_keys)
{
	static const char *const bad[] = { "=x", "", "A B=1", "A\tB",
					   "A\nB=1" };
	struct env e = { 0 };
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_int_eq(env_put(&e, bad[i], why, sizeof(why)), -1);
	ck_assert_int_eq(e.n, 0);
	env_put(&e, "A B=1", why, sizeof(why));
	ck_assert_str_eq(why, "invalid environment variable 'A B=1': "
			 "KEY=VALUE, KEY without '=' or spaces");
}
END_TEST

START_TEST(test_env_read_file_lines)
{
	struct env e = { 0 };
	char path[128];

	write_file("env", "# comment\n\n  X=1\r\nY=a b\nX=2\n");
	snprintf(path, sizeof(path), "%s/env", dir);
	ck_assert_int_eq(env_read_file(&e, path, why, sizeof(why)), 0);
	ck_assert_int_eq(e.n, 2);
	ck_assert_str_eq(env_get(&e, "X"), "2");
	ck_assert_str_eq(env_get(&e, "Y"), "a b");
	write_file("env", "OK=1\nBAD KEY=1\n");
	ck_assert_int_eq(env_read_file(&e, path, why, sizeof(why)), -1);
	ck_assert_ptr_nonnull(strstr(why, "/env:2: invalid environment "
				     "variable 'BAD KEY=1'"));
	snprintf(path, sizeof(path), "%s/none", dir);
	ck_assert_int_eq(env_read_file(&e, path, why, sizeof(why)), -1);
	ck_assert_ptr_nonnull(strstr(why, "No such file or directory"));
	env_free(&e);
}
END_TEST

START_TEST(test_mc_parse_ulimit_cases)
{
	struct rlimit l;
	int r;

	ck_assert_int_eq(mc_parse_ulimit("nofile=1024:2048", &r, &l, why,
					 sizeof(why)), 0);
	ck_assert_int_eq(r, RLIMIT_NOFILE);
	ck_assert_uint_eq(l.rlim_cur, 1024);
	ck_assert_uint_eq(l.rlim_max, 2048);
	ck_assert_int_eq(mc_parse_ulimit("core=unlimited", &r, &l, why,
					 sizeof(why)), 0);
	ck_assert_uint_eq(l.rlim_cur, RLIM_INFINITY);
	ck_assert_uint_eq(l.rlim_max, RLIM_INFINITY);
	ck_assert_int_eq(mc_parse_ulimit("nproc=10", &r, &l, why,
					 sizeof(why)), 0);
	ck_assert_uint_eq(l.rlim_max, 10);
	ck_assert_int_eq(mc_parse_ulimit("nofile=2:1", &r, &l, why,
					 sizeof(why)), -1);
	ck_assert_str_eq(why, "invalid ulimit 'nofile=2:1': the soft limit "
			 "is above the hard one");
	ck_assert_int_eq(mc_parse_ulimit("files=1", &r, &l, why,
					 sizeof(why)), -1);
	ck_assert_int_eq(mc_parse_ulimit("nofile", &r, &l, why,
					 sizeof(why)), -1);
	ck_assert_int_eq(mc_parse_ulimit("nofile=x", &r, &l, why,
					 sizeof(why)), -1);
	ck_assert_int_eq(mc_parse_ulimit("nofile=-2", &r, &l, why,
					 sizeof(why)), -1);
}
END_TEST

START_TEST(test_mc_check_hostname_cases)
{
	char longname[80];

	memset(longname, 'a', 65);
	longname[65] = '\0';
	ck_assert_int_eq(mc_check_hostname("web-1.example", why,
					   sizeof(why)), 0);
	ck_assert_int_eq(mc_check_hostname("", why, sizeof(why)), -1);
	ck_assert_int_eq(mc_check_hostname("a b", why, sizeof(why)), -1);
	ck_assert_int_eq(mc_check_hostname("-a", why, sizeof(why)), -1);
	ck_assert_int_eq(mc_check_hostname(longname, why, sizeof(why)), -1);
	longname[64] = '\0';
	ck_assert_int_eq(mc_check_hostname(longname, why, sizeof(why)), 0);
}
END_TEST

START_TEST(test_mc_new_id_is_12_hex)
{
	char a[16], b[16];

	mc_new_id(a, sizeof(a));
	mc_new_id(b, sizeof(b));
	ck_assert_uint_eq(strlen(a), 12);
	ck_assert_uint_eq(strspn(a, "0123456789abcdef"), 12);
	ck_assert_str_ne(a, b);
}
END_TEST

START_TEST(test_mc_check_workdir_in_root)
{
	char link[128];

	ck_assert_int_eq(mc_check_workdir(dir, "/work", why, sizeof(why)), 0);
	ck_assert_int_eq(mc_check_workdir(dir, "work", why, sizeof(why)), -1);
	ck_assert_str_eq(why, "workdir work is not an absolute path");
	ck_assert_int_eq(mc_check_workdir(dir, "/etc/passwd", why,
					  sizeof(why)), -1);
	ck_assert_str_eq(why, "workdir /etc/passwd: Not a directory in the "
			 "container's root");
	/* An absolute symlink resolves inside the root: /tmp there is
	 * missing, whatever the host has. */
	snprintf(link, sizeof(link), "%s/t", dir);
	ck_assert_int_eq(symlink("/tmp", link), 0);
	ck_assert_int_eq(mc_check_workdir(dir, "/t", why, sizeof(why)), -1);
	ck_assert_int_eq(mc_check_workdir(dir, "/../../work", why,
					  sizeof(why)), 0);
}
END_TEST

START_TEST(test_user_resolve_names_numbers_groups)
{
	struct mc_user u;
	char *add[] = { "video", "7" };

	ck_assert_int_eq(user_resolve(dir, NULL, NULL, 0, &u, why,
				      sizeof(why)), 0);
	ck_assert_uint_eq(u.uid, 0);
	ck_assert_str_eq(u.home, "/root");
	ck_assert_int_eq(user_resolve(dir, "app", NULL, 0, &u, why,
				      sizeof(why)), 0);
	ck_assert_uint_eq(u.uid, 1000);
	ck_assert_uint_eq(u.gid, 1000);
	ck_assert_str_eq(u.home, "/home/app");
	ck_assert_int_eq(u.ngroups, 2);
	ck_assert_uint_eq(u.groups[0], 10);
	ck_assert_uint_eq(u.groups[1], 44);
	ck_assert_int_eq(user_resolve(dir, "1000:wheel", add, 2, &u, why,
				      sizeof(why)), 0);
	ck_assert_uint_eq(u.gid, 10);
	ck_assert_int_eq(u.ngroups, 3);
	ck_assert_uint_eq(u.groups[2], 7);
	ck_assert_int_eq(user_resolve(dir, "4242", NULL, 0, &u, why,
				      sizeof(why)), 0);
	ck_assert_uint_eq(u.uid, 4242);
	ck_assert_uint_eq(u.gid, 0);
	ck_assert_str_eq(u.home, "/");
	ck_assert_int_eq(user_resolve(dir, "bob", NULL, 0, &u, why,
				      sizeof(why)), -1);
	ck_assert_str_eq(why, "unknown user 'bob' (not in the container's "
			 "/etc/passwd)");
	ck_assert_int_eq(user_resolve(dir, "app:nogroup", NULL, 0, &u, why,
				      sizeof(why)), -1);
	ck_assert_int_eq(user_resolve(dir, "", NULL, 0, &u, why,
				      sizeof(why)), -1);
}
END_TEST

Suite *mcopts_suite(void)
{
	Suite *s = suite_create("mcopts");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_env_put_replaces_and_takes_host_values);
	tcase_add_test(tc, test_env_put_rejects_bad_keys);
	tcase_add_test(tc, test_env_read_file_lines);
	tcase_add_test(tc, test_mc_parse_ulimit_cases);
	tcase_add_test(tc, test_mc_check_hostname_cases);
	tcase_add_test(tc, test_mc_new_id_is_12_hex);
	tcase_add_test(tc, test_mc_check_workdir_in_root);
	tcase_add_test(tc, test_user_resolve_names_numbers_groups);
	suite_add_tcase(s, tc);
	return s;
}
