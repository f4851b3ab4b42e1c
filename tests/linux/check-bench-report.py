#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Description: tests/linux/bench-report.py on serial logs made here (no
# QEMU; part of `make test` through linux-check): a whole run of root
# and two rounds, whose figures, medians, paired ratios, turns and
# counter sums must come out as computed by hand; then the same log
# broken one way at a time, which the report must refuse, naming what
# is wrong: a request inline on a fast-path-off run, none on a
# fast-path-on run, a run missing, a JSON whose sha256 differs, daemon
# errors.  Prints "bench-report: N passed, M failed".
import base64
import copy
import gzip
import hashlib
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPORT = os.path.join(HERE, "bench-report.py")
JOBS = [("randread-4k-qd1", "read"), ("randread-4k-qd32", "read"),
        ("read-1m-qd8", "read"), ("write-1m-qd8", "write")]
R = "hvbridge-root: bench: "
passed = failed = 0


def check(ok, what, detail=""):
    """One check; DETAIL is printed only when it fails."""
    global passed, failed
    if ok:
        passed += 1
        print("PASS bench-report: " + what)
    else:
        failed += 1
        print("FAIL bench-report: %s%s" % (what, detail and ": " + detail))


def fio_json(iops):
    """fio's JSON with each job's IOPS from IOPS (a list of 4)."""
    jobs = []
    for (name, dirn), v in zip(JOBS, iops):
        d = {"iops": v, "bw_bytes": v * 4096, "total_ios": int(v * 10),
             "runtime": 10000, "lat_ns": {"mean": 1e9 / v},
             "clat_ns": {"percentile": {"50.000000": 1e6 / v,
                                        "99.000000": 2e6 / v,
                                        "99.900000": 3e6 / v}}}
        jobs.append({"jobname": name, "error": 0, dirn: d})
    return json.dumps({"fio version": "fio-3.33", "jobs": jobs}).encode()


def json_lines(side, raw, sha=None):
    b64 = base64.b64encode(gzip.compress(raw)).decode()
    chunks = [b64[i:i + 200] for i in range(0, len(b64), 200)]
    out = ["%s%s json %04d %s" % (R, side, i + 1, c)
           for i, c in enumerate(chunks)]
    out.append("%s%s json end %d lines, sha256 %s" %
               (R, side, len(chunks), sha or hashlib.sha256(raw).hexdigest()))
    return out


# Two rounds: off first in round 1, on first in round 2.  IOPS per run.
RUNS = {"zone1-off-1": [100, 1000, 50, 40], "zone1-on-1": [300, 1100, 50, 40],
        "zone1-on-2": [240, 900, 60, 30], "zone1-off-2": [80, 500, 50, 60]}
ORDER = ["zone1-off-1", "zone1-on-1", "zone1-on-2", "zone1-off-2"]
# Counters after each run, per disk: requests, inline, iothread,
# errors, kicks, irqs, mmio_rd, mmio_wr.
OFF, ON = "0xa000800", "0xa000a00"


def make_log(inline_off=0, inline_on=50, drop=None, bad_sha=None,
             errors=0):
    log = ["%sstep 1: fio in the root zone" % R,
           "%sroot: fio-3.33, kernel 6.1.0-57-arm64, 2 CPUs" % R,
           "%sstep 2: /x/bench.img, 64 MiB, on ext4; /dev/loop0 holds "
           "/usr/share/hvbridge/bench.ext4" % R,
           "%sstep 3: zone1 up after 12 s" % R,
           "%szone1: fio-3.33, kernel 6.1.0-57-arm64, bench disks "
           "/dev/vdb inline off, /dev/vdc inline on (131072 sectors)" % R,
           "%sstep 4: root zone: fio on /x/bench.img (direct=0, ext4), "
           "4 jobs of 2+10 s" % R,
           "%sroot zone fio done in 52 s" % R]
    cnt = {OFF: [0] * 8, ON: [0] * 8}

    def counters(when):
        for base in (OFF, ON):
            c = cnt[base]
            log.append("%scounters %s %s: requests %d inline %d iothread %d"
                       " errors %d kicks %d irqs %d mmio_rd %d mmio_wr %d" %
                       ((R, when, base) + tuple(c)))
    counters("start")
    log.append("%sstep 5: zone1: 2 rounds of fio on /dev/vdb" % R)
    for run in ORDER:
        if run == drop:
            continue
        rnd = run.rsplit("-", 1)[1]
        log.append("%sround %s: %s: fio on /dev/vdX" % (R, rnd, run))
        log.append("%s%s fio done in 53 s" % (R, run))
        base = OFF if "-off-" in run else ON
        inl = inline_off if base == OFF else inline_on
        # 1000 requests a run, 100 kicks, 200 interrupts, 400 accesses.
        add = [1000, inl, 1000 - inl, errors, 100, 200, 300, 100]
        cnt[base] = [a + b for a, b in zip(cnt[base], add)]
        counters(run)
    log.append("%sstep 6: all 5 JSONs here" % R)
    log += json_lines("root", fio_json([1000, 2000, 100, 50]))
    for run in ORDER:
        if run != drop:
            log += json_lines(run, fio_json(RUNS[run]),
                              "0" * 64 if run == bad_sha else None)
    log += ["%szone1 powered itself off" % R, "%sdone" % R,
            "hvbridge-root: hvbridge-linux bench exited, status 0",
            "hvbridge-root: hvbridge.ko unloaded",
            "hvbridge: stopped after 400.0 s: served 1 requests (0 errors: "
            "0 malformed, 0 no device), 0 kicks",
            "hvbridge-hyp: root: SYSTEM_OFF"]
    return "\n".join(log) + "\n"


def run_report(text):
    with tempfile.TemporaryDirectory() as d:
        logp, outp = os.path.join(d, "serial.log"), os.path.join(d, "lz.json")
        with open(logp, "w") as f:
            f.write(text)
        p = subprocess.run([sys.executable, REPORT, logp, outp],
                           capture_output=True, text=True)
        out = json.load(open(outp)) if os.path.exists(outp) else None
        files = sorted(os.listdir(d))
    return p.returncode, p.stdout, out, files


rc, text, out, files = run_report(make_log())
check(rc == 0, "a whole run of two rounds passes (%d)" % rc)
jobs = {j["name"]: j for j in out["jobs"]} if out else {}
j = jobs.get("randread-4k-qd1", {})
# Medians of two: off (100, 80) -> 90; on (300, 240) -> 270; paired
# after / before 3.0 and 3.0 -> 3.0; root 1000.
check(j.get("zone1_inline_off", {}).get("iops") == 90 and
      j.get("zone1", {}).get("iops") == 270,
      "zone1's figures are the medians of the rounds'",
      "%s, %s" % (j.get("zone1_inline_off"), j.get("zone1")))
check(j.get("ratio_zone1_inline_off_to_root") == 0.09 and
      j.get("ratio_zone1_to_root") == 0.27,
      "before and after are the medians over root")
j32 = jobs.get("randread-4k-qd32", {})
# Rounds: 1100/1000 = 1.1, 900/500 = 1.8: median 1.45, where the
# medians' ratio would be 1000/750 = 1.333.
check([r["after_over_before"] for r in j32.get("rounds", [])] == [1.1, 1.8]
      and j32.get("after_over_before") == 1.45,
      "after / before is the median of the paired rounds'",
      "%s, median %s" % ([r.get("after_over_before")
                          for r in j32.get("rounds", [])],
                         j32.get("after_over_before")))
check([r["first"] for r in j32.get("rounds", [])] == ["off", "on"],
      "round 1 went off first, round 2 on first")
srv = out.get("daemon_served", {}) if out else {}
check(srv.get("zone1-off", {}).get("requests") == 2000 and
      srv.get("zone1-on", {}).get("inline") == 100 and
      srv.get("zone1-on", {}).get("irqs_per_request") == 0.2 and
      srv.get("zone1-on", {}).get("mmio_per_request") == 0.4,
      "each side's counters are the sum of its runs'", str(srv))
check("lz.zone1-on-2.fio.json" in files and len(files) == 7,
      "each run's fio JSON is written beside", str(files))

for what, kw, want in (
        ("a request inline with the fast path off", {"inline_off": 1},
         "zone1-off-2: 1 requests completed inline"),
        ("no request inline with the fast path on", {"inline_on": 0},
         "zone1-on-1: no request completed inline"),
        ("a run missing", {"drop": "zone1-on-2"},
         "no 'hvbridge-root: bench: round 2: zone1-on-2: fio on' line"),
        ("a JSON whose sha256 differs", {"bad_sha": "zone1-off-1"},
         "zone1-off-1: json sha256 differs"),
):
    rc, text, out, _ = run_report(make_log(**kw))
    check(rc == 1 and want in text, "refused: " + what,
          "exit %d, '%s' %s" % (rc, want,
                                "said" if want in text else "not said"))
bad = make_log().replace("(0 errors: 0 malformed", "(3 errors: 0 malformed")
rc, text, out, _ = run_report(bad)
check(rc == 1 and "daemon errors" in text, "refused: daemon errors",
      "exit %d" % rc)

print("bench-report: %d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
