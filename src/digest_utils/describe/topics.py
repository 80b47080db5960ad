"""Sentences about the topics: their sizes, keywords, closeness and place on the map."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from digest_utils._util import require_columns
from digest_utils.describe._text import pct, plural

if TYPE_CHECKING:
    from digest_utils.topics import TopicResult

__all__ = [
    "closest_topics",
    "covered",
    "keywords",
    "map_neighbours",
    "topic_quality",
    "topic_sizes",
]


def covered(result: TopicResult) -> str:
    """How many papers, topics and areas: every paper has an assigned topic and an area.

    Example:
        ``"252 papers, each in one of 13 topics within 6 broad areas"``
    """
    a = result.assignments
    require_columns(a, ["assigned_topic", "area"], where="covered: assignments")
    placed = int(((a["assigned_topic"] >= 0) & (a["area"] >= 0)).sum())
    each = "each" if placed == len(a) else f"{placed} of them"
    return (
        f"{len(a)} papers, {each} in one of {len(result.topics)} topics within "
        f"{len(result.areas)} broad areas"
    )


def topic_sizes(result: TopicResult) -> str:
    """The largest area and topic, and how many papers fit their topic loosely (outliers)."""
    n = len(result.assignments)
    if result.topics.empty:
        return f"no topic found among {n} papers"
    big = result.topics.iloc[0]
    text = (
        f"the largest of {len(result.topics)} topics, '{big['label']}', holds "
        f"{int(big['size'])} papers ({pct(big['size'], n)})"
    )
    if len(result.areas):
        area = result.areas.iloc[0]
        text += (
            f"; the largest of {len(result.areas)} areas, '{area['label']}', "
            f"{int(area['size'])} ({pct(area['size'], n)})"
        )
    outliers = int((result.assignments["topic"] == -1).sum())
    return f"{text}; {outliers} papers ({pct(outliers, n)}) fit their topic loosely (outliers)"


def topic_quality(table: pd.DataFrame) -> str:
    """Our topics against BERTopic's defaults, from :func:`topics.evaluate.quality_table`."""
    require_columns(
        table, ["n_topics", "npmi", "diversity", "ari_mean"], where="topic_quality: table"
    )
    parts = [
        f"{name}: {int(row['n_topics'])} topics, diversity {row['diversity']:.2f}, "
        f"NPMI {row['npmi']:.3f}, stability (ARI) {row['ari_mean']:.2f}"
        for name, row in table.iterrows()
    ]
    return "; ".join(parts)


def keywords(topics: pd.DataFrame, top_n: int = 8) -> str:
    """How many of the topics' top keywords are their own, and the one most topics share.

    Reads the keywords ``charts.topic_keywords`` shows (the first ``top_n`` of each topic;
    the outlier topic -1 left out).

    Example:
        ``"88 of the 104 top keywords belong to one topic only; 'language' is among the top 8
        of 3 topics"``
    """
    require_columns(topics, ["topic", "keywords"], where="keywords: topics")
    kept = topics[topics["topic"] != -1]
    lists = [list(words)[:top_n] for words in kept["keywords"]]
    counts = Counter(w for words in lists for w in dict.fromkeys(words))
    if not counts:
        return "no topic has keywords"
    total = sum(len(dict.fromkeys(words)) for words in lists)
    own = sum(1 for words in lists for w in dict.fromkeys(words) if counts[w] == 1)
    word, shared = counts.most_common(1)[0]  # the first listed of equally shared words
    if shared == 1:
        return f"each of the {plural(len(lists), 'topic')} has top {top_n} keywords of its own"
    return (
        f"{own} of the {total} top keywords belong to one topic only; '{word}' is among the "
        f"top {top_n} of {shared} topics"
    )


def closest_topics(vectors: pd.DataFrame) -> str:
    """The two most similar topics (the first pair the hierarchy joins) and the most apart one.

    Args:
        vectors: ``topics.topic_vectors(result)``: one row per topic label, the centroid's
            dimensions as columns (what ``charts.topic_hierarchy`` draws).

    Example:
        ``"'a' and 'b' are the closest topics (cosine similarity 0.83); 'c' stands most apart
        (at most 0.41 similar to any other)"``
    """
    labels = [str(v) for v in vectors.index]
    if len(labels) < 2:
        return f"{plural(len(labels), 'topic')}: nothing to compare"
    x = vectors.to_numpy(dtype=float)
    x = x / np.linalg.norm(x, axis=1, keepdims=True)
    sim = x @ x.T
    np.fill_diagonal(sim, -np.inf)
    i, j = np.unravel_index(int(np.argmax(sim)), sim.shape)
    nearest = sim.max(axis=1)
    loner = int(np.argmin(nearest))
    return (
        f"'{labels[i]}' and '{labels[j]}' are the closest topics (cosine similarity "
        f"{sim[i, j]:.2f}); '{labels[loner]}' stands most apart (at most {nearest[loner]:.2f} "
        "similar to any other)"
    )


def map_neighbours(points: pd.DataFrame, column: str, noun: str) -> str:
    """How often a paper's nearest neighbour on the map shares its ``column``, against chance.

    Args:
        points: ``Analysis.points`` (``x``, ``y`` and ``column``).
        column: What the map is coloured by, e.g. ``"area_label"`` or ``"topic_label"``.
        noun: How the sentence names it: ``"area"``, ``"topic"``.

    Example:
        ``"on the map, 71% of papers have a nearest neighbour in the same area (24% if areas
        were shuffled)"``
    """
    require_columns(points, ["x", "y", column], where="map_neighbours: points")
    xy = points[["x", "y"]].to_numpy(dtype=float)
    groups = points[column].astype("string").fillna("").to_numpy()
    if len(xy) < 2:
        return f"{plural(len(xy), 'paper')} on the map: no neighbours to compare"
    from sklearn.neighbors import NearestNeighbors

    # the second nearest point is the nearest other paper (the first is the paper itself)
    _, idx = NearestNeighbors(n_neighbors=2).fit(xy).kneighbors(xy)
    same = float(np.mean(groups[idx[:, 1]] == groups))
    shares = pd.Series(groups).value_counts(normalize=True)
    chance = float((shares**2).sum())
    return (
        f"on the map, {pct(same, 1)} of papers have a nearest neighbour in the same {noun} "
        f"({pct(chance, 1)} if {noun}s were shuffled)"
    )
