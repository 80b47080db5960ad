"""Parse throughput on a corpus of >= 20,000 entries built from the seeds.

Copies every seed file N times into a temporary folder (so all three layouts are in the mix),
then times ``load_digests`` on the folder, best of 5, one process (one core). For scale it
also times a minimal line-by-line reader that only splits lines and strips them.

Run:  make bench   (or: .venv/bin/python benchmarks/bench_parse.py [--entries N])
Writes benchmarks/results/parse.json and prints a summary.
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import tempfile
import time
from pathlib import Path

from digest_utils import load_digests
from digest_utils.config import REPO_ROOT, SEEDS_DIR


def _build_corpus(folder: Path, min_entries: int) -> tuple[int, int]:
    seeds = sorted(SEEDS_DIR.glob("*.txt"))
    per_round = len(load_digests(seeds))
    rounds = -(-min_entries // per_round)
    for r in range(rounds):
        for seed in seeds:
            shutil.copy(seed, folder / f"{r:05d}_{seed.name}")
    size = sum(p.stat().st_size for p in folder.glob("*.txt"))
    return rounds * per_round, size


def _minimal(folder: Path) -> int:
    n = 0
    for p in sorted(folder.glob("*.txt")):
        for line in p.read_text(encoding="utf-8").split("\n"):
            if line.strip():
                n += 1
    return n


def _best_of(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    """Build the corpus, time the parser and write the figures."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--entries", type=int, default=20_000, help="minimum corpus size")
    ap.add_argument("--repeat", type=int, default=5, help="timed runs; the best is kept")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        n_entries, size = _build_corpus(folder, args.entries)
        df = load_digests(folder)  # warm the OS cache and check the count
        assert len(df) == n_entries, (len(df), n_entries)
        t_parse = _best_of(lambda: load_digests(folder), args.repeat)
        t_min = _best_of(lambda: _minimal(folder), args.repeat)
    mb = size / 1e6
    result = {
        "entries": n_entries,
        "megabytes": round(mb, 2),
        "load_digests_seconds": round(t_parse, 3),
        "load_digests_mb_per_s": round(mb / t_parse, 1),
        "entries_per_s": round(n_entries / t_parse),
        "minimal_reader_mb_per_s": round(mb / t_min, 1),
        "target_mb_per_s": 50,
        "python": platform.python_version(),
        "machine": platform.machine(),
    }
    out = REPO_ROOT / "benchmarks" / "results" / "parse.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
