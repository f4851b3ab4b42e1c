#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Description: look at the EL2 hypervisor's channel region from the host.

QEMU runs with its RAM in a shared file (memory-backend-file,share=on), so
the region the hypervisor formats at PA 0xbfff0000 is at file offset
0x7fff0000.  Two modes:

  region.py serve FILE SECONDS   a minimal stand-in for the daemon: answers
                                 8-byte reads of the test device's ID
                                 register for zone 1, NO_DEVICE otherwise,
                                 and announces it sleeps (consumer_state
                                 SLEEPING) before each answer, so a
                                 request published after an answer finds
                                 it asleep, or finds it already woken by
                                 another producer: at least one wake
  region.py check FILE EXPECT [WAKES]
                                 after QEMU stopped: compare the header,
                                 slots and producer counters with EXPECT,
                                 a list of cpu:zone:requests:timeouts:errors
                                 [:addr:flags] (the last request's; by
                                 default the ID register, a read),
                                 and the wake handshake with WAKES (the
                                 least number of wakes all producers
                                 signalled; wake_gen counts each)

It reads the layout from the header (common/include/hvbridge/channel.h)
and prints one line per mismatch; exit status 1 on any.  Writes are plain
stores through a shared mapping: on this x86 host (TSO) they become
visible in program order, data before the sequence number that publishes
it, which is the release the protocol asks for (Barrier C).
"""
import mmap
import struct
import sys
import time

REGION_OFF = 0xbfff0000 - 0x40000000
MAGIC = 0x52425648
ABI_MAJOR = 2
TESTDEV_BASE = 0x0b000000
TESTDEV_ID = 0x0001544256485648
STATUS_OK = 0
STATUS_NO_DEVICE = 2
SEQ_INVALID = 1 << 63      # HVB_SEQ_INVALID: a timed-out request
CONSUMER_RUNNING = 1
CONSUMER_SLEEPING = 2


def header(m):
    (magic, major, _minor, size, _hsize, nr_cpus, _wake, pending, _kick,
     _dstats, slots, slot_size, stats, stats_size) = struct.unpack_from(
        "<IHHQIIIIIIIIII", m, REGION_OFF)
    return dict(magic=magic, major=major, size=size, nr_cpus=nr_cpus,
                wake=_wake, pending=pending, slots=slots, slot_size=slot_size,
                stats=stats, stats_size=stats_size)


def slot(h, cpu):
    return REGION_OFF + h["slots"] + cpu * h["slot_size"]


def serve(m, seconds):
    deadline = time.monotonic() + seconds
    served = 0
    print("region: serving", flush=True)
    while time.monotonic() < deadline:
        h = header(m)
        if h["magic"] != MAGIC or h["major"] != ABI_MAJOR:
            time.sleep(0.001)
            continue
        for cpu in range(h["nr_cpus"]):
            s = slot(h, cpu)
            seq, addr, _val, zone, _cpu, size, flags = struct.unpack_from(
                "<QQQIIII", m, s)
            (rseq,) = struct.unpack_from("<Q", m, s + 128)
            if seq == 0 or seq & SEQ_INVALID or seq == rseq:
                continue
            # Seqlock (Barrier S): drop a request rewritten meanwhile.
            if struct.unpack_from("<Q", m, s)[0] != seq:
                continue
            if (zone == 1 and addr == TESTDEV_BASE + 0xf000 and size == 8
                    and flags == 0):
                value, status = TESTDEV_ID, STATUS_OK
            else:
                value, status = 0, STATUS_NO_DEVICE
            # As a daemon going back to sleep: SLEEPING before the
            # answer, so the producer's next request must wake it.
            struct.pack_into("<I", m, REGION_OFF + h["wake"],
                             CONSUMER_SLEEPING)
            struct.pack_into("<QI", m, s + 136, value, status)
            struct.pack_into("<Q", m, s + 128, seq)     # Barrier C
            served += 1
        time.sleep(0.0005)
    print("region: served %d" % served)
    return 0


def check(m, expect, wakes):
    h = header(m)
    bad = []
    for k, want in (("magic", MAGIC), ("major", ABI_MAJOR),
                    ("size", 0x10000), ("nr_cpus", 8)):
        if h[k] != want:
            bad.append("header %s 0x%x, want 0x%x" % (k, h[k], want))
    if bad:
        return bad
    state, gen = struct.unpack_from("<II", m, REGION_OFF + h["wake"])
    total_wakes = 0
    for e in expect.split():
        f = [int(x, 0) for x in e.split(":")]
        cpu, zone, reqs, timeouts, errors = f[:5]
        last_addr, last_flags = (f[5], f[6]) if len(f) > 5 else \
            (TESTDEV_BASE + 0xf000, 0)
        s = slot(h, cpu)
        seq, addr, _v, rzone, rcpu, size, flags = struct.unpack_from(
            "<QQQIIII", m, s)
        (rseq,) = struct.unpack_from("<Q", m, s + 128)
        st = REGION_OFF + h["stats"] + cpu * h["stats_size"]
        nreq, _kicks, nwakes, nerr, nto = struct.unpack_from("<QQQQQ", m, st)
        total_wakes += nwakes
        got = dict(addr=addr, zone=rzone, cpu=rcpu, size=size, flags=flags,
                   requests=nreq, timeouts=nto, errors=nerr)
        want = dict(addr=last_addr, zone=zone, cpu=cpu, size=8,
                    flags=last_flags, requests=reqs, timeouts=timeouts,
                    errors=errors)
        for k in want:
            if got[k] != want[k]:
                bad.append("cpu %d: %s 0x%x, want 0x%x"
                           % (cpu, k, got[k], want[k]))
        # A timed-out request is invalidated (its seq kept under
        # HVB_SEQ_INVALID); an answered one is DONE (resp.seq == req.seq).
        if timeouts and seq != (reqs | SEQ_INVALID):
            bad.append("cpu %d: req.seq 0x%x after a timeout, want 0x%x"
                       % (cpu, seq, reqs | SEQ_INVALID))
        if not timeouts and (seq == 0 or rseq != seq):
            bad.append("cpu %d: req.seq %d resp.seq %d, want equal"
                       % (cpu, seq, rseq))
    # The wake handshake: each wake is one SLEEPING -> RUNNING swap and
    # one wake_gen increment.
    if total_wakes < wakes or gen != total_wakes:
        bad.append("wakes %d, wake_gen %d, want equal and at least %d"
                   % (total_wakes, gen, wakes))
    if not wakes and state not in (0, CONSUMER_RUNNING):
        bad.append("consumer_state %d, want ABSENT or RUNNING" % state)
    return bad


def main():
    mode, path = sys.argv[1], sys.argv[2]
    with open(path, "r+b") as f:
        m = mmap.mmap(f.fileno(), 0)
        if mode == "serve":
            return serve(m, float(sys.argv[3]))
        bad = check(m, sys.argv[3],
                    int(sys.argv[4]) if len(sys.argv) > 4 else 0)
        for b in bad:
            print("region: " + b)
        return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
