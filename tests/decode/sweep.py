#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Description: sweep the data-abort decoder against binutils in one batch.

Every value of the top 12 bits of an instruction word (the whole A64
opcode space down to the load/store forms' own bits: size, V, opc, the
unsigned/pair/index selectors and bit 21), each with 256 pseudo-random
low 20 bits (fixed seed): 1,048,576 words.  aarch64-linux-gnu-objdump
disassembles them all at once; decode_dump (the decoder built for the
host) reads them all at once; gen_random.expect_of() turns each
disassembly into what the decoder must say, and every word is compared:
the fields of an accepted load/store, "unpredictable" for a writeback
onto Rt or a load pair into one register twice, a refusal for the rest.
Prints "decode-sweep: N words, N decoded, N unpredictable, N refused,
N mismatches" and exits 1 on any mismatch (the first 20 are shown).

usage: sweep.py DECODE_DUMP [--objdump OBJDUMP] [--per-prefix N]
"""
import argparse
import os
import random
import re
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gen_random import expect_of  # noqa: E402


def expected(text):
    res, e = expect_of(" ".join(text.split()))
    if res != "ok":
        return res
    none = "-"
    return "ok %d %d %d %d %d %s %d %s %s %d %d %s" % (
        e["write"], e["size"], e["sx"], e["sf"], e["rt"],
        none if e["rt2"] is None else e["rt2"], e["rn"],
        none if e["rm"] is None else e["rm"], e["ext"] or none, e["sh"],
        e["off"], none if e["wb"] is None else e["wb"])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dump")
    ap.add_argument("--objdump", default="aarch64-linux-gnu-objdump")
    ap.add_argument("--per-prefix", type=int, default=256)
    a = ap.parse_args()
    r = random.Random(20261206)
    words = [(top << 20) | r.getrandbits(20) for top in range(4096)
             for _ in range(a.per_prefix)]
    blob = struct.pack("<%dI" % len(words), *words)
    with tempfile.TemporaryDirectory() as t:
        binf = os.path.join(t, "sweep.bin")
        with open(binf, "wb") as f:
            f.write(blob)
        dis = subprocess.run([a.objdump, "-D", "-b", "binary", "-m",
                              "aarch64", binf], capture_output=True,
                             text=True)
    if dis.returncode:
        sys.exit("objdump failed:\n" + dis.stderr)
    text = {}
    for line in dis.stdout.splitlines():
        m = re.match(r"\s*([0-9a-f]+):\s+([0-9a-f]{8})\s+(.*)", line)
        if m:
            text[int(m[1], 16) // 4] = m[3].strip()
    if len(text) != len(words):
        sys.exit("objdump gave back %d of %d words" % (len(text), len(words)))
    ours = subprocess.run([a.dump], input=blob, capture_output=True)
    got = ours.stdout.decode().splitlines()
    if ours.returncode or len(got) != len(words):
        sys.exit("decode_dump failed: %s" % ours.stderr.decode())
    counts = {"ok": 0, "unpredictable": 0, "refused": 0}
    bad = []
    for i, w in enumerate(words):
        want = expected(text[i])
        counts[want.split()[0]] += 1
        # A refusal may give any reason but OK; the others are exact.
        if want == "refused" and got[i] in ("refused", "unpredictable"):
            continue
        if got[i] != want:
            bad.append("%#010x \"%s\": decoder says \"%s\", objdump "
                       "\"%s\"" % (w, text[i], got[i], want))
    for b in bad[:20]:
        print(b)
    print("decode-sweep: %d words, %d decoded, %d unpredictable, %d refused,"
          " %d mismatches" % (len(words), counts["ok"],
                              counts["unpredictable"], counts["refused"],
                              len(bad)))
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
