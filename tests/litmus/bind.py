#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Description: bind the AArch64 litmus models to the compiled code.

Every tests/litmus/aarch64/*.litmus that is not a broken twin carries
lines like

    bind daemon hvb_consumer_fetch: hvb_load_acquire_u64 ldar ; hvb_rmb dmb ishld

in its comment: in every copy of that function (out of line, or inlined
into another) in the named build, these instructions must appear in this
order.  A step is "HELPER INSN": INSN is a regular expression matched at
the start of the instruction ("ldar x1, [x0]"), HELPER one matched against
the innermost function the instruction came from (the barrier.h primitive,
found through the DWARF line and inline information that objdump prints;
"*" for any).  "loop HELPER INSN" also wants the instruction inside a
loop (between a backward branch and its target).  "A || B" accepts either.
{RMW4} and {RMW8} stand for a 4- or 8-byte read-modify-write as the
build emits it: the outline-atomics call (__aarch64_swp8_acq_rel, ...),
an LSE instruction, or an exclusive pair's stlxr.

Builds (the real Makefiles, into build/litmus/<kind>-<cc><opt>):
    hyp     the EL2 image, hvbridge-hyp.elf: gcc and clang at -O2, -O3,
            -O3 -flto (one LTO unit: hyp/arch/arm64/arm64.mk)
    daemon  the static arm64 daemon, as tool/arm64.mk makes it: gcc and
            clang at -O2, -O3, -O3 -flto
A "daemon-raw" binding names a symbol without debug information (the
libgcc outline-atomics helpers) and takes every instruction of it.

Prints PASS/FAIL lines and, last, "bind: N passed, N failed".
Usage: bind.py [--no-build] [--only BUILD,...]   (BUILD: hyp-gcc-O2, ...)
"""
import os
import re
import subprocess
import sys

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(TOP, "build", "litmus")
SYSROOT = os.path.join(TOP, "build", "arm64-sysroot")
OBJDUMP = "aarch64-linux-gnu-objdump"

MACROS = {
    "{RMW4}": r"(bl .*<__aarch64_(swp|ldadd|ldset|ldclr|cas)4_acq_rel>"
              r"|(swp|ldadd|ldset|ldclr|cas)al |stlxr )",
    "{RMW8}": r"(bl .*<__aarch64_(swp|ldadd|ldset|ldclr|cas)8_acq_rel>"
              r"|(swp|ldadd|ldset|ldclr|cas)al |stlxr )",
}

BUILDS = [("hyp", "gcc", "-O2"), ("hyp", "gcc", "-O3"),
          ("hyp", "gcc", "-O3 -flto"),
          ("hyp", "clang", "-O2"), ("hyp", "clang", "-O3"),
          ("hyp", "clang", "-O3 -flto"),
          ("daemon", "gcc", "-O2"), ("daemon", "gcc", "-O3"),
          ("daemon", "gcc", "-O3 -flto"), ("daemon", "clang", "-O2"),
          ("daemon", "clang", "-O3"), ("daemon", "clang", "-O3 -flto")]

passed = 0
failed = 0


def result(ok, what, why=""):
    global passed, failed
    if ok:
        passed += 1
        print(f"PASS {what}")
    else:
        failed += 1
        print(f"FAIL {what}: {why}")


def build_name(kind, cc, opt):
    return f"{kind}-{cc}{opt.replace(' ', '')}"


def build(kind, cc, opt):
    """Build one variant; return (binary, None) or (None, log path)."""
    d = os.path.join(OUT, build_name(kind, cc, opt))
    log = d + ".log"
    os.makedirs(OUT, exist_ok=True)
    open(log, "w").close()
    env = dict(os.environ)
    for v in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES",
              "EXTRA_CFLAGS", "EXTRA_LDFLAGS", "CC", "OPT", "O"):
        env.pop(v, None)
    if kind == "hyp":
        binary = os.path.join(d, "arm64", "hyp", "hvbridge-hyp.elf")
        cmd = ["make", "-s", "-C", os.path.join(TOP, "hyp"), f"O={d}",
               f"CC={cc}", f"OPT={opt}", binary]
    else:
        # liburing and cJSON for arm64 (a no-op once fetched).
        with open(log, "w") as f:
            rc = subprocess.call([os.path.join(TOP, "scripts",
                                               "fetch-arm64-libs.sh")],
                                 stdout=f, stderr=subprocess.STDOUT)
        if rc != 0:
            return None, log
        binary = os.path.join(d, "tool", "hvbridge")
        if cc == "gcc":
            ccx, ld = "aarch64-linux-gnu-gcc", ""
        else:
            ccx, ld = "clang --target=aarch64-linux-gnu", "-fuse-ld=lld"
        cmd = ["make", "-s", "-C", os.path.join(TOP, "tool"), f"O={d}",
               f"CC={ccx}", f"OPT={opt}",
               f"EXTRA_CFLAGS=-isystem {SYSROOT}/usr/include",
               f"EXTRA_LDFLAGS=-static {ld} -L{SYSROOT}/usr/lib/aarch64-linux-gnu",
               "TOOL_MAIN_LIBS=-lcjson -lm", binary]
    with open(log, "a") as f:
        rc = subprocess.call(cmd, stdout=f, stderr=subprocess.STDOUT, env=env)
    return (binary, None) if rc == 0 and os.path.exists(binary) else (None, log)


HDR_SYM = re.compile(r"^[0-9a-f]+ <(.+)>:$")
INSN = re.compile(r"^\s+([0-9a-f]+):\s+(.*)$")
FUNC = re.compile(r"^([A-Za-z_][\w.]*)\(\):$")
INLINED = re.compile(r"^inlined by (\S+) \((\S+)\)$")
LOC = re.compile(r"^(\S+\.[chS]):(\d+)")
BRANCH = re.compile(r"^(b|b\.\w+|cbz|cbnz|tbz|tbnz)\s.*?\b([0-9a-f]+) <")


class Insn:
    __slots__ = ("addr", "text", "sym", "frames", "calls")

    def __init__(self, addr, text, sym, frames, calls):
        self.addr, self.text, self.sym = addr, text, sym
        self.frames, self.calls = frames, calls


def helper_lines():
    """{(barrier header, line): primitive}: clang's line tables sometimes
    place an instruction in a barrier header without its inline chain
    (say, in a peeled loop iteration); the line still names the
    primitive."""
    res = {}
    d = os.path.join(TOP, "common", "include", "hvbridge")
    for name in os.listdir(d):
        if not name.startswith("barrier"):
            continue
        cur = None
        with open(os.path.join(d, name)) as f:
            for n, line in enumerate(f, 1):
                m = re.match(r"^static inline .*\b(hvb_\w+)\(", line)
                if m:
                    cur = m.group(1)
                elif line.startswith("}"):
                    res[(name, n)] = cur
                    cur = None
                if cur:
                    res[(name, n)] = cur
    return res


def disassemble(binary):
    """Every instruction with its symbol and inline chain."""
    hl = helper_lines()
    prims = set(hl.values())
    loc = None
    out = subprocess.run([OBJDUMP, "-d", "-l", "--inlines",
                          "--no-show-raw-insn", binary],
                         capture_output=True, text=True, check=True).stdout
    insns = []
    sym = None
    func = None
    inl = []
    in_block = False
    for line in out.splitlines():
        m = HDR_SYM.match(line)
        if m:
            sym, func, inl, in_block = m.group(1), None, [], False
            continue
        m = INSN.match(line)
        if m and sym:
            text = " ".join(m.group(2).split("//")[0].split())
            frames = ([func] if func else []) + [f for _, f in inl]
            calls = [c for c, _ in inl]
            # gcc's split-off parts come back "inlined" into the function
            # they were split from: one frame, not two.
            for j in range(len(frames) - 1, 0, -1):
                if frames[j] == frames[j - 1]:
                    del frames[j]
                    del calls[j - 1]
            if loc in hl and not (frames and frames[0] in prims):
                frames.insert(0, hl[loc])
                calls.insert(0, "?")
            calls = tuple(calls)
            insns.append(Insn(int(m.group(1), 16), text, sym, frames, calls))
            in_block = False
            continue
        # A block of metadata lines: [func():] [file:line] [inlined by]*
        if not in_block:
            inl = []
            in_block = True
        m = FUNC.match(line)
        if m:
            func = m.group(1)
            continue
        m = INLINED.match(line)
        if m:
            inl.append((m.group(1), m.group(2)))
            continue
        m = LOC.match(line)
        if m:
            loc = (os.path.basename(m.group(1)), int(m.group(2)))
    return insns


def loops(insns):
    """(symbol, low, high) address ranges enclosed by a backward branch."""
    r = []
    for i in insns:
        m = BRANCH.match(i.text)
        if m:
            t = int(m.group(2), 16)
            if t <= i.addr:
                r.append((i.sym, t, i.addr))
    return r


def instances(insns, func, raw):
    """The copies of func: {(symbol, call sites): [insn, ...]}."""
    res = {}
    for i in insns:
        if raw:
            if i.sym == func:
                res.setdefault((i.sym, ()), []).append(i)
            continue
        if func not in i.frames:
            continue
        k = i.frames.index(func)
        # frames[0] is the innermost; calls[k] is where frames[k] was
        # inlined into frames[k + 1].
        res.setdefault((i.sym, i.calls[k:]), []).append(i)
    # clang's inline chains lose a frame now and then (an instruction of
    # a primitive inlined into F inlined into G is reported as inlined
    # straight into G), so a copy is everything of its symbol between the
    # first and the last instruction that names F.
    by_sym = {}
    for i in insns:
        by_sym.setdefault(i.sym, []).append(i)
    for key, copy in res.items():
        lo, hi = copy[0].addr, copy[-1].addr
        res[key] = [i for i in by_sym[key[0]] if lo <= i.addr <= hi]
    return res


def parse_step(s):
    alts = []
    for alt in s.split("||"):
        words = alt.split(None, 2)
        in_loop = False
        if words and words[0] == "loop":
            in_loop = True
            words = alt.split(None, 3)[1:]
        if len(words) < 2:
            raise ValueError(f"bad step '{s}'")
        helper, insn = words[0], " ".join(words[1:])
        for k, v in MACROS.items():
            insn = insn.replace(k, v)
        alts.append((in_loop, None if helper == "*" else re.compile(helper),
                     re.compile(insn)))
    return alts


def frames_match(helper, frames):
    """HELPER is "inner" or "outer/inner": the innermost function, or the
    innermost and the one it was inlined into (or called from)."""
    want = helper.pattern.split("/")[::-1]
    if len(frames) < len(want):
        return False
    return all(re.fullmatch(w, f) for w, f in zip(want, frames))


def match(copy, steps, loop_ranges):
    """Index of the first step not found in order, or -1."""
    pos = 0
    for n, alts in enumerate(steps):
        found = False
        while pos < len(copy) and not found:
            i = copy[pos]
            pos += 1
            for in_loop, helper, insn in alts:
                if helper and not frames_match(helper, i.frames):
                    continue
                if not insn.match(i.text):
                    continue
                if in_loop and not any(s == i.sym and lo <= i.addr <= hi
                                       for s, lo, hi in loop_ranges):
                    continue
                found = True
                break
        if not found:
            return n
    return -1


def bindings():
    """[(test, kind, func, raw, step text, steps)] from the models."""
    d = os.path.join(TOP, "tests", "litmus", "aarch64")
    res = []
    for name in sorted(os.listdir(d)):
        if not name.endswith(".litmus") or ".broken-" in name:
            continue
        test = name[:-len(".litmus")]
        n = 0
        with open(os.path.join(d, name)) as f:
            for line in f:
                m = re.match(r"^\s*\*?\s*bind (\S+) (\S+): (.*)$", line)
                if not m:
                    continue
                kind, func, text = m.groups()
                raw = kind.endswith("-raw")
                kind = kind[:-4] if raw else kind
                steps = [parse_step(s.strip()) for s in text.split(" ; ")]
                res.append((test, kind, func, raw, text.strip(), steps))
                n += 1
        if n == 0:
            result(False, f"bind {test}", "the model names no code (no 'bind' line)")
    return res


def main():
    args = sys.argv[1:]
    no_build = "--no-build" in args
    only = None
    if "--only" in args and args.index("--only") + 1 < len(args):
        only = args[args.index("--only") + 1].split(",")
    binds = bindings()
    for kind, cc, opt in BUILDS:
        bname = build_name(kind, cc, opt)
        if only is not None and bname not in only:
            continue
        mine = [b for b in binds if b[1] == kind]
        if not mine:
            continue
        if no_build:
            binary = os.path.join(OUT, bname, "arm64/hyp/hvbridge-hyp.elf"
                                  if kind == "hyp" else "tool/hvbridge")
            log = None if os.path.exists(binary) else "(not built)"
        else:
            binary, log = build(kind, cc, opt)
        if log:
            result(False, f"bind build {bname}", f"build failed, see {log}")
            continue
        insns = disassemble(binary)
        lr = loops(insns)
        for test, _, func, raw, text, steps in mine:
            copies = instances(insns, func, raw)
            what = f"bind {test} {bname}: {func}"
            if not copies:
                result(False, what, "no copy of it in the binary")
                continue
            bad = []
            # gcc's partial inlining: a copy that calls F.part.N is only
            # F's inlined head (say, an early return); the body, with the
            # ordering instructions, is the F.part.N copy, checked itself.
            part = re.compile(r"bl .*<" + re.escape(func) + r"\.part\.\d+>")
            copies = {k: v for k, v in copies.items()
                      if not any(part.match(i.text) for i in v)}
            if not copies:
                result(False, what, "only heads calling its split-off part")
                continue
            for (sym, calls), copy in sorted(copies.items()):
                n = match(copy, steps, lr)
                if n >= 0:
                    where = sym + (f" (inlined at {calls[0]})" if calls else "")
                    bad.append(f"in {where}: step {n + 1} "
                               f"'{text.split(' ; ')[n]}' not found in order")
            if bad:
                result(False, what, "; ".join(bad))
            else:
                result(True, f"{what} ({len(copies)} "
                       f"cop{'y' if len(copies) == 1 else 'ies'})")
    print(f"bind: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
