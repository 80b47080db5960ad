"""Themes a user writes: F1 with no labels (k = 0) and after k = 5, 10, 20 reviewed papers.

Two labelled sets, read at run time from ../shared (never copied into the repository):

* ``user``: ../shared/user_theme_devset, five themes written the way a user writes them
  (a name, a sentence, a handful of terms), 600 Daily Papers labelled by two annotators;
* ``check``: ../shared/theme_devset with benchmarks/data/user_style_themes.toml, the four default
  themes rewritten user-style (a second check: nothing was tuned on it either).

Each set's themes are scored the way a user's are: blocks with no ``bias`` beside the shipped
``[scoring]``, through the one pipeline (:func:`digest_utils.analysis.assign_themes`). The
review loop is simulated: per theme, :func:`~digest_utils.themes.review.review_candidates`
picks 5 papers at a time, the devset gives their labels (a labels file, as ``--labels``
reads), and the next run uses them; F1 is on the papers not reviewed. Several seeds (the
candidates' random order); the table is their mean, and "gain" is F1 minus that of k = 0 on
the same papers (so a k that only removed hard papers from the scoring gains nothing).

Run:  .venv/bin/python benchmarks/eval_user_themes.py [--seeds N] [--shared DIR]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import pandas as pd

from digest_utils.analysis import assign_themes
from digest_utils.config import REPO_ROOT, themes_path
from digest_utils.embed import embed_papers
from digest_utils.parse import dedupe, load_digests, paper_id
from digest_utils.themes.metrics import prf
from digest_utils.themes.review import review_candidates
from digest_utils.themes.untuned import THRESHOLD

SHARED = next(
    (p / "shared" for p in REPO_ROOT.parents if (p / "shared").is_dir()),
    REPO_ROOT.parent / "shared",
)
SETS = {
    "user": ("user_theme_devset/papers.jsonl", "user_theme_devset/labels.csv", None),
    "check": (
        "theme_devset/devset.txt",
        "theme_devset/labels.csv",
        REPO_ROOT / "benchmarks" / "data" / "user_style_themes.toml",
    ),
}
KS = (0, 5, 10, 20)
TARGETS = {"user": (0.90, 0.80)}  # k = 0: macro-F1, every theme (issue 18)


def catalogue_file(themes_toml: Path, folder: Path) -> Path:
    """The shipped ``[scoring]`` and ``themes_toml``'s blocks (no default theme, no examples)."""
    shipped = themes_path().read_text(encoding="utf-8").split("\n[[theme]]")[0]
    scoring = shipped[shipped.index("\n[scoring]") + 1 :]
    path = folder / "catalogue.toml"
    path.write_text(scoring + "\n" + themes_toml.read_text(encoding="utf-8"), encoding="utf-8")
    return path


def gold_labels(path: Path, papers: pd.DataFrame, themes: list[str]) -> dict[str, dict[str, int]]:
    """Theme -> {paper_id: 0/1} of the judged papers (blank = annotators disagreed: left out)."""
    gold = pd.read_csv(path, dtype=str, keep_default_na=False)
    gold["paper_id"] = gold["title"].map(paper_id)
    gold = gold[gold["paper_id"].isin(set(papers["paper_id"]))]
    return {
        t: {p: int(v) for p, v in zip(gold["paper_id"], gold[t], strict=True) if v != ""}
        for t in themes
    }


def run_set(name: str, seeds: int) -> pd.DataFrame:
    """F1 per (theme, seed, k) on the papers not reviewed, and the same papers' F1 at k = 0."""
    digest, labels_csv, toml = SETS[name]
    toml = toml or SHARED / "user_theme_devset" / "themes.toml"
    papers = dedupe(load_digests([SHARED / digest])).reset_index(drop=True)
    emb = embed_papers(papers, progress=False)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        cat = catalogue_file(toml, Path(tmp))
        first = assign_themes(papers, cat, embeddings=emb)
        themes = [c[len("score_") :] for c in first.columns if c.startswith("score_")]
        gold = gold_labels(SHARED / labels_csv, papers, themes)
        for seed in range(seeds):
            judged: dict[str, dict[str, int]] = {t: {} for t in themes}
            flags = first
            for k in KS:
                while any(len(j) < k for j in judged.values()):
                    for t in themes:
                        unlabelled = [p for p in papers["paper_id"] if p not in gold[t]]
                        picks = review_candidates(
                            flags,
                            t,
                            emb,
                            n=min(5, k - len(judged[t])),
                            threshold=THRESHOLD,
                            judged=[*judged[t], *unlabelled],
                            seed=seed * 100 + len(judged[t]),
                        )
                        judged[t].update({p: gold[t][p] for p in picks["paper_id"]})
                    path = Path(tmp) / "reviewed.csv"
                    pd.DataFrame(
                        [(p, t, y) for t, j in judged.items() for p, y in j.items()],
                        columns=["paper_id", "theme", "label"],
                    ).to_csv(path, index=False)
                    flags = assign_themes(papers, cat, embeddings=emb, labels=[path])
                for t in themes:
                    rest = {p: y for p, y in gold[t].items() if p not in judged[t]}
                    rows.append(
                        {
                            "set": name,
                            "theme": t,
                            "seed": seed,
                            "k": k,
                            "f1": _f1(flags, t, rest),
                            "k0": _f1(first, t, rest),
                        }
                    )
            if not any(KS):
                break
    return pd.DataFrame(rows)


def _f1(flags: pd.DataFrame, theme: str, gold: dict[str, int]) -> float:
    sel = flags["paper_id"].isin(set(gold)).to_numpy()
    y = flags.loc[sel, "paper_id"].map(gold).to_numpy()
    return prf(y, flags.loc[sel, theme].to_numpy(dtype=int) == 1)[2]


def show(result: pd.DataFrame) -> None:
    """Per set: F1 per theme and k (mean of the seeds), macro, and the paired gain."""
    for name, part in result.groupby("set", sort=False):
        g = part.groupby(["theme", "k"], sort=False)[["f1", "k0"]].mean()
        f1 = g["f1"].unstack("k")
        f1.loc["macro"] = f1.mean()
        gain = (g["f1"] - g["k0"]).unstack("k")
        seeds = part["seed"].nunique()
        print(
            f"\n({name}) F1 on the papers not reviewed, k reviewed per theme, mean of {seeds} seeds"
        )
        print(f1.round(3).to_string())
        print("gain over k = 0 on the same papers:  macro", gain.mean().round(3).to_dict())
        print("                                     lowest theme", gain.min().round(3).to_dict())
        if name in TARGETS:
            need, each = TARGETS[name]
            macro, worst = f1.loc["macro", 0], f1.drop("macro")[0].min()
            met = "met" if macro >= need and worst >= each else "NOT met"
            print(f"target k = 0: macro-F1 >= {need} and every theme >= {each}: {met}")
            up = f1.loc["macro", 10] - macro
            down = (f1.drop("macro")[10] < f1.drop("macro")[0]).sum()
            print(f"target k = 10: macro-F1 +0.04 and no theme down: {up:+.3f}, {down} down")


def main() -> None:
    global SHARED
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=5, help="review-loop seeds (default 5)")
    ap.add_argument("--shared", type=Path, default=SHARED, help=f"default: {SHARED}")
    args = ap.parse_args()
    SHARED = args.shared
    if not (SHARED / "user_theme_devset" / "labels.csv").exists():
        print(f"No user-theme devset under {SHARED}: skipping (pass --shared DIR).")
        return
    show(pd.concat([run_set(name, args.seeds) for name in SETS], ignore_index=True))


if __name__ == "__main__":
    main()
