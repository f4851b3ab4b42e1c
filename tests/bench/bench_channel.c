// SPDX-License-Identifier: MIT
/*
 * bench-channel: the channel against its floors and its anchor, side by
 * side in one run (GitHub issue "Foundation", section 6).
 *
 *   bench-channel [--quick] [--json PATH] [--cpus A,B | --pair KIND]
 *   bench-channel --pingpong
 *
 * --pingpong measures the cache-line ping-pong alone (the quick run's
 * rounds) and prints one line: tests/e2e/bench.sh holds an MMIO exit
 * through the channel against the in-hypervisor one plus this floor.
 *
 * Every round measures every method once, in an order that rotates from
 * round to round, so a burst of load from another process lands on a
 * different method each time; the report takes the median of the rounds.
 * Exits 0 whatever the figures are; 1 only when something is broken (a
 * request failed or returned a wrong value, or a measurement hung).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

static const struct bench_cfg bench_full = {
	.rounds = 5,
	.warmup = 20000,
	.iters = 200000,
	.wake_warmup = 200,
	.wake_iters = 4000,
	.wake_delay_ns = 30000,
	.tput_seconds = 0.8,
	.paced_warmup = 2000,
	.paced_iters = 10000,
	.idle_seconds = 0.5,
	.timed_sleeps = 4000,
	.pair_blocks = 24,
	.pair_iters = 5000,
};

static const struct bench_cfg bench_quick = {
	.rounds = 3,
	.warmup = 5000,
	.iters = 30000,
	.wake_warmup = 50,
	.wake_iters = 500,
	.wake_delay_ns = 30000,
	.tput_seconds = 0.15,
	.paced_warmup = 1000,
	.paced_iters = 2000,
	.idle_seconds = 0.2,
	.timed_sleeps = 1000,
	.pair_blocks = 8,
	.pair_iters = 3000,
};

typedef int bench_lat_fn(const struct bench_cfg *cfg, __u64 *ticks,
			 size_t n);

struct bench_lat_method {
	const char *name;
	bench_lat_fn *fn;
	int sleeping;		/* sized by wake_iters, not iters */
	struct bench_lat *out;
};

/* The methods of each latency group run back to back in one round. */
#define BENCH_GROUP	3

static int bench_lat_group(const struct bench_cfg *cfg,
			   struct bench_lat_method *m, unsigned int round,
			   struct bench_lat (*per_round)[BENCH_GROUP],
			   __u64 *ticks)
{
	unsigned int k, j;
	size_t n;

	for (k = 0; k < BENCH_GROUP; k++) {
		j = (k + round) % BENCH_GROUP;
		n = m[j].sleeping ? cfg->wake_iters : cfg->iters;
		bench_watchdog(m[j].name, 60);
		if (m[j].fn(cfg, ticks, n)) {
			fprintf(stderr, "bench: %s: FAILED\n", m[j].name);
			return -1;
		}
		per_round[round][j] = bench_lat_of(ticks, n);
	}
	return 0;
}

/*
 * The sync round trip and the ping-pong, paired.  The round's sections
 * run each method for tens of ms, and a VM's two vCPUs can move between
 * a pair of cores that share a cache and a pair that does not within a
 * run (seen on the 2-vCPU EPYC VMs here: a ping-pong of 120 ns, then 420
 * ns a few seconds later), so the medians of the rounds can set a
 * channel measured on one placement against a ping-pong measured on the
 * other (and hvisor-tool's protocol likewise).  A block is a
 * ping-pong, the channel, the hvisor-style protocol and a ping-pong
 * again, pair_iters requests each, a few ms in all; a block whose two
 * ping-pongs differ by more than BENCH_PAIR_AGREE straddled a move and
 * is left out.
 */
#define BENCH_PAIR_WARMUP	1000
#define BENCH_PAIR_AGREE	0.2

/*
 * The tails compared in the same blocks: every block's channel and
 * ping-pong samples are kept (struct bench_pair_pool), and those of the
 * kept blocks pooled into one p999 each.  The medians of the rounds set
 * a p999 of one stretch of tens of ms against another's, and there the
 * p999 falls in or below the cluster of interrupts and preemptions
 * (about 0.1% of round trips) by chance (docs/performance.md, "The
 * p999"); pooled over the same blocks, both see the same interrupts.
 * Beside it, the share of round trips slower than BENCH_PAIR_SLOW_NS:
 * that cluster itself.
 */
#define BENCH_PAIR_SLOW_NS	10000.0

struct bench_pair_pool {
	__u64 *ours;		/* pair_iters a block, block by block */
	__u64 *pingpong;	/* 2 * pair_iters a block: before, after */
	size_t iters;		/* pair_iters */
	unsigned int blocks;	/* room for this many */
};

/* One part of a block: @fn's pair_iters requests, into @out, and its
 * samples into @keep if set. */
static int bench_pair_part(bench_lat_fn *fn, const struct bench_cfg *blk,
			   __u64 *ticks, struct bench_lat *out, __u64 *keep)
{
	if (fn(blk, ticks, blk->pair_iters))
		return -1;
	if (keep)
		memcpy(keep, ticks, sizeof(*ticks) * blk->pair_iters);
	*out = bench_lat_of(ticks, blk->pair_iters);
	return 0;
}

static int bench_pair_round(const struct bench_cfg *cfg,
			    struct bench_pair *pairs, unsigned int *n,
			    struct bench_pair_pool *pool, __u64 *ticks)
{
	struct bench_cfg blk = *cfg;
	struct bench_pair *p;
	__u64 *ours, *pp;
	unsigned int b;

	blk.warmup = BENCH_PAIR_WARMUP;
	for (b = 0; b < cfg->pair_blocks && *n < BENCH_PAIR_MAX; b++) {
		ours = pp = NULL;
		if (*n < pool->blocks) {
			ours = pool->ours + *n * pool->iters;
			pp = pool->pingpong + 2 * *n * pool->iters;
		}
		p = &pairs[(*n)++];
		bench_watchdog("paired blocks", 60);
		if (bench_pair_part(bench_pingpong_lat, &blk, ticks,
				    &p->before, pp) ||
		    bench_pair_part(bench_ours_sync_lat, &blk, ticks,
				    &p->ours, ours) ||
		    bench_pair_part(bench_hvisor_lat, &blk, ticks,
				    &p->hvisor, NULL) ||
		    bench_pair_part(bench_pingpong_lat, &blk, ticks,
				    &p->after, pp ? pp + pool->iters : NULL))
			return -1;
	}
	return 0;
}

/* Parts per million of @v's @n samples above BENCH_PAIR_SLOW_NS. */
static double bench_pair_slow_ppm(const __u64 *v, size_t n)
{
	size_t i, slow = 0;

	for (i = 0; i < n; i++)
		slow += bench_ticks_ns(v[i]) > BENCH_PAIR_SLOW_NS;
	return n ? 1e6 * (double)slow / (double)n : 0;
}

/*
 * Pool the samples of the blocks @keep marks (@n blocks) and fill @out's
 * tail figures.  Moves the kept blocks' samples to the front of @pool.
 */
static void bench_pair_tails(struct bench_pair_pool *pool,
			     const unsigned char *keep, unsigned int n,
			     struct bench_paired *out)
{
	size_t no = 0, np = 0, it = pool->iters;
	struct bench_lat l;
	unsigned int i;

	if (n > pool->blocks)
		n = pool->blocks;
	for (i = 0; i < n; i++) {
		if (!keep[i])
			continue;
		memmove(pool->ours + no, pool->ours + i * it,
			sizeof(__u64) * it);
		memmove(pool->pingpong + np, pool->pingpong + 2 * i * it,
			sizeof(__u64) * 2 * it);
		no += it;
		np += 2 * it;
	}
	if (!no)
		return;
	out->tail_samples = no;
	out->ours_slow_ppm = bench_pair_slow_ppm(pool->ours, no);
	out->pingpong_slow_ppm = bench_pair_slow_ppm(pool->pingpong, np);
	l = bench_lat_of(pool->ours, no);
	out->ours_p999 = l.p999;
	l = bench_lat_of(pool->pingpong, np);
	out->pingpong_p999 = l.p999;
	out->p999_ratio = out->ours_p999 / out->pingpong_p999;
}

static void bench_paired_of(const struct bench_pair *pairs, unsigned int n,
			    struct bench_pair_pool *pool,
			    struct bench_paired *out)
{
	static unsigned char keep[BENCH_PAIR_MAX];
	static const char *const topos[BENCH_PAIR_TOPOS] = {
		"smt", "llc", "apart",
	};
	static double r50[BENCH_PAIR_MAX], rmean[BENCH_PAIR_MAX];
	static double ours[BENCH_PAIR_MAX], pp[BENCH_PAIR_MAX];
	static double hv[BENCH_PAIR_MAX], rhv[BENCH_PAIR_MAX];
	static double by[BENCH_PAIR_TOPOS][BENCH_PAIR_MAX];
	static double byhv[BENCH_PAIR_TOPOS][BENCH_PAIR_MAX];
	unsigned int i, t, k = 0, nb[BENCH_PAIR_TOPOS] = { 0 };
	double lo, hi, base;

	memset(out, 0, sizeof(*out));
	out->blocks = n;
	for (i = 0; i < n; i++) {
		lo = pairs[i].before.p50 < pairs[i].after.p50 ?
		     pairs[i].before.p50 : pairs[i].after.p50;
		hi = pairs[i].before.p50 + pairs[i].after.p50 - lo;
		keep[i] = 0;
		if (lo <= 0 || hi > lo * (1 + BENCH_PAIR_AGREE))
			continue;
		keep[i] = 1;
		base = (pairs[i].before.p50 + pairs[i].after.p50) / 2;
		ours[k] = pairs[i].ours.p50;
		pp[k] = base;
		r50[k] = pairs[i].ours.p50 / base;
		hv[k] = pairs[i].hvisor.p50;
		rhv[k] = pairs[i].ours.p50 / pairs[i].hvisor.p50;
		rmean[k] = pairs[i].ours.mean /
			   ((pairs[i].before.mean + pairs[i].after.mean) / 2);
		for (t = 0; t < BENCH_PAIR_TOPOS; t++)
			if (!strcmp(bench_topo_pingpong(base), topos[t])) {
				byhv[t][nb[t]] = rhv[k];
				by[t][nb[t]++] = r50[k];
			}
		k++;
	}
	out->kept = k;
	if (!k)
		return;
	bench_pair_tails(pool, keep, n, out);
	out->ours_p50 = bench_median(ours, k);
	out->pingpong_p50 = bench_median(pp, k);
	out->p50_ratio = bench_median(r50, k);
	out->mean_ratio = bench_median(rmean, k);
	out->hvisor_p50 = bench_median(hv, k);
	out->hvisor_ratio = bench_median(rhv, k);
	for (t = 0; t < BENCH_PAIR_TOPOS; t++) {
		out->by_topo[t].topo = topos[t];
		out->by_topo[t].blocks = nb[t];
		out->by_topo[t].p50_ratio = nb[t] ? bench_median(by[t], nb[t])
						  : 0;
		out->by_topo[t].hvisor_ratio = nb[t] ?
			bench_median(byhv[t], nb[t]) : 0;
	}
}

/* Median of each percentile over the rounds. */
static struct bench_lat
bench_lat_median(struct bench_lat (*per_round)[BENCH_GROUP],
		 unsigned int rounds, unsigned int j)
{
	double p50[BENCH_MAX_ROUNDS], p99[BENCH_MAX_ROUNDS];
	double p999[BENCH_MAX_ROUNDS], mean[BENCH_MAX_ROUNDS];
	struct bench_lat l;
	unsigned int r;

	for (r = 0; r < rounds; r++) {
		p50[r] = per_round[r][j].p50;
		p99[r] = per_round[r][j].p99;
		p999[r] = per_round[r][j].p999;
		mean[r] = per_round[r][j].mean;
	}
	l.p50 = bench_median(p50, rounds);
	l.p99 = bench_median(p99, rounds);
	l.p999 = bench_median(p999, rounds);
	l.mean = bench_median(mean, rounds);
	return l;
}

/*
 * Per producer count, A B B A in halves of tput_seconds (B A A B on odd
 * rounds): load from other processes that drifts during the round weighs
 * on both methods alike.  Fills ours, theirs and their ratio.
 */
static int bench_tput_round(const struct bench_cfg *cfg, unsigned int round,
			    double (*ours)[BENCH_NR_PRODS],
			    double (*theirs)[BENCH_NR_PRODS],
			    double (*ratio)[BENCH_NR_PRODS])
{
	struct bench_cfg half = *cfg;
	double sum[2], mops;
	unsigned int i, k, m;
	int err;

	half.tput_seconds /= 2;
	for (i = 0; i < BENCH_NR_PRODS; i++) {
		sum[0] = sum[1] = 0;
		for (k = 0; k < 4; k++) {
			m = (round + (k == 1 || k == 2)) % 2;
			bench_watchdog("throughput", 60);
			err = m ? bench_hvisor_tput(&half, bench_prods[i],
						    &mops) :
				  bench_ours_tput(&half, bench_prods[i], &mops);
			if (err) {
				fprintf(stderr, "bench: throughput with %u "
					"producers: FAILED\n", bench_prods[i]);
				return -1;
			}
			sum[m] += mops / 2;
		}
		ours[round][i] = sum[0];
		theirs[round][i] = sum[1];
		ratio[round][i] = sum[1] > 0 ? sum[0] / sum[1] : 0;
	}
	return 0;
}

/*
 * The order of the idling policies in a round: polling and adaptive
 * always back to back, so that their p50s, whose ratio is reported, are
 * taken on the same pair of cores (this host moves its vCPUs between a
 * pair that shares a cache and one that does not every few seconds:
 * docs/performance.md), and each first in turn.
 */
static const unsigned int bench_idle_order[4][BENCH_IDLE_MODES] = {
	{ BENCH_IDLE_POLL, BENCH_IDLE_ADAPTIVE, BENCH_IDLE_SLEEP },
	{ BENCH_IDLE_SLEEP, BENCH_IDLE_ADAPTIVE, BENCH_IDLE_POLL },
	{ BENCH_IDLE_ADAPTIVE, BENCH_IDLE_POLL, BENCH_IDLE_SLEEP },
	{ BENCH_IDLE_SLEEP, BENCH_IDLE_POLL, BENCH_IDLE_ADAPTIVE },
};

/*
 * The three idling policies at a paced load (bench_idle_order), then at
 * none.  @ticks holds cfg->paced_iters.
 */
static int bench_idle_round(const struct bench_cfg *cfg, unsigned int round,
			    struct bench_paced (*paced)[BENCH_IDLE_MODES],
			    double (*idle)[BENCH_IDLE_MODES],
			    struct bench_sleepcost *cost, __u64 *ticks)
{
	unsigned int k, m;

	for (k = 0; k < BENCH_IDLE_MODES; k++) {
		m = bench_idle_order[round % 4][k];
		bench_watchdog("paced load", 60);
		if (bench_ours_paced(cfg, (int)m, &paced[round][m], ticks)) {
			fprintf(stderr, "bench: paced load, %s: FAILED\n",
				bench_idle_names[m]);
			return -1;
		}
	}
	/* The floor, right after, with the sleep the policy just asked for
	 * and on the same CPU. */
	bench_watchdog("timed sleeps", 60);
	if (bench_timed_sleep_cost(cfg, &paced[round][BENCH_IDLE_ADAPTIVE],
				   &cost[round]))
		return -1;
	for (k = 0; k < BENCH_IDLE_MODES; k++) {
		m = bench_idle_order[round % 4][k];
		bench_watchdog("no load", 60);
		if (bench_ours_idle(cfg, (int)m, &idle[round][m])) {
			fprintf(stderr, "bench: no load, %s: FAILED\n",
				bench_idle_names[m]);
			return -1;
		}
	}
	return 0;
}

/*
 * The median over @n rounds of each field of a struct made of doubles
 * only (struct bench_paced, struct bench_sleepcost): the rounds' copies
 * lie @stride bytes apart from @v; the medians go to @m, @size bytes.
 */
static void bench_median_fields(void *m, const void *v, size_t stride,
				size_t size, unsigned int n)
{
	double col[BENCH_MAX_ROUNDS], med;
	unsigned int r;
	size_t f;

	for (f = 0; f < size / sizeof(double); f++) {
		for (r = 0; r < n; r++)
			memcpy(&col[r], (const char *)v + r * stride +
			       f * sizeof(double), sizeof(double));
		med = bench_median(col, n);
		memcpy((char *)m + f * sizeof(double), &med, sizeof(double));
	}
}

static void bench_usage(FILE *f)
{
	fprintf(f, "usage: bench-channel [--quick] [--json PATH] "
		"[--cpus A,B | --pair KIND]\n"
		"  --quick      a few seconds (development)\n"
		"  --json PATH  also write the figures to PATH\n"
		"  --cpus A,B   requesters on CPU A, the server on CPU B "
		"(default 0,1)\n"
		"  --pair KIND  the first pair of online CPUs that sysfs "
		"says are\n"
		"               smt (SMT siblings), llc (two cores on one "
		"last-level\n"
		"               cache) or apart (no shared cache); exit 77 if "
		"there is none\n"
		"  --pingpong   only the cache-line ping-pong, one line (alone)\n");
}

/* The cache-line ping-pong alone: the median of the quick run's rounds. */
static int bench_pingpong_only(void)
{
	const struct bench_cfg *cfg = &bench_quick;
	struct bench_lat per_round[BENCH_MAX_ROUNDS][BENCH_GROUP], l;
	__u64 *ticks = malloc(sizeof(*ticks) * cfg->iters);
	unsigned int r;

	if (!ticks)
		return 1;
	bench_clock_init();
	bench_pin(bench_cpu_req);
	for (r = 0; r < cfg->rounds; r++) {
		bench_watchdog("cache-line ping-pong", 60);
		if (bench_pingpong_lat(cfg, ticks, cfg->iters)) {
			free(ticks);
			return 1;
		}
		per_round[r][0] = bench_lat_of(ticks, cfg->iters);
	}
	bench_watchdog("", 0);
	free(ticks);
	l = bench_lat_median(per_round, cfg->rounds, 0);
	printf("cache-line ping-pong: p50 %.1f ns p99 %.1f ns mean %.1f ns (median of %u rounds of %zu)\n",
	       l.p50, l.p99, l.mean, cfg->rounds, cfg->iters);
	return 0;
}

int main(int argc, char **argv)
{
	static struct bench_results res = { .mode = "full" };
	static struct bench_lat_method sync_m[BENCH_GROUP] = {
		{ "cache-line ping-pong", bench_pingpong_lat, 0,
		  &res.pingpong },
		{ "channel sync round trip", bench_ours_sync_lat, 0,
		  &res.sync },
		{ "hvisor-style round trip", bench_hvisor_lat, 0,
		  &res.hvisor },
	};
	static struct bench_lat_method wake_m[BENCH_GROUP] = {
		{ "channel wake round trip", bench_ours_wake_lat, 1,
		  &res.wake },
		{ "eventfd ping-pong", bench_eventfd_lat, 1, &res.eventfd },
		{ "futex ping-pong", bench_futex_lat, 1, &res.futex },
	};
	struct bench_lat sync_rounds[BENCH_MAX_ROUNDS][BENCH_GROUP];
	struct bench_lat wake_rounds[BENCH_MAX_ROUNDS][BENCH_GROUP];
	struct bench_paced paced[BENCH_MAX_ROUNDS][BENCH_IDLE_MODES];
	double idle[BENCH_MAX_ROUNDS][BENCH_IDLE_MODES];
	struct bench_sleepcost cost[BENCH_MAX_ROUNDS];
	static struct bench_pair pairs[BENCH_PAIR_MAX];
	struct bench_pair_pool pool = { 0 };
	unsigned int npairs = 0;
	double ours[BENCH_MAX_ROUNDS][BENCH_NR_PRODS];
	double theirs[BENCH_MAX_ROUNDS][BENCH_NR_PRODS];
	double ratio[BENCH_MAX_ROUNDS][BENCH_NR_PRODS];
	const struct bench_cfg *cfg = &bench_full;
	double col[BENCH_MAX_ROUNDS], t0;
	const char *json = NULL;
	unsigned int r, i;
	__u64 *ticks;
	size_t n;
	int a;

	for (a = 1; a < argc; a++) {
		if (!strcmp(argv[a], "--quick")) {
			cfg = &bench_quick;
			res.mode = "quick";
		} else if (!strcmp(argv[a], "--json") && a + 1 < argc) {
			json = argv[++a];
		} else if (!strcmp(argv[a], "--pingpong") && argc == 2) {
			return bench_pingpong_only();
		} else if (!strcmp(argv[a], "--cpus") && a + 1 < argc) {
			if (bench_topo_parse_cpus(argv[++a])) {
				bench_usage(stderr);
				return 2;
			}
		} else if (!strcmp(argv[a], "--pair") && a + 1 < argc) {
			a++;
			if (strcmp(argv[a], "smt") && strcmp(argv[a], "l2") &&
			    strcmp(argv[a], "llc") && strcmp(argv[a], "apart")) {
				bench_usage(stderr);
				return 2;
			}
			if (bench_topo_pick(argv[a]))
				return 77;	/* the machine has none */
		} else if (!strcmp(argv[a], "--help")) {
			bench_usage(stdout);
			return 0;
		} else {
			bench_usage(stderr);
			return 2;
		}
	}
	res.cfg = cfg;
	res.topo_sysfs = bench_topo_sysfs(bench_cpu_req, bench_cpu_srv,
					  res.topo_detail,
					  sizeof(res.topo_detail));
	n = cfg->iters > cfg->wake_iters ? cfg->iters : cfg->wake_iters;
	if (n < cfg->paced_iters)
		n = cfg->paced_iters;
	ticks = malloc(sizeof(*ticks) * n);
	pool.iters = cfg->pair_iters;
	pool.blocks = cfg->rounds * cfg->pair_blocks;
	if (pool.blocks > BENCH_PAIR_MAX)
		pool.blocks = BENCH_PAIR_MAX;
	pool.ours = malloc(sizeof(__u64) * pool.iters * pool.blocks);
	pool.pingpong = malloc(2 * sizeof(__u64) * pool.iters * pool.blocks);
	if (!ticks || !pool.ours || !pool.pingpong)
		return 1;
	bench_clock_init();
	bench_pin(bench_cpu_req);
	t0 = bench_now_s();
	for (r = 0; r < cfg->rounds; r++) {
		printf("round %u/%u\n", r + 1, cfg->rounds);
		fflush(stdout);
		if (bench_lat_group(cfg, sync_m, r, sync_rounds, ticks) ||
		    bench_lat_group(cfg, wake_m, r, wake_rounds, ticks) ||
		    bench_pair_round(cfg, pairs, &npairs, &pool, ticks) ||
		    bench_tput_round(cfg, r, ours, theirs, ratio) ||
		    bench_idle_round(cfg, r, paced, idle, cost, ticks))
			return 1;
	}
	bench_watchdog("", 0);
	res.wall_s = bench_now_s() - t0;
	free(ticks);

	for (i = 0; i < BENCH_GROUP; i++) {
		*sync_m[i].out = bench_lat_median(sync_rounds, cfg->rounds, i);
		*wake_m[i].out = bench_lat_median(wake_rounds, cfg->rounds, i);
	}
	res.topo_pingpong = bench_topo_pingpong(res.pingpong.p50);
	bench_paired_of(pairs, npairs, &pool, &res.paired);
	free(pool.ours);
	free(pool.pingpong);
	for (i = 0; i < BENCH_IDLE_MODES; i++) {
		bench_median_fields(&res.paced[i], &paced[0][i],
				    sizeof(paced[0]), sizeof(res.paced[i]),
				    cfg->rounds);
		for (r = 0; r < cfg->rounds; r++)
			col[r] = idle[r][i];
		res.idle_cpu[i] = bench_median(col, cfg->rounds);
	}
	for (r = 0; r < cfg->rounds; r++) {
		res.paced_ratio_round[r] =
			paced[r][BENCH_IDLE_POLL].p50 > 0 ?
			paced[r][BENCH_IDLE_ADAPTIVE].p50 /
			paced[r][BENCH_IDLE_POLL].p50 : 0;
		col[r] = res.paced_ratio_round[r];
	}
	res.paced_ratio = bench_median(col, cfg->rounds);
	bench_median_fields(&res.sleepcost, cost, sizeof(cost[0]),
			    sizeof(res.sleepcost), cfg->rounds);
	for (i = 0; i < BENCH_NR_PRODS; i++) {
		for (r = 0; r < cfg->rounds; r++)
			col[r] = ours[r][i];
		res.tput[i] = bench_median(col, cfg->rounds);
		for (r = 0; r < cfg->rounds; r++)
			col[r] = theirs[r][i];
		res.hvisor_tput[i] = bench_median(col, cfg->rounds);
		for (r = 0; r < cfg->rounds; r++)
			col[r] = ratio[r][i];
		res.tput_ratio[i] = bench_median(col, cfg->rounds);
	}
	bench_report_print(&res);
	if (json && bench_report_json(&res, json))
		return 1;
	return 0;
}
