#!/usr/bin/env python3
# Description: write the seed corpus of the fuzz targets into
# tests/fuzz/corpus/<target>/seed-*: valid inputs that reach deep into
# each target (a negotiated device with a live queue and a request; rings
# with direct, indirect, wrapped and looping chains), from which the
# fuzzer mutates.  Crashes found later are kept next to them as crash-*.
# Run it again only to change the seeds; its output is committed.
import os
import struct

TOP = os.path.dirname(os.path.abspath(__file__))
IPA = 0x40000000


def put(name, target, data):
    d = os.path.join(TOP, 'corpus', target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, 'seed-' + name), 'wb') as f:
        f.write(data)


def desc(addr, length, flags, nxt):
    return struct.pack('<QIHH', addr, length, flags, nxt)


# ---- fuzz_virtqueue: 32-byte header, then guest memory at IPA ----
def vq_input(log2, feats, start, pops, mem, desc_off=0, avail_off=0x100,
             used_off=0x200):
    hdr = struct.pack('<BBHIQIII', log2, feats, start, pops, IPA,
                      desc_off, avail_off, used_off)
    return hdr.ljust(32, b'\0') + bytes(mem)


def vq_mem(descs, heads, avail_idx, tables=()):
    mem = bytearray(0x1000)
    for i, d in enumerate(descs):
        mem[16 * i:16 * i + 16] = d
    avail = struct.pack('<HH', 0, avail_idx & 0xffff)
    avail += b''.join(struct.pack('<H', h) for h in heads)
    mem[0x100:0x100 + len(avail)] = avail
    for off, ds in tables:
        for i, d in enumerate(ds):
            mem[off + 16 * i:off + 16 * i + 16] = d
    return mem


W, N, I = 2, 1, 4
direct = [desc(IPA + 0x800, 16, N, 1), desc(IPA + 0x900, 32, W, 0),
          desc(IPA + 0xa00, 32, I, 0)]
table = [(0xa00, [desc(IPA + 0xc00, 8, W | N, 1),
                  desc(IPA + 0xd00, 8, W, 0)])]
put('direct-indirect', 'fuzz_virtqueue',
    vq_input(4, 3, 0, 8, vq_mem(direct, [0, 2], 2, table)))
put('wrapped', 'fuzz_virtqueue',
    vq_input(4, 3, 0xfffe, 8, vq_mem(direct, [0, 2, 0, 0, 0, 0, 0, 0, 0, 0,
                                              0, 0, 0, 0, 0, 0], 0, table)))
put('loop', 'fuzz_virtqueue',
    vq_input(4, 1, 0, 4, vq_mem([desc(IPA + 0x800, 8, W | N, 1),
                                 desc(IPA + 0x900, 8, W | N, 0)], [0], 1)))
put('no-features-256', 'fuzz_virtqueue',
    vq_input(8, 0, 0, 4, vq_mem([desc(IPA + 0x900, 64, W, 0)], [0], 1),
             desc_off=0x1000, avail_off=0x100, used_off=0x2000) +
    bytes(0x2000))


# ---- fuzz_mmio: device byte, then 8-byte actions ----
def act(kind, size, off, value):
    code = {1: 0, 2: 1, 4: 2, 8: 3}[size]
    return struct.pack('<BHIB', kind | code << 2, off, value & 0xffffffff, 0)


def rd(off, size=4):
    return act(0, size, off, 0)


def wr(off, value, size=4):
    return act(1, size, off, value)


def mem(off, value):
    return act(3, 4, off, value)


def init_seq(qsize=16):
    s = wr(0x70, 0) + rd(0x00) + rd(0x04) + rd(0x08)
    s += wr(0x70, 1) + wr(0x70, 3)
    s += wr(0x14, 1) + rd(0x10) + wr(0x14, 0) + rd(0x10)
    s += wr(0x24, 1) + wr(0x20, 1) + wr(0x24, 0) + wr(0x20, 3 << 28)
    s += wr(0x70, 11) + rd(0x70)
    s += wr(0x30, 0) + rd(0x34) + wr(0x38, qsize)
    s += wr(0x80, IPA) + wr(0x84, 0) + wr(0x90, IPA + 0x100) + wr(0x94, 0)
    s += wr(0xa0, IPA + 0x200) + wr(0xa4, 0) + wr(0x44, 1) + rd(0x44)
    s += wr(0x70, 15)
    return s


def request():
    # desc 0: 64 writable bytes at +0x800; avail ring[0] = 0, idx = 1
    s = mem(0x0, IPA + 0x800) + mem(0x4, 0) + mem(0x8, 64) + mem(0xc, W)
    s += mem(0x104, 0) + mem(0x100, 1 << 16)
    return s


put('rng-request', 'fuzz_mmio',
    b'\0' + init_seq() + request() + wr(0x50, 0) + rd(0x60) + wr(0x64, 1) +
    act(2, 4, 0, 0) + wr(0x70, 0))
put('vtest-config', 'fuzz_mmio',
    b'\1' + init_seq() + rd(0x100) + rd(0x104, 2) + wr(0x104, 0x55aa, 2) +
    rd(0x105, 1) + rd(0x104, 4) + rd(0xfc) + wr(0x100, 1) + request() +
    wr(0x50, 0))
put('rng-posted', 'fuzz_mmio',
    b'\0' + init_seq(256) + request() + act(2, 4, 0, 0) + rd(0x60) +
    wr(0x30, 7) + wr(0x38, 3) + wr(0x44, 0))
