#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""A second opinion on the decoder: binutils' disassembler.

Makes N pseudo-random words (fixed seed), most of them in the load/store
encoding groups the decoder works on, has aarch64-linux-gnu-objdump
disassemble them, and turns each disassembly into what the decoder must
say: the access fields for a general-register LDR/STR/LDP/STP form,
"unpredictable" for such a form whose writeback overlaps Rt or whose load
pair names one register twice, and "refused" for anything else.

usage: gen_random.py OUT.h --objdump OBJDUMP [--count N] [--seed S]
"""
import argparse
import os
import random
import re
import struct
import subprocess
import sys
import tempfile

from gen_cases import case_row, write_header

# mnemonic -> (is store, size or None for "from the register", sign-extend)
SINGLE = {}
for _st, _ld in (("str", "ldr"), ("stur", "ldur")):
    SINGLE.update({_st + "b": (1, 1, 0), _st + "h": (1, 2, 0),
                   _st: (1, None, 0), _ld + "b": (0, 1, 0),
                   _ld + "h": (0, 2, 0), _ld: (0, None, 0),
                   _ld + "sb": (0, 1, 1), _ld + "sh": (0, 2, 1),
                   _ld + "sw": (0, 4, 1)})
PAIR = {"stp": (1, None, 0), "ldp": (0, None, 0), "ldpsw": (0, 4, 1)}
GPR = re.compile(r"([wx])(\d+|zr)")


def reg_num(tok):
    if tok in ("sp", "wsp"):
        return 31
    m = GPR.fullmatch(tok)
    if not m:
        raise ValueError(tok)
    return 31 if m[2] == "zr" else int(m[2])


def expect_of(text):
    """('ok', fields), ('unpredictable', None) or ('refused', None)."""
    text = re.split(r"\s*(;|//)", text, 1)[0].strip()
    parts = text.split(None, 1)
    mnem = parts[0]
    kind = SINGLE.get(mnem) or PAIR.get(mnem)
    if not kind or len(parts) < 2:
        return "refused", None
    m = re.fullmatch(r"(.*?),\s*\[([^\]]*)\](!?)(?:,\s*#(-?\w+))?",
                     parts[1])
    if not m:				# e.g. a PC-relative literal load
        return "refused", None
    regs = [r.strip() for r in m[1].split(",")]
    if not all(GPR.fullmatch(r) for r in regs):	# SIMD&FP registers
        return "refused", None
    mem = [t.strip() for t in m[2].split(",")]
    write, size, sx = kind
    e = {"write": write, "size": size or (8 if regs[0][0] == "x" else 4),
         "sx": sx, "sf": int(regs[0][0] == "x"), "rt": reg_num(regs[0]),
         "rt2": reg_num(regs[1]) if mnem in PAIR else None,
         "rn": reg_num(mem[0]), "rm": None, "ext": None, "sh": 0,
         "off": 0, "wb": None}
    if len(mem) > 1 and mem[1].startswith("#"):
        e["off"] = int(mem[1][1:], 0)
    elif len(mem) > 1:
        e["rm"] = reg_num(mem[1])
        ext = mem[2].split() if len(mem) > 2 else ["lsl"]
        e["ext"] = ext[0]
        e["sh"] = int(ext[1][1:], 0) if len(ext) > 1 else 0
    if m[3]:				# pre-index
        e["wb"] = e["off"]
    elif m[4] is not None:		# post-index
        e["wb"] = int(m[4], 0)
    if mnem in PAIR and not write and e["rt"] == e["rt2"]:
        return "unpredictable", None
    if e["wb"] is not None and e["rn"] != 31 and \
            e["rn"] in (e["rt"], e["rt2"]):
        return "unpredictable", None
    return "ok", e


def words(count, seed):
    r = random.Random(seed)
    out = []
    for i in range(count):
        w = r.getrandbits(32)
        v = (1 << 26) if r.random() < 0.1 else 0	# a few SIMD&FP
        sel = i % 8
        if sel < 3:		# load/store register, any addressing
            w = (w & ~(0x3f << 24)) | (0x38 << 24) | v | \
                (r.getrandbits(2) << 24)
        elif sel < 5:		# register offset, option/S varied
            w = (w & ~(0x3f << 24) & ~(1 << 21) & ~(3 << 10)) | \
                (0x38 << 24) | v | (1 << 21) | (2 << 10)
        elif sel < 7:		# pairs
            w = (w & ~(0x3e << 24)) | (0x28 << 24) | v
        out.append(w)		# sel 7: anything at all
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--objdump", default="aarch64-linux-gnu-objdump")
    ap.add_argument("--count", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=20261121)
    a = ap.parse_args()
    ws = words(a.count, a.seed)
    with tempfile.TemporaryDirectory(dir=os.path.dirname(a.out) or ".") as t:
        binf = os.path.join(t, "random.bin")
        with open(binf, "wb") as f:
            f.write(struct.pack("<%dI" % len(ws), *ws))
        r = subprocess.run([a.objdump, "-D", "-b", "binary", "-m",
                            "aarch64", binf], capture_output=True,
                           text=True)
    if r.returncode:
        sys.exit("objdump failed:\n" + r.stderr)
    dis = {}
    for line in r.stdout.splitlines():
        m = re.match(r"\s*([0-9a-f]+):\s+([0-9a-f]{8})\s+(.*)", line)
        if m:
            dis[int(m[1], 16) // 4] = (int(m[2], 16), m[3].strip())
    if len(dis) != len(ws) or any(dis[i][0] != w for i, w in enumerate(ws)):
        sys.exit("objdump did not give back the %d words" % len(ws))
    rows = {"ok": [], "unpredictable": [], "refused": []}
    for i, w in enumerate(ws):
        text = " ".join(dis[i][1].split())
        res, e = expect_of(text)
        if res == "ok":
            rows[res].append(case_row(i, text, w, "RANDOM", e))
        else:
            rows[res].append("\t{ .line = %d, .text = \"%s\", "
                             ".insn = 0x%08xu }," % (
                                 i, text.replace("\"", "'"), w))
    lines = []
    for res in ("ok", "unpredictable", "refused"):
        lines += ["static const struct %s decode_random_%s[] = {"
                  % ("decode_case" if res == "ok" else "decode_reject", res)]
        lines += rows[res] + ["};", ""]
    write_header(a.out, "%d words, seed %d, and %s" % (
        len(ws), a.seed, os.path.basename(a.objdump)), lines)


if __name__ == "__main__":
    main()
