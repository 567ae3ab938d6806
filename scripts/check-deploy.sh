#!/usr/bin/env bash
# Checks the recipes in deploy/ as far as this machine allows:
# - every Kubernetes manifest validated offline against the Kubernetes schemas, strictly
#   (kubernetes-validate, from PyPI, in a throwaway virtual environment);
# - the batch Job's container command, as written in deploy/k8s/batch-job.yaml, run here for each
#   JOB_COMPLETION_INDEX over a small manifest in a folder standing in for the volume;
# - the Slurm array script run here for each SLURM_ARRAY_TASK_ID the same way;
# - the shard Job's command (deploy/k8s/shard-job.yaml) run for each JOB_COMPLETION_INDEX, then
#   the join Job's; shard.sbatch for each SLURM_ARRAY_TASK_ID, then join.sbatch.
# Each index must render its line, and the reports must say so; each joined video must have the
# frames of a whole render. Uses target/debug/gpucast (or $GPUCAST). scripts/test-slurm.sh runs
# the Slurm recipes on a real (one-node) Slurm cluster.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
gpucast=${GPUCAST:-$root/target/debug/gpucast}
[ -x "$gpucast" ] || { echo "no gpucast at $gpucast: cargo build first" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 -m venv "$tmp/venv"
"$tmp/venv/bin/python" -m pip install -q --disable-pip-version-check kubernetes-validate
"$tmp/venv/bin/kubernetes-validate" --strict --quiet "$root"/deploy/k8s/*.yaml
echo "deploy/k8s: every manifest valid (kubernetes-validate --strict)"

# A stand-in for the shared volume: three small projects and a manifest.
mkdir -p "$tmp/bin" "$tmp/work"
ln -s "$gpucast" "$tmp/bin/gpucast"
for i in 0 1 2; do
  python3 "$root/scripts/make_fixture.py" "$tmp/work/p$i" --seconds 2 --width 160 --height 90 >/dev/null
  echo "{\"project\": \"p$i/project.json\", \"output\": \"v$i.mp4\", \"backend\": \"cpu\"}" >> "$tmp/work/manifest.jsonl"
done
# The container's command line, read from the Job itself.
cmd=$("$tmp/venv/bin/python" -c '
import sys, yaml
job = yaml.safe_load(open(sys.argv[1]))
c = job["spec"]["template"]["spec"]["containers"][0]
print(c["args"][0])' "$root/deploy/k8s/batch-job.yaml")
for i in 0 1 2; do
  (cd "$tmp/work" && PATH="$tmp/bin:$PATH" JOB_COMPLETION_INDEX=$i sh -c "$cmd" 2>/dev/null)
  grep -q '"done": 1' "$tmp/work/reports/$i.json"
  [ -s "$tmp/work/v$i.mp4" ]
done
echo "deploy/k8s/batch-job.yaml: the container's command rendered line 0, 1 and 2 by JOB_COMPLETION_INDEX"
rm -f "$tmp"/work/v*.mp4
for i in 0 1 2; do
  (cd "$tmp/work" && PATH="$tmp/bin:$PATH" SLURM_ARRAY_TASK_ID=$i bash "$root/deploy/slurm/batch.sbatch" manifest.jsonl 2>/dev/null)
  grep -q '"done": 1' "$tmp/work/reports/$i.json"
  [ -s "$tmp/work/v$i.mp4" ]
done
# A retried task redoes nothing.
(cd "$tmp/work" && PATH="$tmp/bin:$PATH" SLURM_ARRAY_TASK_ID=1 bash "$root/deploy/slurm/batch.sbatch" manifest.jsonl 2>/dev/null)
grep -q '"skipped": 1' "$tmp/work/reports/1.json"
echo "deploy/slurm/batch.sbatch: rendered line 0, 1 and 2 by SLURM_ARRAY_TASK_ID; a retried task skipped its finished output"

# The shard recipes: one project rendered in parts by index, joined, and compared with a whole
# render of it.
"$gpucast" join --help >/dev/null 2>&1 \
  || { echo "check-deploy.sh: this gpucast has no join subcommand, which the shard recipes use" >&2; exit 1; }
quiet() { "$@" 2>"$tmp/stderr" || { cat "$tmp/stderr" >&2; return 1; }; }
frames() { ffprobe -v error -count_frames -select_streams v:0 -show_entries stream=nb_read_frames -of csv=p=0 "$1"; }
mkdir -p "$tmp/video"
python3 "$root/scripts/make_fixture.py" "$tmp/video" --seconds 6 --width 160 --height 90 >/dev/null
quiet "$gpucast" render "$tmp/video/project.json" --backend cpu -o "$tmp/whole.mp4"
whole=$(frames "$tmp/whole.mp4")
# The Jobs' command lines, and the shard count, which the shard Job states twice.
spec=$("$tmp/venv/bin/python" -c '
import sys, yaml
shard, join = (yaml.safe_load(open(f)) for f in sys.argv[1:])
n = shard["spec"]["completions"]
cmd = lambda job: job["spec"]["template"]["spec"]["containers"][0]["args"][0]
assert f"--shard auto/{n} " in cmd(shard), "shard-job.yaml: completions is not the N of --shard auto/N"
parts = " ".join(f"parts/part-{i}.mkv" for i in range(n))
assert f" {parts} " in cmd(join), f"join-job.yaml: the join does not name exactly {parts}"
print(n, cmd(shard), cmd(join), sep="\n")' "$root/deploy/k8s/shard-job.yaml" "$root/deploy/k8s/join-job.yaml")
mapfile -t job <<< "$spec"
shards=${job[0]} shard_cmd=${job[1]} join_cmd=${job[2]}
for ((i = 0; i < shards; i++)); do
  (cd "$tmp/video" && PATH="$tmp/bin:$PATH" JOB_COMPLETION_INDEX=$i quiet sh -c "$shard_cmd")
done
(cd "$tmp/video" && PATH="$tmp/bin:$PATH" quiet sh -c "$join_cmd")
n=$(frames "$tmp/video/video.mp4")
[ "$n" = "$whole" ] || { echo "joined: $n frames; the whole render: $whole" >&2; exit 1; }
echo "deploy/k8s/shard-job.yaml, join-job.yaml: $shards parts by JOB_COMPLETION_INDEX, joined: $n frames, as a whole render"
rm -rf "$tmp/video/parts" "$tmp/video/video.mp4"
for ((i = 0; i < shards; i++)); do
  (cd "$tmp/video" && PATH="$tmp/bin:$PATH" SLURM_ARRAY_TASK_ID=$i \
    quiet bash "$root/deploy/slurm/shard.sbatch" project.json "$shards" --backend cpu)
done
# A retried task keeps its finished part: the same file, not rewritten.
inode=$(stat -c %i "$tmp/video/parts/part-1.mkv")
(cd "$tmp/video" && PATH="$tmp/bin:$PATH" SLURM_ARRAY_TASK_ID=1 \
  quiet bash "$root/deploy/slurm/shard.sbatch" project.json "$shards" --backend cpu)
[ "$(stat -c %i "$tmp/video/parts/part-1.mkv")" = "$inode" ] \
  || { echo "shard.sbatch: a retried task rendered its finished part again" >&2; exit 1; }
(cd "$tmp/video" && PATH="$tmp/bin:$PATH" quiet bash "$root/deploy/slurm/join.sbatch" project.json "$shards" video.mp4)
n=$(frames "$tmp/video/video.mp4")
[ "$n" = "$whole" ] || { echo "joined: $n frames; the whole render: $whole" >&2; exit 1; }
echo "deploy/slurm/shard.sbatch, join.sbatch: $shards parts by SLURM_ARRAY_TASK_ID, joined: $n frames, as a whole render; a retried task kept its part"
