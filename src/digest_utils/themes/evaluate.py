"""Evaluate theme assignment against hand labels.

The weights in ``[scoring]`` are learned from labelled papers (:func:`scoring.fit`), so the
honest figure is the cross-validated one: papers are split into folds, the weights (and
threshold) are fitted on the other folds, and each paper is scored by weights that never saw it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from digest_utils import config
from digest_utils.errors import LabelsError
from digest_utils.themes import scoring
from digest_utils.themes.catalogue import Catalogue

__all__ = [
    "CV_METHOD",
    "EvalResult",
    "cross_validate",
    "design_matrix",
    "load_labels",
    "prf",
    "repeated_f1",
]
#: The method name of the cross-validated scores in :attr:`EvalResult.scores`.
CV_METHOD = "digest-topics (cross-validated)"


def load_labels(path: str | Path, theme_ids: list[str]) -> pd.DataFrame:
    """Read a labels CSV: ``paper_id`` plus a 0/1 column per theme id (other columns kept).

    Raises:
        LabelsError: The file is missing, or lacks ``paper_id`` or a theme column, or holds a
            value other than 0/1 (names the file, line and column).
    """
    path = Path(path)
    if not path.exists():
        raise LabelsError("labels file not found", path=path)
    labels = pd.read_csv(path, dtype={"paper_id": "string"})
    missing = [c for c in ["paper_id", *theme_ids] if c not in labels.columns]
    if missing:
        raise LabelsError(
            f"expected columns {', '.join(missing)} (got {', '.join(map(str, labels.columns))})",
            path=path,
            column=missing[0],
        )
    for tid in theme_ids:
        bad = ~labels[tid].isin([0, 1])
        if bad.any():
            raise LabelsError(
                f"expected 0 or 1 in {tid!r} (got {labels[tid][bad].iloc[0]!r})",
                path=path,
                lineno=int(np.flatnonzero(bad)[0]) + 2,  # +1 for the header, +1 for 1-based
                column=tid,
            )
    return labels


def design_matrix(
    features: pd.DataFrame, labels: pd.DataFrame, theme_ids: list[str]
) -> pd.DataFrame:
    """Join long features with long labels; keep labelled papers of catalogue themes."""
    long = labels.melt(id_vars="paper_id", value_vars=theme_ids, var_name="theme", value_name="y")
    return features.merge(long, on=["paper_id", "theme"], how="inner")


@dataclass(frozen=True)
class EvalResult:
    """Per-theme precision/recall/F1 for the method and for simple baselines."""

    scores: pd.DataFrame  # theme, method, support, precision, recall, f1
    predictions: pd.DataFrame  # paper_id, theme, y, score, pred (out-of-fold)

    def of_method(self, method: str = CV_METHOD) -> pd.DataFrame:
        """The per-theme rows of one method (default: the cross-validated one)."""
        return self.scores[self.scores["method"] == method]

    def macro_f1(self, method: str = CV_METHOD) -> float:
        """Mean F1 over themes for one method."""
        return float(self.of_method(method)["f1"].mean())


def prf(y: np.ndarray, pred: np.ndarray) -> tuple[float, float, float]:
    """Precision, recall and F1 of boolean predictions ``pred`` against 0/1 labels ``y``."""
    tp = float(np.sum(pred & (y == 1)))
    precision = tp / max(float(np.sum(pred)), 1.0)
    recall = tp / max(float(np.sum(y == 1)), 1.0)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def cross_validate(
    features: pd.DataFrame,
    labels: pd.DataFrame,
    catalogue: Catalogue,
    *,
    folds: int = 5,
    seed: int = config.RANDOM_SEED,
    groups: dict[str, str] | None = None,
) -> EvalResult:
    """Cross-validated precision/recall/F1 per theme, plus two baselines for context.

    Papers (not rows) are split into ``folds`` seeded folds; weights and threshold are fitted
    on the other folds. Baselines: "any term matches" (a keyword rule) and "catalogue weights"
    (the weights shipped in the catalogue, which were fitted on all labels: optimistic).

    Args:
        features: From :func:`digest_utils.themes.theme_features`.
        labels: From :func:`load_labels`.
        catalogue: The catalogue the features came from.
        folds: Number of folds.
        groups: Optional paper id -> group (e.g. the digest it first appeared in); each group
            is then one fold, so every group is scored by weights fitted on the others
            ("leave one digest out"). ``folds`` and ``seed`` are unused then.
        seed: Seed of the fold split.
    """
    design = design_matrix(features, labels, catalogue.ids)
    if design.empty:
        raise LabelsError(
            "no labelled paper is in the corpus; check the labels' paper_id column",
            column="paper_id",
        )
    fold = _folds(design["paper_id"], folds=folds, seed=seed, groups=groups)
    oof = np.zeros(len(design))
    pred = np.zeros(len(design), dtype=bool)
    for k in np.unique(fold):
        test = fold == k
        fitted = scoring.fit(design[~test], seed=seed)
        oof[test] = scoring.score(design[test], fitted)
        pred[test] = oof[test] >= fitted.threshold
    shipped = scoring.score(design, catalogue.scoring) >= catalogue.threshold
    keyword = (design["distinct_terms"] > 0).to_numpy() & design["gate"].to_numpy()
    methods = {
        CV_METHOD: pred,
        "catalogue weights (fitted on all labels)": shipped,
        "any catalogue term matches": keyword,
    }
    y = design["y"].to_numpy()
    rows = []
    for method, p in methods.items():
        for tid in catalogue.ids:
            sel = (design["theme"] == tid).to_numpy()
            precision, recall, f1 = prf(y[sel], p[sel])
            rows.append(
                {
                    "theme": tid,
                    "method": method,
                    "support": int(y[sel].sum()),
                    "precision": round(precision, 3),
                    "recall": round(recall, 3),
                    "f1": round(f1, 3),
                }
            )
    predictions = design[["paper_id", "theme", "y"]].assign(score=oof, pred=pred)
    return EvalResult(scores=pd.DataFrame(rows), predictions=predictions)


def _folds(
    paper_ids: pd.Series, *, folds: int, seed: int, groups: dict[str, str] | None
) -> np.ndarray:
    """The fold number of each row: by seeded split of papers, or one fold per group."""
    papers = paper_ids.drop_duplicates().to_numpy()
    if groups is not None:
        names = sorted({groups[p] for p in papers})
        fold_of = {p: names.index(groups[p]) for p in papers}
    else:
        rng = np.random.default_rng(seed)
        fold_of = dict(zip(papers, rng.permutation(len(papers)) % folds, strict=True))
    return paper_ids.map(fold_of).to_numpy()


def repeated_f1(
    features: pd.DataFrame,
    labels: pd.DataFrame,
    catalogue: Catalogue,
    *,
    repeats: int,
    folds: int = 5,
    seed: int = config.RANDOM_SEED,
) -> pd.DataFrame:
    """Cross-validated F1 per theme for ``repeats`` different fold splits.

    With few positives per theme one split moves F1 by ~0.1 per paper; repeating the split with
    seeds ``seed, seed + 1, ...`` shows how much of a difference is the split.

    Returns:
        One row per split seed, one column per theme id plus ``macro``.
    """
    rows = []
    for s in range(seed, seed + repeats):
        result = cross_validate(features, labels, catalogue, folds=folds, seed=s)
        own = result.of_method()
        f1 = dict(zip(own["theme"], own["f1"], strict=True))
        rows.append({"seed": s, **f1, "macro": result.macro_f1()})
    return pd.DataFrame(rows).set_index("seed")
