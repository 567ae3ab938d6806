#!/usr/bin/env bash
# The Ray recipe (deploy/ray/batch.py) on a real Ray cluster of one node, started here for the
# test, in a virtual environment that already has the gpucast package (scripts/test-python.sh
# makes one and runs this with it):
#
#   bash scripts/test-ray.sh VENV
#
# It installs ray (pinned) into VENV, starts `ray start --head` on 127.0.0.1 with 2 CPUs, and
# runs batch.py over a 3-line manifest of small projects: every output must be a video of its
# project's size, frame count and duration (ffprobe); a rerun must report every line skipped and
# leave the files untouched; with one line pointing at a missing project, the run must exit 1
# naming that line while the others are skipped.
#
# The cluster runs in a network and PID namespace of its own (unshare: root, or unprivileged user
# namespaces): its only network is loopback, and `ray stop --force`, which stops every Ray process
# it can see, sees only this test's. Everything is stopped and removed on exit.
set -euo pipefail
ray_version=2.60.0
venv=$(realpath "${1:?give the virtual environment that has gpucast installed (scripts/test-python.sh)}")
root=$(cd "$(dirname "$0")/.." && pwd)
python=$venv/bin/python
export RAY_USAGE_STATS_ENABLED=0

if [ -z "${GPUCAST_RAY_NAMESPACE:-}" ]; then
  start=$(date +%s)
  [ -x "$python" ] || { echo "test-ray.sh: no Python at $python" >&2; exit 1; }
  "$python" -c 'import gpucast' 2>/dev/null \
    || { echo "test-ray.sh: gpucast is not installed in $venv (scripts/test-python.sh makes such a venv)" >&2; exit 1; }
  "$python" -m pip install -q --disable-pip-version-check "ray==$ray_version"
  echo "ray: ray $ray_version installed in $(($(date +%s) - start)) s"
  # The rest in namespaces of its own: as root, or as a user mapped to root in a user namespace.
  for as in "" --map-root-user; do
    if unshare --net --pid --fork --mount-proc $as true 2>/dev/null; then
      GPUCAST_RAY_NAMESPACE=1 GPUCAST_RAY_START=$start \
        exec unshare --net --pid --fork --kill-child=TERM --mount-proc $as bash "$0" "$venv"
    fi
  done
  echo "test-ray.sh: cannot make a network and PID namespace (unshare --net --pid needs root or" \
    "unprivileged user namespaces); without them Ray would listen on this machine's address and" \
    "\`ray stop --force\` would stop every Ray of this user here, so the test does not run" >&2
  exit 1
fi

# In the namespaces: this script is PID 1, so whatever is left when it exits is killed with it.
start=${GPUCAST_RAY_START:-$(date +%s)}
# The namespace's loopback starts down (SIOCSIFFLAGS: up, loopback, running).
"$python" -c 'import fcntl, socket, struct
fcntl.ioctl(socket.socket(), 0x8914, struct.pack("16sH14x", b"lo", 0x1 | 0x8 | 0x40))'
tmp=$(mktemp -d /tmp/gpucast-ray.XXXXXX)
cleanup() {
  local status=$?
  set +e
  "$venv/bin/ray" stop --force > "$tmp/stop.log" 2>&1
  rm -rf "$tmp"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
fail() {  # the Ray node's logs, then what failed
  local f
  for f in "$tmp/ray-start.log" "$tmp"/ray/session_latest/logs/raylet.out; do
    [ -f "$f" ] && { echo "---- ${f#"$tmp"/}" >&2; tail -n 20 "$f" >&2; }
  done
  echo "test-ray.sh: $*" >&2
  exit 1
}

t=$(date +%s)
port=$("$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$venv/bin/ray" start --head --node-ip-address=127.0.0.1 --port="$port" --include-dashboard=false \
  --num-cpus=2 --temp-dir="$tmp/ray" --disable-usage-stats > "$tmp/ray-start.log" 2>&1 \
  || fail "ray start failed"
grep -q "Local node IP: 127.0.0.1" "$tmp/ray-start.log" || fail "the Ray node is not on 127.0.0.1"
interfaces=$(awk -F: 'NR > 2 { gsub(/ /, "", $1); print $1 }' /proc/net/dev | tr '\n' ' ')
[ "$interfaces" = "lo " ] || fail "the namespace has network interfaces besides loopback: $interfaces"
echo "ray: a cluster of one node up on 127.0.0.1:$port (2 CPUs) in $(($(date +%s) - t)) s"

# Three projects of different lengths (a line rendered from another's project shows), listed
# with a blank line among them: batch.py must count lines as `gpucast batch --index` does.
work=$tmp/work
mkdir -p "$work"
seconds=(2 3 4)
for i in 0 1 2; do
  python3 "$root/scripts/make_fixture.py" "$work/p$i" --seconds "${seconds[i]}" --width 320 --height 180 \
    --fps 30 >/dev/null
done
line() { echo "{\"project\": \"$1/project.json\", \"output\": \"v$2.mp4\", \"backend\": \"cpu\", \"quality\": 30}"; }
{ line p0 0; echo; line p1 1; line p2 2; } > "$work/manifest.jsonl"
batch() {  # runs batch.py from another folder (paths are the manifest's); output in $tmp/out.log
  (cd "$tmp" && "$python" "$root/deploy/ray/batch.py" work/manifest.jsonl --address "127.0.0.1:$port" \
    --cpus 1 --reports work/reports) > "$tmp/out.log" 2>&1
}
show() { sed 's/^/  | /' "$tmp/out.log" >&2; }
reported() {  # index -> the line batch.py printed for it
  grep -E "\(index $1\)" "$tmp/out.log" || echo "(no line for index $1)"
}
lines=(1 3 4)  # the manifest's line numbers of indexes 0, 1, 2

t=$(date +%s)
batch || { s=$?; show; fail "the first run exited $s"; }
for i in 0 1 2; do
  [[ $(reported $i) == "line ${lines[i]} (index $i) v$i.mp4: done" ]] || { show; fail "index $i: $(reported $i)"; }
  v=$work/v$i.mp4
  [ -s "$v" ] || fail "no v$i.mp4"
  info=$(ffprobe -v error -count_frames -select_streams v:0 \
    -show_entries stream=width,height,nb_read_frames,duration -of csv=p=0 "$v")
  frames=$((seconds[i] * 30))
  awk -F, -v want="320,180,$frames" -v s="${seconds[i]}" \
    'BEGIN { ok = 0 } { d = $3 - s; ok = ($1 "," $2 "," $4 == want) && d < 1/30 && -d < 1/30 } END { exit !ok }' \
    <<< "$info" || fail "v$i.mp4: width,height,duration,frames $info; want 320x180, ${seconds[i]} s, $frames frames"
  [ "$(ffprobe -v error -select_streams a -show_entries stream=codec_name -of csv=p=0 "$v")" = aac ] \
    || fail "v$i.mp4 has no AAC audio"
  grep -q '"done": 1' "$work/reports/$i.json" || fail "reports/$i.json: $(cat "$work/reports/$i.json")"
done
grep -qx "ray batch: 3 lines: 3 done, 0 skipped, 0 failed" "$tmp/out.log" || { show; fail "no summary of 3 done"; }
echo "ray: batch.py rendered 3 lines as 3 Ray tasks, each video of its project's frames and length ($(($(date +%s) - t)) s)"

# A rerun skips every finished output, leaving it as it was.
before=$(stat -c '%i %s %Y' "$work"/v?.mp4)
t=$(date +%s)
batch || { s=$?; show; fail "the rerun exited $s"; }
for i in 0 1 2; do
  [[ $(reported $i) == "line ${lines[i]} (index $i) v$i.mp4: skipped" ]] || { show; fail "rerun, index $i: $(reported $i)"; }
done
[ "$(stat -c '%i %s %Y' "$work"/v?.mp4)" = "$before" ] || fail "the rerun rewrote an output"
echo "ray: rerun: every line skipped, outputs untouched ($(($(date +%s) - t)) s)"

# A line whose project is missing fails, named, and the run exits 1; the others are skipped.
{ line p0 0; echo; line gone 1; line p2 2; } > "$work/manifest.jsonl"
t=$(date +%s)
status=0
batch || status=$?
[ "$status" = 1 ] || { show; fail "with a missing project the run exited $status, not 1"; }
[[ $(reported 1) == "line 3 (index 1) v1.mp4: failed: "*gone/project.json* ]] \
  || { show; fail "the broken line is not reported failed with its project: $(reported 1)"; }
for i in 0 2; do
  [[ $(reported $i) == "line ${lines[i]} (index $i) v$i.mp4: skipped" ]] || { show; fail "broken run, index $i: $(reported $i)"; }
done
grep -q '"failed": 1' "$work/reports/1.json" || fail "reports/1.json: $(cat "$work/reports/1.json")"
grep -qx "ray batch: 3 lines: 0 done, 2 skipped, 1 failed" "$tmp/out.log" || { show; fail "no summary of 1 failed"; }
echo "ray: a missing project: its line failed and named, exit 1, the others skipped ($(($(date +%s) - t)) s)"
echo "ray: all checks passed in $(($(date +%s) - start)) s (ray's install included)"
