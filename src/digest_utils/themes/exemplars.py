"""The ``exemplar`` feature: how much closer a paper is to a theme's examples than to others.

A user teaches theme assignment by labelling papers: a labels file
(:func:`digest_utils.themes.labels.read_labels`) says of a paper (by ``paper_id`` or ``title``)
that it does (1) or does not (0) belong to a theme. On the next run the confirmed papers are
*examples* of their theme (:class:`~digest_utils.themes.types.Exemplars`) and the rejected ones
count against it: the ``exemplar`` feature of a paper is its mean cosine similarity to its
:data:`K` nearest positive examples minus that to its :data:`K` nearest negative ones, so a
paper that reads like the confirmed papers scores higher, whatever words it uses. A label
teaches by example, it does not decree: a paper is never its own example, so its own flag still
comes from its evidence.

The catalogue's ``[examples]`` names the labels files and the digests holding the labelled
papers' text; :func:`digest_utils.analysis.analyse` reads and embeds those papers, and this
module is the maths only: it takes embeddings as given.

A theme without any positive example (a theme just added to the catalogue) picks its own among
the papers being scored: those whose title names one of its terms (gate open, no exclusion) are
positives. With fewer than :data:`MIN_SELF_EXAMPLES` of them the feature is 0 (no evidence).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from digest_utils.themes.types import Exemplars

__all__ = ["exemplar_scores", "with_exemplars"]

#: How many nearest examples (positive, and negative) are averaged.
K = 5
#: The feature is in units of 0.1 cosine, a scale like the other features' (which matters for
#: the regularised fit of the shared weights) ...
SCALE = 10.0
#: ... and clipped to +-this (real papers stay within about +-2).
CLIP = 3.0
#: A theme without labelled examples needs this many self-picked positives, else no evidence.
MIN_SELF_EXAMPLES = 3


def exemplar_scores(
    embeddings: np.ndarray,
    paper_ids: Sequence[str],
    examples: np.ndarray,
    example_ids: Sequence[str],
    positive: np.ndarray,
    negative: np.ndarray,
    *,
    k: int = K,
) -> np.ndarray:
    """Mean cosine to the ``k`` nearest positive examples minus to the ``k`` nearest negatives.

    A paper is never its own example (matched by id). Where a paper has no positive (or no
    negative) example left, the result is NaN.

    Args:
        embeddings: The papers scored, unit-normalised rows.
        paper_ids: Their ids.
        examples: The examples' embeddings.
        example_ids: Their ids.
        positive: Boolean per example: an example of the theme.
        negative: Boolean per example: an example of not-the-theme.
        k: How many nearest examples of each kind are averaged.

    Returns:
        float64 array, one value per paper.
    """
    if len(example_ids) == 0 or len(paper_ids) == 0:
        return np.full(len(paper_ids), np.nan)
    specs = [(np.asarray(positive, dtype=bool), np.asarray(negative, dtype=bool))]
    return _block_scores(embeddings, paper_ids, examples, example_ids, specs, k=k)[:, 0]


def _block_scores(
    embeddings: np.ndarray,
    paper_ids: Sequence[str],
    examples: np.ndarray,
    example_ids: Sequence[str],
    specs: Sequence[tuple[np.ndarray, np.ndarray]],
    *,
    k: int = K,
) -> np.ndarray:
    """:func:`exemplar_scores` for several (positive, negative) column masks at once.

    The papers' similarities to the examples are computed once, a block of rows at a time, and
    shared by every mask (one per theme), so memory stays O(block * examples).

    Returns:
        float64 array ``(len(paper_ids), len(specs))``.
    """
    emb = np.asarray(embeddings, dtype=np.float64)
    ex = np.asarray(examples, dtype=np.float64)
    columns: dict[str, list[int]] = {}
    for j, p in enumerate(example_ids):
        columns.setdefault(str(p), []).append(j)
    own = [(i, j) for i, p in enumerate(paper_ids) for j in columns.get(str(p), [])]
    own_rows, own_cols = (
        (np.array(v, dtype=np.int64) for v in zip(*own, strict=True))
        if own
        else (
            np.zeros(0, dtype=np.int64),
            np.zeros(0, dtype=np.int64),
        )
    )
    out = np.empty((len(paper_ids), len(specs)))
    for start in range(0, len(paper_ids), _BLOCK):
        stop = min(start + _BLOCK, len(paper_ids))
        sims = emb[start:stop] @ ex.T
        mine = (own_rows >= start) & (own_rows < stop)
        sims[own_rows[mine] - start, own_cols[mine]] = np.nan  # never its own example
        for s, (positive, negative) in enumerate(specs):
            out[start:stop, s] = _top_mean(sims, positive, k) - _top_mean(sims, negative, k)
    return out


#: Papers scored per block in :func:`exemplar_scores` (a block's similarities: 512 x examples).
_BLOCK = 512


def _top_mean(sims: np.ndarray, columns: np.ndarray, k: int) -> np.ndarray:
    """Per row, the mean of the ``k`` largest ``sims`` in ``columns``, NaN ignored (NaN if none)."""
    vals = sims[:, np.asarray(columns, dtype=bool)]
    vals[np.isnan(vals)] = -np.inf
    top = _largest(vals, k)
    count = np.isfinite(top).sum(axis=1)
    total = np.where(np.isfinite(top), top, 0.0).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / np.maximum(count, 1), np.nan)


def _largest(vals: np.ndarray, k: int) -> np.ndarray:
    """Per row, the ``k`` largest values, largest first (exact; fast for long rows).

    Long rows are cut into about sqrt(length) groups: the k largest values all lie in the k
    groups with the largest maxima, so only those are sorted.
    """
    rows, n = vals.shape
    size = int(np.ceil(np.sqrt(n)))
    if n <= 4 * k or -(-n // size) <= k:
        return -np.sort(-vals, axis=1)[:, :k]
    groups = -(-n // size)
    padded = np.full((rows, groups * size), -np.inf)
    padded[:, :n] = vals
    blocks = padded.reshape(rows, groups, size)
    best = np.argpartition(-blocks.max(axis=2), k - 1, axis=1)[:, :k]
    candidates = np.take_along_axis(blocks, best[:, :, None], axis=1).reshape(rows, k * size)
    return -np.sort(-candidates, axis=1)[:, :k]


def with_exemplars(
    features: pd.DataFrame,
    embeddings: np.ndarray,
    paper_ids: Sequence[str] | pd.Series,
    exemplars: Exemplars | None,
) -> pd.DataFrame:
    """Return ``features`` with the ``exemplar`` column computed from ``exemplars``.

    For a theme with a positive example, the column is :func:`exemplar_scores` against the
    labelled examples, plus as negatives the papers being scored that show no term or concept
    of the theme and carry no label (so a few labels still give a well-scaled feature). A
    theme without (or every theme, with ``None``) picks its own examples among the papers
    being scored (see the module docstring). Values are scaled by :data:`SCALE`, clipped to
    +-:data:`CLIP`, and missing ones are 0. Call it again with other examples, e.g. per
    cross-validation fold.

    Args:
        features: From :func:`digest_utils.themes.features.compute_features`.
        embeddings: The papers' embeddings, rows aligned with ``paper_ids``.
        paper_ids: The papers of ``features``.
        exemplars: The labelled examples, or ``None``.

    Returns:
        A copy of ``features`` with ``exemplar`` filled in.
    """
    out = features.copy()
    ids = [str(p) for p in paper_ids]
    row = {p: i for i, p in enumerate(ids)}
    emb = np.asarray(embeddings, dtype=np.float32)
    n_ex = 0 if exemplars is None else len(exemplars.paper_ids)
    pool_ids = [*(exemplars.paper_ids if exemplars is not None else []), *ids]
    pool = np.vstack([exemplars.embeddings, emb]) if exemplars is not None else emb
    values = np.zeros(len(out))
    themes, specs, queries = [], [], []
    for tid in pd.unique(out["theme"]):
        sel = (out["theme"] == tid).to_numpy()
        spec = _theme_spec(out[sel], str(tid), row, n_ex, len(ids), exemplars)
        if spec is not None:  # else: too few examples to judge (a tiny corpus), no evidence
            themes.append(sel)
            specs.append(spec)
            queries.append(np.array([row[str(p)] for p in out.loc[sel, "paper_id"]]))
    shared = all(np.array_equal(q, queries[0]) for q in queries)
    groups = (
        [(queries[0], list(range(len(specs))))]
        if specs and shared
        else [(q, [i]) for i, q in enumerate(queries)]
    )
    for query, which in groups:
        scores = _block_scores(
            emb[query], [ids[i] for i in query], pool, pool_ids, [specs[i] for i in which]
        )
        for col, i in enumerate(which):
            values[themes[i]] = np.clip(SCALE * np.nan_to_num(scores[:, col], nan=0.0), -CLIP, CLIP)
    out["exemplar"] = values
    return out


def _theme_spec(
    part: pd.DataFrame,
    tid: str,
    row: dict[str, int],
    n_ex: int,
    n_papers: int,
    exemplars: Exemplars | None,
) -> tuple[np.ndarray, np.ndarray] | None:
    """Positive and negative columns of the example pool (labelled examples, then the papers).

    ``None`` when the theme has too few self-picked examples to judge.
    """
    at = np.array([row[str(p)] for p in part["paper_id"]], dtype=np.int64)
    ids = np.asarray([str(p) for p in part["paper_id"]], dtype=object)

    def over_papers(mask: np.ndarray) -> np.ndarray:
        full = np.zeros(n_ex + n_papers, dtype=bool)
        full[n_ex + at[mask]] = True
        return full

    # no term and no concept of the theme: a safe "not this theme"
    unrelated = ((part["distinct_terms"] == 0) & (part["concept_hit"] == 0)).to_numpy()
    lab = exemplars.labels.get(tid) if exemplars is not None else None
    if exemplars is not None and lab is not None and (lab == 1).any():
        known = np.asarray(exemplars.paper_ids, dtype=object)[~np.isnan(lab)]
        extra = over_papers(unrelated & ~np.isin(ids, known))
        extra[:n_ex] = lab == 0
        positive = np.zeros(n_ex + n_papers, dtype=bool)
        positive[:n_ex] = lab == 1
        return positive, extra
    named = (part["title_hit"] > 0) & part["gate"].astype(bool) & (part["exclude_hit"] == 0)
    if named.sum() < MIN_SELF_EXAMPLES:
        return None
    return over_papers(named.to_numpy()), over_papers(unrelated)
