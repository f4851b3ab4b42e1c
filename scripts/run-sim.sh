#!/bin/bash
# Description: `make run-sim` - the host simulation: simulated vCPU
# threads executing the real hypervisor producer against the real daemon
# in another process, every response checked; then shows the region's
# live counters (hvbridge stat).  (`make run` boots the QEMU system.)
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
O=${O:-$TOP/build/host}
region=/dev/shm/hvbridge-run-$$
trap 'rm -f "$region"' EXIT

echo "== hvbridge-sim: 2 vCPUs, daemon in its own process (sleeps when idle)"
"$O/hyp/hvbridge-sim" --cpus 2 --requests 200000 --burst 2000 --pause-us 200 \
	--region "$region" --keep-region
echo
echo "== hvbridge stat --region $region"
"$O/tool/hvbridge" stat --region "$region"
