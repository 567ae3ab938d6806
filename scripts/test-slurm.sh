#!/usr/bin/env bash
# The Slurm recipes on a real Slurm cluster of one node, started here for the test: munged,
# slurmctld and slurmd with a throwaway configuration, everything under a temporary folder, no
# systemd needed (a CI machine or a container). Then:
# - deploy/slurm/batch.sbatch submitted as an array over a 3-line manifest: every task must
#   complete and report its line done;
# - deploy/slurm/shard.sbatch submitted as a 4-task array and join.sbatch after it with
#   --dependency=afterok (lossless, 300 s): the joined video must have the frame count and
#   duration of a whole render of the same project, pass FFmpeg's strictest decode, and decode
#   to exactly its frames and audio; a shard resubmitted alone keeps its finished part.
# Needs root (it starts the daemons) and Debian's slurm-wlm and munge, which it installs if they
# are missing. Uses target/debug/gpucast (or $GPUCAST). Everything it started is stopped on exit.
set -euo pipefail
seconds=300           # length of the sharded project (the issue's 300 s; small frames keep it quick)
width=320 height=180
shards=4
port=${SLURM_TEST_PORT:-16817}  # slurmctld's; slurmd takes the next. Not 6817: a real Slurm may run here
timeout=300           # seconds to wait for each submission's jobs

root=$(cd "$(dirname "$0")/.." && pwd)
gpucast=${GPUCAST:-$root/target/debug/gpucast}
[ -x "$gpucast" ] || { echo "no gpucast at $gpucast: cargo build first" >&2; exit 1; }
gpucast=$(realpath "$gpucast")
[ "$(id -u)" -eq 0 ] || { echo "test-slurm.sh: run as root (it starts munged, slurmctld and slurmd)" >&2; exit 1; }
if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null \
    || ! command -v sbatch >/dev/null || ! command -v munged >/dev/null; then
  echo "installing: slurm-wlm munge"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends slurm-wlm munge >/dev/null
fi
start=$SECONDS

# Under /tmp, not $TMPDIR: slurmd puts Unix sockets in its spool folder, and their paths must
# stay under 108 bytes.
tmp=$(mktemp -d /tmp/gpucast-slurm.XXXXXX)
chmod 711 "$tmp"  # munged wants its socket's folder searchable by all
daemons=()        # pids, in the order started
submitted=()      # job ids
cleanup() {
  local status=$?
  set +e
  # Jobs left running (a failed or interrupted test) are cancelled while slurmd still runs:
  # slurmstepd and the job's processes are not children of the daemons.
  if [ "${#submitted[@]}" -gt 0 ]; then
    scancel "${submitted[@]}" 2>/dev/null
    for _ in $(seq 20); do
      [ -z "$(squeue -h -o %i 2>/dev/null)" ] && break
      sleep 0.5
    done
  fi
  local i
  for ((i = ${#daemons[@]} - 1; i >= 0; i--)); do kill "${daemons[i]}" 2>/dev/null; done
  for ((i = ${#daemons[@]} - 1; i >= 0; i--)); do wait "${daemons[i]}" 2>/dev/null; done
  rm -rf "$tmp"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

logs() {  # what to read when something failed
  local f
  for f in "$tmp"/*.log "$tmp"/work*/logs/*; do
    [ -f "$f" ] || continue
    echo "---- ${f#"$tmp"/}" >&2
    tail -n 40 "$f" >&2
  done
}
fail() { echo "test-slurm.sh: $*" >&2; logs; exit 1; }

# MUNGE, which Slurm authenticates with: a daemon and key of our own, on a socket of our own.
mkdir -p "$tmp/munge"
mungekey --create --keyfile="$tmp/munge/munge.key"
# --force: munged refuses to run as root otherwise.
munged --foreground --force --socket="$tmp/munge/socket" --key-file="$tmp/munge/munge.key" \
  --pid-file="$tmp/munge/munged.pid" --seed-file="$tmp/munge/seed" --log-file="$tmp/munged.log" \
  > "$tmp/munged.out" 2>&1 &
daemons+=($!)
for _ in $(seq 50); do [ -S "$tmp/munge/socket" ] && break; sleep 0.1; done
munge -n -S "$tmp/munge/socket" | unmunge -S "$tmp/munge/socket" >/dev/null \
  || fail "munge: a credential does not decode"

# The cluster: this machine, as its only node, with its real CPUs and most of its memory.
host=$(hostname -s)
cpus=$(nproc)
mem=$(awk '/^MemTotal:/ { m = int($2 / 1024) - 1024; print (m < 1024 ? 1024 : m) }' /proc/meminfo)
mkdir -p "$tmp/state" "$tmp/spool"
cat > "$tmp/slurm.conf" <<EOF
ClusterName=gpucast-test
# The address given, so that the node's name need not resolve.
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$tmp/munge/socket
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool
SlurmctldPidFile=$tmp/slurmctld.pid
SlurmdPidFile=$tmp/slurmd.pid
SlurmctldLogFile=$tmp/slurmctld.log
SlurmdLogFile=$tmp/slurmd.log
# No cgroups (containers often cannot use them), no accounting database, no MPI.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
SwitchType=switch/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/builtin
# A job whose dependency failed is cancelled instead of pending for ever.
SchedulerParameters=kill_invalid_depend
ReturnToService=2
# Finished jobs stay in slurmctld's memory, where scontrol reads their states and exit codes.
MinJobAge=3600
# The node as configured here, whatever the hardware count says (CPUs given without sockets).
SlurmdParameters=config_overrides
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF=$tmp/slurm.conf
slurmctld -D -f "$SLURM_CONF" > "$tmp/slurmctld.out" 2>&1 &
daemons+=($!)
slurmd -D -f "$SLURM_CONF" -N "$host" > "$tmp/slurmd.out" 2>&1 &
daemons+=($!)
state=""
for _ in $(seq 120); do
  state=$(sinfo -h -N -o %T 2>/dev/null || true)
  [ "$state" = idle ] && break
  for pid in "${daemons[@]}"; do
    kill -0 "$pid" 2>/dev/null || { cat "$tmp"/*.out >&2; fail "a daemon exited"; }
  done
  sleep 0.5
done
[ "$state" = idle ] || { cat "$tmp"/*.out >&2; fail "the node is not idle after 60 s (sinfo: ${state:-nothing})"; }
echo "slurm: a cluster of one node up ($host, $cpus CPUs, $(sinfo -V)) in $((SECONDS - start)) s"

# The jobs find gpucast on the PATH, which sbatch passes on with the rest of the environment.
mkdir -p "$tmp/bin"
ln -s "$gpucast" "$tmp/bin/gpucast"
export PATH="$tmp/bin:$PATH"
# The recipes ask for 4 CPUs and 4 GB a task, more than a CI machine may have; the node runs as
# many tasks at once as its CPUs allow either way.
fit=(--cpus-per-task=1 --mem=256M)

final='JobState=(COMPLETED|FAILED|CANCELLED|TIMEOUT|OUT_OF_MEMORY|NODE_FAIL|BOOT_FAIL|DEADLINE|PREEMPTED) '
wait_jobs() {  # JOBID...: waits until every task has ended; each must have completed, exit 0
  local deadline=$((SECONDS + timeout)) lines line id
  for id in "$@"; do
    # One line a task (an array's pending tasks share one); scontrol keeps ended ones (MinJobAge).
    while lines=$(scontrol -o show job "$id") && grep -Evq "$final" <<< "$lines"; do
      [ "$SECONDS" -lt "$deadline" ] || { echo "$lines" >&2; fail "job $id still running after $timeout s"; }
      sleep 1
    done
    [ -n "$lines" ] || fail "scontrol knows no job $id"
    while read -r line; do
      [[ $line == *" JobState=COMPLETED "* && $line == *" ExitCode=0:0 "* ]] || {
        echo "$line" >&2
        fail "job $id: $(grep -Eo '(ArrayTaskId|JobName|JobState|Reason|ExitCode)=[^ ]*' <<< "$line" | tr '\n' ' ')"
      }
    done <<< "$lines"
  done
}

# The batch recipe: an array over three small projects, as the header of batch.sbatch says.
mkdir -p "$tmp/work/logs"
for i in 0 1 2; do
  python3 "$root/scripts/make_fixture.py" "$tmp/work/p$i" --seconds 2 --width 160 --height 90 >/dev/null
  echo "{\"project\": \"p$i/project.json\", \"output\": \"v$i.mp4\", \"backend\": \"cpu\"}" >> "$tmp/work/manifest.jsonl"
done
t=$SECONDS
lines=$(grep -c . "$tmp/work/manifest.jsonl")
id=$(cd "$tmp/work" && sbatch --parsable "${fit[@]}" --array=0-$((lines - 1)) \
  "$root/deploy/slurm/batch.sbatch" manifest.jsonl)
submitted+=("$id")
wait_jobs "$id"
for i in 0 1 2; do
  grep -q '"done": 1' "$tmp/work/reports/$i.json" || fail "reports/$i.json: $(cat "$tmp/work/reports/$i.json")"
  [ -s "$tmp/work/v$i.mp4" ] || fail "task $i wrote no v$i.mp4"
done
echo "slurm: batch.sbatch as a 3-task array: every task completed and rendered its line ($((SECONDS - t)) s)"

# The shard recipe: one project split over a 4-task array, joined after it by a dependent job.
gpucast join --help >/dev/null 2>&1 \
  || { echo "test-slurm.sh: this gpucast has no join subcommand, which the shard recipes use" >&2; exit 1; }
frames() { ffprobe -v error -count_frames -select_streams v:0 -show_entries stream=nb_read_frames -of csv=p=0 "$1"; }
duration() { ffprobe -v error -show_entries format=duration -of csv=p=0 "$1"; }
mkdir -p "$tmp/work2/logs"
python3 "$root/scripts/make_fixture.py" "$tmp/work2" --seconds "$seconds" --width "$width" --height "$height" >/dev/null
t=$SECONDS
(cd "$tmp/work2" && gpucast -q render project.json --backend cpu --quality 0 -o whole.mp4)
whole_s=$((SECONDS - t))
t=$SECONDS
id=$(cd "$tmp/work2" && sbatch --parsable "${fit[@]}" --array=0-$((shards - 1)) \
  "$root/deploy/slurm/shard.sbatch" project.json "$shards" --backend cpu --quality 0)
submitted+=("$id")
join_id=$(cd "$tmp/work2" && sbatch --parsable "${fit[@]}" --dependency="afterok:$id" \
  "$root/deploy/slurm/join.sbatch" project.json "$shards" video.mp4)
submitted+=("$join_id")
wait_jobs "$id" "$join_id"
video=$tmp/work2/video.mp4 whole=$tmp/work2/whole.mp4
[ -s "$video" ] || fail "the join job wrote no video.mp4"
n=$(frames "$video") n_whole=$(frames "$whole")
[ "$n" = "$n_whole" ] || fail "the joined video has $n frames, the whole render $n_whole"
rate=$(ffprobe -v error -select_streams v:0 -show_entries stream=r_frame_rate -of csv=p=0 "$whole")
d=$(duration "$video") d_whole=$(duration "$whole")
awk -v a="$d" -v b="$d_whole" -v r="$rate" \
  'BEGIN { split(r, f, "/"); x = a - b; if (x < 0) x = -x; exit !(x <= f[2] / f[1] + 1e-6) }' \
  || fail "the joined video lasts $d s, the whole render $d_whole s"
[ -n "$(ffprobe -v error -select_streams a -show_entries stream=codec_name -of csv=p=0 "$video")" ] \
  || fail "the joined video has no audio stream"
errors=$(ffmpeg -nostdin -v warning -err_detect +crccheck+bitstream+buffer+explode -i "$video" -f null - 2>&1)
[ -z "$errors" ] || fail "the joined video does not decode cleanly: $errors"
# Lossless parts: the joined video decodes to exactly the whole render's frames and audio.
md5s() { ffmpeg -nostdin -v error -i "$1" -map 0:v -f framemd5 - | grep -v '^#' | md5sum; ffmpeg -nostdin -v error -i "$1" -map 0:a -f md5 -; }
[ "$(md5s "$video")" = "$(md5s "$whole")" ] || fail "the joined video's frames or audio differ from the whole render's"
echo "slurm: $shards shards + join on a single-node cluster: $n frames, identical to the whole render" \
  "(${seconds} s at ${width}x$height: sharded $((SECONDS - t)) s, whole $whole_s s)"

# One shard resubmitted alone, as shard.sbatch's header says to after a failure: the same part,
# already finished, is kept (the same file, not rewritten).
inode=$(stat -c %i "$tmp/work2/parts/part-2.mkv")
id=$(cd "$tmp/work2" && sbatch --parsable "${fit[@]}" --array=2 \
  "$root/deploy/slurm/shard.sbatch" project.json "$shards" --backend cpu --quality 0)
submitted+=("$id")
wait_jobs "$id"
[ "$(stat -c %i "$tmp/work2/parts/part-2.mkv")" = "$inode" ] || fail "shard 2 resubmitted rendered its part again"
echo "slurm: shard 2 resubmitted alone kept its finished part; all $((SECONDS - start)) s"
