/*
 * fuzz.h - what every libFuzzer target here shares: the input as a C
 * string, and a check that stops the run, naming the input's property
 * that broke, when the project's code breaks one of its own promises.
 */
#ifndef CTK_FUZZ_H
#define CTK_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* libFuzzer's entry point, declared for -Wmissing-prototypes. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An invariant: abort() so that libFuzzer keeps the input as a crash. */
#define FUZZ_CHECK(cond, ...) \
	do { \
		if (!(cond)) { \
			fprintf(stderr, "invariant broken: %s: ", #cond); \
			fprintf(stderr, __VA_ARGS__); \
			fputc('\n', stderr); \
			abort(); \
		} \
	} while (0)

/* The input as a NUL-terminated string (a NUL inside ends it early, as
 * it would on a command line).  Free it. */
static inline char *fuzz_str(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

#endif
