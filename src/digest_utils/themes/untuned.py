"""The score of a theme nobody fitted: a name, one sentence and a handful of terms.

The fitted score (:mod:`~digest_utils.themes.scoring`) learned its weights on the default
themes, whose many terms are all specific. A theme a user writes in a few minutes has broad
terms too, and no labels. It is scored without any fitting to it, from three kinds of evidence
that each read the papers at hand:

* ``terms``: :func:`~digest_utils.themes.terms.term_evidence`, each term weighed by its place
  and by how specific it is among these papers;
* ``similarity``: the paper's similarity to the theme's name and description, relative to these
  papers (``z``: in robust standard deviations above their median), so a description that
  reads close to everything does not flag everything;
* ``examples``: how much closer the paper is to the theme's clearest papers (term evidence at
  least :data:`CLEAR`) than to papers naming none of its terms (mean cosine of the
  :data:`~digest_utils.themes.exemplars.K` nearest of each, x10). A paper is never its own
  example.

``score = sigmoid(W_TERMS (terms - 0.5) + W_EXAMPLES examples + W_SIMILARITY (z - Z_CENTRE)
+ offset)``, flagged at 0.5. The weights are global first guesses, never fitted to a theme
(benchmarks/user_theme_research.py shows the plateau around them and leave-one-theme-out).

**Labels teach it** (a review, ``--labels`` or ``[examples]``): a paper judged 1 becomes an
example of the theme and one judged 0 an example against it, replacing the self-picked
examples where they disagree; and the judged papers among those scored set the theme's
``offset``, the value that best explains their labels under a prior pulling it to 0
(:data:`OFFSET_PRIOR`), so a few labels shift the threshold a little and more labels more.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from digest_utils.themes.exemplars import K, exemplar_scores
from digest_utils.themes.terms import TermEvidence
from digest_utils.themes.types import Theme

__all__ = [
    "CLEAR",
    "OFFSET_PRIOR",
    "THRESHOLD",
    "W_EXAMPLES",
    "W_SIMILARITY",
    "W_TERMS",
    "Z_CENTRE",
    "untuned_scores",
]

#: Weight of the term evidence (in [0, 1], centred at 0.5).
W_TERMS = 4.0
#: Weight of the examples evidence (cosine difference x10).
W_EXAMPLES = 1.0
#: Weight of the corpus-relative similarity ...
W_SIMILARITY = 0.5
#: ... centred this many robust standard deviations above the median paper.
Z_CENTRE = 2.5
#: A paper whose term evidence is at least this is one of the theme's clearest papers.
CLEAR = 0.8
#: Precision of the zero-mean Gaussian prior on the offset labels set.
OFFSET_PRIOR = 2.0
#: A paper gets the theme when its score is at least this.
THRESHOLD = 0.5
_MIN_EXAMPLES = 3
_OFFSETS = np.round(np.arange(-3.0, 3.0001, 0.05), 2)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def robust_z(values: np.ndarray) -> np.ndarray:
    """``(values - median) / (1.4826 * MAD)``, the MAD floored at 0.01 (a tiny corpus)."""
    if len(values) == 0:
        return np.zeros(0)
    med = np.median(values)
    return (values - med) / (1.4826 * max(float(np.median(np.abs(values - med))), 0.01))


def untuned_scores(
    papers: pd.DataFrame,
    theme: Theme,
    *,
    embeddings: np.ndarray,
    similarity: np.ndarray,
    labelled_ids: Sequence[str] = (),
    labelled_y: Sequence[float] = (),
    labelled_embeddings: np.ndarray | None = None,
    penalty: np.ndarray | None = None,
) -> pd.DataFrame:
    """Score one untuned theme for every paper.

    Args:
        papers: One row per paper with ``paper_id``, ``title``, ``abstract``.
        theme: The theme.
        embeddings: The papers' unit-normalised embeddings, rows aligned with ``papers``.
        similarity: Cosine of each paper to the theme's description, aligned with ``papers``.
        labelled_ids: Papers judged for this theme (among ``papers`` or not) ...
        labelled_y: ... their labels (1 = belongs, 0 = does not) ...
        labelled_embeddings: ... and their embeddings, rows aligned with ``labelled_ids``.
        penalty: Added to each paper's logit before the offset (e.g. the catalogue's
            ``exclude_hit`` weight times the feature); default none.

    Returns:
        One row per paper, in input order: ``score`` (float64 in [0, 1]), ``terms`` (the term
        evidence), ``z`` (the relative similarity), ``examples`` and ``evidence`` (string).
    """
    ids = [str(p) for p in papers["paper_id"]]
    ev = TermEvidence(papers, theme)
    z = robust_z(np.asarray(similarity, dtype=float))
    examples = _examples(
        ev.evidence, ids, embeddings, labelled_ids, labelled_y, labelled_embeddings
    )
    x = W_TERMS * (ev.evidence - 0.5) + W_EXAMPLES * examples + W_SIMILARITY * (z - Z_CENTRE)
    if penalty is not None:
        x = x + np.asarray(penalty, dtype=float)
    offset = _offset(x, ids, labelled_ids, labelled_y)
    score = _sigmoid(x + offset)
    evidence = [
        f"terms: {ev.described(i) or 'none'} ({ev.evidence[i]:.2f}); similarity "
        f"{similarity[i]:.2f} (z {z[i]:+.1f}); examples {examples[i]:+.2f}"
        + (f"; offset {offset:+.2f} from labels" if offset else "")
        for i in range(len(ids))
    ]
    return pd.DataFrame(
        {
            "score": score.astype("float64"),
            "terms": ev.evidence,
            "z": z,
            "examples": examples,
            "evidence": pd.array(evidence, dtype="string"),
        }
    )


def _examples(
    evidence: np.ndarray,
    ids: list[str],
    embeddings: np.ndarray,
    labelled_ids: Sequence[str],
    labelled_y: Sequence[float],
    labelled_embeddings: np.ndarray | None,
) -> np.ndarray:
    """Closeness to the theme's examples minus to its counter-examples (0 with too few)."""
    label = {str(p): float(y) for p, y in zip(labelled_ids, labelled_y, strict=True)}
    positive = evidence >= CLEAR
    negative = evidence == 0
    for i, p in enumerate(ids):
        if p in label:
            positive[i], negative[i] = label[p] == 1, label[p] == 0
    known = set(ids)
    outside = [j for j, p in enumerate(labelled_ids) if str(p) not in known]
    pool = np.asarray(embeddings, dtype=np.float32)
    pool_ids = list(ids)
    if outside and labelled_embeddings is not None:
        pool = np.vstack([pool, np.asarray(labelled_embeddings, dtype=np.float32)[outside]])
        pool_ids += [str(labelled_ids[j]) for j in outside]
        ys = np.array([float(labelled_y[j]) for j in outside])
        positive, negative = np.r_[positive, ys == 1], np.r_[negative, ys == 0]
    if positive.sum() < _MIN_EXAMPLES or negative.sum() < _MIN_EXAMPLES:
        return np.zeros(len(ids))
    raw = exemplar_scores(embeddings, ids, pool, pool_ids, positive, negative, k=K)
    return 10.0 * np.nan_to_num(raw, nan=0.0)


def _offset(
    x: np.ndarray, ids: list[str], labelled_ids: Sequence[str], labelled_y: Sequence[float]
) -> float:
    """The offset that best explains the labels of judged papers among ``ids`` (MAP, on a grid)."""
    row = {p: i for i, p in enumerate(ids)}
    pairs = [
        (row[str(p)], float(y))
        for p, y in zip(labelled_ids, labelled_y, strict=True)
        if str(p) in row
    ]
    if not pairs:
        return 0.0
    xi = x[[i for i, _ in pairs]][:, None] + _OFFSETS[None, :]
    y = np.array([y for _, y in pairs])[:, None]
    loglik = -(np.logaddexp(0.0, xi) - y * xi).sum(axis=0) - 0.5 * OFFSET_PRIOR * _OFFSETS**2
    return float(_OFFSETS[int(np.argmax(loglik))])
