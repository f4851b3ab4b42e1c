// SPDX-License-Identifier: MIT
/*
 * Description: the helpers the CLI tests share (clirun.h): run the
 * binary under a timeout and capture what it prints.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <criterion/criterion.h>
#include <criterion/logging.h>

#include "clirun.h"

static void cli_slurp(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	size_t n = 0;

	if (f) {
		n = fread(buf, 1, len - 1, f);
		fclose(f);
	}
	buf[n] = '\0';
}

void cli_run_in(const char *dir, unsigned int timeout_s, struct cli_run *r,
		const char *args)
{
	char cmd[2048], out[128], err[128];
	int st;

	snprintf(out, sizeof(out), "%s/out", dir);
	snprintf(err, sizeof(err), "%s/err", dir);
	snprintf(cmd, sizeof(cmd), "timeout %u %s >'%s' 2>'%s'", timeout_s,
		 args, out, err);
	st = system(cmd);
	r->status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	cli_slurp(out, r->out, sizeof(r->out));
	cli_slurp(err, r->err, sizeof(r->err));
	cr_assert_neq(r->status, 124, "timed out: %s", args);
}

void cli_remove_dir(const char *dir)
{
	char cmd[160];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd))
		cr_log_warn("cannot remove %s", dir);
}
