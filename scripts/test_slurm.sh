#!/usr/bin/env bash
# Tests sweep.py's Slurm backend against a real single-node Slurm on localhost. As root it installs
# slurm-wlm and munge if they are missing (Debian, apt; their own services are kept from starting),
# starts a private munged, slurmctld and slurmd from a minimal slurm.conf in a scratch folder, and
# checks:
#   1. a 9-point sweep (one bad point) through Slurm and locally: byte-identical tables, exit 1
#   2. kill and resume: the Slurm driver SIGKILLed twice mid-sweep, rerun: the table of an
#      uninterrupted run, byte for byte; the cache holds whole entries only
#   3. retries: a point that fails (an invalid --set value) runs 1 + retries times, is reported
#      with its error, the other points finish, exit 1; same table as the local backend
#   4. lost tasks: a task whose worker dies is submitted again (retries), then reported, the
#      other points finish
# then stops everything it started. Every wait is bounded. The last line is "N passed, M failed";
# the exit code is 0 when nothing failed.
#   bash scripts/test_slurm.sh [BUILD_DIR]      (default build/; or RDUSIM_BIN=path/to/rdusim)
#   SWEEP_SPEC=configs/sweeps/coe_ddr_hbm.json bash scripts/test_slurm.sh    (check 1 on another sweep)
#   KEEP=1 bash scripts/test_slurm.sh           (keep the scratch folder with logs and tables)
# Needs root (installs packages, runs slurmd as root), so it is not part of ctest.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
bin=$(realpath -m "${RDUSIM_BIN:-$root/${1:-build}/rdusim}")
py=/usr/bin/python3
t_start=$(date +%s%N)
passed=0 failed=0 work="" made_policy=0 daemons=0 drv=""

say() { echo "test_slurm: $*"; }
pass() { passed=$((passed + 1)); say "PASS: $*"; }
fail() { failed=$((failed + 1)); say "FAIL: $*"; }
check() { local what=$1; shift; if "$@"; then pass "$what"; else fail "$what"; return 1; fi; }
# check_log LOG WHAT COMMAND...: a check that shows the end of LOG when it fails
check_log() { local log=$1; shift; check "$@" || { tail -n 8 "$log" | sed 's/^/test_slurm:   | /'; return 1; }; }
die() { fail "$*"; exit 1; }          # the EXIT trap cleans up and prints the summary
now_ns() { date +%s%N; }
since() { local d=$((($(now_ns) - $1) / 100000000)); echo "$((d / 10)).$((d % 10))"; }   # seconds since $1 (ns)
# wait_for SECONDS WHAT COMMAND...: polls COMMAND; on timeout says what it waited for, returns 1
wait_for() {
  local limit=$1 what=$2 end
  shift 2
  end=$(($(date +%s) + limit))
  until "$@"; do
    if [ "$(date +%s)" -ge "$end" ]; then say "timed out after $limit s waiting for $what"; return 1; fi
    sleep 0.2
  done
}

# The processes this test started that still run: everything whose command line or environment
# names the private scratch folder (the daemons, drivers, workers, job steps).
# (bash builtins only: a fork per process would make a scan take seconds on a busy machine)
args_of() { mapfile -d '' -t args < "/proc/$1/$2"; } 2> /dev/null   # args_of PID cmdline|environ
ours() {
  local p args
  for p in /proc/[0-9]*; do
    p=${p#/proc/}
    [ "$p" = $$ ] || [ "$p" = "$BASHPID" ] && continue
    args=()
    args_of "$p" cmdline
    if [[ "${args[*]}" == *"$work"* ]]; then echo "$p"; continue; fi
    args=()
    args_of "$p" environ
    [[ " ${args[*]} " == *" SLURM_CONF=$work/"* ]] && echo "$p"
  done
  return 0
}
node_idle() { [ "$(timeout 10 sinfo -h -N -o %t 2> /dev/null | head -1)" = idle ]; }
queue_empty() { local q; q=$(timeout 10 squeue -h -o %i 2> /dev/null) && [ -z "$q" ]; }
stop_pid() {   # stop_pid PID NAME: TERM, up to 10 s, then KILL
  local pid=$1
  kill -0 "$pid" 2> /dev/null || return 0
  kill "$pid" 2> /dev/null
  wait_for 10 "$2 (pid $pid) to stop" sh -c "! kill -0 $pid 2> /dev/null" || kill -9 "$pid" 2> /dev/null
  return 0
}

cleanup() {
  local code=$? p left
  trap - EXIT INT TERM
  [ -n "$drv" ] && { kill -9 "$drv" 2> /dev/null; wait "$drv" 2> /dev/null; }   # a driver still running
  [ "$made_policy" = 1 ] && rm -f /usr/sbin/policy-rc.d
  if [ -n "$work" ] && [ -d "$work" ]; then
    if [ -s "$work/slurmctld.pid" ] && kill -0 "$(cat "$work/slurmctld.pid")" 2> /dev/null; then
      timeout 10 scancel --user=root 2> /dev/null
      wait_for 20 "the jobs to end" queue_empty > /dev/null
    fi
    for p in slurmd slurmctld munged; do
      [ -s "$work/$p.pid" ] && stop_pid "$(cat "$work/$p.pid")" "$p"
    done
    left=$(ours)
    if [ -n "$left" ]; then
      fail "processes still running after the daemons stopped, killed: $(echo $left)"
      for p in $left; do kill -9 "$p" 2> /dev/null; done
    elif [ "$daemons" = 1 ]; then
      pass "daemons stopped, no process of this test left"
    fi
    if [ "${KEEP:-0}" = 1 ]; then say "kept $work"; else rm -rf "$work"; fi
  fi
  say "total $(since "$t_start") s"
  echo "$passed passed, $failed failed"
  if [ "$failed" -gt 0 ]; then exit 1; fi
  exit "$code"
}
trap cleanup EXIT
trap 'fail "interrupted"; exit 130' INT TERM

[ -x "$bin" ] || die "no rdusim binary at $bin (build first, or set RDUSIM_BIN)"
[ "$(id -u)" -eq 0 ] || die "needs root (installs packages, runs slurmd as root)"

# --- packages: only when a command is missing ---------------------------------------------------
missing=()
for c in slurmctld slurmd sbatch squeue sinfo scancel munged munge unmunge; do
  command -v "$c" > /dev/null || [ -x "/usr/sbin/$c" ] || missing+=("$c")
done
if [ ${#missing[@]} -gt 0 ]; then
  t=$(now_ns)
  say "installing slurm-wlm and munge (missing: ${missing[*]})"
  if [ ! -e /usr/sbin/policy-rc.d ]; then   # the packages must not start their system services
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d && made_policy=1
  fi
  apt="timeout 600 apt-get -o DPkg::Lock::Timeout=120 -qq"
  $apt update > "/tmp/test_slurm-apt.log" 2>&1 \
    && DEBIAN_FRONTEND=noninteractive $apt install -y --no-install-recommends slurm-wlm munge >> "/tmp/test_slurm-apt.log" 2>&1 \
    || { tail -5 /tmp/test_slurm-apt.log; die "apt-get could not install slurm-wlm and munge (log: /tmp/test_slurm-apt.log)"; }
  [ "$made_policy" = 1 ] && rm -f /usr/sbin/policy-rc.d && made_policy=0
  say "installed in $(since "$t") s"
fi
export PATH=$PATH:/usr/sbin
id munge > /dev/null 2>&1 || die "no munge user (the munge package should have made it)"

# --- daemons: a private munged, slurmctld and slurmd ------------------------------------------
t=$(now_ns)
work=$(mktemp -d /tmp/rdusim-slurm.XXXXXX)
chmod 755 "$work"
# munge: a private key, socket and daemon, so a system munged (if any) is left alone.
mkdir -p "$work/munge"
chown munge:munge "$work/munge"
chmod 711 "$work/munge"
dd if=/dev/urandom of="$work/munge/munge.key" bs=1024 count=1 status=none
chown munge:munge "$work/munge/munge.key"
chmod 400 "$work/munge/munge.key"
sock=$work/munge/munge.sock
timeout 20 runuser -u munge -- munged --key-file="$work/munge/munge.key" --socket="$sock" \
  --pid-file="$work/munge/munged.pid" --log-file="$work/munge/munged.log" --seed-file="$work/munge/munged.seed" \
  || die "munged did not start: $(tail -3 "$work/munge/munged.log" 2> /dev/null)"
munge_ok() { [ -s "$work/munge/munged.pid" ] && timeout 5 munge -S "$sock" -n 2> /dev/null | timeout 5 unmunge -S "$sock" > /dev/null 2>&1; }
wait_for 15 "munged to answer" munge_ok || die "munged did not come up: $(tail -3 "$work/munge/munged.log")"
cp "$work/munge/munged.pid" "$work/munged.pid"
daemons=1

node=$(hostname -s)
# 8 job slots whatever the cores (config_overrides: slurmd takes slurm.conf's word): the test's
# runs are tiny or sleep, and Slurm schedules in waves about a second apart, so slots save time
cpus=8
# two free neighbouring ports for slurmctld and slurmd
port=$($py -c '
import random, socket
for _ in range(200):
    p = random.randint(20000, 60000)
    ss = [socket.socket(), socket.socket()]
    try:
        for s, q in zip(ss, (p, p + 1)):
            s.bind(("", q))
        print(p)
        break
    except OSError:
        pass
    finally:
        for s in ss:
            s.close()
') || die "no free port"
mkdir -p "$work/state" "$work/spool" "$work/log"
cat > "$work/slurm.conf" << EOF
ClusterName=rdusimtest
SlurmctldHost=$node(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$sock
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
SlurmdParameters=config_overrides
ReturnToService=2
SlurmctldTimeout=30
SlurmdTimeout=30
MessageTimeout=10
InactiveLimit=0
KillWait=2
MinJobAge=5
MaxArraySize=10001
NodeName=$node NodeAddr=127.0.0.1 CPUs=$cpus State=UNKNOWN
PartitionName=test Nodes=$node Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF=$work/slurm.conf
timeout 30 slurmctld -f "$SLURM_CONF" || die "slurmctld did not start: $(tail -3 "$work/log/slurmctld.log" 2> /dev/null)"
timeout 30 slurmd -f "$SLURM_CONF" || die "slurmd did not start: $(tail -3 "$work/log/slurmd.log" 2> /dev/null)"
if wait_for 40 "the node to become idle" node_idle; then
  pass "slurmctld and slurmd up ($node, $cpus CPUs, port $port) in $(since "$t") s"
else
  tail -5 "$work"/log/*.log
  die "the node never became idle (state '$(timeout 10 sinfo -h -N -o %t 2> /dev/null)')"
fi

export RDUSIM_ROOT=$root
# sweep ARGS...: sweep.py, bounded: a hang is a failure with a message, not a stuck CI
sweep() {
  timeout -k 5 240 $py scripts/sweep.py "$@"
  local rc=$?
  [ $rc = 124 ] && say "sweep.py $1 hung: killed after 240 s"
  [ $rc = 130 ] && { fail "interrupted"; exit 130; }   # Ctrl-C reached sweep.py (bash then ignores it)
  return $rc
}
same_tables() {   # same_tables DIR_A DIR_B: results.csv and results.json byte-identical
  local f ok=0
  for f in results.csv results.json; do cmp "$1/$f" "$2/$f" || ok=1; done
  return $ok
}
cache_clean() {   # only whole, valid entries <2 hex>/<key>.json; tmp/ (run folders) empty
  $py - "$1" << 'EOF'
import os, re, sys
sys.path.insert(0, "scripts")
from sweeplib.run import cache_load
cache, bad = sys.argv[1], []
for dirpath, dirnames, filenames in os.walk(cache):
    rel = os.path.relpath(dirpath, cache)
    if rel == "tmp":
        bad += dirnames + filenames
        dirnames[:] = []
        continue
    for n in filenames:
        path = n if rel == "." else os.path.join(rel, n)
        if not re.match(r"^[0-9a-f]{2}/[0-9a-f]{64}\.json$", path) or cache_load(cache, n[:-5]) is None:
            bad.append(path)
if bad:
    print("test_slurm: not whole cache entries:", " ".join(sorted(bad)[:10]))
sys.exit(1 if bad else 0)
EOF
}
rows() { tail -n +2 "$1/results.csv" | cut -d, -f"$2" | tr '\n' ' ' | sed 's/ $//'; }

# A wrapper around rdusim that logs each run ($SWEEP_TEST_LOG), can be slowed down
# ($SWEEP_TEST_DELAY) and kills the Slurm worker that runs it when its arguments contain
# $SWEEP_TEST_KILL_ARG. Slurm jobs get the submitting environment, so the variables reach them.
wrap=$work/rdusim
cat > "$wrap" << EOF
#!/bin/sh
echo "\$*" >> "\${SWEEP_TEST_LOG:-/dev/null}"
[ -n "\${SWEEP_TEST_DELAY:-}" ] && sleep "\$SWEEP_TEST_DELAY"
case "\$*" in *"\${SWEEP_TEST_KILL_ARG:-@none@}"*) kill -9 "\$PPID" ;; esac
exec "$bin" "\$@"
EOF
chmod 755 "$wrap"

# --- 1. the same sweep through Slurm and locally ------------------------------------------------
spec=$work/spec.json
cat > "$spec" << 'EOF'
{"name": "slurm_check",
 "base": {"phase": "decode", "context": 1024},
 "vary": {"product": [{"param": "machine/socket/hbm/bandwidth_gbps", "name": "hbm_gbps", "values": [900, 1800, 3600]},
                      {"zip": [{"param": "batch", "values": [1, 4, 0]},
                               {"param": "chunks", "values": [16, 32, 16]}]}]},
 "metrics": ["run/*", "rdu0/hbm/utilization"]}
EOF
[ -n "${SWEEP_SPEC:-}" ] && spec=$SWEEP_SPEC
t=$(now_ns)
sweep "$spec" --backend slurm --runs-per-task 2 --bin "$bin" --out "$work/out-slurm" --cache "$work/cache-slurm" \
  --progress none 2> "$work/check1-slurm.err"
rc_slurm=$?
t1=$(now_ns)
sweep "$spec" --backend local --bin "$bin" --out "$work/out-local" --cache "$work/cache-local" \
  --progress none 2> "$work/check1-local.err"
rc_local=$?
say "check 1: slurm sweep $(since "$t") s (exit $rc_slurm), local $(since "$t1") s (exit $rc_local)"
check_log "$work/check1-slurm.err" "1: slurm and local tables byte-identical" same_tables "$work/out-slurm" "$work/out-local"
if [ -z "${SWEEP_SPEC:-}" ]; then
  # one point in three (batch 0) is bad on purpose: both must exit 1, report it, and finish the rest
  n_ok=$(grep -c ",ok," "$work/out-slurm/results.csv")
  check_log "$work/check1-slurm.err" "1: both exit 1 with 6 of 9 points ok (slurm exit $rc_slurm, local $rc_local, $n_ok ok)" \
    test "$rc_slurm$rc_local$n_ok" = 116
else
  check "1: same exit code (slurm $rc_slurm, local $rc_local)" test "$rc_slurm" = "$rc_local"
fi

# --- 2. kill the Slurm driver (SIGKILL) mid-sweep, twice, then run it to the end ---------------
t=$(now_ns)
cat > "$work/kill.json" << 'EOF'
{"name": "slurm_kill", "base": {"phase": "decode", "context": 128, "chunks": 8},
 "vary": {"param": "batch", "range": {"start": 1, "stop": 10, "step": 1}}, "metrics": ["run/total_ns", "run/model_events"]}
EOF
kargs=("$work/kill.json" --bin "$wrap" --progress none)
sweep "${kargs[@]}" --backend local --cache "$work/cache-kill-ref" --out "$work/out-kill-ref" 2> "$work/check2-ref.err"
check "2: uninterrupted local reference exits 0" test $? = 0
entries() { find "$work/cache-kill" -name '[0-9a-f]*.json' 2> /dev/null | wc -l; }
no_sbatch_wait() {   # no `sbatch --wait` of the killed sweeps is left (the jobs themselves go on)
  local p args
  for p in /proc/[0-9]*; do
    args=()
    args_of "${p#/proc/}" cmdline
    [[ "${args[*]}" == "sbatch --parsable --wait $work/out-kill/slurm"* ]] && return 1
  done
  return 0
}
drv_gone() { [ -z "$drv" ] || ! kill -0 "$drv" 2> /dev/null; }
submitted() { grep -q 'slurm: job' "$work/check2-kill$k.err" || drv_gone; }
landed() { [ "$(entries)" -gt "$before" ] || drv_gone; }
kills=0
for k in 1 2; do
  before=$(entries)
  SWEEP_TEST_DELAY=2 SWEEP_TEST_LOG=$work/kill-runs.log $py scripts/sweep.py "${kargs[@]}" \
    --backend slurm --runs-per-task 1 --cache "$work/cache-kill" --out "$work/out-kill" 2> "$work/check2-kill$k.err" &
  drv=$!
  if [ $k = 1 ]; then   # as soon as the job is in Slurm, before any result
    wait_for 60 "the sweep to kill to submit its job" submitted
  else                  # once results are landing
    wait_for 60 "a result of the sweep to kill" landed
  fi
  if kill -0 "$drv" 2> /dev/null; then kill -9 "$drv" && kills=$((kills + 1)); fi
  wait "$drv" 2> /dev/null
  drv=""   # reaped: its pid may be reused, never signal it again
  say "check 2: driver SIGKILLed ($k), $(entries) of 10 results cached"
  wait_for 10 "sbatch --wait to die with its sweep" no_sbatch_wait || fail "2: sbatch --wait outlived the killed sweep"
done
check "2: the driver was killed mid-sweep twice ($kills kills)" test $kills = 2
sweep "${kargs[@]}" --backend slurm --runs-per-task 1 --cache "$work/cache-kill" --out "$work/out-kill" 2> "$work/check2-resume.err"
rc=$?
grep -h "points,\|computed" "$work/check2-resume.err" | sed 's/^/test_slurm:   /'
check_log "$work/check2-resume.err" "2: the resumed sweep exits 0 (exit $rc)" test $rc = 0
check "2: resumed table byte-identical to the uninterrupted one" same_tables "$work/out-kill" "$work/out-kill-ref"
# the killed sweeps' jobs go on in Slurm; once they end, the cache must hold whole entries only
wait_for 90 "the killed sweeps' jobs to end" queue_empty
check "2: cache holds whole entries only" cache_clean "$work/cache-kill"
say "check 2: $(since "$t") s"

# --- 3. retries of a failing run --------------------------------------------------------------
t=$(now_ns)
cat > "$work/retry.json" << 'EOF'
{"name": "slurm_retry", "base": {"phase": "decode", "context": 128, "chunks": 8},
 "vary": {"param": "batch", "values": [1, "x", 2]}, "metrics": ["run/total_ns"], "retries": 2}
EOF
SWEEP_TEST_LOG=$work/retry-runs.log sweep "$work/retry.json" --backend slurm --runs-per-task 3 --bin "$wrap" \
  --cache "$work/cache-retry" --out "$work/out-retry" --progress none 2> "$work/check3.err"
rc=$?
x_runs=$(grep -cs 'batch="x"' "$work/retry-runs.log")
all_runs=$(cat "$work/retry-runs.log" 2> /dev/null | wc -l)
check_log "$work/check3.err" "3: exit 1, the others finish (exit $rc, statuses: $(rows "$work/out-retry" 3))" \
  test "$rc $(rows "$work/out-retry" 3)" = "1 ok error ok"
check "3: the bad point ran 1 + 2 retries times, the others once ($x_runs and $all_runs runs)" test "$x_runs $all_runs" = "3 5"
check_log "$work/check3.err" "3: reported with its error and attempts" grep -q 'point 1 .*/batch: expected an integer (3 attempts)' "$work/check3.err"
sweep "$work/retry.json" --backend local --bin "$wrap" --cache "$work/cache-retry-local" --out "$work/out-retry-local" \
  --progress none 2> /dev/null
check "3: same table as the local backend" same_tables "$work/out-retry" "$work/out-retry-local"
say "check 3: $(since "$t") s"

# --- 4. a task whose worker dies is submitted again, then reported ----------------------------
t=$(now_ns)
cat > "$work/lost.json" << 'EOF'
{"name": "slurm_lost", "base": {"phase": "decode", "batch": 1, "chunks": 8},
 "vary": {"param": "context", "values": [128, 129, 130]}, "metrics": ["run/total_ns"]}
EOF
SWEEP_TEST_KILL_ARG="context=129" SWEEP_TEST_LOG=$work/lost-runs.log sweep "$work/lost.json" --backend slurm \
  --runs-per-task 3 --retries 1 --bin "$wrap" --cache "$work/cache-lost" --out "$work/out-lost" --progress none \
  2> "$work/check4.err"
rc=$?
k_runs=$(grep -cs 'context=129' "$work/lost-runs.log")
check_log "$work/check4.err" "4: exit 1, the others finish (exit $rc, statuses: $(rows "$work/out-lost" 3))" \
  test "$rc $(rows "$work/out-lost" 3)" = "1 ok error ok"
check "4: the lost run was submitted 1 + 1 retry times ($k_runs runs)" test "$k_runs" = 2
check "4: resubmission announced" grep -q "submitting them again (retry 1 of 1)" "$work/check4.err"
check_log "$work/check4.err" "4: reported as lost by Slurm" grep -q "point 1 .*no result from Slurm (job .* submitted 2 times)" "$work/check4.err"
say "check 4: $(since "$t") s"
