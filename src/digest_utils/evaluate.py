"""Evaluate theme assignment against hand labels, and fit the shared scoring weights.

The weights in ``[scoring]`` are learned from labelled papers, so the honest figure is the
cross-validated one: papers are split into folds, the weights (and threshold) are fitted on the
other folds, and each paper is scored by weights that never saw it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from digest_utils import config
from digest_utils.errors import DigestError
from digest_utils.themes import FEATURES, Catalogue, score_features

__all__ = [
    "CV_METHOD",
    "EvalResult",
    "cross_validate",
    "design_matrix",
    "fit_weights",
    "load_labels",
    "repeated_f1",
    "scoring_toml",
]

_THRESHOLDS = np.round(np.arange(0.2, 0.81, 0.05), 2)
#: The method name of the cross-validated scores in :attr:`EvalResult.scores`.
CV_METHOD = "digest-topics (cross-validated)"


def load_labels(path: str | Path, theme_ids: list[str]) -> pd.DataFrame:
    """Read a labels CSV: ``paper_id`` plus a 0/1 column per theme id (other columns kept).

    Raises:
        DigestError: The file is missing, or lacks ``paper_id`` or a theme column, or holds a
            value other than 0/1.
    """
    path = Path(path)
    if not path.exists():
        raise DigestError(f"{path}: labels file not found")
    labels = pd.read_csv(path, dtype={"paper_id": "string"})
    missing = [c for c in ["paper_id", *theme_ids] if c not in labels.columns]
    if missing:
        raise DigestError(f"{path}: expected columns {', '.join(missing)}")
    for tid in theme_ids:
        bad = ~labels[tid].isin([0, 1])
        if bad.any():
            row = int(np.flatnonzero(bad)[0]) + 2
            raise DigestError(
                f"{path}:{row}: expected 0 or 1 in {tid!r} (got {labels[tid][bad].iloc[0]!r})"
            )
    return labels


def design_matrix(
    features: pd.DataFrame, labels: pd.DataFrame, theme_ids: list[str]
) -> pd.DataFrame:
    """Join long features with long labels; keep labelled papers of catalogue themes."""
    long = labels.melt(id_vars="paper_id", value_vars=theme_ids, var_name="theme", value_name="y")
    return features.merge(long, on=["paper_id", "theme"], how="inner")


def fit_weights(
    design: pd.DataFrame, *, seed: int = config.RANDOM_SEED
) -> tuple[dict, float, float, dict]:
    """Fit shared logistic weights, per-theme offsets and the F1-best threshold.

    Args:
        design: Long rows with ``theme``, the :data:`FEATURES`, ``gate`` and the label ``y``.
        seed: Seed for the solver (lbfgs is deterministic; kept for completeness).

    Returns:
        ``(weights, intercept, threshold, biases)``; ``biases`` maps theme id to its offset
        (the shared weights stay theme-agnostic, so a theme without labels uses offset 0).
    """
    from sklearn.linear_model import LogisticRegression

    open_ = design[design["gate"]]
    themes = sorted(design["theme"].unique())
    onehot = (open_["theme"].to_numpy()[:, None] == np.array(themes)[None, :]).astype(float)
    x = np.hstack([open_[FEATURES].to_numpy(dtype=float), onehot])
    model = LogisticRegression(C=1.0, max_iter=1000, random_state=seed)
    model.fit(x, open_["y"].to_numpy())
    coef = model.coef_[0]
    weights = {f: float(w) for f, w in zip(FEATURES, coef, strict=False)}
    biases = {t: float(b) for t, b in zip(themes, coef[len(FEATURES) :], strict=True)}
    intercept = float(model.intercept_[0])
    score = score_features(design, weights, intercept, biases)
    y = design["y"].to_numpy()
    f1 = [_prf(y, score >= t)[2] for t in _THRESHOLDS]
    return weights, intercept, float(_THRESHOLDS[int(np.argmax(f1))]), biases


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


def _prf(y: np.ndarray, pred: np.ndarray) -> tuple[float, float, float]:
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
        raise DigestError("no labelled paper is in the corpus; check the paper_id column")
    papers = design["paper_id"].drop_duplicates().to_numpy()
    if groups is not None:
        names = sorted({groups[p] for p in papers})
        fold_of = {p: names.index(groups[p]) for p in papers}
        folds = len(names)
    else:
        rng = np.random.default_rng(seed)
        fold_of = dict(zip(papers, rng.permutation(len(papers)) % folds, strict=True))
    fold = design["paper_id"].map(fold_of).to_numpy()
    oof = np.zeros(len(design))
    pred = np.zeros(len(design), dtype=bool)
    for k in range(folds):
        test = fold == k
        weights, intercept, threshold, biases = fit_weights(design[~test], seed=seed)
        oof[test] = score_features(design[test], weights, intercept, biases)
        pred[test] = oof[test] >= threshold
    shipped = (
        score_features(design, catalogue.weights, catalogue.intercept, catalogue.biases)
        >= catalogue.threshold
    )
    keyword = (design["distinct_terms"] > 0).to_numpy() & design["gate"].to_numpy()
    rows = []
    for method, p in [
        (CV_METHOD, pred),
        ("catalogue weights (fitted on all labels)", shipped),
        ("any catalogue term matches", keyword),
    ]:
        for tid in catalogue.ids:
            sel = (design["theme"] == tid).to_numpy()
            y = design["y"].to_numpy()[sel]
            precision, recall, f1 = _prf(y, p[sel])
            rows.append(
                {
                    "theme": tid,
                    "method": method,
                    "support": int(y.sum()),
                    "precision": round(precision, 3),
                    "recall": round(recall, 3),
                    "f1": round(f1, 3),
                }
            )
    predictions = design[["paper_id", "theme", "y"]].assign(score=oof, pred=pred)
    return EvalResult(scores=pd.DataFrame(rows), predictions=predictions)


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


def scoring_toml(
    weights: dict[str, float], intercept: float, threshold: float, biases: dict[str, float]
) -> str:
    """Render fitted weights as a ``[scoring]`` block and per-theme ``bias`` lines."""
    lines = ["[scoring]", f"threshold = {threshold:.2f}", f"intercept = {intercept:.3f}"]
    lines += [f"{f} = {weights[f]:.3f}" for f in FEATURES]
    lines += ["", "# per theme, in its [[theme]] block:"]
    lines += [f"#   {t}: bias = {b:.3f}" for t, b in biases.items()]
    return "\n".join(lines) + "\n"
