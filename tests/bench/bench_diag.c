// SPDX-License-Identifier: MIT
/*
 * bench-channel-diag [--quick] [--cpus A,B]: where the channel's sync round trip goes.
 * Side by side, in rotating order, medians of rounds: the raw ping-pong,
 * the ping-pong plus each ingredient of the channel's path (the model),
 * the real channel with its real, a cheap, and no clock, and the
 * hvisor-style anchor.  The mean is printed next to the p50: the TSC of
 * some virtual machines ticks in steps of ~10 ns, which the mean of many
 * samples smooths out.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_diag.h"

struct bench_diag_row {
	const char *name;
	unsigned int features;	/* model rows */
	int clock;		/* channel rows: BENCH_CLOCK_* */
	int kind;		/* 0 model, 1 channel, 2 hvisor-style */
	double p10[16], p25[16], p50[16], p75[16], p90[16], mean[16];
};

#define BENCH_MODEL(n, f)	{ .name = (n), .features = (f), .kind = 0 }
#define BENCH_CHAN(n, c)	{ .name = (n), .clock = (c), .kind = 1 }

static struct bench_diag_row bench_rows[] = {
	BENCH_MODEL("ping-pong (raw)", 0),
	BENCH_MODEL("  + 2 clock reads", BENCH_M_CLOCK),
	BENCH_MODEL("  + pending fetch-or/xchg", BENCH_M_PENDING),
	BENCH_MODEL("  + W2 fence, state read", BENCH_M_W2),
	BENCH_MODEL("  + serve re-checks", BENCH_M_CHECK),
	BENCH_MODEL("  + server counters", BENCH_M_STATS),
	BENCH_MODEL("  + requester counters", BENCH_M_PSTATS),
	BENCH_MODEL("  + resp read before write", BENCH_M_DUPREAD),
	BENCH_MODEL("  + all seven (model)", BENCH_M_ALL),
	BENCH_MODEL("  + all but the clock", BENCH_M_ALL & ~BENCH_M_CLOCK),
	BENCH_MODEL("  + all but clock, prefetch",
		    (BENCH_M_ALL & ~BENCH_M_CLOCK) | BENCH_M_PREFETCH),
	BENCH_MODEL("  + all but clock, late clear",
		    (BENCH_M_ALL & ~BENCH_M_CLOCK) | BENCH_M_LATECLR),
	BENCH_MODEL("  + all but clock, resp read",
		    BENCH_M_ALL & ~BENCH_M_CLOCK & ~BENCH_M_DUPREAD),
	BENCH_CHAN("channel, TSC clock (real)", BENCH_CLOCK_REAL),
	BENCH_CHAN("channel, clock_gettime", BENCH_CLOCK_GETTIME),
	BENCH_CHAN("channel, no clock", BENCH_CLOCK_NONE),
	{ .name = "hvisor-style", .kind = 2 },
};

#define BENCH_DIAG_ROWS (sizeof(bench_rows) / sizeof(bench_rows[0]))

static double bench_trimmed_mean(const __u64 *sorted, size_t n)
{
	size_t i, lo = n / 100, hi = n - n / 100;
	__u64 sum = 0;

	for (i = lo; i < hi; i++)
		sum += sorted[i];
	return bench_ticks_ns(sum) / (double)(hi - lo);
}

static int bench_diag_one(struct bench_diag_row *row,
			  const struct bench_cfg *cfg, __u64 *ticks,
			  unsigned int round)
{
	struct bench_lat l;
	int err;

	bench_watchdog(row->name, 60);
	switch (row->kind) {
	case 0:
		err = bench_model_lat(row->features, cfg, ticks, cfg->iters);
		break;
	case 1:
		bench_diag_clock = row->clock;
		/* A constant clock would look like a timeout. */
		bench_ours_timeout_ns = row->clock == BENCH_CLOCK_NONE ?
					0 : 20000000000ull;
		bench_diag_clock_calls = 0;
		err = bench_ours_sync_lat(cfg, ticks, cfg->iters);
		bench_diag_clock = BENCH_CLOCK_REAL;
		if (!err && !bench_diag_clock_calls) {
			fprintf(stderr, "bench: the producer's clock was not "
				"swapped (-flto binds it before --wrap); build "
				"without -flto\n");
			return -1;
		}
		break;
	default:
		err = bench_hvisor_lat(cfg, ticks, cfg->iters);
		break;
	}
	if (err) {
		fprintf(stderr, "bench: %s: FAILED\n", row->name);
		return -1;
	}
	l = bench_lat_of(ticks, cfg->iters);
	/* bench_lat_of() sorted the samples; the trimmed mean drops the
	 * top and bottom 1%, where other processes' noise lands. */
	row->mean[round] = bench_trimmed_mean(ticks, cfg->iters);
	row->p10[round] = bench_ticks_ns(ticks[cfg->iters / 10]);
	row->p25[round] = bench_ticks_ns(ticks[cfg->iters / 4]);
	row->p50[round] = l.p50;
	row->p75[round] = bench_ticks_ns(ticks[cfg->iters * 3 / 4]);
	row->p90[round] = bench_ticks_ns(ticks[cfg->iters * 9 / 10]);
	return 0;
}

/* Throughput of the channel with its real clock and with none, against
 * the hvisor-style anchor, same conditions as bench-channel. */
static int bench_diag_tput(struct bench_cfg *cfg)
{
	static const char *const names[] = {
		"channel, TSC clock (real)", "channel, no clock",
		"hvisor-style",
	};
	double v[3][BENCH_NR_PRODS][16];
	unsigned int r, k, i;
	int err;

	cfg->tput_seconds = cfg->rounds > 3 ? 0.5 : 0.15;
	for (r = 0; r < cfg->rounds; r++)
		for (i = 0; i < BENCH_NR_PRODS; i++)
			for (k = 0; k < 3; k++) {
				bench_watchdog(names[k], 60);
				bench_diag_clock = k == 1 ? BENCH_CLOCK_NONE :
					BENCH_CLOCK_REAL;
				bench_ours_timeout_ns = k == 1 ? 0 :
					20000000000ull;
				err = k == 2 ?
					bench_hvisor_tput(cfg, bench_prods[i],
							  &v[k][i][r]) :
					bench_ours_tput(cfg, bench_prods[i],
							&v[k][i][r]);
				if (err)
					return -1;
			}
	bench_diag_clock = BENCH_CLOCK_REAL;
	printf("\nthroughput (M requests/s), medians of %u rounds of %.2f s\n\n"
	       "  %-28s", cfg->rounds, cfg->tput_seconds, "method");
	for (i = 0; i < BENCH_NR_PRODS; i++)
		printf(" %9u", bench_prods[i]);
	printf("\n");
	for (k = 0; k < 3; k++) {
		printf("  %-28s", names[k]);
		for (i = 0; i < BENCH_NR_PRODS; i++)
			printf(" %9.2f", bench_median(v[k][i], cfg->rounds));
		printf("\n");
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct bench_cfg cfg = {
		.rounds = 7, .warmup = 20000, .iters = 100000,
	};
	double p50, mean, raw_p50 = 0, raw_mean = 0, chan_p50 = 0;
	unsigned int r, k, j;
	__u64 *ticks;

	int a;

	for (a = 1; a < argc; a++) {
		if (!strcmp(argv[a], "--quick")) {
			cfg.rounds = 3;
			cfg.iters = 20000;
			cfg.warmup = 5000;
		} else if (!strcmp(argv[a], "--cpus") && a + 1 < argc &&
			   !bench_topo_parse_cpus(argv[a + 1])) {
			a++;
		} else {
			fprintf(stderr, "usage: bench-channel-diag [--quick] "
				"[--cpus A,B]\n");
			return 2;
		}
	}
	ticks = malloc(sizeof(*ticks) * cfg.iters);
	if (!ticks)
		return 1;
	bench_clock_init();
	bench_diag_clock_init();
	bench_pin(bench_cpu_req);
	for (r = 0; r < cfg.rounds; r++)
		for (k = 0; k < BENCH_DIAG_ROWS; k++) {
			j = (k + r) % BENCH_DIAG_ROWS;
			if (bench_diag_one(&bench_rows[j], &cfg, ticks, r))
				return 1;
		}
	bench_watchdog("", 0);
	printf("\nsync round trip (ns), CPU %d -> CPU %d, medians of %u rounds "
	       "of %zu\n\n  %-28s %6s %6s %6s %6s %6s %8s %8s\n",
	       bench_cpu_req, bench_cpu_srv, cfg.rounds, cfg.iters, "method",
	       "p10", "p25", "p50", "p75", "p90", "tmean", "-raw");
	for (j = 0; j < BENCH_DIAG_ROWS; j++) {
		p50 = bench_median(bench_rows[j].p50, cfg.rounds);
		mean = bench_median(bench_rows[j].mean, cfg.rounds);
		if (j == 0) {
			raw_p50 = p50;
			raw_mean = mean;
		}
		if (bench_rows[j].kind == 1 &&
		    bench_rows[j].clock == BENCH_CLOCK_REAL)
			chan_p50 = p50;
		printf("  %-28s %6.0f %6.0f %6.0f %6.0f %6.0f %8.1f %+8.1f\n",
		       bench_rows[j].name,
		       bench_median(bench_rows[j].p10, cfg.rounds),
		       bench_median(bench_rows[j].p25, cfg.rounds), p50,
		       bench_median(bench_rows[j].p75, cfg.rounds),
		       bench_median(bench_rows[j].p90, cfg.rounds),
		       mean, mean - raw_mean);
	}
	printf("\n  channel p50 / raw ping-pong p50: %.2f\n",
	       chan_p50 / raw_p50);
	free(ticks);
	if (bench_diag_tput(&cfg))
		return 1;
	bench_watchdog("", 0);
	return 0;
}
