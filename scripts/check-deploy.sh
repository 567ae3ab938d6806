#!/usr/bin/env bash
# Checks the recipes in deploy/ as far as this machine allows:
# - every Kubernetes manifest validated offline against the Kubernetes schemas, strictly
#   (kubernetes-validate, from PyPI, in a throwaway virtual environment);
# - the batch Job's container command, as written in deploy/k8s/batch-job.yaml, run here for each
#   JOB_COMPLETION_INDEX over a small manifest in a folder standing in for the volume;
# - the Slurm array script run here for each SLURM_ARRAY_TASK_ID the same way.
# Each index must render its line, and the reports must say so. Uses target/debug/gpucast (or
# $GPUCAST).
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
