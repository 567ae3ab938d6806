#!/usr/bin/env python3
"""Renders a gpucast batch manifest on a Ray cluster: one Ray task per non-blank manifest line.

    python deploy/ray/batch.py manifest.jsonl [--address auto] [--cpus 4] [--gpus 0]
                                              [--reports reports]

Task I runs `gpucast -q batch MANIFEST --index I --report REPORTS/I.json` through the Python
package (`gpucast.cli`: the CLI itself, in the worker's process), the command a Slurm array task or
a Kubernetes indexed pod runs, so the batch's rules hold as they do there: paths in the manifest
are relative to the manifest's folder, a line whose output was already made from the same inputs
and settings is skipped (a rerun redoes only what is not finished), a failing line does not stop
the others. `gpucast.render` would have none of that: reading the manifest, checking its plan and
the skip test are the CLI's batch.

Every node needs `gpucast` and `ray` installed (the versions the driver has) and a shared
filesystem: the manifest, everything it names and the reports folder at the same paths on every
node as here (the tasks are given absolute paths).

It prints one line per manifest line as its task ends (done / skipped / failed with the error,
from the task's report; gpucast's own messages come through Ray's log) and a summary; the exit
code is 1 if any line failed. `--gpus 1` gives each task a GPU in Ray's accounting, so no more
tasks run on a node at once than it has GPUs; gpucast picks the GPU it draws on itself (Ray pins
tasks through CUDA_VISIBLE_DEVICES, which gpucast's Vulkan renderer does not follow).
"""

import argparse
import json
import logging
import os
import sys

import ray


# One worker process per line (max_calls=1), as a Slurm task is one process: each run of the CLI
# installs process-wide signal handlers (and leaves a thread watching them), and a stop once
# requested stays requested in its process.
@ray.remote(max_calls=1)
def render_line(manifest: str, index: int, report: str):
    """Runs the manifest's line `index`; returns the exit code and the report (None if none)."""
    import gpucast

    if os.path.exists(report):
        os.remove(report)  # a report left by an earlier run must not pass for this one's
    code = gpucast.cli(["gpucast", "-q", "batch", manifest, "--index", str(index), "--report", report])
    try:
        with open(report) as f:
            return code, json.load(f)
    except FileNotFoundError:
        return code, None


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("manifest", help="JSON lines, one render each (see `gpucast batch`)")
    ap.add_argument("--address", default="auto", help="the Ray cluster, for ray.init (default: auto)")
    ap.add_argument("--cpus", type=float, default=4, help="CPUs per task (default: 4)")
    ap.add_argument("--gpus", type=float, default=0, help="GPUs per task (default: 0)")
    ap.add_argument("--reports", default="reports", help="folder for <index>.json (default: reports)")
    args = ap.parse_args()

    manifest = os.path.abspath(args.manifest)
    reports = os.path.abspath(args.reports)
    try:
        with open(manifest, encoding="utf-8") as f:
            # Non-blank lines, as `gpucast batch` counts them for --index.
            lines = sum(1 for line in f.read().split("\n") if line.strip())
    except (OSError, UnicodeDecodeError) as e:
        print(f"batch.py: cannot read the manifest {args.manifest}: {e}", file=sys.stderr)
        return 2
    if lines == 0:
        print(f"batch.py: the manifest {args.manifest} has no lines", file=sys.stderr)
        return 2
    os.makedirs(reports, exist_ok=True)

    ray.init(address=args.address, logging_level=logging.WARNING)
    task = render_line.options(num_cpus=args.cpus, num_gpus=args.gpus)
    pending = {task.remote(manifest, i, os.path.join(reports, f"{i}.json")): i for i in range(lines)}
    counts = {"done": 0, "skipped": 0, "failed": 0}
    while pending:
        [ref], _ = ray.wait(list(pending))
        index = pending.pop(ref)
        where = f"index {index}"
        try:
            code, report = ray.get(ref)
        except ray.exceptions.RayError as e:  # the task raised, or its worker or node died
            code, report = None, None
            status, error = "failed", f"the Ray task failed: {str(e).strip().splitlines()[-1]}"
        outcome = report["outcomes"][0] if report and report["outcomes"] else None
        if outcome is not None:
            where = f"line {outcome['line']} (index {index})"
            if outcome.get("output"):
                where += " " + os.path.relpath(outcome["output"], os.path.dirname(manifest))
            status, error = outcome["status"], outcome.get("error")  # done, skipped, failed, stopped
        elif code is not None:
            status, error = "failed", f"gpucast batch exited {code} with no outcome reported (its error is in the log above)"
        counts[status if status in ("done", "skipped") else "failed"] += 1
        print(f"{where}: {status}" + (f": {error}" if error else ""), flush=True)
    print(f"ray batch: {lines} lines: {counts['done']} done, {counts['skipped']} skipped, {counts['failed']} failed")
    return 1 if counts["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
