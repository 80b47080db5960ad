"""Topic quality on real corpora: our two-level topics, the previous settings, BERTopic defaults.

Corpora: ``seeds/`` (252 papers), the labelled devset ``../shared/theme_devset/devset.txt``
(143) and both together (395); the devset ones are skipped, with a message, when ``../shared``
is absent. For each method and corpus: topic count, largest-topic share and outlier share
(before reassignment) at both levels, adjusted Rand index over 5 seeds and over 5 subsets of 90 %
of the papers (seed stability says nothing about a method with no random step), NPMI and
diversity of the keywords, and how concentrated each named theme's labelled papers are (share
in its two biggest fine topics; ``tests/data/theme_labels.csv`` and the devset's
``labels.csv``). Also times a cold fit in a fresh process and a warm call, on the seeds.

Run:  .venv/bin/python benchmarks/eval_topics.py
Writes benchmarks/results/topics.json and prints the README's table. Every fit is cached.
"""

from __future__ import annotations

import json
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from digest_utils import dedupe, load_digests
from digest_utils.config import REPO_ROOT, SEEDS_DIR
from digest_utils.embed import embed_papers
from digest_utils.themes.labels import read_labels, wide_labels
from digest_utils.topics import default_baseline, fit_topics, previous_baseline
from digest_utils.topics.evaluate import (
    theme_concentration,
    topic_quality,
    topic_robustness,
    topic_stability,
)

DEVSET = REPO_ROOT.parent / "shared" / "theme_devset"
THEMES = ["peft", "clip", "quantization", "medical_vlm"]
METHODS = {
    "digest-topics": fit_topics,
    "previous settings": previous_baseline,
    "BERTopic defaults": default_baseline,
}

_COLD = """
import pickle, sys, time
t0 = time.perf_counter()
import numpy as np
from digest_utils.topics import fit_topics
papers = pickle.load(open(sys.argv[1], "rb"))
emb = np.load(sys.argv[2])
fit_topics(papers, emb, cache_dir=sys.argv[3], progress=False)
t1 = time.perf_counter()
fit_topics(papers, emb, cache_dir=sys.argv[3], progress=False)
print(t1 - t0, time.perf_counter() - t1)
"""


def _cold_fit(papers, emb) -> tuple[float, float]:
    """Seconds for a cold fit in a fresh process (empty cache), then for a warm call."""
    with tempfile.TemporaryDirectory() as tmp:
        papers.to_pickle(f"{tmp}/papers.pkl")
        np.save(f"{tmp}/emb.npy", emb)
        args = [sys.executable, "-c", _COLD, f"{tmp}/papers.pkl", f"{tmp}/emb.npy", f"{tmp}/c"]
        out = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    cold, warm = map(float, out.split())
    return cold, warm


def _rounded(d: dict) -> dict:
    return {k: round(v, 3) if isinstance(v, float) else v for k, v in d.items()}


def _labels() -> pd.DataFrame:
    """Labels of the seeds and, where present, of the devset (paper_id from its titles)."""
    files = [REPO_ROOT / "tests" / "data" / "theme_labels.csv", DEVSET / "labels.csv"]
    # blank (disputed) labels stay NaN: not counted; a paper in both keeps its seed labels
    parts = [wide_labels(read_labels(f, THEMES), THEMES) for f in files if f.exists()]
    return pd.concat(parts, ignore_index=True).drop_duplicates("paper_id")


def _corpora() -> dict[str, list[Path]]:
    corpora = {"seeds": [SEEDS_DIR]}
    if (DEVSET / "devset.txt").exists():
        corpora |= {
            "devset": [DEVSET / "devset.txt"],
            "seeds + devset": [SEEDS_DIR, DEVSET / "devset.txt"],
        }
    else:
        print(f"note: {DEVSET} not found; scoring the seeds only", file=sys.stderr)
    return corpora


def evaluate(papers: pd.DataFrame, emb: np.ndarray, labels: pd.DataFrame) -> dict:
    """Every measure for every method on one corpus."""
    rows = {}
    for name, fit in METHODS.items():
        result = fit(papers, emb, progress=False)
        stability = topic_stability(papers, emb, fit=fit)
        figures = topic_quality(papers, result) | stability | topic_robustness(papers, emb, fit=fit)
        figures |= {f"top2_{t}": v for t, v in theme_concentration(result, labels, THEMES).items()}
        figures["labels"] = result.topics["label"].tolist()
        figures["area_labels"] = result.areas["label"].tolist() if len(result.areas) else []
        rows[name] = _rounded(figures)
    return rows


COLUMNS = [
    ("topics", "n_topics", "{}"),
    ("largest", "largest_share", "{:.0%}"),
    ("outliers", "outlier_share", "{:.0%}"),
    ("areas", "n_areas", "{}"),
    ("largest area", "largest_area_share", "{:.0%}"),
    ("seed ARI topics (min)", ("ari_mean", "ari_min"), "{:.2f} ({:.2f})"),
    ("seed ARI areas (min)", ("area_ari_mean", "area_ari_min"), "{:.2f} ({:.2f})"),
    ("90 % subset ARI topics / areas", ("sub_ari_mean", "sub_area_ari_mean"), "{:.2f} / {:.2f}"),
    ("NPMI", "npmi", "{:.3f}"),
    ("diversity", "diversity", "{:.2f}"),
    ("top-2 share peft / clip / quant. / med.", tuple(f"top2_{t}" for t in THEMES), None),
]


def _cell(fig: dict, key, fmt) -> str:
    keys = key if isinstance(key, tuple) else (key,)
    values = [fig.get(k) for k in keys]
    if fmt is None:
        return " / ".join("-" if v is None or v != v else f"{v:.2f}" for v in values)
    if any(v is None for v in values):
        return "-"
    return fmt.format(*values)


def markdown(results: dict) -> str:
    """The README's table: one row per corpus and method."""
    head = ["corpus", "method", *(c for c, _, _ in COLUMNS)]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for corpus, by_method in results.items():
        for method, fig in by_method.items():
            cells = [_cell(fig, key, fmt) for _, key, fmt in COLUMNS]
            lines.append(f"| {corpus} ({fig['n_papers']}) | {method} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    """Fit, score and time on every corpus; write the figures and print the table."""
    labels = _labels()
    results = {}
    for corpus, paths in _corpora().items():
        papers = dedupe(load_digests(paths)).reset_index(drop=True)
        emb = embed_papers(papers, progress=False)
        results[corpus] = {
            m: {"n_papers": len(papers), **f} for m, f in evaluate(papers, emb, labels).items()
        }
        print(f"{corpus}: done", file=sys.stderr)
    papers = dedupe(load_digests(SEEDS_DIR))
    cold, warm = _cold_fit(papers, embed_papers(papers, progress=False))
    figures = {"corpora": results, "cold_fit_seconds": round(cold, 1)}
    figures |= {"warm_call_seconds": round(warm, 3)}
    figures |= {"python": platform.python_version(), "machine": platform.machine()}
    out = Path(REPO_ROOT / "benchmarks" / "results" / "topics.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(figures, indent=2) + "\n")
    print(markdown(results))
    print(f"\ncold fit on the seeds {cold:.1f} s (fresh process), warm call {warm * 1000:.0f} ms")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
