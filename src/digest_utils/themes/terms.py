"""Each term of a theme on its own: where it occurs, how specific it is, and what it flags.

A theme written by a user (a name, a sentence and a handful of terms) mixes specific terms
("speculative decoding") with broad ones ("latency", "code"). Read alone, a broad term flags
many papers that merely mention it. This module weighs every occurrence by

* its **place**: the title counts fully, the lead (the abstract's first two sentences or a
  sentence stating the contribution) :data:`PLACE_WEIGHT` ``["lead"]``, the rest of the
  abstract :data:`PLACE_WEIGHT` ``["body"]``;
* the term's **specificity** in the papers at hand: a term in 1 of :data:`IDF_REFERENCE` papers
  or fewer counts fully, one in a quarter of them about a third (smoothed towards 1 /
  :data:`IDF_REFERENCE` so a small digest does not judge a term from three papers);

and combines a paper's terms as independent evidence (noisy-OR): :func:`term_evidence` is 0
without any term and near 1 with a specific term in the title.

:func:`term_check` is the check of a theme without labels: per term, how many papers name it
and how many flagged papers rest on it alone, so one broad term pulling in most of a theme's
papers is seen at once.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from digest_utils._util import require_columns
from digest_utils.themes.features import _CONTRIBUTION, _SENTENCE_END
from digest_utils.themes.types import Catalogue, Theme

__all__ = [
    "BROAD",
    "IDF_REFERENCE",
    "PLACE_WEIGHT",
    "TermEvidence",
    "broad_flags",
    "term_check",
    "term_evidence",
]

#: Weight of a term occurrence by where it is; a term's strength in a paper is its best place.
PLACE_WEIGHT = {"title": 1.0, "lead": 0.8, "body": 0.3}
#: A term in 1 / IDF_REFERENCE of the papers (or fewer) is fully specific; it is also the
#: pseudo-count (at that rate) that smooths the document frequency of a small corpus.
IDF_REFERENCE = 50


class TermEvidence:
    """One theme's terms in a set of papers.

    Attributes:
        terms: The theme's terms, in catalogue order.
        strength: float ``(papers, terms)``: the best :data:`PLACE_WEIGHT` of each term in
            each paper (0 where absent).
        specificity: float ``(terms,)`` in [0, 1]: 1 for a rare term, lower the more papers
            name it.
        evidence: float ``(papers,)`` in [0, 1): noisy-OR of ``strength * specificity``.
    """

    def __init__(self, papers: pd.DataFrame, theme: Theme) -> None:
        require_columns(papers, ["title", "abstract"], where="TermEvidence: papers")
        self.terms = list(theme.terms)
        self.strength = _strength(papers, theme)
        n = len(papers)
        named = (self.strength > 0).sum(axis=0)
        rate = (named + 1.0) / (n + IDF_REFERENCE)  # one pseudo-paper per IDF_REFERENCE
        self.specificity = np.clip(np.log(1.0 / rate) / np.log(IDF_REFERENCE), 0.0, 1.0)
        weighted = np.clip(self.strength * self.specificity[None, :], 0.0, 0.999)
        self.evidence = 1.0 - np.prod(1.0 - weighted, axis=1) if n else np.zeros(0)

    def described(self, row: int) -> str:
        """One paper's terms with their place, e.g. ``code generation (title), code (lead)``."""
        places = {w: p for p, w in PLACE_WEIGHT.items()}
        found = [
            f"{t} ({places[float(s)]})"
            for t, s in zip(self.terms, self.strength[row], strict=True)
            if s > 0
        ]
        return ", ".join(found)


def _strength(papers: pd.DataFrame, theme: Theme) -> np.ndarray:
    """The best place weight of each term in each paper."""
    out = np.zeros((len(papers), len(theme.terms)))
    for i, (title, abstract) in enumerate(zip(papers["title"], papers["abstract"], strict=True)):
        sentences = _SENTENCE_END.split(str(abstract))
        lead = " ".join(s for k, s in enumerate(sentences) if k < 2 or _CONTRIBUTION.search(s))
        for j, pattern in enumerate(theme._patterns):
            if pattern.search(str(title)):
                out[i, j] = PLACE_WEIGHT["title"]
            elif pattern.search(lead):
                out[i, j] = PLACE_WEIGHT["lead"]
            elif pattern.search(str(abstract)):
                out[i, j] = PLACE_WEIGHT["body"]
    return out


def term_evidence(papers: pd.DataFrame, theme: Theme) -> TermEvidence:
    """The :class:`TermEvidence` of ``theme`` in ``papers`` (one row per paper)."""
    return TermEvidence(papers, theme)


def term_check(
    papers: pd.DataFrame,
    flags: pd.DataFrame,
    catalogue: Catalogue,
    *,
    themes: list[str] | None = None,
) -> pd.DataFrame:
    """Per theme and term: how many papers name it, and how many flagged papers rest on it alone.

    Needs no labels. A term whose ``alone`` count is a large share of the theme's flagged
    papers, with a low ``specificity``, is a broad term deciding the theme by itself: make it
    more specific ("code" -> "code generation") or drop it.

    Args:
        papers: The papers (``paper_id``, ``title``, ``abstract``).
        flags: The wide theme view (``paper_id`` and a 0/1 column per theme id), e.g. the
            ``flags`` of an analysis.
        catalogue: The catalogue the flags came from.
        themes: Theme ids to check (default: all).

    Returns:
        One row per (theme, term) in catalogue order: ``theme``, ``term``, ``papers`` (papers
        naming it anywhere), ``share`` (of all papers), ``specificity`` (float, 1 = rare),
        ``flagged`` (flagged papers naming it) and ``alone`` (flagged papers whose only term it
        is). The frame's ``attrs["flagged"]`` maps each theme to its number of flagged papers.
    """
    require_columns(flags, ["paper_id"], where="term_check: flags")
    order = (
        papers[["paper_id"]]
        .astype({"paper_id": "string"})
        .merge(
            flags.astype({"paper_id": "string"}), on="paper_id", how="left", validate="one_to_one"
        )
    )
    rows, flagged_counts = [], {}
    for theme in catalogue.themes:
        if themes is not None and theme.id not in themes:
            continue
        ev = TermEvidence(papers, theme)
        flagged = order[theme.id].fillna(0).to_numpy(dtype=int) == 1
        named = ev.strength > 0
        only = named & (named.sum(axis=1) == 1)[:, None]
        flagged_counts[theme.id] = int(flagged.sum())
        for j, term in enumerate(ev.terms):
            rows.append(
                {
                    "theme": theme.id,
                    "term": term,
                    "papers": int(named[:, j].sum()),
                    "share": round(float(named[:, j].mean()) if len(papers) else 0.0, 3),
                    "specificity": round(float(ev.specificity[j]), 3),
                    "flagged": int((named[:, j] & flagged).sum()),
                    "alone": int((only[:, j] & flagged).sum()),
                }
            )
    out = pd.DataFrame(
        rows, columns=["theme", "term", "papers", "share", "specificity", "flagged", "alone"]
    )
    out.attrs["flagged"] = flagged_counts
    return out


#: A term whose specificity is below this (named by about a tenth of the papers or more) is broad.
BROAD = 0.6


def broad_flags(
    papers: pd.DataFrame,
    flags: pd.DataFrame,
    catalogue: Catalogue,
    *,
    themes: list[str] | None = None,
) -> pd.DataFrame:
    """The flagged papers that rest on a single broad term (specificity below :data:`BROAD`).

    Returns:
        Columns ``theme``, ``term``, ``paper_id`` and ``title``, themes in catalogue order,
        papers in input order.
    """
    order = (
        papers[["paper_id", "title"]]
        .astype({"paper_id": "string"})
        .merge(
            flags[["paper_id", *catalogue.ids]].astype({"paper_id": "string"}),
            on="paper_id",
            how="left",
            validate="one_to_one",
        )
    )
    parts = []
    for theme in catalogue.themes:
        if themes is not None and theme.id not in themes:
            continue
        ev = TermEvidence(papers, theme)
        named = ev.strength > 0
        single = named.sum(axis=1) == 1
        flagged = order[theme.id].fillna(0).to_numpy(dtype=int) == 1
        term = np.array(ev.terms, dtype=object)[named.argmax(axis=1)] if len(papers) else []
        broad = np.isin(
            term, [t for t, s in zip(ev.terms, ev.specificity, strict=True) if s < BROAD]
        )
        keep = flagged & single & broad
        parts.append(
            pd.DataFrame(
                {
                    "theme": theme.id,
                    "term": np.asarray(term)[keep] if len(papers) else [],
                    "paper_id": order["paper_id"].to_numpy()[keep],
                    "title": order["title"].to_numpy()[keep],
                }
            )
        )
    columns = ["theme", "term", "paper_id", "title"]
    return pd.concat(parts, ignore_index=True)[columns] if parts else pd.DataFrame(columns=columns)
