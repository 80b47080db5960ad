"""Evaluate theme assignment against hand labels.

The weights in ``[scoring]`` and the ``exemplar`` feature's examples are learned from labelled
papers, so the honest figures are those on papers they never saw:

* :func:`cross_validate`: papers are split into folds; the weights, threshold and (given the
  embeddings) the examples come from the other folds;
* :func:`fit_and_score`: fitted on one labelled set, scored on another (seeds -> devset);
* :func:`learning_curve`: a theme taught by k labelled examples, scored on the rest.

Labels are the long frames of :func:`digest_utils.themes.labels.read_labels` (one row per
judged paper and theme; a blank label is neither an example nor scored).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from digest_utils import config
from digest_utils.errors import LabelsError
from digest_utils.themes import scoring
from digest_utils.themes.exemplars import with_exemplars
from digest_utils.themes.metrics import prf
from digest_utils.themes.types import Catalogue, Exemplars

__all__ = [
    "CV_METHOD",
    "EvalResult",
    "cross_validate",
    "design_matrix",
    "fit_and_score",
    "learning_curve",
    "repeated_f1",
]
#: The method name of the cross-validated scores in :attr:`EvalResult.scores`.
CV_METHOD = "digest-topics (cross-validated)"


def design_matrix(features: pd.DataFrame, labels: pd.DataFrame) -> pd.DataFrame:
    """Join long features with long labels: the judged (paper, theme) rows, in feature order.

    ``y`` is int64 0/1.
    """
    judged = labels[["paper_id", "theme", "y"]].astype({"paper_id": str, "theme": str})
    judged = judged.drop_duplicates(["paper_id", "theme"], keep="last")
    design = features.astype({"paper_id": str, "theme": str}).merge(
        judged, on=["paper_id", "theme"], how="inner"
    )
    return design.astype({"y": "int64"})


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


def cross_validate(
    features: pd.DataFrame,
    labels: pd.DataFrame,
    catalogue: Catalogue,
    *,
    folds: int = 5,
    seed: int = config.RANDOM_SEED,
    groups: dict[str, str] | None = None,
    embeddings: np.ndarray | None = None,
    paper_ids: Sequence[str] | None = None,
) -> EvalResult:
    """Cross-validated precision/recall/F1 per theme, plus two baselines for context.

    Papers (not rows) are split into ``folds`` seeded folds; weights and threshold are fitted
    on the other folds. Baselines: "any term matches" (a keyword rule) and "catalogue weights"
    (the weights shipped in the catalogue, which were fitted on all labels: optimistic).

    Args:
        features: From :func:`digest_utils.themes.theme_features`.
        labels: Long labels (:func:`~digest_utils.themes.labels.read_labels`).
        catalogue: The catalogue the features came from.
        folds: Number of folds.
        groups: Optional paper id -> group (e.g. the digest it first appeared in); each group
            is then one fold, so every group is scored by weights fitted on the others
            ("leave one digest out"). ``folds`` and ``seed`` are unused then.
        seed: Seed of the fold split.
        embeddings: The papers' embeddings, rows of ``paper_ids``. When given, the
            ``exemplar`` feature is recomputed per fold with the training folds' labelled
            papers as examples, so no paper is scored by examples chosen with its fold's
            labels. Without, ``features`` are used as they are.
        paper_ids: The papers of ``features`` (see ``embeddings``).
    """
    design = design_matrix(features, labels)
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
        fold_design = design
        if embeddings is not None and paper_ids is not None:
            taught = labels[labels["paper_id"].astype(str).isin(set(design["paper_id"][~test]))]
            examples = Exemplars.from_labels(taught, paper_ids, embeddings)
            refit = with_exemplars(features, embeddings, paper_ids, examples)
            fold_design = design_matrix(refit, labels)
        fitted = scoring.fit(fold_design[~test], seed=seed)
        oof[test] = scoring.score(fold_design[test], fitted)
        pred[test] = oof[test] >= fitted.threshold
    shipped = scoring.score(design, catalogue.scoring) >= catalogue.threshold
    keyword = (design["distinct_terms"] > 0).to_numpy() & design["gate"].to_numpy()
    methods = {
        CV_METHOD: pred,
        "catalogue weights (fitted on all labels)": shipped,
        "any catalogue term matches": keyword,
    }
    scores = pd.concat(
        [_prf_table(design, p, catalogue.ids).assign(method=m) for m, p in methods.items()],
        ignore_index=True,
    )
    predictions = design[["paper_id", "theme", "y"]].assign(score=oof, pred=pred)
    columns = ["theme", "method", "support", "precision", "recall", "f1"]
    return EvalResult(scores=scores[columns], predictions=predictions)


def _prf_table(design: pd.DataFrame, pred: np.ndarray, theme_ids: list[str]) -> pd.DataFrame:
    """Per theme: ``theme``, ``support``, ``precision``, ``recall``, ``f1`` (3 decimals)."""
    y = design["y"].to_numpy()
    rows = []
    for tid in theme_ids:
        sel = (design["theme"] == tid).to_numpy()
        precision, recall, f1 = prf(y[sel], pred[sel])
        rows.append(
            {
                "theme": tid,
                "support": int(y[sel].sum()),
                "precision": round(precision, 3),
                "recall": round(recall, 3),
                "f1": round(f1, 3),
            }
        )
    return pd.DataFrame(rows)


def fit_and_score(
    train: pd.DataFrame,
    test: pd.DataFrame,
    theme_ids: list[str],
    *,
    method: str = "fitted on train, scored on test",
    seed: int = config.RANDOM_SEED,
) -> tuple[EvalResult, scoring.Weights]:
    """Fit the weights on one labelled set and score another (e.g. seeds -> devset).

    Args:
        train: Design rows (:func:`design_matrix`) of the set the weights are fitted on; its
            ``exemplar`` feature should come from its own labels.
        test: Design rows of the set scored; its ``exemplar`` feature should come from the
            *train* set's labels (so nothing of ``test``'s labels is used).
        theme_ids: Themes to report.
        method: The ``method`` name in the scores.
        seed: Solver seed.

    Returns:
        The per-theme scores and ``predictions`` (``test``'s rows with ``score`` and
        ``pred``), and the fitted weights.
    """
    fitted = scoring.fit(train, seed=seed)
    score = scoring.score(test, fitted)
    pred = score >= fitted.threshold
    scores = _prf_table(test, pred, theme_ids).assign(method=method)
    columns = ["theme", "method", "support", "precision", "recall", "f1"]
    predictions = test.assign(score=score, pred=pred)
    return EvalResult(scores=scores[columns], predictions=predictions), fitted


def learning_curve(
    features: pd.DataFrame,
    labels: pd.DataFrame,
    weights: scoring.Weights,
    *,
    embeddings: np.ndarray,
    paper_ids: Sequence[str],
    ks: Sequence[int] = (0, 5, 10, 20),
    draws: int = 5,
    keep: int = 5,
    seed: int = config.RANDOM_SEED,
) -> pd.DataFrame:
    """F1 of each theme taught by ``k`` labelled examples, scored on the other labelled papers.

    Each theme is treated as new: the shared ``weights`` are used with theme bias 0, and its
    only examples are ``k`` positive and ``k`` negative labelled papers drawn at random (seeds
    ``seed .. seed + draws - 1``; scores averaged over the draws). ``k = 0`` is the fallback of
    a theme without labels (examples picked from the papers' titles). ``k`` is capped so that
    ``keep`` positives remain to score.

    Args:
        features: From :func:`~digest_utils.themes.assign.theme_features` (any examples).
        labels: Long labels of the papers (:func:`~digest_utils.themes.labels.read_labels`).
        weights: Shared weights, e.g. fitted on another labelled set.
        embeddings: The papers' embeddings, rows of ``paper_ids``.
        paper_ids: The papers of ``features``.
        ks: Numbers of examples per kind.
        draws: Random draws per ``k`` > 0.
        keep: Positives left to score.
        seed: Seed of the first draw.

    Returns:
        One row per (theme, k): ``theme``, ``k``, ``k_used``, ``precision``, ``recall``, ``f1``.
    """
    taught = labels[["paper_id", "theme", "y"]].astype({"paper_id": str, "theme": str})
    taught = taught.drop_duplicates(["paper_id", "theme"], keep="last")
    new_theme = scoring.Weights(weights.weights, weights.intercept, weights.threshold, {})
    rows = []
    for tid in sorted(set(taught["theme"]) & set(features["theme"])):
        own = taught[taught["theme"] == tid].sort_values("paper_id", kind="stable")
        pos = own.loc[own["y"] == 1, "paper_id"].to_numpy()
        neg = own.loc[own["y"] == 0, "paper_id"].to_numpy()
        part = features[features["theme"] == tid]
        for k in ks:
            used = max(min(k, len(pos) - keep, len(neg)), 0)
            runs = []
            for draw in range(draws if used else 1):
                rng = np.random.default_rng(seed + draw)
                chosen = set(rng.choice(pos, used, replace=False)) if used else set()
                chosen |= set(rng.choice(neg, used, replace=False)) if used else set()
                examples = Exemplars.from_labels(
                    own[own["paper_id"].isin(chosen)], paper_ids, embeddings
                )
                design = with_exemplars(part, embeddings, paper_ids, examples).merge(
                    own[~own["paper_id"].isin(chosen)], on=["paper_id", "theme"]
                )
                pred = scoring.score(design, new_theme) >= new_theme.threshold
                runs.append(prf(design["y"].to_numpy(), pred))
            p, r, f = np.mean(runs, axis=0)
            rows.append(
                {"theme": tid, "k": k, "k_used": used, "precision": p, "recall": r, "f1": f}
            )
    return pd.DataFrame(rows)


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
    embeddings: np.ndarray | None = None,
    paper_ids: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Cross-validated F1 per theme for ``repeats`` different fold splits.

    With few positives per theme one split moves F1 by ~0.1 per paper; repeating the split with
    seeds ``seed, seed + 1, ...`` shows how much of a difference is the split.
    ``embeddings`` and ``paper_ids`` are passed to :func:`cross_validate`.

    Returns:
        One row per split seed, one column per theme id plus ``macro``.
    """
    rows = []
    for s in range(seed, seed + repeats):
        result = cross_validate(
            features,
            labels,
            catalogue,
            folds=folds,
            seed=s,
            embeddings=embeddings,
            paper_ids=paper_ids,
        )
        own = result.of_method()
        f1 = dict(zip(own["theme"], own["f1"], strict=True))
        rows.append({"seed": s, **f1, "macro": result.macro_f1()})
    return pd.DataFrame(rows).set_index("seed")
