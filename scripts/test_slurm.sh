#!/usr/bin/env bash
# Tests sweep.py's Slurm backend against a real single-node Slurm on localhost: installs slurm-wlm
# and munge if missing (Debian, as root), starts a private munged, slurmctld and slurmd from a
# minimal slurm.conf in a scratch folder, runs a small sweep through Slurm and through the local
# backend, checks that the two result tables are byte-identical, and stops the daemons.
#   bash scripts/test_slurm.sh [BUILD_DIR]      (default build/; needs BUILD_DIR/rdusim)
#   SWEEP_SPEC=configs/sweeps/hbm_ddr.json bash scripts/test_slurm.sh    (compare another sweep)
# Not part of ctest: it installs packages and starts daemons.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
bin=${RDUSIM_BIN:-$root/${1:-build}/rdusim}
py=/usr/bin/python3
[ -x "$bin" ] || { echo "test_slurm: no rdusim binary at $bin (build first)"; exit 2; }
[ "$(id -u)" -eq 0 ] || { echo "test_slurm: needs root (installs packages, runs slurmd as root)"; exit 2; }

if ! command -v slurmctld > /dev/null || ! command -v slurmd > /dev/null || ! command -v munged > /dev/null; then
  echo "test_slurm: installing slurm-wlm and munge"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge > /dev/null
fi

work=$(mktemp -d /tmp/rdusim-slurm.XXXXXX)
chmod 755 "$work"
pids=()
cleanup() {
  for f in "$work"/slurmd.pid "$work"/slurmctld.pid "$work"/munged.pid; do
    [ -s "$f" ] && kill "$(cat "$f")" 2> /dev/null || true
  done
  sleep 1
  for f in "$work"/slurmd.pid "$work"/slurmctld.pid "$work"/munged.pid; do
    [ -s "$f" ] && kill -9 "$(cat "$f")" 2> /dev/null || true
  done
  if [ "${KEEP:-0}" = 1 ]; then echo "test_slurm: kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

# munge: a private key, socket and daemon, so a system munged (if any) is left alone.
mkdir -p "$work/munge"
chown munge:munge "$work/munge"
chmod 711 "$work/munge"
dd if=/dev/urandom of="$work/munge/munge.key" bs=1024 count=1 status=none
chown munge:munge "$work/munge/munge.key"
chmod 400 "$work/munge/munge.key"
runuser -u munge -- /usr/sbin/munged --key-file="$work/munge/munge.key" --socket="$work/munge/munge.sock" \
  --pid-file="$work/munge/munged.pid" --log-file="$work/munge/munged.log" --seed-file="$work/munge/munged.seed"
cp "$work/munge/munged.pid" "$work/munged.pid"
munge -S "$work/munge/munge.sock" -n | unmunge -S "$work/munge/munge.sock" > /dev/null
echo "test_slurm: munged up"

node=$(hostname -s)
cpus=$(nproc)
port=$((17000 + RANDOM % 2000))
mkdir -p "$work/state" "$work/spool" "$work/log"
cat > "$work/slurm.conf" << EOF
ClusterName=rdusimtest
SlurmctldHost=$node(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$work/munge/munge.sock
CredType=cred/munge
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/log/slurmctld.log
SlurmdLogFile=$work/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/builtin
SchedulerParameters=sched_interval=1,sched_min_interval=100000
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
MpiDefault=none
ReturnToService=2
SlurmctldTimeout=30
SlurmdTimeout=30
InactiveLimit=0
KillWait=5
MaxArraySize=10001
NodeName=$node NodeAddr=127.0.0.1 CPUs=$cpus State=UNKNOWN
PartitionName=test Nodes=$node Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF=$work/slurm.conf
/usr/sbin/slurmctld -f "$SLURM_CONF"
/usr/sbin/slurmd -f "$SLURM_CONF"
for i in $(seq 60); do
  state=$(sinfo -h -N -o %t 2> /dev/null | head -1 || true)
  [ "$state" = idle ] && break
  sleep 0.5
done
[ "$state" = idle ] || { echo "test_slurm: node never became idle (state '$state')"; tail -5 "$work"/log/*.log; exit 1; }
echo "test_slurm: slurmctld and slurmd up ($node, $cpus CPUs, port $port)"

spec=$work/spec.json
cat > "$spec" << 'EOF'
{"name": "slurm_check",
 "base": {"phase": "decode", "context": 1024},
 "vary": {"product": [{"param": "machine/socket/hbm/bandwidth_gbps", "name": "hbm_gbps", "values": [900, 1800, 3600]},
                      {"zip": [{"param": "batch", "values": [1, 4, 0]},
                               {"param": "chunks", "values": [16, 32, 16]}]}]},
 "metrics": ["run/*", "rdu0/hbm/utilization"]}
EOF
export RDUSIM_ROOT=$root
t0=$(date +%s.%N)
set +e
[ -n "${SWEEP_SPEC:-}" ] && spec=$SWEEP_SPEC
$py scripts/sweep.py "$spec" --backend slurm --runs-per-task 2 --bin "$bin" \
  --out "$work/out-slurm" --cache "$work/cache-slurm" --progress lines
rc_slurm=$?
t1=$(date +%s.%N)
$py scripts/sweep.py "$spec" --backend local --bin "$bin" \
  --out "$work/out-local" --cache "$work/cache-local" --progress lines
rc_local=$?
set -e
t2=$(date +%s.%N)
printf 'test_slurm: slurm sweep %.1f s (exit %d), local sweep %.1f s (exit %d)\n' \
  "$(echo "$t1 - $t0" | bc)" $rc_slurm "$(echo "$t2 - $t1" | bc)" $rc_local
ok=1
for f in results.csv results.json; do
  if cmp "$work/out-slurm/$f" "$work/out-local/$f"; then echo "test_slurm: $f byte-identical"; else ok=0; fi
done
n_ok=$(grep -c ",ok," "$work/out-slurm/results.csv" || true)
echo "test_slurm: ok points through slurm: $n_ok of $(($(wc -l < "$work/out-slurm/results.csv") - 1))"
if [ -z "${SWEEP_SPEC:-}" ]; then
  # one point in three (batch 0) is bad on purpose: both must exit 1, report it, and finish the rest
  [ $rc_slurm = 1 ] && [ $rc_local = 1 ] && [ "$n_ok" = 6 ] || { echo "test_slurm: FAIL: expected exit 1 and 6 ok points"; ok=0; }
else
  [ $rc_slurm = $rc_local ] || ok=0
fi
if [ $ok = 1 ]; then echo "test_slurm: PASS"; else echo "test_slurm: FAIL"; exit 1; fi
