/* SPDX-License-Identifier: MIT */
/*
 * fuzz.h - what the fuzz targets share.  Each target is one file that
 * defines LLVMFuzzerTestOneInput(); it links either with libFuzzer
 * (clang -fsanitize=fuzzer,address,undefined: `make fuzz`, `fuzz-quick`)
 * or with replay.c, a plain main() that runs it over corpus files, built
 * with the configured compiler like every other test.
 */
#ifndef HVB_TESTS_FUZZ_H
#define HVB_TESTS_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
/* Optional, once before the first input (libFuzzer's and replay.c's). */
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

/* A broken invariant: abort, which both libFuzzer and replay report. */
#define FUZZ_CHECK(cond)						\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "%s:%d: invariant broken: %s\n", \
				__FILE__, __LINE__, #cond);		\
			abort();					\
		}							\
	} while (0)

/* Little-endian reads from the input, zero past its end. */
static inline uint64_t fuzz_le(const uint8_t *p, size_t avail, size_t n)
{
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < n && i < avail; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

#endif /* HVB_TESTS_FUZZ_H */
