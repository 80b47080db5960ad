"""Package a method's :class:`~digest_utils.topics.result.Clusters` into a TopicResult.

Clusters are renumbered by size, largest first; each level gets its table (size, keywords,
label, representative paper, cohesion) and unit-length centroids.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from digest_utils.topics.cluster import unit
from digest_utils.topics.labels import topic_labels
from digest_utils.topics.result import Clusters, TopicResult

__all__ = ["package"]

_TABLE_COLUMNS = ["topic", "level", "size", "label", "keywords", "representative", "cohesion"]


def _by_size(labels: np.ndarray) -> dict[int, int]:
    """Old label -> new label, largest cluster first (ties by old label); -1 stays -1."""
    ids, sizes = np.unique(labels[labels >= 0], return_counts=True)
    order = ids[np.lexsort((ids, -sizes))].tolist()
    return {old: new for new, old in enumerate(order)} | {-1: -1}


def _level_table(
    x: np.ndarray, labels: np.ndarray, keywords: dict[int, list[str]], pids, level: str
) -> tuple[pd.DataFrame, np.ndarray]:
    """One row per cluster of ``labels`` (already 0..k-1 by size) and the unit centroids."""
    k = int(labels.max()) + 1 if (labels >= 0).any() else 0
    rows, vectors = [], np.zeros((k, x.shape[1]), dtype=np.float32)
    for t in range(k):
        members = np.flatnonzero(labels == t)
        centroid = x[members].mean(axis=0)
        vectors[t] = centroid / np.linalg.norm(centroid)
        sims = x[members] @ vectors[t]
        rows.append(
            (t, level, len(members), keywords[t][:10], pids[members[sims.argmax()]], sims.mean())
        )
    table = pd.DataFrame(rows, columns=[c for c in _TABLE_COLUMNS if c != "label"])
    table.insert(3, "label", topic_labels(list(table["keywords"])))
    dtypes = {"topic": "int64", "level": "string", "size": "int64", "label": "string"}
    return table.astype(dtypes | {"representative": "string", "cohesion": "float64"}), vectors


def _renumbered(labels: np.ndarray, keywords: dict[int, list[str]]):
    mapping = _by_size(labels)
    new = np.array([mapping[int(t)] for t in labels], dtype=np.int64)
    return new, {mapping[t]: words for t, words in keywords.items() if t in mapping}


def package(
    papers: pd.DataFrame, embeddings: np.ndarray, fit: Clusters, params: dict
) -> TopicResult:
    """Build the result; clusters are renumbered by size, largest first (outliers stay -1)."""
    x = unit(embeddings)
    pids = pd.array(papers["paper_id"], dtype="string")
    assigned, keywords = _renumbered(np.asarray(fit.assigned), fit.keywords)
    table, vectors = _level_table(x, assigned, keywords, pids, "topic")
    topic = np.where(np.asarray(fit.outlier), -1, assigned)
    labels = dict(zip(table["topic"], table["label"], strict=True)) | {-1: "outliers"}
    assignments = pd.DataFrame({"paper_id": pids, "topic": topic})
    assignments["topic_label"] = pd.array([labels[t] for t in topic], dtype="string")
    assignments["assigned_topic"] = assigned
    areas = pd.DataFrame(columns=[*_TABLE_COLUMNS, "n_topics"])
    area = np.full(len(pids), -1, dtype=np.int64)
    area_labels: dict[int, str] = {-1: "no area"}
    if fit.area is not None and fit.area_keywords is not None:
        area, area_keywords = _renumbered(np.asarray(fit.area), fit.area_keywords)
        areas, _ = _level_table(x, area, area_keywords, pids, "area")
        area_labels |= dict(zip(areas["topic"], areas["label"], strict=True))
    holder = pd.Series(area).groupby(assigned).agg(lambda a: a.value_counts().index[0])
    table["area"] = table["topic"].map(holder).astype("int64")
    if len(areas):
        areas["n_topics"] = (
            areas["topic"].map(table.groupby("area").size()).fillna(0).astype("int64")
        )
    assignments["area"] = area
    assignments["area_label"] = pd.array([area_labels[int(a)] for a in area], dtype="string")
    assignments[["x", "y"]] = np.asarray(fit.layout, dtype="float64")
    return TopicResult(assignments, table, vectors, dict(params, n_papers=len(papers)), areas)
