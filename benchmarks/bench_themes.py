"""Cold vs warm `themes` on seeds/: wall time and peak memory of the whole CLI process.

Cold = empty cache (embeddings computed, topics fitted); warm = the same command again, which
must recompute nothing. Each run is a fresh process (``python -m digest_utils themes``), so
import time counts, as it does for a user. Peak memory is the child's max RSS.

Run:  make bench   (or: .venv/bin/python benchmarks/bench_themes.py [--warm-runs N])
Writes benchmarks/results/themes.json and prints a summary.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

from digest_utils.config import REPO_ROOT, SEEDS_DIR


def _run(cache: Path, out: Path) -> tuple[float, float]:
    """Run the CLI once in a child process; return (seconds, peak RSS in MiB of that child)."""
    env = {**os.environ, "DIGEST_CACHE_DIR": str(cache), "HF_HUB_OFFLINE": "1"}
    cmd = [sys.executable, "-m", "digest_utils", "themes", str(SEEDS_DIR), "-q", "-o", str(out)]
    code = (
        "import resource, subprocess, sys, time, json;"
        "t = time.perf_counter(); subprocess.run(sys.argv[1:], check=True);"
        "dt = time.perf_counter() - t;"
        "rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024;"
        "print(json.dumps([dt, rss]))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, *cmd], env=env, capture_output=True, text=True, check=True
    )
    seconds, rss = json.loads(proc.stdout.strip().splitlines()[-1])
    return seconds, rss


def main() -> None:
    """Time a cold and several warm runs; write the figures."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--warm-runs", type=int, default=3, help="warm runs; the median is kept")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        cache, out = Path(tmp) / "cache", Path(tmp) / "themes.csv"
        cold_s, cold_mb = _run(cache, out)
        first = out.read_bytes()
        warm = [_run(cache, out) for _ in range(args.warm_runs)]
        identical = out.read_bytes() == first
    warm_s = sorted(w[0] for w in warm)[len(warm) // 2]
    warm_mb = max(w[1] for w in warm)
    result = {
        "papers": 252,
        "cold_seconds": round(cold_s, 2),
        "warm_seconds_median": round(warm_s, 2),
        "warm_over_cold": round(warm_s / cold_s, 3),
        "target_warm_over_cold": round(1 / 3, 3),
        "cold_peak_rss_mib": round(cold_mb),
        "warm_peak_rss_mib": round(warm_mb),
        "warm_output_identical_to_cold": identical,
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
    }
    path = REPO_ROOT / "benchmarks" / "results" / "themes.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
