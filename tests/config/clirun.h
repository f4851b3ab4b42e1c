/* SPDX-License-Identifier: MIT */
/*
 * Running the hvbridge binary (or a shell line) from a Criterion test:
 * the helpers test_cli.c and test_ops.c share.
 */
#ifndef HVB_TESTS_CONFIG_CLIRUN_H
#define HVB_TESTS_CONFIG_CLIRUN_H

struct cli_run {
	int status;		/* exit status, or -1 */
	char out[8192];
	char err[8192];
};

/*
 * Run "@args" (shell words) under timeout(1) with @timeout_s seconds;
 * both streams captured through files in @dir.  A timeout fails the
 * test.
 */
void cli_run_in(const char *dir, unsigned int timeout_s, struct cli_run *r,
		const char *args);

/* rm -rf @dir, a test's scratch directory (a warning if it fails). */
void cli_remove_dir(const char *dir);

#endif /* HVB_TESTS_CONFIG_CLIRUN_H */
