"""Topic quality on the seed papers: our settings against BERTopic's defaults.

For both: number of topics, outlier share, NPMI coherence, topic diversity, share of stop-word
keywords (``topic_quality``) and the adjusted Rand index between the assignments of 5 seeds
(``topic_stability``). Also times a cold fit in a fresh process (imports, numba compilation,
keyword embedding and both UMAPs included; embeddings of the papers given) and a warm call.

Run:  .venv/bin/python benchmarks/eval_topics.py
Writes benchmarks/results/topics.json and prints a summary. Results are cached like any fit.
"""

from __future__ import annotations

import json
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from digest_utils import dedupe, load_digests
from digest_utils.config import REPO_ROOT, SEEDS_DIR
from digest_utils.embed import embed_papers
from digest_utils.topics import default_baseline, fit_topics
from digest_utils.topics.evaluate import topic_quality, topic_stability

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


def main() -> None:
    """Fit, score and time on the seed papers; write the figures."""
    papers = dedupe(load_digests(SEEDS_DIR))
    emb = embed_papers(papers, progress=False)
    figures = {"papers": len(papers)}
    for name, fit in (("ours", fit_topics), ("bertopic_default", default_baseline)):
        result = fit(papers, emb, progress=False)
        figures[name] = _rounded(
            topic_quality(papers, result) | topic_stability(papers, emb, fit=fit)
        )
        figures[name]["labels"] = result.topics["label"].tolist()
    cold, warm = _cold_fit(papers, emb)
    figures |= {"cold_fit_seconds": round(cold, 1), "warm_call_seconds": round(warm, 3)}
    figures |= {"python": platform.python_version(), "machine": platform.machine()}
    out = Path(REPO_ROOT / "benchmarks" / "results" / "topics.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(figures, indent=2) + "\n")
    keys = ["n_topics", "outlier_share", "npmi", "npmi_topics", "diversity"]
    keys += ["stop_word_share", "ari_mean", "ari_min"]
    print(f"{'':16}{'ours':>10}{'default':>10}")
    for k in keys:
        print(f"{k:16}{figures['ours'][k]!s:>10}{figures['bertopic_default'][k]!s:>10}")
    print(f"cold fit {cold:.1f} s (fresh process), warm call {warm * 1000:.0f} ms")
    t0 = time.perf_counter()
    fit_topics(papers, emb, progress=False)
    print(f"warm call in this process {1000 * (time.perf_counter() - t0):.0f} ms; wrote {out}")


if __name__ == "__main__":
    main()
