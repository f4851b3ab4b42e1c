#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Description: zone1's Linux is described three times (docs/linux-zone.md):
# the guest's device tree (configs/linux/zone1_linux.dts), the zone config
# (zone1_linux.json, hvisor-tool's `zone start` format) and the daemon's
# config (virtio_cfg_linux.json, hvisor-tool's virtio_cfg format).  This
# checks they agree: RAM, CPUs, GIC, every virtio window and its
# interrupt, and the load addresses against scripts/mkguestfs.sh.
#
# check-configs.py [DIR]   DIR holds the three files (default configs/linux)
import json
import os
import re
import subprocess
import sys
import tempfile

top = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
cfg = sys.argv[1] if len(sys.argv) > 1 else os.path.join(top, "configs", "linux")
passed = failed = 0


def check(name, ok, why=""):
    global passed, failed
    if ok:
        print("PASS " + name)
        passed += 1
    else:
        print("FAIL %s: %s" % (name, why))
        failed += 1


def num(v):
    # JSON numbers or "0x..." strings, as both readers take them.
    return v if isinstance(v, int) else int(v, 0)


def fdtget(dtb, node, prop, kind="x"):
    out = subprocess.run(["fdtget", "-t", kind, dtb, node, prop],
                         capture_output=True, text=True, check=True).stdout
    return [int(w, 16) for w in out.split()] if kind == "x" else out.strip()


def cells64(c):
    # pairs of 32-bit cells (#address-cells = #size-cells = 2)
    return [(c[i] << 32) | c[i + 1] for i in range(0, len(c), 2)]


with tempfile.TemporaryDirectory() as tmp:
    dtb = os.path.join(tmp, "zone1.dtb")
    subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o", dtb,
                    os.path.join(cfg, "zone1_linux.dts")], check=True)
    nodes = subprocess.run(["fdtget", "-l", dtb, "/"], capture_output=True,
                           text=True, check=True).stdout.split()
    dts_virtio = {}
    for n in nodes:
        if n.startswith("virtio_mmio@"):
            base, size = cells64(fdtget(dtb, "/" + n, "reg"))
            kind, spi, _ = fdtget(dtb, "/" + n, "interrupts")
            check("dts/%s/spi" % n, kind == 0, "not an SPI")
            dts_virtio[base] = (size, spi + 32)
    mem = [cells64(fdtget(dtb, "/" + n, "reg"))
           for n in nodes if n.startswith("memory@")]
    cpus = sorted(fdtget(dtb, "/cpus/" + c, "reg")[0]
                  for c in subprocess.run(["fdtget", "-l", dtb, "/cpus"],
                                          capture_output=True, text=True,
                                          check=True).stdout.split())
    gic = cells64(fdtget(dtb, "/interrupt-controller@8000000", "reg"))
    pl011 = None
    if "pl011@9000000" in nodes:
        kind, spi, _ = fdtget(dtb, "/pl011@9000000", "interrupts")
        pl011 = spi + 32 if kind == 0 else -1
    psci = fdtget(dtb, "/psci", "method", "s")

with open(os.path.join(cfg, "zone1_linux.json")) as f:
    zone = json.load(f)
with open(os.path.join(cfg, "virtio_cfg_linux.json")) as f:
    vcfg = json.load(f)

# RAM: the DTS's memory node is the zone's ram region, seen at its IPA.
ram = [r for r in zone["memory_regions"] if r["type"] == "ram"]
vwin = [r for r in zone["memory_regions"] if r["type"] == "virtio"]
zram = [(num(r["virtual_start"]), num(r["size"])) for r in ram]
check("ram/dts-vs-zone", sorted(tuple(m) for m in mem) == sorted(zram),
      "dts %s, zone %s" % (mem, zram))
vz = [z for z in vcfg["zones"] if num(z["id"]) == num(zone["zone_id"])]
check("zone-id/daemon", len(vz) == 1,
      "virtio_cfg has no zone %s" % zone["zone_id"])
vz = vz[0] if vz else {"memory_region": [], "devices": []}
dmem = sorted((num(m["zone0_ipa"]), num(m["zonex_ipa"]), num(m["size"]))
              for m in vz["memory_region"])
zmem = sorted((num(r["physical_start"]), num(r["virtual_start"]),
               num(r["size"])) for r in ram)
check("ram/zone-vs-daemon", dmem == zmem, "daemon %s, zone %s" % (dmem, zmem))

check("cpus", cpus == sorted(zone["cpus"]),
      "dts %s, zone %s" % (cpus, zone["cpus"]))
ac = zone["arch_config"]
check("gic", gic[0] == num(ac["gicd_base"]) and gic[2] == num(ac["gicr_base"])
      and gic[1] == num(ac["gicd_size"]) and gic[3] == num(ac["gicr_size"]),
      "dts %s" % [hex(g) for g in gic])
check("psci-method", psci in ("smc", "hvc"), psci)

# Virtio: every DTS window is a daemon device (same addr, len, irq),
# inside a virtio region of the zone, with its interrupt the zone's.
ddev = {num(d["addr"]): (num(d["len"]), num(d["irq"]), d["type"])
        for d in vz["devices"] if d.get("status", "enable") == "enable"}
zirq = set(zone["interrupts"])
for base, (size, irq) in sorted(dts_virtio.items()):
    n = "virtio@%x" % base
    d = ddev.get(base)
    check(n + "/daemon", d is not None and d[0] == size and d[1] == irq,
          "dts len 0x%x irq %d, daemon %s" % (size, irq, d))
    check(n + "/zone-window",
          any(num(w["virtual_start"]) <= base and
              base + size <= num(w["virtual_start"]) + num(w["size"])
              for w in vwin), "not inside a virtio region of the zone")
    check(n + "/zone-irq", irq in zirq, "%d not in interrupts %s" % (irq, sorted(zirq)))
# The emulated PL011's TX interrupt (docs/console.md): the zone's, and
# no virtio device's.
if pl011 is not None:
    check("pl011/zone-irq", pl011 in zirq,
          "INTID %d not in interrupts %s" % (pl011, sorted(zirq)))
    check("pl011/not-a-device-irq",
          pl011 not in [d[1] for d in ddev.values()],
          "INTID %d is also a virtio device's" % pl011)
extra = sorted(set(ddev) - set(dts_virtio))
check("daemon-devices-in-dts", not extra,
      "daemon devices with no DTS node: %s" % [hex(e) for e in extra])

# Loading: the kernel file and the DTB where mkguestfs.sh expects them.
with open(os.path.join(top, "scripts", "mkguestfs.sh")) as f:
    m = re.search(r"^KERNEL_PADDR=(0x[0-9a-fA-F]+)", f.read(), re.M)
kp = num(zone["kernel_load_paddr"])
check("kernel-paddr/mkguestfs", m is not None and int(m.group(1), 16) == kp,
      "mkguestfs.sh's KERNEL_PADDR %s, zone %#x" % (m and m.group(1), kp))
r0 = ram[0]
ipa = num(r0["virtual_start"]) + kp - num(r0["physical_start"])
check("entry-is-kernel", num(zone["entry_point"]) == ipa,
      "entry %s, kernel at IPA %#x" % (zone["entry_point"], ipa))
check("kernel-2mib", (ipa & 0x1fffff) == 0, "%#x" % ipa)
dp = num(zone["dtb_load_paddr"])
ps, sz = num(r0["physical_start"]), num(r0["size"])
check("dtb-in-ram", ps <= dp and dp + 0x200000 <= ps + sz and dp % 8 == 0,
      "%#x: not 8-byte aligned with 2 MiB inside the ram region" % dp)
kf = os.path.join(top, "build", "linux", zone["kernel_filepath"])
skipped = 0
if os.path.exists(kf):
    end = kp + os.path.getsize(kf)
    check("dtb-after-kernel-file", dp >= end,
          "DTB at %#x inside the kernel file (ends %#x)" % (dp, end))
else:
    # Said, not silent: the kernel file exists once `make guestfs` ran.
    skipped += 1
    print("SKIP dtb-after-kernel-file: no %s (make guestfs builds it)" % kf)
print("linux-check: %d passed, %d failed%s" %
      (passed, failed, ", %d skipped" % skipped if skipped else ""))
sys.exit(1 if failed else 0)
