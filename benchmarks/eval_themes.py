"""Theme assignment on papers the method never saw: seeds, devset, and the learning curve.

Per theme, precision / recall / F1 for

(a) 5-fold cross-validation on the seeds (weights, threshold and examples from the other folds);
(b) weights and examples from the seeds, scored on the devset;
(c) weights and examples from the devset, scored on the seeds;
(d) the learning curve on the devset: each theme treated as new (the seeds' shared weights,
    bias 0) and taught by k = 0, 5, 10, 20 of its labelled devset papers (k positive and k
    negative, drawn with fixed seeds), scored on the rest;

then the errors of (b) with their evidence, and the weights fitted on the seeds (what
``themes.toml`` ships) next to the shipped ones.

The devset (``../shared/theme_devset`` beside the repository, or ``--devset DIR``) is
third-party text: it is read at run time, never copied, and its titles appear on this terminal
only. Without it, only (a) runs.

Run:  .venv/bin/python benchmarks/eval_themes.py [--devset DIR]
"""

from __future__ import annotations

import argparse
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from digest_utils.analysis import Analysis, analyse
from digest_utils.config import REPO_ROOT, SEEDS_DIR
from digest_utils.errors import shorten
from digest_utils.parse import dedupe, load_digest
from digest_utils.themes import Catalogue, Exemplars, load_catalogue, read_labels, scoring
from digest_utils.themes.assign import evidence
from digest_utils.themes.evaluate import (
    cross_validate,
    design_matrix,
    fit_and_score,
    learning_curve,
)
from digest_utils.themes.exemplars import with_exemplars

SEED_LABELS = REPO_ROOT / "tests" / "data" / "theme_labels.csv"
DEVSET = REPO_ROOT.parent / "shared" / "theme_devset"
TARGETS = {"a": (0.90, 0.0), "b": (0.92, 0.85)}  # macro-F1, every theme


class LabelledSet:
    """One labelled corpus, analysed with its own labels as the only examples."""

    def __init__(self, source: Path | pd.DataFrame, labels: Path, cat: Catalogue) -> None:
        bare = replace(cat, example_labels=(), example_digests=())  # examples: these labels
        self.analysis: Analysis = analyse(source, catalogue=bare, labels=[labels], progress=False)
        self.papers = self.analysis.papers
        self.ids = [str(p) for p in self.papers["paper_id"]]
        self.embeddings = self.analysis.embeddings
        self.features = self.analysis.features
        self.labels = read_labels(labels, cat.ids)

    def exemplars(self) -> Exemplars:
        """This set's labelled papers as examples."""
        return Exemplars.from_labels(self.labels, self.ids, self.embeddings)

    def design(self, taught_by: LabelledSet | None = None) -> pd.DataFrame:
        """Labelled feature rows; the exemplar feature from ``taught_by``'s labels if given."""
        feats = self.features
        if taught_by is not None:
            feats = with_exemplars(feats, self.embeddings, self.ids, taught_by.exemplars())
        return design_matrix(feats, self.labels)


def load_devset(folder: Path, cat: Catalogue) -> LabelledSet:
    """The devset digest and its labels (titles -> paper_id; blank labels are unjudged)."""
    devset = LabelledSet(dedupe(load_digest(folder / "devset.txt")), folder / "labels.csv", cat)
    missing = set(devset.labels["paper_id"]) - set(devset.papers["paper_id"])
    if missing:
        print(f"note: {len(missing)} labelled devset titles are not in devset.txt; left out")
    return devset


def show(name: str, scores: pd.DataFrame, target: str = "") -> None:
    """Print one per-theme table with its macro-F1 (and the target, if any)."""
    macro, worst = scores["f1"].mean(), scores["f1"].min()
    print(f"\n({name})  macro-F1 {macro:.3f}, lowest theme {worst:.3f}")
    print(scores[["theme", "support", "precision", "recall", "f1"]].to_string(index=False))
    if target:
        need_macro, need_each = TARGETS[target]
        met = macro >= need_macro and worst >= need_each
        each = f" and every theme >= {need_each}" if need_each else ""
        print(f"target: macro-F1 >= {need_macro}{each}: {'met' if met else 'NOT met'}")


def show_errors(result: pd.DataFrame, devset: LabelledSet) -> None:
    """The errors of (b): paper_id, theme, label, score and evidence (titles: terminal only)."""
    wrong = result[result["pred"] != (result["y"] == 1)].sort_values(["theme", "y", "score"])
    titles = dict(zip(devset.ids, devset.papers["title"], strict=True))
    print(f"\nErrors of (b), {len(wrong)} (FP: flagged but labelled 0; FN: labelled 1, missed)")
    for (_, row), text in zip(wrong.iterrows(), evidence(wrong), strict=True):
        kind = "FN" if row["y"] == 1 else "FP"
        print(f"{row['paper_id']}  {row['theme']:<12} {kind} {row['score']:.2f}  {text}")
        print(f"{'':14}{shorten(titles[row['paper_id']], 90)}")


def show_curve(curve: pd.DataFrame) -> None:
    """Print the learning curve: F1 per theme and k, and the k actually used."""
    f1 = curve.pivot(index="theme", columns="k", values="f1").reindex(pd.unique(curve["theme"]))
    f1.loc["macro"] = f1.mean()
    print("\n(d) learning curve on the devset (theme treated as new; F1, mean of the draws)")
    print(f1.round(3).to_string())
    used = curve.pivot(index="theme", columns="k", values="k_used")
    print("k used (capped so 5 positives remain to score):", used.to_dict("index"))


def show_weights(fitted: scoring.Weights, cat: Catalogue, n_seeds: int) -> None:
    """The weights fitted on the seeds, and whether themes.toml ships them."""
    shipped = cat.scoring
    same = all(
        np.isclose(fitted.weights[f], shipped.weights[f], atol=1e-3) for f in scoring.FEATURES
    ) and np.isclose(fitted.intercept, shipped.intercept, atol=1e-3)
    print(f"\nWeights fitted on the seeds ({n_seeds} labelled papers, examples = seed labels);")
    print(f"themes.toml ships {'these' if same else 'OTHER weights: paste these to update'}:")
    fitted_on = f"seeds/ labelled by tests/data/theme_labels.csv ({n_seeds} papers)"
    print(scoring.scoring_toml(fitted, fitted_on=fitted_on))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--devset", type=Path, default=DEVSET, help=f"default: {DEVSET}")
    ap.add_argument("--draws", type=int, default=5, help="learning-curve draws per k")
    args = ap.parse_args()
    cat = load_catalogue()
    seeds = LabelledSet(SEEDS_DIR, SEED_LABELS, cat)
    cv = cross_validate(
        seeds.features, seeds.labels, cat, embeddings=seeds.embeddings, paper_ids=seeds.ids
    )
    show("a: 5-fold CV on the seeds", cv.of_method(), "a")
    if not (args.devset / "devset.txt").exists():
        print(
            f"\nNo devset at {args.devset} (expected devset.txt and labels.csv from "
            "../shared/theme_devset beside the repository): skipping (b), (c), (d). "
            "Pass --devset DIR to use another copy."
        )
        return
    devset = load_devset(args.devset, cat)
    b, fitted = fit_and_score(seeds.design(), devset.design(taught_by=seeds), cat.ids)
    show("b: fitted on the seeds, scored on the devset", b.scores, "b")
    c, _ = fit_and_score(devset.design(), seeds.design(taught_by=devset), cat.ids)
    show("c: fitted on the devset, scored on the seeds", c.scores)
    curve = learning_curve(
        devset.features,
        devset.labels,
        fitted,
        embeddings=devset.embeddings,
        paper_ids=devset.ids,
        draws=args.draws,
    )
    show_curve(curve)
    show_errors(b.predictions, devset)
    show_weights(fitted, cat, seeds.labels["paper_id"].nunique())


if __name__ == "__main__":
    main()
