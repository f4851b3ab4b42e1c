// SPDX-License-Identifier: MIT
/*
 * The report: a table for people, channel.json (cJSON) for tools.
 * Lower is better for latencies and their ratios, higher for throughput.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "bench.h"

static double bench_ratio(double ours, double theirs)
{
	return theirs > 0 ? ours / theirs : 0;
}

/* Adaptive idling's paced p50 over polling's. */
/* Paced p50 over polling's: the median of the rounds' own ratios
 * (bench_channel.c runs the two back to back). */
static double bench_paced_ratio(const struct bench_results *r)
{
	return r->paced_ratio;
}

/* 0.1 ns (or 0.001 for ratios) is all the clock resolves; keep the
 * file readable. */
static void bench_json_num(cJSON *o, const char *key, double v)
{
	double scale = fabs(v) < 100 ? 1000 : 10;

	cJSON_AddNumberToObject(o, key, round(v * scale) / scale);
}

static void bench_cpu_model(char *buf, size_t len)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[256], *colon;

	snprintf(buf, len, "unknown");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "model name", 10) &&
		    strncmp(line, "CPU part", 8))
			continue;
		colon = strchr(line, ':');
		if (!colon)
			continue;
		colon += 1 + (colon[1] == ' ');
		colon[strcspn(colon, "\n")] = '\0';
		snprintf(buf, len, "%s", colon);
		break;
	}
	fclose(f);
}

/* Other processes share these CPUs; the load says how much. */
static double bench_loadavg(void)
{
	FILE *f = fopen("/proc/loadavg", "r");
	double load = -1;

	if (f) {
		if (fscanf(f, "%lf", &load) != 1)
			load = -1;
		fclose(f);
	}
	return load;
}

/* One line: "name  ours  baseline  ratio  target  met"; @ratio < 0:
 * ours / baseline. */
static void bench_row_ratio(const char *name, double ours,
			    const char *base_name, double base, double r,
			    const char *target, int met)
{
	char ratio[16] = "", verdict[8] = "";

	if (target) {
		snprintf(ratio, sizeof(ratio), "%.2f",
			 r < 0 ? bench_ratio(ours, base) : r);
		snprintf(verdict, sizeof(verdict), "%s", met ? "yes" : "NO");
	}
	printf("  %-30s %9.1f  %9.1f %-10s %6s  %-7s %s\n", name, ours, base,
	       base_name, ratio, target ? target : "", verdict);
}

static void bench_row(const char *name, double ours, const char *base_name,
		      double base, const char *target, int met)
{
	bench_row_ratio(name, ours, base_name, base, -1, target, met);
}

/* What adaptive idling did, and the platform's floor for it. */
static void bench_report_floor(const struct bench_results *r)
{
	const struct bench_sleepcost *f = &r->sleepcost;
	const struct bench_paced *a = &r->paced[BENCH_IDLE_ADAPTIVE];

	printf("  (paced runs achieved %.0f, %.0f and %.0f requests/s; "
	       "server CPU a request\n  %.1f, %.1f and %.1f us)\n"
	       "  adaptive, medians: %.2f sleeps a request, %.2f of them "
	       "timed, of %.1f us;\n  polled %.2f us after a request before "
	       "sleeping, %.2f us after a timed\n  sleep ran out until the "
	       "request\n",
	       r->paced[0].rate, r->paced[1].rate, r->paced[2].rate,
	       r->paced[0].cpu_per_req_ns / 1e3,
	       r->paced[1].cpu_per_req_ns / 1e3,
	       r->paced[2].cpu_per_req_ns / 1e3,
	       a->sleeps_per_req, a->asked_per_req, a->asked_ns / 1e3,
	       a->tail_ns / 1e3, a->wakepoll_ns / 1e3);
	printf("  of the requests, woke it: %.1f%% before a timed sleep's "
	       "end (the phase it\n  predicted was late), %.1f%% after it "
	       "(its timer was late), %.1f%% from an\n  untimed sleep; "
	       "at most %.0f in a row (medians of the rounds)\n",
	       a->woke_before_pct, a->woke_after_pct, a->woke_untimed_pct,
	       a->woke_run_max);
	if (!f->asked_ns) {
		printf("  (no timed sleep asked for: no floor measured)\n");
		return;
	}
	printf("\n  One timed sleep of %.1f us on the server's CPU, the "
	       "same run (the floor):\n"
	       "    CPU of the sleeping thread p50 %.1f us, p90 %.1f us; "
	       "back late p10 %.1f,\n    p50 %.1f, p90 %.1f us; polling "
	       "after a wake planned on the median\n    lateness %.1f us\n"
	       "    floor at %.0f/s = (sleep CPU + %.1f us tail + polling) / "
	       "%.0f us = %.1f%%\n    of a CPU (target %.0f%%; adaptive "
	       "used %.1f%% at the rate it achieved)\n",
	       f->asked_ns / 1e3, f->cpu_p50 / 1e3,
	       f->cpu_p90 / 1e3, f->late_p10 / 1e3, f->late_p50 / 1e3,
	       f->late_p90 / 1e3, f->poll_ns / 1e3, BENCH_PACED_RATE,
	       f->tail_ns / 1e3, 1e6 / BENCH_PACED_RATE,
	       f->floor_pct, BENCH_TARGET_PACED_CPU, a->cpu_pct);
	if (f->timer_near_ns > 0)
		printf("    programming the CPU's timer once: %.1f us (arming "
		       "and cancelling a timer\n    %.1f us ahead: %.1f us of "
		       "CPU; one a second ahead, only queued: %.1f us);\n"
		       "    a timed sleep programs it when armed and again "
		       "when it fires\n",
		       f->timer_program_ns / 1e3, f->asked_ns / 1e3,
		       f->timer_near_ns / 1e3, f->timer_far_ns / 1e3);
}

/* The paired blocks' row under a baseline's medians-of-rounds row. */
static void bench_paired_row(const struct bench_paired *p,
			     const char *base_name, double base, double ratio,
			     const char *target, double limit)
{
	if (p->kept)
		bench_row_ratio("  paired blocks, p50 (ns)", p->ours_p50,
				base_name, base, ratio, target,
				ratio <= limit);
}

/* What the paired blocks were and where they ran (bench_channel.c). */
static void bench_paired_print(const struct bench_paired *p)
{
	unsigned int t;

	printf("\n  Paired blocks (ping-pong, channel, hvisor-style, ping-pong, "
	       "back to back):\n  %u kept of %u (a block whose two "
	       "ping-pongs differ by more than 20%% is\n  left out: the host "
	       "moved the vCPUs during it)", p->kept, p->blocks);
	if (!p->kept) {
		printf("; none kept\n");
		return;
	}
	printf("; each p50 ratio is the median of\n  the blocks' ratios; ours / "
	       "ping-pong with means instead of p50s: %.2f;\n  the p999s are "
	       "of the kept blocks' round trips pooled (%zu of the\n  "
	       "channel's, twice as many ping-pongs); slower than 10 us: "
	       "%.0f ppm of the\n  channel's, %.0f ppm of the ping-pong's "
	       "(interrupts and preemptions);\n  by what each "
	       "block's ping-pong says (blocks: ours / ping-pong, ours /\n  "
	       "hvisor-style):", p->mean_ratio, p->tail_samples,
	       p->ours_slow_ppm, p->pingpong_slow_ppm);
	for (t = 0; t < BENCH_PAIR_TOPOS; t++)
		if (p->by_topo[t].blocks)
			printf(" %s (%u): %.2f, %.2f;", p->by_topo[t].topo,
			       p->by_topo[t].blocks, p->by_topo[t].p50_ratio,
			       p->by_topo[t].hvisor_ratio);
	printf("\n");
}

void bench_report_print(const struct bench_results *r)
{
	double ratio = bench_ratio(r->sync.p50, r->pingpong.p50);
	double wake = bench_ratio(r->wake.p50, r->eventfd.p50);
	double hv = bench_ratio(r->sync.p50, r->hvisor.p50);
	char cpu[128], name[48];
	unsigned int i;

	bench_cpu_model(cpu, sizeof(cpu));
	printf("\nhvbridge channel benchmark (%s: %u rounds, medians of "
	       "rounds; requester CPU %d, server CPU %d; %.1f s)\n", r->mode,
	       r->cfg->rounds, bench_cpu_req, bench_cpu_srv, r->wall_s);
	printf("host: %s, %ld CPUs online, load average %.2f (other "
	       "processes share these CPUs)\n", cpu,
	       sysconf(_SC_NPROCESSORS_ONLN), bench_loadavg());
	printf("topology: %s (sysfs: %s); the ping-pong's %.0f ns says: %s\n"
	       "  (smt: SMT siblings; llc: one last-level cache; apart: no "
	       "shared cache;\n  --cpus A,B or --pair KIND for another "
	       "pair)\n\n", r->topo_sysfs, r->topo_detail, r->pingpong.p50,
	       r->topo_pingpong);
	printf("  %-30s %9s  %9s %-10s %6s  %-7s %s\n", "measure", "ours",
	       "baseline", "", "ratio", "target", "met");
	bench_row("sync round trip p50 (ns)", r->sync.p50, "ping-pong",
		  r->pingpong.p50, "<= 1.25", ratio <= BENCH_TARGET_RATIO);
	bench_paired_row(&r->paired, "ping-pong", r->paired.pingpong_p50,
			 r->paired.p50_ratio, "<= 1.25", BENCH_TARGET_RATIO);
	bench_row("sync round trip p99 (ns)", r->sync.p99, "ping-pong",
		  r->pingpong.p99, NULL, 0);
	bench_row("sync round trip p999 (ns)", r->sync.p999, "ping-pong",
		  r->pingpong.p999, "<= 3.00",
		  bench_ratio(r->sync.p999, r->pingpong.p999) <=
		  BENCH_TARGET_P999);
	if (r->paired.tail_samples)
		bench_row_ratio("  paired blocks, p999 (ns)",
				r->paired.ours_p999, "ping-pong",
				r->paired.pingpong_p999, r->paired.p999_ratio,
				"<= 3.00",
				r->paired.p999_ratio <= BENCH_TARGET_P999);
	bench_row("sync round trip mean (ns)", r->sync.mean, "ping-pong",
		  r->pingpong.mean, NULL, 0);
	bench_row("wake round trip p50 (ns)", r->wake.p50, "eventfd",
		  r->eventfd.p50, "<= 1.50", wake <= BENCH_TARGET_WAKE);
	bench_row("wake round trip p99 (ns)", r->wake.p99, "eventfd",
		  r->eventfd.p99, NULL, 0);
	bench_row("wake round trip p50 (ns)", r->wake.p50, "futex",
		  r->futex.p50, NULL, 0);
	bench_row("sync round trip p50 (ns)", r->sync.p50, "hvisor",
		  r->hvisor.p50, "<= 1.00", hv <= BENCH_TARGET_HVISOR);
	bench_paired_row(&r->paired, "hvisor", r->paired.hvisor_p50,
			 r->paired.hvisor_ratio, "<= 1.00",
			 BENCH_TARGET_HVISOR);
	bench_row("sync round trip p99 (ns)", r->sync.p99, "hvisor",
		  r->hvisor.p99, NULL, 0);
	bench_row("sync round trip mean (ns)", r->sync.mean, "hvisor",
		  r->hvisor.mean, NULL, 0);
	for (i = 0; i < BENCH_NR_PRODS; i++) {
		snprintf(name, sizeof(name), "throughput, %u producer%s (M/s)",
			 bench_prods[i], bench_prods[i] > 1 ? "s" : "");
		bench_row_ratio(name, r->tput[i], "hvisor", r->hvisor_tput[i],
				r->tput_ratio[i], ">= 1.00",
				r->tput_ratio[i] >= 1.0);
	}
	bench_row_ratio("paced 20k/s p50 (ns)",
			r->paced[BENCH_IDLE_ADAPTIVE].p50, "polling",
			r->paced[BENCH_IDLE_POLL].p50, bench_paced_ratio(r),
			"<= 2.00",
			bench_paced_ratio(r) <= BENCH_TARGET_PACED_P50);
	printf("  %-30s %9.1f  %9s %-10s %6s  %-7s %s\n",
	       "paced 20k/s server CPU (%)",
	       r->paced[BENCH_IDLE_ADAPTIVE].cpu_pct, "", "", "",
	       "<= 25", r->paced[BENCH_IDLE_ADAPTIVE].cpu_pct <=
	       BENCH_TARGET_PACED_CPU ? "yes" : "NO");
	printf("  %-30s %9.3f  %9s %-10s %6s  %-7s %s\n",
	       "no load, server CPU (%)", r->idle_cpu[BENCH_IDLE_ADAPTIVE],
	       "", "", "", "<= 0.1", r->idle_cpu[BENCH_IDLE_ADAPTIVE] <=
	       BENCH_TARGET_IDLE_CPU ? "yes" : "NO");
	printf("\n  Idling, one vCPU paced at %.0f requests/s, then none:\n"
	       "  %-14s %9s %9s %12s %12s %12s\n", BENCH_PACED_RATE,
	       "policy", "p50 ns", "p99 ns", "server CPU%", "woken %",
	       "no load CPU%");
	for (i = 0; i < BENCH_IDLE_MODES; i++)
		printf("  %-14s %9.1f %9.1f %12.1f %12.1f %12.3f\n",
		       bench_idle_names[i], r->paced[i].p50, r->paced[i].p99,
		       r->paced[i].cpu_pct, r->paced[i].wake_pct,
		       r->idle_cpu[i]);
	printf("  adaptive p50 over polling's, each round's two run back to "
	       "back:");
	for (i = 0; i < r->cfg->rounds; i++)
		printf(" %.2f", r->paced_ratio_round[i]);
	printf("\n  (the median, %.2f, is the ratio reported above)\n",
	       bench_paced_ratio(r));
	bench_report_floor(r);
	bench_paired_print(&r->paired);
	printf("\n  Throughput ratios are the median of each round's paired "
	       "ratio (A B B A\n  under the same load), not the ratio of "
	       "the medians shown.  Means carry\n  the preemptions by other "
	       "processes; percentiles are in steps of the\n  clock (about "
	       "%.0f ns here).\n\n", bench_ticks_ns(bench_clock_step()));
}

static cJSON *bench_json_tput(const double *v)
{
	cJSON *o = cJSON_CreateObject();
	char key[8];
	unsigned int i;

	for (i = 0; o && i < BENCH_NR_PRODS; i++) {
		snprintf(key, sizeof(key), "%u", bench_prods[i]);
		bench_json_num(o, key, v[i]);
	}
	return o;
}

static cJSON *bench_json_host(void)
{
	cJSON *o = cJSON_CreateObject();
	char cpu[128];

	bench_cpu_model(cpu, sizeof(cpu));
	cJSON_AddStringToObject(o, "cpu_model", cpu);
	cJSON_AddNumberToObject(o, "nproc",
				(double)sysconf(_SC_NPROCESSORS_ONLN));
	bench_json_num(o, "loadavg_1min", bench_loadavg());
	cJSON_AddNumberToObject(o, "requester_cpu", bench_cpu_req);
	cJSON_AddNumberToObject(o, "server_cpu", bench_cpu_srv);
	return o;
}

/* Which path the two CPUs' lines take, by sysfs and by measurement. */
static cJSON *bench_json_topo(const struct bench_results *r)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "sysfs", r->topo_sysfs);
	cJSON_AddStringToObject(o, "sysfs_detail", r->topo_detail);
	cJSON_AddStringToObject(o, "from_pingpong", r->topo_pingpong);
	return o;
}

/* "paired": the sync round trip against the ping-pong in paired
 * blocks; null ratios when no block was kept. */
static void bench_json_paired(cJSON *root, const struct bench_paired *p)
{
	cJSON *o = cJSON_AddObjectToObject(root, "paired"), *t;
	unsigned int i;

	cJSON_AddNumberToObject(o, "blocks", p->blocks);
	cJSON_AddNumberToObject(o, "kept", p->kept);
	if (!p->kept) {
		cJSON_AddNullToObject(o, "ratio_p50");
		cJSON_AddNullToObject(o, "ratio_mean");
		cJSON_AddNullToObject(o, "hvisor_ratio_p50");
		cJSON_AddNullToObject(o, "ratio_p999");
		return;
	}
	bench_json_num(o, "ratio_p999", p->p999_ratio);
	bench_json_num(o, "roundtrip_p999_ns", p->ours_p999);
	bench_json_num(o, "pingpong_p999_ns", p->pingpong_p999);
	bench_json_num(o, "roundtrip_over_10us_ppm", p->ours_slow_ppm);
	bench_json_num(o, "pingpong_over_10us_ppm", p->pingpong_slow_ppm);
	cJSON_AddNumberToObject(o, "tail_samples", (double)p->tail_samples);
	bench_json_num(o, "ratio_p50", p->p50_ratio);
	bench_json_num(o, "ratio_mean", p->mean_ratio);
	bench_json_num(o, "roundtrip_p50_ns", p->ours_p50);
	bench_json_num(o, "pingpong_p50_ns", p->pingpong_p50);
	bench_json_num(o, "hvisor_p50_ns", p->hvisor_p50);
	bench_json_num(o, "hvisor_ratio_p50", p->hvisor_ratio);
	t = cJSON_AddObjectToObject(o, "by_pingpong_topology");
	for (i = 0; i < BENCH_PAIR_TOPOS; i++) {
		cJSON *e;

		if (!p->by_topo[i].blocks)
			continue;
		e = cJSON_AddObjectToObject(t, p->by_topo[i].topo);
		cJSON_AddNumberToObject(e, "blocks", p->by_topo[i].blocks);
		bench_json_num(e, "ratio_p50", p->by_topo[i].p50_ratio);
		bench_json_num(e, "hvisor_ratio_p50",
			       p->by_topo[i].hvisor_ratio);
	}
}

static cJSON *bench_json_idle(const struct bench_results *r)
{
	cJSON *o = cJSON_CreateObject(), *m;
	static const char *const keys[BENCH_IDLE_MODES] = {
		[BENCH_IDLE_POLL] = "polling",
		[BENCH_IDLE_SLEEP] = "always_sleep",
		[BENCH_IDLE_ADAPTIVE] = "adaptive",
	};
	unsigned int i;

	bench_json_num(o, "rate_per_s", BENCH_PACED_RATE);
	for (i = 0; i < BENCH_IDLE_MODES; i++) {
		m = cJSON_AddObjectToObject(o, keys[i]);
		bench_json_num(m, "p50_ns", r->paced[i].p50);
		bench_json_num(m, "p99_ns", r->paced[i].p99);
		bench_json_num(m, "cpu_pct", r->paced[i].cpu_pct);
		bench_json_num(m, "woken_pct", r->paced[i].wake_pct);
		bench_json_num(m, "idle_cpu_pct", r->idle_cpu[i]);
		bench_json_num(m, "achieved_per_s", r->paced[i].rate);
		bench_json_num(m, "cpu_per_req_ns", r->paced[i].cpu_per_req_ns);
		bench_json_num(m, "sleeps_per_req", r->paced[i].sleeps_per_req);
		if (i != BENCH_IDLE_ADAPTIVE)
			continue;
		bench_json_num(m, "asked_sleep_ns", r->paced[i].asked_ns);
		bench_json_num(m, "timed_sleeps_per_req",
			       r->paced[i].asked_per_req);
		bench_json_num(m, "tail_ns", r->paced[i].tail_ns);
		bench_json_num(m, "wake_poll_ns", r->paced[i].wakepoll_ns);
		bench_json_num(m, "woke_before_end_pct",
			       r->paced[i].woke_before_pct);
		bench_json_num(m, "woke_after_end_pct",
			       r->paced[i].woke_after_pct);
		bench_json_num(m, "woke_untimed_pct",
			       r->paced[i].woke_untimed_pct);
		bench_json_num(m, "woken_run_max", r->paced[i].woke_run_max);
	}
	return o;
}

static cJSON *bench_json_build(const struct bench_results *r)
{
	cJSON *o = cJSON_CreateObject(), *t, *a;
	char stamp[32];
	time_t now = time(NULL);
	unsigned int i;

	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	cJSON_AddStringToObject(o, "timestamp", stamp);
	cJSON_AddStringToObject(o, "mode", r->mode);
	cJSON_AddNumberToObject(o, "rounds", r->cfg->rounds);
	cJSON_AddItemToObject(o, "host", bench_json_host());
	cJSON_AddItemToObject(o, "topology", bench_json_topo(r));
	bench_json_num(o, "roundtrip_p50_ns", r->sync.p50);
	bench_json_num(o, "roundtrip_p99_ns", r->sync.p99);
	bench_json_num(o, "roundtrip_p999_ns", r->sync.p999);
	bench_json_num(o, "pingpong_p50_ns", r->pingpong.p50);
	bench_json_num(o, "pingpong_p99_ns", r->pingpong.p99);
	bench_json_num(o, "pingpong_p999_ns", r->pingpong.p999);
	bench_json_num(o, "roundtrip_mean_ns", r->sync.mean);
	bench_json_num(o, "pingpong_mean_ns", r->pingpong.mean);
	bench_json_num(o, "ratio_p50",
				bench_ratio(r->sync.p50, r->pingpong.p50));
	bench_json_num(o, "ratio_p999",
				bench_ratio(r->sync.p999, r->pingpong.p999));
	bench_json_paired(o, &r->paired);
	/* Idling (issue 14): adaptive at 20k/s, against polling. */
	bench_json_num(o, "paced_20k_cpu_pct",
		       r->paced[BENCH_IDLE_ADAPTIVE].cpu_pct);
	bench_json_num(o, "paced_20k_p50_ratio", bench_paced_ratio(r));
	a = cJSON_AddArrayToObject(o, "paced_20k_p50_ratio_rounds");
	for (i = 0; a && i < r->cfg->rounds; i++)
		cJSON_AddItemToArray(a, cJSON_CreateNumber(
			round(r->paced_ratio_round[i] * 1000) / 1000));
	bench_json_num(o, "idle_cpu_pct", r->idle_cpu[BENCH_IDLE_ADAPTIVE]);
	/* The platform's floor for that, same run (bench_idle.c). */
	bench_json_num(o, "timed_sleep_ns", r->sleepcost.asked_ns);
	bench_json_num(o, "timed_sleep_cpu_ns", r->sleepcost.cpu_p50);
	bench_json_num(o, "timed_sleep_cpu_p90_ns", r->sleepcost.cpu_p90);
	bench_json_num(o, "timed_sleep_late_p10_ns", r->sleepcost.late_p10);
	bench_json_num(o, "timed_sleep_late_p50_ns", r->sleepcost.late_p50);
	bench_json_num(o, "timed_sleep_late_p90_ns", r->sleepcost.late_p90);
	bench_json_num(o, "timed_sleep_poll_ns", r->sleepcost.poll_ns);
	bench_json_num(o, "idle_tail_ns", r->sleepcost.tail_ns);
	bench_json_num(o, "paced_20k_cpu_floor_pct", r->sleepcost.floor_pct);
	bench_json_num(o, "timer_arm_near_cpu_ns", r->sleepcost.timer_near_ns);
	bench_json_num(o, "timer_arm_far_cpu_ns", r->sleepcost.timer_far_ns);
	bench_json_num(o, "timer_program_cpu_ns",
		       r->sleepcost.timer_program_ns);
	cJSON_AddItemToObject(o, "idling", bench_json_idle(r));
	bench_json_num(o, "wake_p50_ns", r->wake.p50);
	bench_json_num(o, "wake_p99_ns", r->wake.p99);
	bench_json_num(o, "wake_p999_ns", r->wake.p999);
	bench_json_num(o, "eventfd_p50_ns", r->eventfd.p50);
	bench_json_num(o, "eventfd_p99_ns", r->eventfd.p99);
	bench_json_num(o, "futex_p50_ns", r->futex.p50);
	bench_json_num(o, "futex_p99_ns", r->futex.p99);
	bench_json_num(o, "wake_ratio",
				bench_ratio(r->wake.p50, r->eventfd.p50));
	cJSON_AddItemToObject(o, "throughput_mops", bench_json_tput(r->tput));
	bench_json_num(o, "hvisor_style_p50_ns", r->hvisor.p50);
	bench_json_num(o, "hvisor_style_p99_ns", r->hvisor.p99);
	bench_json_num(o, "hvisor_style_mean_ns", r->hvisor.mean);
	bench_json_num(o, "wake_mean_ns", r->wake.mean);
	bench_json_num(o, "eventfd_mean_ns", r->eventfd.mean);
	bench_json_num(o, "hvisor_style_ratio_p50",
				bench_ratio(r->sync.p50, r->hvisor.p50));
	cJSON_AddItemToObject(o, "hvisor_style_throughput_mops",
			      bench_json_tput(r->hvisor_tput));
	/* The median of the rounds' paired ratios, not the ratio of the
	 * medians: each pair ran under the same load. */
	cJSON_AddItemToObject(o, "hvisor_style_throughput_ratio",
			      bench_json_tput(r->tput_ratio));
	t = cJSON_AddObjectToObject(o, "targets");
	cJSON_AddNumberToObject(t, "ratio_p50_max", BENCH_TARGET_RATIO);
	cJSON_AddNumberToObject(t, "wake_ratio_max", BENCH_TARGET_WAKE);
	cJSON_AddNumberToObject(t, "hvisor_style_ratio_p50_max",
				BENCH_TARGET_HVISOR);
	cJSON_AddNumberToObject(t, "hvisor_style_throughput_ratio_min", 1.0);
	cJSON_AddNumberToObject(t, "ratio_p999_max", BENCH_TARGET_P999);
	cJSON_AddNumberToObject(t, "paced_20k_cpu_pct_max",
				BENCH_TARGET_PACED_CPU);
	cJSON_AddNumberToObject(t, "paced_20k_p50_ratio_max",
				BENCH_TARGET_PACED_P50);
	cJSON_AddNumberToObject(t, "idle_cpu_pct_max", BENCH_TARGET_IDLE_CPU);
	t = cJSON_AddObjectToObject(o, "targets_met");
	cJSON_AddBoolToObject(t, "ratio_p50", bench_ratio(r->sync.p50,
			      r->pingpong.p50) <= BENCH_TARGET_RATIO);
	cJSON_AddBoolToObject(t, "wake_ratio", bench_ratio(r->wake.p50,
			      r->eventfd.p50) <= BENCH_TARGET_WAKE);
	cJSON_AddBoolToObject(t, "hvisor_style_ratio_p50",
			      bench_ratio(r->sync.p50, r->hvisor.p50) <=
			      BENCH_TARGET_HVISOR);
	for (i = 0; i < BENCH_NR_PRODS; i++)
		if (r->tput_ratio[i] < 1.0)
			break;
	cJSON_AddBoolToObject(t, "hvisor_style_throughput",
			      i == BENCH_NR_PRODS);
	cJSON_AddBoolToObject(t, "ratio_p999", bench_ratio(r->sync.p999,
			      r->pingpong.p999) <= BENCH_TARGET_P999);
	cJSON_AddBoolToObject(t, "paced_20k_cpu_pct",
			      r->paced[BENCH_IDLE_ADAPTIVE].cpu_pct <=
			      BENCH_TARGET_PACED_CPU);
	cJSON_AddBoolToObject(t, "paced_20k_p50_ratio",
			      bench_paced_ratio(r) <= BENCH_TARGET_PACED_P50);
	cJSON_AddBoolToObject(t, "idle_cpu_pct",
			      r->idle_cpu[BENCH_IDLE_ADAPTIVE] <=
			      BENCH_TARGET_IDLE_CPU);
	bench_json_num(o, "wall_seconds", r->wall_s);
	return o;
}

int bench_report_json(const struct bench_results *r, const char *path)
{
	cJSON *o = bench_json_build(r);
	char *text = o ? cJSON_Print(o) : NULL;
	FILE *f;
	int ret = -1;

	if (!text) {
		fprintf(stderr, "bench: cannot build the JSON report\n");
		goto out;
	}
	f = fopen(path, "w");
	if (!f) {
		fprintf(stderr, "bench: %s: %s\n", path, strerror(errno));
		goto out;
	}
	if (fputs(text, f) >= 0 && fputc('\n', f) != EOF)
		ret = 0;
	if (fclose(f))
		ret = -1;
	if (ret)
		fprintf(stderr, "bench: %s: write failed\n", path);
	else
		printf("wrote %s\n", path);
out:
	free(text);
	cJSON_Delete(o);
	return ret;
}
