"""The data types of :mod:`digest_utils.topics`: a fit's result, its record, raw clusters.

The bottom of the package: types and views only, no computing and no I/O. Everything else in
``topics/`` imports from here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

__all__ = ["Clusters", "FitRecord", "TopicResult", "topic_vectors"]


@dataclass(frozen=True)
class FitRecord:
    """Which fit a :class:`TopicResult` shows.

    Attributes:
        kind: ``"full"`` (the topics were fitted on these papers), or ``"placed"`` (new papers
            placed into an earlier full fit, see :mod:`digest_utils.topics.place`).
        fitted_on: Papers the fit was made on.
        placed: Papers placed into it since (0 for a full fit).
        fitted_at: When the fit was made, ``YYYY-MM-DD HH:MM UTC``.
    """

    kind: Literal["full", "placed"]
    fitted_on: int
    placed: int = 0
    fitted_at: str = ""


@dataclass(frozen=True, eq=False)
class TopicResult:
    """Topics of one corpus, at two levels.

    Attributes:
        assignments: One row per paper, in input order: ``paper_id`` (string), ``topic``
            (int64, -1 for an outlier: a paper that fits its topic loosely, before
            reassignment), ``topic_label`` (string, ``"outliers"`` for -1),
            ``assigned_topic`` (int64, the topic after reassignment: every paper has one),
            ``area`` (int64, the broad area; -1 when the method has none), ``area_label``
            (string), ``x``, ``y`` (float64, seeded 2-D UMAP layout for a document map).
        topics: Fine topics, largest first: ``topic`` (int64, 0..k-1), ``level``
            (``"topic"``), ``size`` (int64, papers assigned, outliers included), ``label``
            (string, e.g. ``"text-to-image generation / multimodal generative"``), ``keywords``
            (list of up to 10 str), ``representative`` (string, ``paper_id`` of the paper
            nearest the centroid), ``cohesion`` (float64, mean cosine similarity of the
            topic's papers to its centroid) and ``area`` (int64, the area holding it).
        vectors: float32 ``(n_topics, dim)`` unit-length topic centroids, rows aligned with
            ``topics`` (for a dendrogram).
        params: The resolved settings the result was computed with.
        areas: Broad areas, largest first, with the columns of ``topics`` (``level`` is
            ``"area"``) and ``n_topics`` (int64) instead of ``area``; empty when the method
            has no areas.
        fit: Which fit this is (a :class:`FitRecord`), ``None`` for a result built by hand;
            see :meth:`fit_note`.
    """

    assignments: pd.DataFrame
    topics: pd.DataFrame
    vectors: np.ndarray
    params: dict = field(default_factory=dict)
    areas: pd.DataFrame = field(default_factory=pd.DataFrame)
    fit: FitRecord | None = None

    def fit_note(self) -> str:
        """One line on the fit shown, e.g. ``topics fitted on 20,000 papers (...); 50 placed``."""
        if self.fit is None:
            return f"topics fitted on {len(self.assignments):,} papers"
        note = f"topics fitted on {self.fit.fitted_on:,} papers ({self.fit.fitted_at})"
        if self.fit.kind == "placed":
            note += f"; {self.fit.placed:,} papers added since placed into that fit"
        return note

    def table(self) -> pd.DataFrame:
        """Both levels in one frame: areas first, then fine topics (``level`` tells them apart).

        ``area`` (a topic's area) and ``n_topics`` (an area's topics) are Int64, NA on the
        other level.
        """
        both = pd.concat([self.areas, self.topics], ignore_index=True)
        for column in ("area", "n_topics"):
            if column in both:
                both[column] = both[column].astype("Int64")
        return both


@dataclass(frozen=True)
class Clusters:
    """What a clustering method returns, before packaging into a :class:`TopicResult`.

    Attributes:
        assigned: int per paper: its topic after any reassignment (-1 only for a method that
            keeps outliers).
        outlier: bool per paper: outside every topic before reassignment.
        keywords: Topic -> keywords, best first.
        layout: ``(n, 2)`` map positions (NaN when the method draws none).
        area: int per paper: its broad area, or ``None``.
        area_keywords: Area -> keywords, or ``None``.
    """

    assigned: np.ndarray
    outlier: np.ndarray
    keywords: dict[int, list[str]]
    layout: np.ndarray
    area: np.ndarray | None = None
    area_keywords: dict[int, list[str]] | None = None


def topic_vectors(result: TopicResult) -> pd.DataFrame:
    """Topic centroids as a frame indexed by topic label (input of ``charts.topic_hierarchy``)."""
    return pd.DataFrame(result.vectors, index=pd.Index(result.topics["label"], name="topic"))
