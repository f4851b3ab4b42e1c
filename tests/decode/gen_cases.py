#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Turn tests/decode/cases.txt into a C table of decoder test cases.

The instruction words come from the aarch64 assembler, never from hex
typed by hand: each section of cases.txt becomes a .S file, is assembled
and its .text read back word by word.  Encodings the assembler refuses to
produce (unallocated ones) are made from an assembled word with named
bit fields overwritten ("with 23:22=3").

usage: gen_cases.py CASES OUT.h --as AS --objcopy OBJCOPY
"""
import argparse
import os
import re
import struct
import subprocess
import sys
import tempfile

ASFLAGS = ["-march=armv8.5-a+memtag"]
SIZES = {"1": 1, "2": 2, "4": 4, "8": 8}
EXTENDS = {"uxtw": "HYP_MMIO_EXT_UXTW", "lsl": "HYP_MMIO_EXT_LSL",
           "sxtw": "HYP_MMIO_EXT_SXTW", "sxtx": "HYP_MMIO_EXT_SXTX"}
REASONS = {"unsupported": "HYP_DECODE_UNSUPPORTED",
           "unallocated": "HYP_DECODE_UNALLOCATED",
           "unpredictable": "HYP_DECODE_UNPREDICTABLE"}


class CaseError(Exception):
    pass


def reg(v):
    if v in ("sp", "xzr", "zr"):
        return 31
    n = int(v)
    if not 0 <= n <= 31:
        raise CaseError("register out of range: " + v)
    return n


def parse_expect(text):
    """'ld sz=4 sx sf rt=1 rn=sp off=-8 wb=-8 rm=2 ext=sxtw sh=3 rt2=3'"""
    toks = text.split()
    if not toks or toks[0] not in ("ld", "st"):
        raise CaseError("expectation must start with ld or st")
    e = {"write": int(toks[0] == "st"), "size": None, "sx": 0, "sf": 0,
         "rt": None, "rt2": None, "rn": None, "rm": None, "ext": None,
         "sh": 0, "off": 0, "wb": None}
    for t in toks[1:]:
        key, _, val = t.partition("=")
        if key in ("sx", "sf") and not val:
            e[key] = 1
        elif key == "sz" and val in SIZES:
            e["size"] = SIZES[val]
        elif key in ("rt", "rt2", "rn", "rm"):
            e[key] = reg(val)
        elif key == "ext" and val in EXTENDS:
            e["ext"] = val
        elif key in ("sh", "off", "wb"):
            e[key] = int(val, 0)
        else:
            raise CaseError("bad token: " + t)
    for key in ("size", "rt", "rn"):
        if e[key] is None:
            raise CaseError("missing " + key)
    if (e["rm"] is None) != (e["ext"] is None):
        raise CaseError("rm and ext go together")
    return e


def form_of(asm):
    """The addressing form, from the assembly text (for coverage)."""
    mnem = asm.split()[0]
    pair = mnem in ("ldp", "stp", "ldpsw")
    if "!" in asm:
        return "PAIR_PRE" if pair else "PRE"
    if re.search(r"\]\s*,", asm):
        return "PAIR_POST" if pair else "POST"
    if pair:
        return "PAIR_OFF"
    if re.match(r"(ld|st)ur", mnem):
        return "UNSCALED"
    if re.search(r"\[\s*\w+\s*,\s*[wx](\d+|zr)\b", asm):
        return "REG"
    return "UIMM"


def parse(path):
    sections = {"accept": [], "reject": []}
    cur = None
    with open(path) as f:
        for lineno, raw in enumerate(f, 1):
            # '#' starts a comment line; in a case it only ends the
            # expectation, as the assembly has '#' immediates.
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            try:
                m = re.fullmatch(r"\[(\w+)\]", line)
                if m:
                    if m.group(1) not in sections:
                        raise CaseError("unknown section " + line)
                    cur = m.group(1)
                    continue
                if cur is None:
                    raise CaseError("case before any [section]")
                lhs, sep, rhs = line.partition("|")
                rhs = rhs.split("#", 1)[0]
                if not sep:
                    raise CaseError("missing '| expectation'")
                asm, _, patch = lhs.partition(" with ")
                asm = " ".join(asm.split())
                patches = []
                for p in patch.split():
                    pm = re.fullmatch(r"(\d+):(\d+)=(\w+)", p)
                    if not pm:
                        raise CaseError("bad patch " + p)
                    hi, lo, v = int(pm[1]), int(pm[2]), int(pm[3], 0)
                    if not 31 >= hi >= lo >= 0 or v >> (hi - lo + 1):
                        raise CaseError("bad patch " + p)
                    patches.append((hi, lo, v))
                case = {"line": lineno, "asm": asm, "patches": patches,
                        "text": lhs.strip() if patches else asm}
                if cur == "accept":
                    if patches:
                        raise CaseError("accepted cases are not patched")
                    case["expect"] = parse_expect(rhs)
                    case["form"] = form_of(asm)
                else:
                    if rhs.strip() not in REASONS:
                        raise CaseError("reason: " + " ".join(REASONS))
                    case["reason"] = REASONS[rhs.strip()]
                sections[cur].append(case)
            except (CaseError, ValueError) as e:
                sys.exit("%s:%d: %s" % (path, lineno, e))
    return sections


def assemble(cases, tool_as, tool_objcopy, tmp, name, warn_ok):
    """Assemble one instruction per case; return the words in order."""
    src = os.path.join(tmp, name + ".S")
    obj = os.path.join(tmp, name + ".o")
    binf = os.path.join(tmp, name + ".bin")
    with open(src, "w") as f:
        f.write("\t.text\n")
        for c in cases:
            f.write("\t%s\t// cases.txt:%d\n" % (c["asm"], c["line"]))
    # Rejected cases include the UNPREDICTABLE forms gas warns about; an
    # accepted case that draws a warning is a mistake in the list.
    flags = ["-W"] if warn_ok else ["--fatal-warnings"]
    r = subprocess.run([tool_as] + ASFLAGS + flags + ["-o", obj, src],
                       capture_output=True, text=True)
    if r.returncode:
        sys.exit("assembling %s failed:\n%s" % (name, r.stderr))
    subprocess.run([tool_objcopy, "-O", "binary", "-j", ".text", obj, binf],
                   check=True)
    with open(binf, "rb") as f:
        data = f.read()
    if len(data) != 4 * len(cases):
        sys.exit("%s: %d bytes for %d cases: one instruction per line"
                 % (name, len(data), len(cases)))
    words = struct.unpack("<%dI" % len(cases), data)
    out = []
    for c, w in zip(cases, words):
        for hi, lo, v in c["patches"]:
            mask = ((1 << (hi - lo + 1)) - 1) << lo
            w = (w & ~mask) | (v << lo)
        out.append(w)
    return out


def cstr(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def case_row(line, text, insn, form, e):
    """One struct decode_case initialiser; @e as parse_expect() makes."""
    none = "HYP_MMIO_REG_NONE"
    return ("\t{ .line = %d, .text = %s, .insn = 0x%08xu, "
            ".form = DECODE_%s, .is_write = %d, .size = %d, "
            ".sign_extend = %d, .sf = %d, .rt = %s, .rt2 = %s, .rn = %d, "
            ".rm = %s, .extend = %s, .shift = %d, .offset = %dll, "
            ".writeback = %d, .wb_offset = %dll }," % (
                line, cstr(text), insn, form, e["write"], e["size"],
                e["sx"], e["sf"], e["rt"],
                none if e["rt2"] is None else e["rt2"], e["rn"],
                none if e["rm"] is None else e["rm"],
                EXTENDS[e["ext"]] if e["ext"] else "0", e["sh"], e["off"],
                e["wb"] is not None, e["wb"] or 0))


def write_header(path, src, lines):
    head = ["/* Generated by tests/decode/%s from %s;"
            % (os.path.basename(sys.argv[0]), src), " * do not edit. */", ""]
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write("\n".join(head + lines))
    os.replace(tmp, path)


def emit(path, src, accept, awords, reject, rwords):
    lines = ["static const struct decode_case decode_accept[] = {"]
    for c, w in zip(accept, awords):
        lines.append(case_row(c["line"], c["text"], w, c["form"],
                              c["expect"]))
    lines += ["};", "",
              "static const struct decode_reject decode_reject[] = {"]
    for c, w in zip(reject, rwords):
        lines.append("\t{ .line = %d, .text = %s, .insn = 0x%08xu, "
                     ".reason = %s }," % (
            c["line"], cstr(c["text"]), w, c["reason"]))
    lines += ["};", ""]
    write_header(path, src, lines)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("cases")
    ap.add_argument("out")
    ap.add_argument("--as", dest="tool_as", default="aarch64-linux-gnu-as")
    ap.add_argument("--objcopy", default="aarch64-linux-gnu-objcopy")
    a = ap.parse_args()
    sec = parse(a.cases)
    with tempfile.TemporaryDirectory(dir=os.path.dirname(a.out) or ".") as t:
        aw = assemble(sec["accept"], a.tool_as, a.objcopy, t, "accept",
                      False)
        rw = assemble(sec["reject"], a.tool_as, a.objcopy, t, "reject",
                      True)
    emit(a.out, "tests/decode/" + os.path.basename(a.cases),
         sec["accept"], aw, sec["reject"], rw)


if __name__ == "__main__":
    main()
