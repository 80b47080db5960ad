"""Place new papers into an earlier full fit instead of refitting everything (pure).

A weekly digest of 50 papers added to an analysed corpus of 20,000 should not redo the Ward
tree, the keywords and the map. :func:`place` puts the papers a full fit has not seen into it:

* **topic**: the fine topic whose centroid is most similar (cosine) to the paper; its area is
  that topic's area. A placed paper is an outlier (topic -1) when its similarity is below the
  fit's own loose-fit threshold for that topic (median minus three MADs of the fitted papers);
* **map position**: the mean position of its :data:`MAP_NEIGHBOURS` most similar fitted papers
  (no UMAP is loaded);
* topic ids, labels, keywords and centroids stay those of the fit; sizes count the placed papers.

A function of its arguments only: no cache, no clock. When a rerun places rather than refits
is decided in :func:`digest_utils.topics.fit.reusable_fit`; :attr:`TopicResult.fit` of the
result says which fit it shows and when that was made.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from digest_utils.topics.cluster import LOOSE_MADS, unit
from digest_utils.topics.result import FitRecord, TopicResult

__all__ = ["MAP_NEIGHBOURS", "place"]

#: Fitted papers whose map positions are averaged to place a new paper on the map.
MAP_NEIGHBOURS = 5


def place(base: TopicResult, papers: pd.DataFrame, embeddings: np.ndarray) -> TopicResult:
    """Place the papers that ``base`` has not seen into its topics (see the module docstring).

    Args:
        base: A full fit of a subset of ``papers``.
        papers: ``paper_id`` per paper, the current corpus.
        embeddings: Rows aligned with ``papers``.

    Returns:
        A :class:`TopicResult` over ``papers`` (in their order); its ``fit`` is ``"placed"``,
        made when ``base`` was.
    """
    x = unit(embeddings)
    pids = pd.array(papers["paper_id"], dtype="string")
    old = base.assignments.set_index("paper_id")
    row = {p: i for i, p in enumerate(pids)}
    fitted = np.array([row[p] for p in old.index])
    new = np.setdiff1d(np.arange(len(pids)), fitted)
    centroids = unit(base.vectors)
    sims = x[new] @ centroids.T
    topic_of = sims.argmax(axis=1)
    best = sims[np.arange(len(new)), topic_of]
    loose = (
        best < _loose_thresholds(x[fitted], old["assigned_topic"].to_numpy(), centroids)[topic_of]
    )
    xy = _map_positions(x[new], x[fitted], old[["x", "y"]].to_numpy())
    area_of = base.topics.set_index("topic")["area"]
    added = pd.DataFrame(
        {
            "paper_id": pids[new],
            "topic": np.where(loose, -1, topic_of),
            "assigned_topic": topic_of,
            "area": area_of.reindex(topic_of).to_numpy(),
            "x": xy[:, 0],
            "y": xy[:, 1],
        }
    )
    labels = dict(zip(base.topics["topic"], base.topics["label"], strict=True))
    added["topic_label"] = [labels.get(int(t), "outliers") for t in added["topic"]]
    area_labels = dict(zip(base.areas["topic"], base.areas["label"], strict=True))
    added["area_label"] = [area_labels.get(int(a), "no area") for a in added["area"]]
    merged = pd.concat([base.assignments, added[base.assignments.columns]], ignore_index=True)
    merged = merged.astype(base.assignments.dtypes.to_dict())
    assignments = merged.set_index("paper_id").loc[pids].reset_index()
    topics = base.topics.assign(size=_sizes(base.topics, assignments, "assigned_topic"))
    areas = (
        base.areas.assign(size=_sizes(base.areas, assignments, "area"))
        if len(base.areas)
        else base.areas
    )
    at = base.fit.fitted_at if base.fit else ""
    fit = FitRecord("placed", fitted_on=len(old), placed=len(new), fitted_at=at)
    return replace(base, assignments=assignments, topics=topics, areas=areas, fit=fit)


def _map_positions(new: np.ndarray, fitted: np.ndarray, xy: np.ndarray) -> np.ndarray:
    """Mean map position of each new paper's most similar fitted papers (in blocks)."""
    k = min(MAP_NEIGHBOURS, len(fitted))
    out = np.zeros((len(new), 2))
    for start in range(0, len(new), 512):
        sims = new[start : start + 512] @ fitted.T
        near = np.argpartition(-sims, k - 1, axis=1)[:, :k]
        out[start : start + 512] = xy[near].mean(axis=1)
    return out


def _sizes(table: pd.DataFrame, assignments: pd.DataFrame, column: str) -> np.ndarray:
    counts = assignments[column].value_counts()
    return table["topic"].map(counts).fillna(0).astype("int64").to_numpy()


def _loose_thresholds(x: np.ndarray, topic: np.ndarray, centroids: np.ndarray) -> np.ndarray:
    """Per topic, the similarity below which a paper fits it loosely (median - 3 MADs)."""
    out = np.full(len(centroids), -np.inf)
    for t in range(len(centroids)):
        sims = x[topic == t] @ centroids[t]
        if len(sims):
            median = np.median(sims)
            out[t] = median - LOOSE_MADS * np.median(np.abs(sims - median))
    return out
