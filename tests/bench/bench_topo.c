// SPDX-License-Identifier: MIT
/*
 * The two CPUs of a run and what they share.  The channel's costs are
 * cache-line transfers, whose price depends on the path between the two
 * cores: a few ns between SMT siblings (one L1), tens through a shared
 * last-level cache, hundreds between dies.  So the report says which
 * path this run took, two ways: what sysfs says the CPUs share, and what
 * the raw ping-pong measured (a virtual machine's sysfs may describe a
 * cache its vCPUs do not really share).  --cpus and --pair choose the
 * pair; `make -C tests bench-channel-pairs` runs every kind the machine
 * has.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

int bench_cpu_req;		/* producers, pingers */
int bench_cpu_srv = 1;		/* the daemon, the ponger */

#define BENCH_SYS_CPU	"/sys/devices/system/cpu"
#define BENCH_TOPO_CPUS	1024

/* Read the first line of @path into @buf; 0 or -1. */
static int bench_read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	int ok;

	if (!f)
		return -1;
	ok = fgets(buf, (int)len, f) != NULL;
	fclose(f);
	if (!ok)
		return -1;
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

/* Parse a sysfs CPU list ("0-3,8,10-11") into @set; 0 or -1. */
static int bench_cpulist(const char *s, unsigned char *set)
{
	char *end;
	long a, b;

	memset(set, 0, BENCH_TOPO_CPUS);
	while (*s) {
		a = strtol(s, &end, 10);
		if (end == s || a < 0)
			return -1;
		b = a;
		if (*end == '-') {
			s = end + 1;
			b = strtol(s, &end, 10);
			if (end == s || b < a)
				return -1;
		}
		for (; a <= b && a < BENCH_TOPO_CPUS; a++)
			set[a] = 1;
		s = *end == ',' ? end + 1 : end;
		if (*end && *end != ',')
			return -1;
	}
	return 0;
}

static int bench_cpu_file_list(int cpu, const char *rel, unsigned char *set)
{
	char path[256], line[512];

	snprintf(path, sizeof(path), BENCH_SYS_CPU "/cpu%d/%s", cpu, rel);
	if (bench_read_line(path, line, sizeof(line)))
		return -1;
	return bench_cpulist(line, set);
}

/*
 * What @a and @b share: BENCH_SHARE_SMT (one core), the level of the
 * smallest data or unified cache that holds both (2, 3, ...), 0 for no
 * cache, -1 when sysfs does not say.  *@llc is set to 1 when that cache
 * is @a's last level.
 */
#define BENCH_SHARE_SMT	1
static int bench_shared(int a, int b, int *llc)
{
	unsigned char set[BENCH_TOPO_CPUS];
	char path[160], line[64];
	int idx, level, best = 0, top = 0, known = 0;

	*llc = 0;
	if (a == b)
		return BENCH_SHARE_SMT;
	if (!bench_cpu_file_list(a, "topology/thread_siblings_list", set) &&
	    b < BENCH_TOPO_CPUS && set[b])
		return BENCH_SHARE_SMT;
	for (idx = 0; idx < 16; idx++) {
		snprintf(path, sizeof(path),
			 BENCH_SYS_CPU "/cpu%d/cache/index%d/type", a, idx);
		if (bench_read_line(path, line, sizeof(line)))
			break;
		if (!strcmp(line, "Instruction"))
			continue;
		snprintf(path, sizeof(path),
			 BENCH_SYS_CPU "/cpu%d/cache/index%d/level", a, idx);
		if (bench_read_line(path, line, sizeof(line)))
			continue;
		level = atoi(line);
		snprintf(path, sizeof(path), "cache/index%d/shared_cpu_list",
			 idx);
		if (bench_cpu_file_list(a, path, set))
			continue;
		known = 1;
		if (level > top)
			top = level;
		if (b < BENCH_TOPO_CPUS && set[b] && (!best || level < best))
			best = level;
	}
	if (!known)
		return -1;
	*llc = best && best == top;
	return best;
}

const char *bench_topo_sysfs(int a, int b, char *detail, size_t len)
{
	int llc, s = bench_shared(a, b, &llc);

	if (s < 0) {
		snprintf(detail, len, "sysfs does not describe CPUs %d and "
			 "%d", a, b);
		return "unknown";
	}
	if (s == BENCH_SHARE_SMT) {
		snprintf(detail, len, "CPUs %d and %d are SMT siblings (one "
			 "core)", a, b);
		return "smt";
	}
	if (s) {
		snprintf(detail, len, "CPUs %d and %d share an L%d%s", a, b, s,
			 llc ? " (their last level)" : "");
		return llc ? "llc" : "l2";
	}
	snprintf(detail, len, "CPUs %d and %d share no cache", a, b);
	return "apart";
}

/*
 * The path a round trip of the raw ping-pong (two line transfers) says
 * it took.  The bounds are wide: SMT siblings hand a line over in a few
 * ns, cores on one last-level cache in 20-60 ns (80 ns measured for a
 * round trip on an EPYC VM), cores on separate dies in 150-250 ns (381
 * measured on another VM of the same kind).
 */
const char *bench_topo_pingpong(double p50_ns)
{
	if (p50_ns < 50)
		return "smt";
	if (p50_ns < 200)
		return "llc";
	return "apart";
}

/* The first online pair of @kind ("smt", "llc", "apart"); 0 or -1. */
int bench_topo_pick(const char *kind)
{
	unsigned char online[BENCH_TOPO_CPUS];
	char line[512], detail[128];
	int a, b;

	if (bench_read_line(BENCH_SYS_CPU "/online", line, sizeof(line)) ||
	    bench_cpulist(line, online)) {
		fprintf(stderr, "bench: cannot read %s/online\n",
			BENCH_SYS_CPU);
		return -1;
	}
	for (a = 0; a < BENCH_TOPO_CPUS; a++)
		for (b = 0; online[a] && b < BENCH_TOPO_CPUS; b++) {
			if (!online[b] || a == b)
				continue;
			if (strcmp(bench_topo_sysfs(a, b, detail,
						    sizeof(detail)), kind))
				continue;
			bench_cpu_req = a;
			bench_cpu_srv = b;
			return 0;
		}
	fprintf(stderr, "bench: no pair of online CPUs is \"%s\" here (sysfs)"
		"\n", kind);
	return -1;
}

int bench_topo_parse_cpus(const char *s)
{
	char *end;
	long a, b;

	a = strtol(s, &end, 10);
	if (end == s || *end != ',' || a < 0 || a >= BENCH_TOPO_CPUS)
		return -1;
	s = end + 1;
	b = strtol(s, &end, 10);
	if (end == s || *end || b < 0 || b >= BENCH_TOPO_CPUS || a == b)
		return -1;
	bench_cpu_req = (int)a;
	bench_cpu_srv = (int)b;
	return 0;
}
