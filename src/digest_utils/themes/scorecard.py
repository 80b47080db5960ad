"""The evaluation a reader sees: the text of ``digest-topics evaluate``.

:func:`scorecard` runs the evaluations of :mod:`digest_utils.themes.evaluate` that the command
asks for and returns what it prints: per-theme precision, recall and F1 of the cross-validated
method and its baselines, and on request the spread over fold splits, the leave-one-digest-out
scores and weights fitted on all labels. The CLI only reads arguments and prints this text.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from digest_utils import config
from digest_utils.themes import scoring
from digest_utils.themes.evaluate import cross_validate, design_matrix, repeated_f1
from digest_utils.themes.types import Catalogue

__all__ = ["scorecard"]


def scorecard(
    features: pd.DataFrame,
    labels: pd.DataFrame,
    catalogue: Catalogue,
    *,
    papers: pd.DataFrame,
    embeddings: np.ndarray,
    folds: int = 5,
    seed: int = config.RANDOM_SEED,
    repeats: int = 1,
    by_digest: bool = False,
    fit_source: str | None = None,
) -> str:
    """The evaluation of theme assignment against hand labels, as printed text.

    The ``exemplar`` feature is recomputed per fold from the training folds' labels, so no
    paper is scored by examples chosen with its own label.

    Args:
        features: Theme evidence of ``papers`` (:attr:`digest_utils.analysis.Analysis.features`).
        labels: Long labels (:func:`~digest_utils.themes.labels.read_labels`).
        catalogue: The catalogue the features came from.
        papers: The papers: ``paper_id`` and ``digest`` (the digest each first appears in).
        embeddings: Their embeddings, rows aligned with ``papers``.
        folds: Cross-validation folds.
        seed: Seed of the fold split (and the first of ``repeats`` splits).
        repeats: With more than 1, also the mean, min and max F1 over that many splits.
        by_digest: Also leave one digest out.
        fit_source: When given, also weights fitted on all labels as a ``[scoring]`` block;
            it names the labelled data (``fitted_on``), followed by the number of papers.

    Returns:
        The text, lines joined by newlines (no final newline).
    """
    ids = list(papers["paper_id"])
    result = cross_validate(
        features, labels, catalogue, folds=folds, seed=seed, embeddings=embeddings, paper_ids=ids
    )
    table = result.scores.pivot_table(
        index="theme", columns="method", values="f1", sort=False
    ).reindex(catalogue.ids)
    lines = [
        result.scores.to_string(index=False),
        "",
        "F1 by theme and method:",
        table.to_string(),
        f"macro-F1: {table.mean().round(3).to_dict()}",
    ]
    if repeats > 1:
        runs = repeated_f1(
            features,
            labels,
            catalogue,
            repeats=repeats,
            folds=folds,
            seed=seed,
            embeddings=embeddings,
            paper_ids=ids,
        )
        lines.append(f"\nCross-validated F1 over {repeats} fold splits (seeds {seed}..):")
        lines.append(runs.agg(["mean", "min", "max"]).round(3).to_string())
    if by_digest:
        lines += _by_digest(features, labels, catalogue, papers=papers, embeddings=embeddings)
    if fit_source is not None:
        fitted = scoring.fit(design_matrix(features, labels))
        data = f"{fit_source} ({labels['paper_id'].nunique()})"
        toml = scoring.scoring_toml(fitted, fitted_on=data)
        lines.append("\n# fitted on all labels; paste into themes.toml\n" + toml)
    return "\n".join(lines)


def _by_digest(
    features: pd.DataFrame,
    labels: pd.DataFrame,
    catalogue: Catalogue,
    *,
    papers: pd.DataFrame,
    embeddings: np.ndarray,
) -> list[str]:
    """Leave-one-digest-out scores: how theme assignment does on a digest it has not seen."""
    groups = dict(zip(papers["paper_id"], papers["digest"], strict=True))
    result = cross_validate(
        features,
        labels,
        catalogue,
        groups=groups,
        embeddings=embeddings,
        paper_ids=list(papers["paper_id"]),
    )
    own = result.of_method()
    return [
        f"\nLeave one digest out ({papers['digest'].nunique()} digests; each paper in the",
        "digest it first appears in, scored by weights fitted on the other digests):",
        own[["theme", "support", "precision", "recall", "f1"]].to_string(index=False),
        f"macro-F1: {round(result.macro_f1(), 3)}",
    ]
