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


# ---- fuzz_eventidx: 4-byte header, then 4-byte operations ----
def ev(kind, count=0, value=0):
    return struct.pack('<BBH', kind, count, value & 0xffff)


def ev_input(log2, event_idx, start, ops):
    return struct.pack('<BBH', log2, event_idx, start & 0xffff) + b''.join(ops)


# The driver asks for an interrupt at entry 2, the device uses 1, 2, 3
# (crossing it), then the driver moves used_event across the wrap.
crossing = [ev(3, 4), ev(6, 4), ev(1, 0, 0xfffe + 2), ev(0, 1), ev(2),
            ev(0, 2), ev(2), ev(4), ev(5), ev(0, 1), ev(2), ev(1, 0, 0x10),
            ev(0, 3), ev(2), ev(3, 2), ev(4), ev(6, 2), ev(4), ev(2)]
put('event-idx-wrap', 'fuzz_eventidx', ev_input(4, 1, 0xfffe, crossing))
put('event-idx-0', 'fuzz_eventidx', ev_input(2, 1, 0, crossing))
put('flags', 'fuzz_eventidx',
    ev_input(3, 0, 0x7ff0, [ev(3, 3), ev(6, 3), ev(0, 3), ev(2), ev(7, 0, 1),
                            ev(0, 1), ev(2), ev(5), ev(4), ev(3, 1), ev(4)]))
put('full-256', 'fuzz_eventidx',
    ev_input(8, 1, 0xff00, [ev(3, 255), ev(6, 255), ev(0, 255),
                            ev(1, 0, 0xff80), ev(2), ev(0, 200), ev(2)]))


# ---- fuzz_consumer: CPU count, header flag, then 8-byte actions ----
def ca(kind, b1=0, w6=0, v=None):
    if v is not None:       # kinds 0, 2, 3: bytes 2..3 then a 32-bit value
        return struct.pack('<BBHI', kind, b1, w6 & 0xffff, v & 0xffffffff)
    return struct.pack('<BB', kind, b1) + (w6 & (2**48 - 1)).to_bytes(6, 'little')


def creq(cpu, addr, size_code=2, write=0, bad_echo=False, no_bit=False):
    # w6 bits: 0-2 addr shift, 3-4 size, 16-17 flags, 18 bad echo,
    # 24.. the echo, 21 no pending bit; a[4..7] (the address) overlaps
    # bits 16..47.
    w6 = (size_code << 3) | (write << 16) | (bool(bad_echo) << 18) | \
         (bool(no_bit) << 21) | ((addr & 0xffffff) << 24)
    return ca(1, cpu, w6)


def crace(cpu, addr, size_code=2, keep_seq=False):
    # A request (as creq) with the race armed (bit 22): at the next fetch
    # of this CPU's request the producer reuses the slot between the
    # field loads and the re-check; bit 23 keeps the seq (a hostile root
    # zone).  The new fields come from bits 24.. (the address).
    w6 = (size_code << 3) | (1 << 22) | (bool(keep_seq) << 23) | \
         ((addr & 0xffffff) << 24)
    return ca(1, cpu, w6)


POLL, HAS, SLEEP, REATTACH = ca(4), ca(5), ca(6), ca(7)
put('requests', 'fuzz_consumer',
    bytes([3, 0]) + creq(0, 0x1000) + creq(1, 0x2004, 2, 1) + POLL +
    creq(2, 0x3001, 2) + creq(3, 0x4000, 3, 0, True) + POLL + HAS +
    creq(1, 0x2008) + creq(1, 0x200c) + POLL + creq(1, 0x2010) + POLL +
    creq(0, 0x10, 0, 0, False, True) + POLL + SLEEP + POLL)
put('kicks', 'fuzz_consumer',
    bytes([1, 0]) + ca(3, 0, 0x0000, 0x5) + ca(3, 15, 0x0100, 0xffffffff) +
    POLL + ca(3, 3, 0x0100 * 0x01, 1) + SLEEP + POLL + HAS)
put('summary-bogus-bits', 'fuzz_consumer',
    bytes([0, 0]) + creq(0, 0x100) + ca(3, 2, 0x01ff, 0x3) + POLL +
    creq(0, 0x104) + ca(3, 0, 0xff00, 0) + POLL)
put('zone-gen', 'fuzz_consumer',
    bytes([2, 0]) + ca(2, 0x80 | 1, 0, 7) + HAS + POLL + ca(2, 0x80 | 15, 0, 1) +
    ca(3, 4, 0, 0x10) + POLL + REATTACH + POLL)
put('header-after-attach', 'fuzz_consumer',
    bytes([5, 0]) + ca(0, 20, 0, 255) + ca(0, 8, 0, 0x100000) +
    creq(5, 0x5000) + POLL + REATTACH + POLL)
# Torn reads: dropped and counted (poll, and a device's fetch by hand);
# the same seq with new fields served only if they pass the checks.
put('torn-reads', 'fuzz_consumer',
    bytes([3, 0]) + crace(0, 0x1000) + POLL + crace(1, 0x2000, 3) + POLL +
    POLL + crace(2, 0x3000) + ca(5, 0x80 | 2) + POLL + crace(0, 0x4000, 2, True) +
    POLL + crace(1, 0x5001, 2, True) + POLL + REATTACH + crace(1, 0x6000) + POLL)
put('many-cpus', 'fuzz_consumer',
    bytes([0xf7, 0]) + creq(100, 0x100) + creq(70, 0x200) +
    ca(2, 1, 0xffff, 0xffffffff) + ca(2, 3, 0xffff, 0xffffffff) + POLL +
    REATTACH + POLL + creq(110, 0x300) + POLL + POLL + HAS + SLEEP)


# The hypervisor's kick slot table (action 3 with a[1] bit 7): a[1] % 4
# 0/1 claim, 2 remove the zone, 3 post; a[2] % 3 + 1 the zone, a[3] % 80
# the block, a[4] % 20 the queue.
def kclaim(zone, blk):
    return ca(3, 0x80, (zone - 1) | (blk << 8), 0)


def kfree(zone):
    return ca(3, 0x82, zone - 1, 0)


def kpost(zone, blk, q=0):
    return ca(3, 0x83, (zone - 1) | (blk << 8), q)


put('kick-claims', 'fuzz_consumer',
    bytes([2, 0]) + POLL + kclaim(1, 0) + kclaim(1, 1) + kclaim(1, 2) +
    kpost(1, 0) + POLL + kpost(1, 0, 3) + kpost(1, 1) + kpost(1, 2) +
    kclaim(2, 0) + kclaim(3, 4) + POLL + kpost(2, 0) + kpost(3, 4) +
    kfree(1) + kpost(1, 0) + kclaim(2, 7) + kclaim(2, 1) + kpost(2, 7) +
    kpost(2, 1) +
    POLL + kpost(2, 7) + kpost(2, 1, 19) + REATTACH + kpost(2, 7) + POLL +
    kpost(2, 7) + ca(3, 1, 0x0100, 1) + POLL)
put('kick-table-full', 'fuzz_consumer',
    bytes([1, 0]) + b''.join(kclaim(1 + i % 2, i) for i in range(70)) +
    POLL + kpost(1, 64) + kpost(1, 0) + kfree(2) + kclaim(3, 70) +
    kclaim(1, 71) + POLL + kpost(1, 71) + SLEEP + POLL)
hdr = bytearray(256)
struct.pack_into('<IHHQIIIIIIIIIIII', hdr, 0, 0x52425648, 1, 2, 4096, 256, 2,
                 0x100, 0x180, 0x200, 0x300, 0x400, 256, 0x600, 512, 64, 16)
put('header-given', 'fuzz_consumer',
    bytes([1, 1]) + bytes(hdr) + creq(1, 0x40) + POLL + HAS)


# ---- fuzz_decode: insn, ESR, IPA, FAR, x0..x30, SP ----
def dec(insn, esr=0, addr=0x0a000000, far=0x0a000000, regs=()):
    r = list(regs) + [0] * (32 - len(regs))
    return struct.pack('<IQQQ32Q', insn, esr, addr, far, *r)


put('str-post', 'fuzz_decode',                      # str w9, [x0], #4
    dec(0xb8004409, regs=[0x0a000000]))
put('ldp-pre-sp', 'fuzz_decode',                    # ldp x1, x2, [sp, #-16]!
    dec(0xa9bf0be1, regs=[0] * 31 + [0x0a000010]))
put('ldr-reg-sxtw', 'fuzz_decode',                  # ldr x1, [x2, w3, sxtw #3]
    dec(0xf863d841, far=0x09fffff8, regs=[0, 0, 0x0a000000, 0xffffffff]))
put('ldrsb-far-mismatch', 'fuzz_decode',            # ldrsb w1, [x2, #1]
    dec(0x39c00441, far=0x0b000000, regs=[0, 0, 0x0a000000]))
put('esr-isv', 'fuzz_decode',
    dec(0, esr=(0x24 << 26) | (1 << 25) | (1 << 24) | (2 << 22) | (1 << 21) |
        (5 << 16) | (1 << 15) | (1 << 6) | 7))
put('esr-no-isv', 'fuzz_decode', dec(0xd503201f, esr=(0x25 << 26) | (1 << 25)))


# ---- fuzz_zonecheck: an 800-byte descriptor, then a physical range ----
def zone_desc(mems, irqs=range(72, 80), cpus=1 << 2, zid=1, name=b'zone1',
              entry=0x40000000, kernel=(0x50000000, 0x1000),
              dtb=(0x50100000, 0x800)):
    d = bytearray(800)
    d[0:8] = b'HVBZONE\0'
    struct.pack_into('<IIIIQ', d, 8, 1, 800, zid, len(mems), cpus)
    d[32:32 + len(name)] = name
    struct.pack_into('<QQQQQQQQQII', d, 48, entry, kernel[0], kernel[1],
                     dtb[0], dtb[1], 0x08000000, 0x10000, 0x080a0000,
                     0xf60000, 3, 0)
    for n in irqs:
        struct.pack_into('<I', d, 128 + 4 * (n // 32),
                         struct.unpack_from('<I', d, 128 + 4 * (n // 32))[0] |
                         1 << (n % 32))
    for i, (typ, phys, ipa, size) in enumerate(mems):
        struct.pack_into('<QQQII', d, 256 + 32 * i, phys, ipa, size, typ, 0)
    return bytes(d)


good = [(0, 0x50000000, 0x40000000, 0x200000), (2, 0, 0x0a000000, 0x600),
        (1, 0x0a010000, 0x0a010000, 0x1000)]
put('good', 'fuzz_zonecheck',
    zone_desc(good) + struct.pack('<QQ', 0x50000000, 0x1000))
put('two-ram', 'fuzz_zonecheck',
    zone_desc(good + [(0, 0x51000000, 0x60000000, 0x100000)], cpus=1 << 2,
              dtb=(0x51000000, 0x1000)) + struct.pack('<QQ', 0x51000000, 16))
put('bad-overlap', 'fuzz_zonecheck',
    zone_desc(good + [(0, 0x50100000, 0x40100000, 0x1000)]))
put('bad-cpu-irq', 'fuzz_zonecheck',
    zone_desc(good, irqs=[64, 152, 1020], cpus=(1 << 3) | (1 << 9)))


# ---- fuzz_config: mode byte, then the file's text ----
CONFIGS = [('native', 1, 'tests/config/samples/native.json'),
           ('hvisor', 2, 'tests/config/samples/hvisor.json'),
           ('auto-virtio-cfg', 0, 'configs/hvisor-virtio_cfg.json'),
           ('auto-zone1-sim', 0, 'configs/zone1-sim.json'),
           ('auto-zone1-root', 0, 'configs/zone1-root.json'),
           ('hvisor-qemu-blk-console', 6,
            'tests/config/samples/hvisor-tool/qemu-aarch64-blk-console.json'),
           ('hvisor-x86', 6, 'tests/config/samples/hvisor-tool/qemu-x86_64.json'),
           ('hvisor-older', 2,
            'tests/config/samples/hvisor-tool/older-layout.json'),
           ('virtio-cfg-linux', 0, 'configs/linux/virtio_cfg_linux.json'),
           ('zone-json-linux', 3, 'configs/linux/zone1_linux.json'),
           ('zone-json-hello', 3, 'configs/examples/hello-off.json'),
           ('zone-json-tests', 3, 'tests/zones/zone1.json'),
           ('zone-json-v3', 3, 'tests/zones/hvisor-tool-zone1_linux-v3.json')]
for name, mode, path in CONFIGS:
    with open(os.path.join(TOP, '..', '..', path), 'rb') as f:
        put(name, 'fuzz_config', bytes([mode]) + f.read())


# ---- fuzz_devices: device byte, then 8-byte actions ----
def da(kind, size, off, value):
    code = {1: 0, 2: 1, 4: 2, 8: 3}[size]
    return struct.pack('<BHIB', kind | code << 3, off & 0xffff,
                       value & 0xffffffff, 0)


def dwr(off, value):
    return da(1, 4, off, value)


def dmem(off, value):
    return da(3, 4, off, value)


def dmem64(off, value):
    return dmem(off, value & 0xffffffff) + dmem(off + 4, value >> 32)


WAIT = da(4, 4, 0, 0)


def dqueue(q, size=16):
    base = 0x1000 * q
    return (dwr(0x30, q) + dwr(0x38, size) + dwr(0x80, IPA + base) +
            dwr(0x84, 0) + dwr(0x90, IPA + base + 0x800) + dwr(0x94, 0) +
            dwr(0xa0, IPA + base + 0xc00) + dwr(0xa4, 0) + dwr(0x44, 1))


def dinit(queues, feats_lo=0):
    s = dwr(0x70, 0) + dwr(0x70, 1) + dwr(0x70, 3)
    s += dwr(0x24, 0) + dwr(0x20, feats_lo) + dwr(0x24, 1) + dwr(0x20, 1)
    s += dwr(0x70, 11)
    for q in queues:
        s += dqueue(q)
    return s + dwr(0x70, 15)


def ddesc(q, i, addr, length, flags, nxt):
    at = 0x1000 * q + 16 * i
    return (dmem64(at, IPA + addr) + dmem(at + 8, length) +
            dmem(at + 12, flags | nxt << 16))


def davail(q, slot, head, idx):
    at = 0x1000 * q + 0x800
    return dmem(at + 4 + 2 * (slot & ~1), head if slot % 2 == 0 else
                head << 16) + dmem(at, idx << 16)


def blk_req(head, typ, sector, data_len, data_flags, slot, idx, base):
    # header (readable), data, status (writable)
    s = dmem(base, typ) + dmem(base + 4, 0) + dmem64(base + 8, sector)
    s += ddesc(0, head, base, 16, N, head + 1)
    if data_len:
        s += ddesc(0, head + 1, base + 0x100, data_len, data_flags | N,
                   head + 2)
        s += ddesc(0, head + 2, base + 0x80, 1, W, 0)
    else:
        s += ddesc(0, head + 1, base + 0x80, 1, W, 0)
    return s + davail(0, slot, head, idx)


BLK_FEATS = (1 << 9) | (1 << 2) | (1 << 6) | (1 << 13) | (1 << 14) | \
    (1 << 28) | (1 << 29)     # FLUSH SEG_MAX BLK_SIZE DISCARD WZ INDIRECT EVENT
put('blk-rw', 'fuzz_devices',
    b'\0' + dinit([0], BLK_FEATS) +
    blk_req(0, 1, 2, 512, 0, 0, 1, 0x4000) + dwr(0x50, 0) + WAIT +
    blk_req(3, 0, 2, 512, W, 1, 2, 0x5000) + dwr(0x50, 0) + WAIT +
    blk_req(6, 4, 0, 0, 0, 2, 3, 0x6000) + dwr(0x50, 0) + WAIT +
    blk_req(8, 8, 0, 20, W, 3, 4, 0x7000) + dwr(0x50, 0) + WAIT +
    blk_req(11, 1, 127, 1024, 0, 4, 5, 0x8000) + dwr(0x50, 0) + WAIT)
dwz = struct.pack('<QII', 4, 8, 0)
put('blk-discard', 'fuzz_devices',
    b'\0' + dinit([0], BLK_FEATS) + dmem(0x4100, 4) + dmem(0x4104, 0) +
    dmem(0x4108, 8) + dmem(0x410c, 0) +
    blk_req(0, 11, 0, 16, 0, 0, 1, 0x4000) + dwr(0x50, 0) + WAIT +
    blk_req(3, 13, 0, 16, 0, 1, 2, 0x4000) + dwr(0x50, 0) + WAIT)
put('console-tx-rx', 'fuzz_devices',
    b'\1' + dinit([0, 1]) +
    dmem(0x4000, 0x6c6c6568) + ddesc(1, 0, 0x4000, 4, 0, 0) +
    davail(1, 0, 0, 1) + dwr(0x50, 1) + WAIT +
    ddesc(0, 0, 0x5000, 64, W, 0) + davail(0, 0, 0, 1) + dwr(0x50, 0) +
    da(5, 4, 0, 0x41414141) + WAIT + WAIT)
NET_FEATS = (1 << 5) | (1 << 16) | (1 << 28) | (1 << 29)
put('net-tx', 'fuzz_devices',
    b'\2' + dinit([0, 1], NET_FEATS) +
    dmem(0x400c, 0xffffffff) + dmem(0x4010, 0x0000ffff) +
    dmem(0x4018, 0x00080100) +
    ddesc(1, 0, 0x4000, 12, N, 1) + ddesc(1, 1, 0x400c, 60, 0, 0) +
    davail(1, 0, 0, 1) + dwr(0x50, 1) + WAIT +
    ddesc(0, 0, 0x6000, 1526, W, 0) + davail(0, 0, 0, 1) + dwr(0x50, 0) +
    ddesc(1, 2, 0x4000, 8, 0, 0) + davail(1, 1, 2, 2) + dwr(0x50, 1) + WAIT)
# Words of tests/decode's random.h (gen_random.py, seed 20261121), one of
# each form, so the fuzzer starts from words objdump has read.
for w in (0xf9480ff9, 0x38616b88, 0x69e2d153, 0x79b4aef7, 0x39041641,
          0x38a158d8, 0xa90d3cd8, 0xa8aa7b43, 0x3892e452, 0xa9a2babd,
          0xb99aba5a, 0x69590f09, 0x78ce173a, 0x28d68bc6, 0x7861eaba,
          0x384b7310, 0x780bf1af, 0x68d6d76f, 0xa972706d, 0xf816c0ad,
          0x78887f07, 0xb816c7e4, 0x78599d61, 0xb854e200, 0x38c35fed,
          0xb880d1be, 0xf81dedfc):
    put('random-%08x' % w, 'fuzz_decode', dec(w))


# More seeds for the two first targets, for what they never reached.
# fuzz_virtqueue: a direct chain of 3 ending in an indirect table of 4 in
# a 4-entry queue: longer than the queue, with no loop.
put('chain-too-long', 'fuzz_virtqueue',
    vq_input(2, 3, 0, 2, vq_mem([desc(IPA + 0x800, 8, N, 1),
                                 desc(IPA + 0x808, 8, N, 2),
                                 desc(IPA + 0x810, 8, N, 3),
                                 desc(IPA + 0xa00, 64, I, 0)], [0], 1,
                                [(0xa00, [desc(IPA + 0xc00, 8, W | N, 1),
                                          desc(IPA + 0xc08, 8, W | N, 2),
                                          desc(IPA + 0xc10, 8, W | N, 3),
                                          desc(IPA + 0xc18, 8, W, 0)])])))
# fuzz_mmio: a queue of 2 with 2 requests: rng serves a queue's worth and
# requeues its kick.
put('rng-requeue', 'fuzz_mmio',
    b'\0' + init_seq(2) + mem(0x0, IPA + 0x800) + mem(0x4, 0) +
    mem(0x8, 64) + mem(0xc, W) + mem(0x10, IPA + 0x900) + mem(0x14, 0) +
    mem(0x18, 64) + mem(0x1c, W) + mem(0x104, 1 << 16) + mem(0x100, 2 << 16) +
    wr(0x50, 0) + rd(0x60) + act(2, 4, 0, 0))
put('net-rx', 'fuzz_devices',
    b'\2' + dinit([0, 1], NET_FEATS) +
    ddesc(0, 0, 0x6000, 1526, W, 0) + ddesc(0, 1, 0x7000, 8, W, 0) +
    ddesc(0, 2, 0x7100, 64, W, 0) + davail(0, 0, 0, 1) + dwr(0x50, 0) +
    da(6, 4, 8, 0x08004500) + WAIT + davail(0, 1, 1, 2) + dwr(0x50, 0) +
    da(6, 4, 2, 0x0806) + WAIT + davail(0, 2, 2, 3) + dwr(0x50, 0) +
    da(6, 4, 200, 0x86dd) + WAIT + WAIT)
put('serving-loop', 'fuzz_consumer',
    bytes([2, 0]) + creq(0, 0x100) + creq(2, 0x204) + ca(3, 1, 0, 3) +
    ca(6, 2, 3) + creq(1, 0x300) + ca(6, 3, 0) + POLL)
put('by-hand-hot', 'fuzz_consumer',
    bytes([3, 0]) + creq(1, 0x10) + ca(5, 0x81, 0) + creq(2, 0x20) +
    ca(5, 0x82, 1) + POLL + creq(1, 0x30) + POLL + creq(1, 0x34) + POLL +
    creq(3, 0x40) + POLL + creq(3, 0x44) + POLL + creq(2, 0x48) +
    ca(4, 0, 0, 2) + creq(2, 0x4c) + ca(4, 0, 0, 4) + POLL + HAS)
