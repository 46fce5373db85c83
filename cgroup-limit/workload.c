/*
 * cg-workload - bounded, safe workloads to watch a cgroup limit act on:
 *
 *   cg-workload hog SIZE        touch SIZE of memory, 1 MiB at a time
 *   cg-workload fork-bomb MAX SECS
 *                               keep forking sleeping children until MAX
 *                               are alive or SECS pass; count failures
 *   cg-workload spin SECS       burn CPU for SECS of wall time; report the
 *                               CPU seconds it got per second
 *
 * Each stops by itself: the fork bomb kills its children, the hog frees
 * its memory.  Results go to stdout, one line each.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "limit.h"
#include "report.h"

#define MIB (1024UL * 1024UL)

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int hog(const char *size)
{
	uint64_t bytes, done;
	char *p;

	if (cg_parse_size(size, 0, &bytes) < 0 || bytes == 0 ||
	    bytes > 64ULL * 1024 * MIB)
		return cli_usage_error("invalid size: %s", size);
	p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED) {
		rep_fail("mmap(%llu)", (unsigned long long)bytes);
		return 1;
	}
	/* Touch one byte per page: that, not mmap, charges the cgroup. */
	for (done = 0; done < bytes; done += 4096) {
		p[done] = 1;
		if (done % (16 * MIB) == 0 && done) {
			printf("touched %llu MiB\n",
			       (unsigned long long)(done / MIB));
			fflush(stdout);
		}
	}
	printf("hog: touched all %llu MiB\n", (unsigned long long)(bytes / MIB));
	munmap(p, bytes);
	return 0;
}

static int fork_bomb(const char *maxs, const char *secs)
{
	int max = atoi(maxs), alive = 0, failed = 0, i;
	double end = now() + atof(secs);
	pid_t *kids;

	if (max < 1 || max > 1000 || atof(secs) <= 0 || atof(secs) > 30)
		return cli_usage_error("fork-bomb: MAX 1..1000, SECS up to 30");
	kids = calloc((size_t)max, sizeof(*kids));
	if (!kids)
		return 1;
	while (alive < max && now() < end) {
		pid_t pid = fork();

		if (pid == 0) {
			pause();	/* killed below */
			_exit(0);
		}
		if (pid < 0) {
			failed++;
			usleep(10000);
			continue;
		}
		kids[alive++] = pid;
	}
	printf("fork-bomb: %d children alive at once, fork() failed %d "
	       "times\n", alive, failed);
	fflush(stdout);
	for (i = 0; i < alive; i++)
		kill(kids[i], SIGKILL);
	for (i = 0; i < alive; i++)
		waitpid(kids[i], NULL, 0);
	free(kids);
	return 0;
}

static int spin(const char *secs)
{
	double s = atof(secs), start = now(), cpu;
	volatile unsigned long x = 0;
	struct rusage ru;

	if (s <= 0 || s > 30)
		return cli_usage_error("spin: SECS up to 30");
	while (now() - start < s)
		x++;
	getrusage(RUSAGE_SELF, &ru);
	cpu = (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	      (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
	printf("spin: %.2f CPU-s in %.2f s: %.2f CPU-s per second\n", cpu,
	       now() - start, cpu / (now() - start));
	return 0;
}

int main(int argc, char **argv)
{
	rep_init(argv[0]);
	if (argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		printf("Usage:\n"
		       " %s hog SIZE\n"
		       " %s fork-bomb MAX SECS\n"
		       " %s spin SECS\n\n"
		       "Bounded workloads for watching cgroup limits act.\n\n"
		       "Options:\n"
		       " -h, --help     display this help\n"
		       " -V, --version  display version\n",
		       rep_prog(), rep_prog(), rep_prog());
		return 0;
	}
	if (argc > 1 && (!strcmp(argv[1], "-V") ||
			 !strcmp(argv[1], "--version"))) {
		cli_print_version();
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "hog"))
		return hog(argv[2]);
	if (argc == 4 && !strcmp(argv[1], "fork-bomb"))
		return fork_bomb(argv[2], argv[3]);
	if (argc == 3 && !strcmp(argv[1], "spin"))
		return spin(argv[2]);
	return cli_usage_error("expected hog SIZE, fork-bomb MAX SECS or "
			       "spin SECS");
}
