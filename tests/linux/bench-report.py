#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Description: the linux-zone benchmark's figures and verdict
# (docs/linux-zone.md, "Benchmark"), from the serial log of one
# `scripts/run-linux.sh --bench` run.  The root zone printed each run's
# fio JSON (scripts/hvbridge-linux bench: "root", the image file
# itself; "zone1-off-R" and "zone1-on-R", zone1 on the disks the daemon
# serves from it with its fast path off and on, in round R of the
# rounds that take turns) gzipped in base64, one numbered
# "hvbridge-root: bench: RUN json N DATA" line each; a root line that a
# hypervisor line cut shows twice, its head and then whole
# (docs/console.md), so the longest line of each number is the one.
# Writes JSON_OUT (build/bench/linux-zone.json) with each job's figures
# on the three sides (zone1's: each the median of its rounds'), the
# zone1/root ratios before (fast path off) and after (on), after /
# before as the median of the rounds' paired ratios with each round's,
# the daemon's counters of each disk's requests, kicks, interrupts and
# register accesses, and fio's own JSON of each run beside it
# (linux-zone.RUN.fio.json).  Fails only when the run went wrong: a
# step missing or FAILED, a JSON that does not come back whole, a job
# that errored or did no I/O, daemon errors, or a fast path that was not
# what the side says (taken with it off, never taken with it on: then
# "before" and "after" would not be what they are called).  Never on a
# slow figure: under TCG only the ratios mean anything.
# HVB_BENCH_LOAD_START and HVB_BENCH_LOAD_END, when set (tests/linux/
# bench.sh: the build machine's /proc/loadavg around the run), go into
# the JSON and the table: these figures are taken on a shared machine.
#
# bench-report.py SERIAL_LOG JSON_OUT
import base64
import glob
import gzip
import hashlib
import json
import os
import re
import sys
import time

log_path, out_path = sys.argv[1], sys.argv[2]
with open(log_path, errors="replace") as f:
    log = f.read().splitlines()
R = "hvbridge-root: "
problems = []

# Each job: the figure that names it (IOPS for 4 KiB random reads, MB/s
# for 1 MiB sequential I/O), as scripts/guestfs/linux-zone.fio defines it.
JOBS = [("randread-4k-qd1", "read", "iops"),
        ("randread-4k-qd32", "read", "iops"),
        ("read-1m-qd8", "read", "mb_s"),
        ("write-1m-qd8", "write", "mb_s")]


def first(pattern):
    for line in log:
        m = re.search(pattern, line)
        if m:
            return m
    return None


# The bench disks' windows: the daemon's fast path off, and on
# (scripts/mkguestfs.sh --bench).
DISK = {"off": "0xa000800", "on": "0xa000a00"}
m = first(r"hvbridge-root: bench: step 5: zone1: (\d+) rounds")
ROUNDS = int(m.group(1)) if m else 0
if not m:
    problems.append("no '%sbench: step 5: zone1: N rounds' line" % R)


def run_name(side, rnd):
    return "zone1-%s-%d" % (side, rnd)


def first_side(rnd):
    """The side that ran first in round RND: off in odd rounds."""
    return "off" if rnd % 2 else "on"


# zone1's runs in the order they ran.
RUNS = [run_name(s, r) for r in range(1, ROUNDS + 1)
        for s in ((first_side(r), "on" if first_side(r) == "off" else "off"))]
SIDES = ("root",) + tuple(RUNS)

# The steps, in the order hvbridge-linux bench takes them.
steps = ["bench: step 1:", "bench: root: fio-", "bench: step 2:",
         "bench: step 3: zone1 up", "bench: zone1: fio-",
         "bench: step 4:", "bench: root zone fio done", "bench: step 5:"]
for run in RUNS:
    steps += ["bench: round %s: %s: fio on" % (run.rsplit("-", 1)[1], run),
              "bench: %s fio done" % run]
steps += ["bench: step 6:", "bench: zone1 powered itself off",
          "bench: done", "hvbridge-linux bench exited, status 0",
          "hvbridge.ko unloaded"]
for step in steps:
    if not first(re.escape(R + step)):
        problems.append("no '%s%s' line" % (R, step))
if not first(r"hvbridge-hyp: root: SYSTEM_OFF"):
    problems.append("the root zone did not power off")
for line in log:
    if re.search(r"hvbridge-root: bench: .*FAILED", line) or \
       re.search(r"zone1-linux: .*daemon timeout: data abort injected", line):
        problems.append(line.strip())
stop = first(r"hvbridge: stopped after .*")
if stop and "(0 errors: 0 malformed, 0 no device)" not in stop.group(0):
    problems.append("daemon errors: " + stop.group(0))


def side_json(side):
    """fio's JSON of SIDE, put back together from the log, or None."""
    parts = {}
    for line in log:
        m = re.search(r"hvbridge-root: bench: %s json (\d{4}) (\S*)" % side,
                      line)
        if m and len(m.group(2)) > len(parts.get(int(m.group(1)), "")):
            parts[int(m.group(1))] = m.group(2)
    end = first(r"hvbridge-root: bench: %s json end (\d+) lines, "
                r"sha256 ([0-9a-f]{64})" % side)
    if not end:
        problems.append("%s: no 'json end' line" % side)
        return None
    n, sha = int(end.group(1)), end.group(2)
    if sorted(parts) != list(range(1, n + 1)):
        problems.append("%s: json lines %s of 1-%d" %
                        (side, sorted(set(range(1, n + 1)) - set(parts)), n))
        return None
    try:
        raw = gzip.decompress(base64.b64decode(
            "".join(parts[i] for i in range(1, n + 1))))
    except (ValueError, OSError) as e:
        problems.append("%s: json does not decode: %s" % (side, e))
        return None
    if hashlib.sha256(raw).hexdigest() != sha:
        problems.append("%s: json sha256 differs from the root zone's" % side)
        return None
    text = raw.decode(errors="replace")
    # fio may print notes before its JSON: it starts at the first "{".
    text = text[text.index("{"):] if "{" in text else text
    try:
        return json.loads(text)
    except ValueError as e:
        problems.append("%s: fio's output is not JSON: %s" % (side, e))
        return None


def figures(side, fio):
    """{jobname: figures} of one side; a job that errored or did no
    I/O is a problem of the run."""
    got = {}
    for j in fio.get("jobs", []):
        name = j.get("jobname")
        want = [x for x in JOBS if x[0] == name]
        if not want:
            continue
        _, dirn, _ = want[0]
        d = j[dirn]
        if j.get("error", 0) != 0:
            problems.append("%s %s: fio error %s" % (side, name, j["error"]))
        if d.get("total_ios", 0) <= 0:
            problems.append("%s %s: no I/O done" % (side, name))
        pct = d.get("clat_ns", {}).get("percentile", {})

        def us(key):
            return round(pct[key] / 1e3, 1) if key in pct else None
        got[name] = {
            "iops": round(d["iops"], 1),
            "mb_s": round(d["bw_bytes"] / 1e6, 2),
            "ios": d.get("total_ios"),
            "seconds": round(d.get("runtime", 0) / 1e3, 2),
            "lat_mean_us": round(d["lat_ns"]["mean"] / 1e3, 1),
            "clat_p50_us": us("50.000000"),
            "clat_p99_us": us("99.000000"),
            "clat_p99_9_us": us("99.900000"),
        }
    for name, _, _ in JOBS:
        if name not in got:
            problems.append("%s: no job %s in fio's JSON" % (side, name))
    return got


fio = {s: side_json(s) for s in SIDES}
fig = {s: figures(s, fio[s]) if fio[s] else {} for s in fio}

root_info = first(r"hvbridge-root: bench: root: (fio-\S+), kernel (\S+), "
                  r"(\d+) CPUs")
zone_info = first(r"hvbridge-root: bench: zone1: (fio-\S+), kernel (\S+), "
                  r"bench disks (\S+) inline off, (\S+) inline on")
img = first(r"hvbridge-root: bench: step 2: (\S+), (\d+) MiB, on ([^;\s]+);"
            r" (\S+) holds")
secs = first(r"hvbridge-root: bench: step 4: .*4 jobs of (\d+)\+(\d+) s")


CNT = ("requests", "inline", "io_thread", "errors", "kicks", "irqs",
       "mmio_rd", "mmio_wr")


def counters():
    """The daemon's counters of each bench disk at each point
    ("start": before zone1's first run; then after each run), from the
    "bench: counters WHEN BASE: ..." lines: {when: {base: {...}}}."""
    got = {}
    for line in log:
        m = re.search(r"hvbridge-root: bench: counters (\S+) (0x[0-9a-f]+): "
                      r"requests (\d+) inline (\d+) iothread (\d+) "
                      r"errors (\d+) kicks (\d+) irqs (\d+) mmio_rd (\d+) "
                      r"mmio_wr (\d+)", line)
        if m:
            got.setdefault(m.group(1), {})[m.group(2)] = {
                k: int(m.group(i)) for i, k in enumerate(CNT, 3)}
    return got


cnt = counters()
# Each run's disk, from the counters before it to those after it: what
# the daemon did for that run's fio alone.  Each side's "served" is the
# sum of its runs'.
run_served = {}
for before, run in zip(["start"] + RUNS, RUNS):
    disk = DISK[run.split("-")[1]]
    a = cnt.get(before, {}).get(disk)
    b = cnt.get(run, {}).get(disk)
    if not a or not b:
        problems.append("%s: no daemon counters of its disk %s before "
                        "and after it" % (run, disk))
        continue
    run_served[run] = {k: b[k] - a[k] for k in CNT}
# The fast path must be what the side says it is, in every run: never
# taken with it off; taken with it on (a file system without RWF_NOWAIT
# would leave every request to the I/O thread, and "after" would be
# "before").
for run, v in sorted(run_served.items()):
    if "-off-" in run and v["inline"]:
        problems.append("%s: %d requests completed inline with the "
                        "fast path off" % (run, v["inline"]))
    if "-on-" in run and not v["inline"]:
        problems.append("%s: no request completed inline: the daemon "
                        "never took its fast path (does the image's file "
                        "system answer RWF_NOWAIT?)" % run)
# (The daemon's "takes no RWF_NOWAIT" line proves nothing here: zone1's
# root disk, rootfs.ext4 on the initramfs's tmpfs, says it too, and the
# line does not name the window.)
served = {}
for side in ("off", "on"):
    runs = [run_served[r] for r in RUNS if "-%s-" % side in r and
            r in run_served]
    if not runs:
        continue
    v = {k: sum(x[k] for x in runs) for k in CNT}
    v["disk"] = DISK[side]
    v["runs"] = len(runs)
    if v["requests"]:
        v["irqs_per_request"] = round(v["irqs"] / v["requests"], 3)
        v["kicks_per_request"] = round(v["kicks"] / v["requests"], 3)
        v["mmio_per_request"] = round((v["mmio_rd"] + v["mmio_wr"]) /
                                      v["requests"], 3)
    served["zone1-" + side] = v


def median(xs):
    xs = sorted(x for x in xs if x is not None)
    if not xs:
        return None
    n = len(xs)
    return xs[n // 2] if n % 2 else (xs[n // 2 - 1] + xs[n // 2]) / 2


def side_figures(side, name):
    """The figures of job NAME on zone1's SIDE: each the median of its
    rounds' (None when no round has the job)."""
    runs = [fig[run_name(side, r)].get(name) for r in range(1, ROUNDS + 1)]
    runs = [x for x in runs if x]
    if not runs:
        return None
    med = {k: median([x[k] for x in runs]) for k in runs[0]}
    # A median of two is their mean: round it as fio's own figures are.
    return {k: round(v, 2) if isinstance(v, float) else v
            for k, v in med.items()}


def round4(v):
    return round(v, 4) if v is not None else None


def ratio(a, b, metric):
    return round(a[metric] / b[metric], 4) if a and b and b[metric] \
        else None


jobs = []
for name, dirn, metric in JOBS:
    r = fig["root"].get(name)
    off, on = side_figures("off", name), side_figures("on", name)
    rounds = []
    for rnd in range(1, ROUNDS + 1):
        a = fig[run_name("off", rnd)].get(name)
        b = fig[run_name("on", rnd)].get(name)
        rounds.append({"round": rnd, "first": first_side(rnd),
                       "zone1_inline_off": a, "zone1": b,
                       "after_over_before": ratio(b, a, metric)})
    jobs.append({"name": name, "rw": dirn, "metric": metric,
                 "root": r, "zone1_inline_off": off, "zone1": on,
                 "ratio_zone1_inline_off_to_root": ratio(off, r, metric),
                 "ratio_zone1_to_root": ratio(on, r, metric),
                 "after_over_before": round4(median(
                     [x["after_over_before"] for x in rounds])),
                 "rounds": rounds})
load = {k: os.environ.get("HVB_BENCH_LOAD_" + k.upper())
        for k in ("start", "end")}

out = {
    "bench": "linux-zone",
    "timestamp": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    "where": "one QEMU TCG run (virt, cortex-a57, -smp 4, 2 GiB): the "
             "root zone's Debian Linux on CPUs 0-1, zone1's on CPUs 2-3; "
             "under TCG only the ratios mean anything",
    "job_file": "scripts/guestfs/linux-zone.fio (io_uring, one job at a "
                "time, time_based)",
    "ramp_seconds": int(secs.group(1)) if secs else None,
    "seconds_per_job": int(secs.group(2)) if secs else None,
    "rounds": ROUNDS,
    "rounds_are": "zone1's fio ran on each disk once a round, the two "
                  "runs back to back, the fast path off first in odd "
                  "rounds and on first in even ones, so that neither "
                  "always finds what the other left (dirty pages being "
                  "written back, a host that has warmed up); zone1's "
                  "figures are each the median of the rounds', and "
                  "after_over_before the median of the rounds' paired "
                  "ratios (jobs[].rounds has each round's)",
    "host_load_average": load,
    "fio": {"root": root_info and root_info.group(1),
            "zone1": zone_info and zone_info.group(1)},
    "kernel": {"root": root_info and root_info.group(2),
               "zone1": zone_info and zone_info.group(2)},
    "root": {
        "target": img and img.group(1),
        "target_mib": img and int(img.group(2)),
        "filesystem": img and img.group(3),
        "device": img and img.group(4),
        "direct": 0,
        "measures": "fio on the image file itself, buffered: the file "
                    "is on an ext4 file system (a loop device over a "
                    "file in the initramfs) and its pages are all in the "
                    "page cache, which is where the daemon reads them "
                    "too; what that page cache gives a process in the "
                    "root zone, no hypervisor involved",
    },
    "zone1_inline_off": {
        "target": zone_info and zone_info.group(3),
        "disk": DISK["off"],
        "direct": 1,
        "measures": "fio on a virtio-blk disk of zone1 backed by that "
                    "same file, O_DIRECT (no page cache in zone1), the "
                    "daemon's fast path off (\"inline\": false): every "
                    "request through the hypervisor's traps, the channel "
                    "and the daemon's I/O thread (io_uring on the file), "
                    "completed by an injected interrupt; the 'before'",
    },
    "zone1": {
        "target": zone_info and zone_info.group(4),
        "disk": DISK["on"],
        "direct": 1,
        "measures": "the same on a second disk on the same file with the "
                    "daemon's fast path on, as shipped: reads the page "
                    "cache holds served by preadv2(RWF_NOWAIT) on the "
                    "thread that took the kick; the 'after'",
    },
    "daemon_served": served,
    "daemon_served_is": "per disk, for its side's fio runs alone, summed "
                        "over the rounds (hvbridge stat's counters after "
                        "each run minus before it): requests completed, "
                        "inline (on the consumer thread at their kick: "
                        "the fast path) and by the I/O thread, errors, "
                        "kicks, interrupts raised and register reads and "
                        "writes served, and those per request",
    "daemon_served_per_run": run_served,
    "ratio_is": "zone1 / root of each job's figure (IOPS or MB/s): the "
                "share of the backing file's own speed that zone1 gets "
                "through the whole virtio-blk path, both measured in the "
                "same run on the same emulated machine; "
                "ratio_zone1_inline_off_to_root is the 'before', "
                "ratio_zone1_to_root the 'after' (both from zone1's "
                "median figures), after_over_before the median of the "
                "rounds' zone1 after / before",
    "jobs": jobs,
}
if problems:
    out["problems"] = problems
os.makedirs(os.path.dirname(os.path.abspath(out_path)), exist_ok=True)
with open(out_path, "w") as f:
    json.dump(out, f, indent=1)
    f.write("\n")
stem = re.sub(r"\.json$", "", out_path)
# An earlier run's files of runs this one did not make (fewer rounds,
# or the names from before the rounds) would pass for this run's.
for old in glob.glob(glob.escape(stem) + ".*.fio.json"):
    if old[len(stem) + 1:-len(".fio.json")] not in fio:
        os.unlink(old)
for s in fio:
    if fio[s]:
        with open("%s.%s.fio.json" % (stem, s), "w") as f:
            json.dump(fio[s], f, indent=1)
            f.write("\n")

print("== linux-zone bench: one QEMU TCG run, only the ratios mean anything")
print("  zone1: %d rounds, each one run on each disk back to back, the fast "
      "path off first in odd rounds" % ROUNDS)
print("  fio %s / %s, kernel %s / %s (root / zone1)" %
      (out["fio"]["root"], out["fio"]["zone1"], out["kernel"]["root"],
       out["kernel"]["zone1"]))
print("  root: %s on %s (%s), buffered; zone1: O_DIRECT on %s (the "
      "daemon's fast path off) and %s (on)" %
      (out["root"]["target"], out["root"]["filesystem"],
       out["root"]["device"], out["zone1_inline_off"]["target"],
       out["zone1"]["target"]))
if load["start"] or load["end"]:
    print("  the build machine's load average: %s at the start, %s at the "
          "end: loaded figures" % (load["start"], load["end"]))


def fmt_fig(j, side):
    v = j[side]
    if not v:
        return "-"
    return ("%.0f IOPS" % v["iops"]) if j["metric"] == "iops" \
        else ("%.1f MB/s" % v["mb_s"])


def fmt_ratio(v):
    return "%.3f" % v if v is not None else "-"


print("  %-17s %12s %12s %12s %7s %7s %7s" %
      ("job", "root", "zone1 off", "zone1 on", "before", "after", "a/b"))
for j in jobs:
    print("  %-17s %12s %12s %12s %7s %7s %7s" %
          (j["name"], fmt_fig(j, "root"), fmt_fig(j, "zone1_inline_off"),
           fmt_fig(j, "zone1"),
           fmt_ratio(j["ratio_zone1_inline_off_to_root"]),
           fmt_ratio(j["ratio_zone1_to_root"]),
           fmt_ratio(j["after_over_before"])))
print("  (before, after: zone1's median / root with the fast path off, on; "
      "a/b: the median of the rounds' after / before)")
for j in jobs:
    each = ["%s (%s first)" % (fmt_ratio(x["after_over_before"]), x["first"])
            for x in j["rounds"]]
    print("  %-17s a/b each round: %s" % (j["name"], ", ".join(each)))
print("  clat p50/p99 us: %-17s %s" % ("", "root | zone1 off | zone1 on"))
for j in jobs:
    def lat(side):
        v = j[side]
        return "%s/%s" % (v["clat_p50_us"], v["clat_p99_us"]) if v else "-"
    print("  %-17s %s | %s | %s" % (j["name"], lat("root"),
                                    lat("zone1_inline_off"), lat("zone1")))
for side in ("zone1-off", "zone1-on"):
    v = served.get(side)
    if v:
        print("  daemon, %s's %d runs on %s: %d requests, %d inline, %d on "
              "the I/O thread, %d errors" % (side, v["runs"], v["disk"],
                                             v["requests"], v["inline"],
                                             v["io_thread"], v["errors"]))
        if v["requests"]:
            print("    a request: %.3f interrupts, %.3f kicks, %.3f register "
                  "accesses" % (v["irqs_per_request"],
                                v["kicks_per_request"],
                                v["mmio_per_request"]))
top = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
print("  written to %s" % os.path.relpath(os.path.abspath(out_path), top))
if problems:
    print("== linux-zone bench: the run went wrong:")
    for p in problems:
        print("  " + p)
    sys.exit(1)
