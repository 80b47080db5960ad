"""Cost of the whole analysis against corpus size: cold, warm, and one digest added.

For each size (default 250 and 1,000 papers; ``--sizes 250 1000 5000 20000`` for the full
curve) it writes a corpus of digests, then runs, each in a fresh process with its own cache:

* **cold**: empty cache: parse, embed, themes, topics, charts;
* **warm**: the same again (everything cached);
* **+1 digest**: 50 new papers added to the analysed corpus (topics placed into the fit).

Per stage it records wall time, and per run the peak RSS of the process. Results are merged
into ``benchmarks/scale/scale.json`` (one entry per size and run, so the long 20k run can be
added on its own) and drawn in ``benchmarks/scale/scale.svg``; both are committed, so the
README's table and plot can be checked against them.

**The corpora are good for cost only.** Each paper's abstract is 4 to 9 sentences drawn at
random (seeded) from the seed abstracts, and its title 5 to 10 words of the seed titles plus
a serial number (so every title is unique). They cost what real papers of their length cost to
parse, embed and score, but topic counts or theme shares on them mean nothing.

``--ward --sizes 5000 10000 20000`` instead times the clustering alone on synthetic embeddings:
scipy's exact Ward against the connectivity-constrained Ward used above
``topics.cluster.EXACT_WARD_MAX`` papers.

Run:  .venv/bin/python benchmarks/bench_scale.py [--sizes 250 1000] [--keep DIR] [--ward]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from digest_utils.config import RANDOM_SEED, REPO_ROOT, SEEDS_DIR

#: Kept in the repository (not in the git-ignored results/): the README links the plot.
RESULTS = REPO_ROOT / "benchmarks" / "scale"
PER_DIGEST = 50
STAGES = ["parse", "embed", "themes", "topics", "charts"]

#: The child: one analysis, timed stage by stage; prints JSON.
CHILD = r"""
import json, resource, sys, time
t0 = time.perf_counter()
from digest_utils import charts
from digest_utils.analysis import analyse
from digest_utils.embed import embed_papers
from digest_utils.parse import dedupe, load_digests
from digest_utils.topics import topic_vectors

times, rss = {}, {}
def mark(stage, start):
    times[stage] = round(time.perf_counter() - start, 2)
    rss[stage] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    return time.perf_counter()

t = time.perf_counter()
papers = dedupe(load_digests(sys.argv[1])).reset_index(drop=True)
t = mark("parse", t)
emb = embed_papers(papers, progress=False)
t = mark("embed", t)
a = analyse(papers, embeddings=emb, progress=False)  # the theme stage; topics on first use
flags = a.flags
t = mark("themes", t)
result = a.topics
t = mark("topics", t)
names = a.catalogue.names
figures = [
    charts.theme_sizes(a.themed, names), charts.theme_upset(a.themed, names),
    charts.theme_cooccurrence(a.themed, names), charts.themes_per_digest(a.themed, names),
    charts.paper_map(a.points, color="topic_label"), charts.topic_keywords(result.topics),
    charts.topic_hierarchy(topic_vectors(result)), charts.topic_areas(result.table()),
]
sum(len(f.to_json()) for f in figures)
t = mark("charts", t)
print(json.dumps({
    "papers": len(papers), "seconds": times, "peak_rss_mib_after": rss,
    "total_seconds": round(time.perf_counter() - t0, 2),
    "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    "fit": result.fit_note(), "n_topics": int(len(result.topics)),
}))
"""


#: ``--ward``: one clustering of synthetic embeddings (200 blobs on the sphere), timed.
WARD_CHILD = r"""
import resource, sys, time
import numpy as np
from digest_utils.topics import cluster
kind, n = sys.argv[1], int(sys.argv[2])
rng = np.random.default_rng(0)
c = rng.normal(size=(200, 384))
c /= np.linalg.norm(c, axis=1, keepdims=True)
x = c[rng.integers(0, 200, n)] + rng.normal(scale=1.05 / np.sqrt(384), size=(n, 384))
cluster.EXACT_WARD_MAX = 10**9 if kind == "exact" else 0
t = time.perf_counter()
cluster.ward_levels(x.astype(np.float32), cluster.n_topics_for(n), 12)
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"{kind:>12} Ward, {n:>6} papers: {time.perf_counter() - t:5.1f} s, peak {rss:5.0f} MiB")
"""


def ward(sizes: list[int]) -> None:
    """Exact against connectivity-constrained Ward: time and peak RSS of a fresh process each."""
    for n in sizes:
        for kind in ("exact", "connectivity"):
            if kind == "exact" and n > 10_000:
                continue  # n^2/2 distances: 3.5 GB at 20,000, measured once
            cmd = [sys.executable, "-c", WARD_CHILD, kind, str(n)]
            print(subprocess.run(cmd, capture_output=True, text=True, check=True).stdout.strip())


def _pool() -> tuple[list[str], list[str]]:
    """Sentences of the seed abstracts and words of the seed titles."""
    from digest_utils.parse import dedupe, load_digests

    papers = dedupe(load_digests(SEEDS_DIR))
    sentences = [
        s
        for abstract in papers["abstract"]
        for s in re.split(r"(?<=[.!?])\s+(?=[A-Z])", abstract)
        if len(s) > 20
    ]
    words = [w for title in papers["title"] for w in title.split() if w.isalpha()]
    return sentences, words


def write_corpus(folder: Path, n: int, *, start: int = 0, seed: int = RANDOM_SEED) -> Path:
    """Write ``n`` recombined papers as compact digests of :data:`PER_DIGEST` papers each."""
    sentences, words = _pool()
    rng = np.random.default_rng([seed, start])
    folder.mkdir(parents=True, exist_ok=True)
    for d in range(0, n, PER_DIGEST):
        lines = []
        for i in range(start + d, start + min(d + PER_DIGEST, n)):
            title = " ".join(rng.choice(words, rng.integers(5, 11))).capitalize()
            lines.append(f"{title} number {i}")
            lines.append(" ".join(rng.choice(sentences, rng.integers(4, 10), replace=False)))
        (folder / f"{(start + d) // PER_DIGEST:05d}.txt").write_text("\n".join(lines) + "\n")
    return folder


def run(corpus: Path, cache: Path) -> dict:
    """One analysis in a fresh process; its stage times and peak RSS."""
    env = {**os.environ, "DIGEST_CACHE_DIR": str(cache), "HF_HUB_OFFLINE": "1"}
    env["TOKENIZERS_PARALLELISM"] = "false"
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, str(corpus)], env=env, capture_output=True, text=True
    )
    if proc.returncode:
        sys.exit(f"benchmark child failed:\n{proc.stderr[-3000:]}")
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    out["process_seconds"] = round(time.perf_counter() - start, 2)
    return out


def measure(n: int, work: Path) -> dict:
    """Cold, warm and +1 digest runs for a corpus of ``n`` papers."""
    corpus, cache = work / f"corpus-{n}", work / f"cache-{n}"
    write_corpus(corpus, n)
    result = {"cold": run(corpus, cache)}
    print(f"{n}: cold {result['cold']['process_seconds']} s", flush=True)
    result["warm"] = run(corpus, cache)
    print(f"{n}: warm {result['warm']['process_seconds']} s", flush=True)
    write_corpus(corpus, PER_DIGEST, start=n)  # one more digest of new papers
    result["plus_one_digest"] = run(corpus, cache)
    print(f"{n}: +1 digest {result['plus_one_digest']['process_seconds']} s", flush=True)
    return result


def plot(results: dict, path: Path) -> None:
    """A small log-log SVG of process seconds against papers, one line per run kind."""
    sizes = sorted(int(n) for n in results)
    kinds = {"cold": "#1f77b4", "warm": "#2ca02c", "plus_one_digest": "#d62728"}
    w, h, pad = 640, 400, 60
    xs = np.log10(sizes)
    ys = [results[str(n)][k]["process_seconds"] for n in sizes for k in kinds]
    lo, hi = np.log10(max(min(ys), 0.1)) - 0.1, np.log10(max(ys)) + 0.1
    x0, x1 = xs.min() - 0.1, xs.max() + 0.1

    def px(x: float, y: float) -> tuple[float, float]:
        return (
            pad + (x - x0) / (x1 - x0) * (w - 2 * pad),
            h - pad - (np.log10(max(y, 0.1)) - lo) / (hi - lo) * (h - 2 * pad),
        )

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" font-size="12">']
    parts.append(f'<rect width="{w}" height="{h}" fill="white"/>')
    for n, x in zip(sizes, xs, strict=True):
        a, _ = px(x, 1)
        parts.append(f'<text x="{a:.0f}" y="{h - pad + 18}" text-anchor="middle">{n:,}</text>')
    for s in (1, 10, 60, 300, 1200):
        if lo <= np.log10(s) <= hi:
            _, b = px(x0, s)
            parts.append(
                f'<line x1="{pad}" x2="{w - pad}" y1="{b:.0f}" y2="{b:.0f}" stroke="#ddd"/>'
            )
            parts.append(f'<text x="{pad - 6}" y="{b + 4:.0f}" text-anchor="end">{s} s</text>')
    for i, (kind, color) in enumerate(kinds.items()):
        pts = [
            px(x, results[str(n)][kind]["process_seconds"]) for n, x in zip(sizes, xs, strict=True)
        ]
        line = " ".join(f"{a:.1f},{b:.1f}" for a, b in pts)
        parts.append(f'<polyline points="{line}" fill="none" stroke="{color}" stroke-width="2"/>')
        parts += [f'<circle cx="{a:.1f}" cy="{b:.1f}" r="3" fill="{color}"/>' for a, b in pts]
        parts.append(f'<text x="{pad + 10}" y="{20 + 16 * i}" fill="{color}">{kind}</text>')
    parts.append(
        f'<text x="{w / 2}" y="{h - 12}" text-anchor="middle">papers (log scale); '
        "wall time of one process (log scale)</text></svg>"
    )
    path.write_text("\n".join(parts) + "\n", encoding="utf-8")


def main() -> None:
    """Measure the sizes asked for; merge into the results file; redraw the plot."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[250, 1000])
    ap.add_argument("--keep", type=Path, help="work folder to keep (default: a temporary one)")
    ap.add_argument("--ward", action="store_true", help="only compare exact and constrained Ward")
    args = ap.parse_args()
    if args.ward:
        ward(args.sizes)
        return
    path = RESULTS / "scale.json"
    results = json.loads(path.read_text()) if path.exists() else {}
    with tempfile.TemporaryDirectory() as tmp:
        work = args.keep or Path(tmp)
        for n in args.sizes:
            results[str(n)] = measure(n, work) | {
                "measured": time.strftime("%Y-%m-%d"),
                "cpus": os.cpu_count(),
                "python": platform.python_version(),
            }
            RESULTS.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(results, indent=1, sort_keys=True) + "\n")
            plot(results, RESULTS / "scale.svg")
    for n in sorted(results, key=int):
        for kind in ("cold", "warm", "plus_one_digest"):
            r = results[n][kind]
            stages = " ".join(f"{s} {r['seconds'][s]}" for s in STAGES)
            cost = f"{r['process_seconds']:>8} s  {r['peak_rss_mib']:>5} MiB"
            print(f"{n:>6} {kind:<16} {cost}  {stages}")


if __name__ == "__main__":
    main()
