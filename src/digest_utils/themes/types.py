"""The data types of theme assignment; no behaviour beyond reading their own fields.

Every other module of :mod:`digest_utils.themes` imports from here, and this module imports
from none of them:

* :data:`FEATURES`: the evidence features, in the order of the weights in ``[scoring]``;
* :class:`Theme` and :class:`Catalogue`: a ``themes.toml`` as read by
  :func:`~digest_utils.themes.catalogue.load_catalogue`;
* :class:`Weights`: the parameters of the score (:mod:`~digest_utils.themes.scoring`);
* :class:`Exemplars`: labelled example papers with their embeddings
  (:mod:`~digest_utils.themes.exemplars`);
* :class:`ThemeRun`: what the pipeline (:func:`~digest_utils.themes.assign.run_themes`) returns.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["FEATURES", "Catalogue", "Exemplars", "Theme", "ThemeRun", "Weights"]

#: The numeric evidence features per (paper, theme), described in
#: :mod:`digest_utils.themes.features`; the shipped score reads them all, in this order.
FEATURES = [
    "title_hit",
    "lead_hit",
    "abstract_hits",
    "distinct_terms",
    "concept_hit",
    "similarity",
    "exemplar",
    "exclude_hit",
    "hedged",
]


@dataclass(frozen=True)
class Theme:
    """One catalogue entry. ``terms``/``requires`` are compiled once, on load."""

    id: str
    name: str
    description: str
    terms: tuple[str, ...]
    requires: tuple[tuple[str, ...], ...] = ()
    concepts: tuple[tuple[tuple[str, ...], ...], ...] = ()
    excludes: tuple[str, ...] = ()
    bias: float = 0.0
    #: True when the block carries a fitted ``bias``: scored by the fitted ``[scoring]``
    #: weights; otherwise by the label-free score of :mod:`digest_utils.themes.untuned`.
    fitted: bool = False
    _patterns: tuple[re.Pattern, ...] = field(default=(), repr=False, compare=False)
    _gates: tuple[re.Pattern, ...] = field(default=(), repr=False, compare=False)
    _concepts: tuple[tuple[re.Pattern, ...], ...] = field(default=(), repr=False, compare=False)
    _excludes: re.Pattern | None = field(default=None, repr=False, compare=False)

    def matches(self, text: str) -> list[str]:
        """Return every term occurrence in ``text``, as found (hyphens as spaces).

        Case-insensitive terms are reported in lower case, so counts group naturally.
        """
        found = []
        for term, pat in zip(self.terms, self._patterns, strict=True):
            keep_case = any(c.isupper() for c in term)
            for m in pat.finditer(text):
                word = re.sub(r"[\s\-]+", " ", m.group(0))
                found.append(word if keep_case else word.lower())
        return found

    def gate(self, text: str) -> bool:
        """True when every ``requires`` group has a match in ``text``."""
        return all(g.search(text) for g in self._gates)

    def excluded(self, text: str) -> list[str]:
        """Return the distinct ``excludes`` terms found in ``text``, as first written, sorted.

        Occurrences differing only in case or hyphenation count once. Empty if none are defined.
        """
        if self._excludes is None:
            return []
        found: dict[str, str] = {}
        for m in self._excludes.finditer(text):
            word = re.sub(r"[\s\-]+", " ", m.group(0))
            found.setdefault(word.casefold(), word)
        return sorted(found.values())

    def concept(self, sentences: list[str]) -> bool:
        """True when one sentence matches every group of one ``concepts`` set (False if none)."""
        return any(self.concept_matches(s) for s in sentences)

    def concept_matches(self, sentence: str) -> list[str]:
        """The ``concepts`` sets ``sentence`` matches (a term of every group), as evidence.

        Each set is named ``~`` plus the first term of each group joined by ``+``, e.g.
        ``~contrastiv*+image*+text*``.
        """
        return [
            "~" + "+".join(group[0] for group in groups)
            for groups, pats in zip(self.concepts, self._concepts, strict=True)
            if all(p.search(sentence) for p in pats)
        ]


@dataclass(frozen=True)
class Weights:
    """The parameters of the score.

    Attributes:
        weights: Feature name -> weight (one per name in :data:`FEATURES`).
        intercept: Shared intercept.
        threshold: A paper gets the theme when its score is at least this.
        biases: Theme id -> fitted offset; themes not listed get 0.
    """

    weights: dict[str, float]
    intercept: float
    threshold: float
    biases: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Catalogue:
    """The themes and the shared scoring weights read from a ``themes.toml``."""

    themes: tuple[Theme, ...]
    weights: dict[str, float]
    intercept: float
    threshold: float
    path: str = ""
    example_labels: tuple[Path, ...] = ()
    example_digests: tuple[Path, ...] = ()

    @property
    def ids(self) -> list[str]:
        """Theme ids in catalogue order."""
        return [t.id for t in self.themes]

    @property
    def biases(self) -> dict[str, float]:
        """Theme id -> fitted per-theme offset (0 for themes without one)."""
        return {t.id: t.bias for t in self.themes}

    @property
    def names(self) -> dict[str, str]:
        """Theme id -> display name, in catalogue order."""
        return {t.id: t.name for t in self.themes}

    @property
    def scoring(self) -> Weights:
        """The scoring parameters: shared weights, intercept, threshold and theme biases."""
        return Weights(dict(self.weights), self.intercept, self.threshold, self.biases)


@dataclass(frozen=True)
class Exemplars:
    """Labelled example papers: ids, embeddings and a 0/1 label per theme (NaN = unlabelled).

    Attributes:
        paper_ids: The example papers.
        embeddings: float32 ``(len(paper_ids), dim)``, rows aligned with ``paper_ids``.
        labels: Theme id -> float array aligned with ``paper_ids`` (1, 0 or NaN).
    """

    paper_ids: tuple[str, ...]
    embeddings: np.ndarray
    labels: dict[str, np.ndarray]

    @classmethod
    def from_labels(
        cls, labels: pd.DataFrame, paper_ids: Sequence[str], embeddings: np.ndarray
    ) -> Exemplars:
        """Examples from long labels and the papers whose text is at hand.

        Args:
            labels: Long labels: ``paper_id``, ``theme``, ``y`` (0/1), e.g. from
                :func:`~digest_utils.themes.labels.read_labels`; a later row for the same
                (paper, theme) wins.
            paper_ids: The papers with text, rows of ``embeddings``.
            embeddings: Their embeddings.

        Returns:
            The labelled papers found in ``paper_ids`` (others are left out).
        """
        row = {p: i for i, p in enumerate(paper_ids)}
        found = labels[labels["paper_id"].isin(row)].drop_duplicates(
            ["paper_id", "theme"], keep="last"
        )
        wide = found.pivot(index="paper_id", columns="theme", values="y")
        ids = tuple(str(p) for p in wide.index)
        return cls(
            paper_ids=ids,
            embeddings=np.asarray(embeddings, dtype=np.float32)[[row[p] for p in ids]],
            labels={str(t): wide[t].to_numpy(dtype=float) for t in wide.columns},
        )


@dataclass(frozen=True, eq=False)
class ThemeRun:
    """The theme stage's output for one set of papers.

    Attributes:
        features: Evidence, one row per (paper_id, theme), the ``exemplar`` feature computed
            (:func:`~digest_utils.themes.assign.theme_features`).
        themes: The tidy theme table: ``paper_id``, ``theme``, ``flag``, ``score``,
            ``evidence`` (:func:`~digest_utils.themes.assign.score_themes`).
    """

    features: pd.DataFrame
    themes: pd.DataFrame
