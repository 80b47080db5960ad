"""Incremental topics: place new papers into the last fit instead of refitting everything.

A weekly digest of 50 papers added to an analysed corpus of 20,000 should not redo the Ward
tree, the keywords and the map. When :func:`~digest_utils.topics.fit_topics` is called with
``incremental=True`` (what :func:`~digest_utils.analysis.analyse` does unless ``refit=True``,
the CLI's ``--refit``) and a full fit of a corpus that the current one extends is cached, the
new papers are *placed* into that fit:

* **topic**: the fine topic whose centroid is most similar (cosine) to the paper; its area is
  that topic's area. A placed paper is an outlier (topic -1) when its similarity is below the
  fit's own loose-fit threshold for that topic (median minus three MADs of the fitted papers);
* **map position**: the mean position of its :data:`MAP_NEIGHBOURS` most similar fitted papers
  (no UMAP is loaded);
* topic ids, labels, keywords and centroids stay those of the fit; sizes count the placed papers.

A full refit happens instead when the papers added since the fit pass
:data:`digest_utils.config.REFIT_SHARE` (10 %) of the papers it was fitted on: at 20,000 papers,
after 2,000 new ones (about 40 weekly digests). Why 10 %: the number of fine topics grows like
sqrt(n), so 10 % more papers would ask for about 5 % more topics (113 -> 119 at 20,000), the most
a fit may lag behind. A corpus that drops papers of the fit is refitted too.

:attr:`TopicResult.fit` says which fit a result shows and when it was made.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import pickle
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from digest_utils import config
from digest_utils._util import atomic_write
from digest_utils.topics.cluster import LOOSE_MADS, unit

if TYPE_CHECKING:
    from digest_utils.topics.fit import TopicResult

__all__ = ["MAP_NEIGHBOURS", "find_base", "place", "remember_fit", "stamp"]

#: Fitted papers whose map positions are averaged to place a new paper on the map.
MAP_NEIGHBOURS = 5
#: Full fits remembered per setting (the newest first).
REMEMBERED_FITS = 8


def stamp(
    result: TopicResult, kind: str, fitted_on: int, placed: int = 0, at: str = ""
) -> TopicResult:
    """``result`` with :attr:`TopicResult.fit` set (``at`` defaults to now, UTC)."""
    at = at or dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    fit = {"kind": kind, "fitted_on": int(fitted_on), "placed": int(placed), "fitted_at": at}
    return replace(result, fit=fit)


def _index(root: Path, params: dict) -> Path:
    """The list of full fits made with the size-independent settings of ``params``."""
    same = {k: v for k, v in params.items() if k in ("method", "seed", "model")}
    slug = hashlib.sha256(json.dumps(same, sort_keys=True).encode()).hexdigest()[:16]
    return root / "topics" / f"fits-{slug}.json"


def remember_fit(root: Path, params: dict, path: Path, n_papers: int) -> None:
    """Record a full fit (its cache file) as a base later corpora may extend."""
    index = _index(root, params)
    fits = json.loads(index.read_text()) if index.exists() else []
    fits = [f for f in fits if f["file"] != path.name]
    fits.insert(0, {"file": path.name, "n_papers": int(n_papers)})
    atomic_write(index, json.dumps(fits[:REMEMBERED_FITS], indent=1).encode())


def find_base(root: Path, params: dict, paper_ids: pd.Series) -> TopicResult | None:
    """The newest remembered full fit whose papers are all in ``paper_ids``, within the share.

    Returns ``None`` when there is none, or when the papers added since it pass
    :data:`config.REFIT_SHARE` of it (a refit is due).
    """
    index = _index(root, params)
    if not index.exists():
        return None
    current = set(map(str, paper_ids))
    for entry in json.loads(index.read_text()):
        n_base = entry["n_papers"]
        if not n_base < len(current) <= n_base * (1 + config.REFIT_SHARE):
            continue
        path = index.parent / entry["file"]
        if not path.exists():
            continue
        base = pickle.loads(path.read_bytes())
        if set(map(str, base.assignments["paper_id"])) <= current:
            return base
    return None


def place(base: TopicResult, papers: pd.DataFrame, embeddings: np.ndarray) -> TopicResult:
    """Place the papers that ``base`` has not seen into its topics (see the module docstring).

    Args:
        base: A full fit of a subset of ``papers``.
        papers: ``paper_id`` per paper, the current corpus.
        embeddings: Rows aligned with ``papers``.

    Returns:
        A :class:`TopicResult` over ``papers`` (in their order), with ``fit["kind"]`` ``"placed"``.
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
    result = replace(base, assignments=assignments, topics=topics, areas=areas)
    return stamp(result, "placed", len(old), len(new), at=base.fit.get("fitted_at", ""))


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
