// SPDX-License-Identifier: MIT
/*
 * The daemon as a separate process, as it runs for real: fork + exec of
 * `hvbridge daemon --transport sim`, stopped with SIGTERM at the end.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sim.h"

/* How long the daemon gets to exit after SIGTERM. */
#define SIM_DAEMON_STOP_MS	5000

/* The hvbridge binary of the same build tree: $(O)/hyp/hvbridge-sim ->
 * $(O)/tool/hvbridge. */
static int sim_daemon_default_path(char *buf, size_t len)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *slash;

	if (n < 0)
		return -1;
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (!slash)
		return -1;
	*slash = '\0';
	if ((size_t)snprintf(buf, len, "%s/../tool/hvbridge", exe) >= len)
		return -1;
	return 0;
}

int sim_daemon_start(struct sim *s, const char *argv0)
{
	char path[PATH_MAX], budget[32];
	char *argv[] = {
		path, "daemon", "--transport", "sim",
		"--region", s->region_path,
		"--log-level", s->opt.verbose ? "info" : "warn",
		/* Without --spin-budget (0): the daemon's own idling. */
		"--spin-budget", budget,
		NULL,
	};
	pid_t parent = getpid(), pid;

	if (s->opt.daemon_path) {
		snprintf(path, sizeof(path), "%s", s->opt.daemon_path);
	} else if (sim_daemon_default_path(path, sizeof(path))) {
		fprintf(stderr, "%s: cannot find the daemon; use --daemon PATH\n",
			argv0);
		return -1;
	}
	if (access(path, X_OK)) {
		fprintf(stderr, "%s: daemon %s: %s (build tool/ first, or use --daemon PATH)\n",
			argv0, path, strerror(errno));
		return -1;
	}
	snprintf(budget, sizeof(budget), "%llu", s->opt.spin_budget);
	if (!s->opt.spin_budget)
		argv[8] = NULL;
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		perror("hvbridge-sim: fork");
		return -1;
	}
	if (pid == 0) {
		/* Never outlive the simulation, whatever kills it. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(127);
		execv(path, argv);
		fprintf(stderr, "hvbridge-sim: exec %s: %s\n", path,
			strerror(errno));
		_exit(127);
	}
	s->daemon_pid = pid;
	return 0;
}

static void sim_sleep_ms(unsigned int ms)
{
	struct timespec ts = { .tv_sec = 0, .tv_nsec = (long)ms * 1000000 };

	nanosleep(&ts, NULL);
}

/* SIGTERM, then a bounded wait; the daemon must exit with status 0. */
int sim_daemon_stop(struct sim *s)
{
	pid_t pid = s->daemon_pid;
	unsigned int waited = 0;
	int status;
	pid_t r;

	if (!pid)
		return 0;
	kill(pid, SIGTERM);
	while ((r = waitpid(pid, &status, WNOHANG)) == 0 &&
	       waited < SIM_DAEMON_STOP_MS) {
		sim_sleep_ms(10);
		waited += 10;
	}
	if (r == 0) {
		fprintf(stderr, "hvbridge-sim: daemon %d ignored SIGTERM for %ums; killed\n",
			pid, SIM_DAEMON_STOP_MS);
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		s->daemon_pid = 0;
		return -1;
	}
	s->daemon_pid = 0;
	if (r < 0) {
		perror("hvbridge-sim: waitpid");
		return -1;
	}
	if (WIFSIGNALED(status)) {
		fprintf(stderr, "hvbridge-sim: daemon killed by signal %d\n",
			WTERMSIG(status));
		return -1;
	}
	if (WEXITSTATUS(status)) {
		fprintf(stderr, "hvbridge-sim: daemon exited with status %d\n",
			WEXITSTATUS(status));
		return -1;
	}
	return 0;
}

/* Has the daemon child exited already (before it attached)? */
int sim_daemon_exited(struct sim *s)
{
	int status;

	if (!s->daemon_pid || waitpid(s->daemon_pid, &status, WNOHANG) == 0)
		return 0;
	fprintf(stderr, "hvbridge-sim: daemon exited before it attached (%s %d)\n",
		WIFSIGNALED(status) ? "signal" : "status",
		WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
	s->daemon_pid = 0;
	return 1;
}
