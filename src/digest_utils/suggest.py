"""Suggested themes: a ``[[theme]]`` block for each discovered topic no catalogue theme covers.

A topic is *uncovered* when no theme of the catalogue makes up half of its papers
(:attr:`digest_utils.analysis.Analysis.topic_themes`, level ``"topic"``, theme NA). Its
suggestion is drawn from the topic: the keywords that no other topic lists and that mostly
match its own papers (:func:`precise_terms`) become the ``terms``, its label the ``name``, its
keywords the ``description``. Pasted into ``themes.toml``, the block is a theme like any other
(no labels needed: a new theme picks its own examples)::

    from digest_utils.suggest import suggest_themes, themes_toml

    print(themes_toml(suggest_themes(analyse("seeds"))))
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

import pandas as pd

from digest_utils._util import require_columns

if TYPE_CHECKING:
    from digest_utils.analysis import Analysis

__all__ = ["distinct_terms", "precise_terms", "suggest_themes", "themes_toml"]

#: Columns of :func:`suggest_themes`.
COLUMNS = ["topic", "size", "label", "id", "name", "description", "terms"]

#: Most terms a suggested theme gets.
MAX_TERMS = 6
#: Least share of a term's papers that must be its topic's for the term to be suggested.
#: Measured on the 2026-06..08 Daily Papers (30 suggestions, ``benchmarks/eval_suggest.py``),
#: mean precision / recall of the pasted blocks against their topics: no filter 0.53 / 0.55,
#: 0.3 gives 0.67 / 0.35, 0.5 gives 0.72 / 0.23. A suggestion should flag mostly its topic's
#: papers; 0.3 buys most of the precision for less of the recall.
MIN_TERM_PRECISION = 0.3


def distinct_terms(topics: pd.DataFrame, *, max_terms: int = MAX_TERMS) -> dict[int, list[str]]:
    """The keywords of each topic that no other topic lists, best first.

    A keyword shared with another topic would make the theme find that topic's papers too; a
    topic left with fewer than two of its own keeps its top keywords instead.

    Args:
        topics: ``TopicResult.topics``: ``topic`` and ``keywords`` (list of str, best first).
        max_terms: Terms per topic, at most.

    Returns:
        Topic -> terms (lower case, in keyword order).
    """
    require_columns(topics, ["topic", "keywords"], where="distinct_terms: topics")
    words = {int(t): [str(k).lower() for k in ks] for t, ks in zip(*_cols(topics), strict=True)}
    out = {}
    for topic, own in words.items():
        others = {k for t, ks in words.items() if t != topic for k in ks}
        kept = [k for k in dict.fromkeys(own) if k not in others]
        out[topic] = (kept if len(kept) >= 2 else list(dict.fromkeys(own)))[:max_terms]
    return out


def precise_terms(
    papers: pd.DataFrame,
    assignments: pd.DataFrame,
    candidates: dict[int, list[str]],
    max_terms: int = MAX_TERMS,
) -> dict[int, list[str]]:
    """The candidate terms of each topic that mostly find that topic's papers.

    A term's precision for its topic is the share of the papers whose title or abstract it
    matches (as a catalogue term matches) that belong to the topic. Terms with precision of at
    least :data:`MIN_TERM_PRECISION` are kept in candidate order; a topic left with fewer than
    two keeps its two most precise terms.

    Args:
        papers: ``paper_id``, ``title``, ``abstract``.
        assignments: ``paper_id`` and ``assigned_topic`` (``TopicResult.assignments``).
        candidates: Topic -> candidate terms, best first (from :func:`distinct_terms`).
        max_terms: Terms per topic, at most.

    Returns:
        Topic -> terms.
    """
    from digest_utils.themes.catalogue import term_pattern

    require_columns(papers, ["paper_id", "title", "abstract"], where="precise_terms: papers")
    topic_of = assignments.set_index("paper_id")["assigned_topic"]
    text = papers["title"].astype(str) + ". " + papers["abstract"].astype(str)
    topic = papers["paper_id"].map(topic_of).to_numpy()
    out = {}
    for t, terms in candidates.items():
        scored = []
        for term in terms:
            hits = text.str.contains(term_pattern(term), regex=True).to_numpy()
            scored.append((term, (hits & (topic == t)).sum() / max(hits.sum(), 1)))
        kept = [term for term, p in scored if p >= MIN_TERM_PRECISION]
        if len(kept) < 2:
            kept = [term for term, _ in sorted(scored, key=lambda x: -x[1])[:2]]
        out[t] = kept[:max_terms]
    return out


def _cols(topics: pd.DataFrame) -> tuple[list, list]:
    return topics["topic"].tolist(), [list(k) for k in topics["keywords"]]


def _slug(text: str, taken: set[str]) -> str:
    """A catalogue id (``[a-z][a-z0-9_]*``) from ``text``, not in ``taken``."""
    base = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_") or "topic"
    base = base if base[0].isalpha() else f"t_{base}"
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}_{n}", n + 1
    return slug


def suggest_themes(analysis: Analysis, *, max_terms: int = MAX_TERMS) -> pd.DataFrame:
    """One suggested theme per fine topic that no catalogue theme covers, largest topic first.

    Args:
        analysis: The analysis (its topics are fitted if they were not yet).
        max_terms: Terms per suggested theme, at most.

    Returns:
        One row per uncovered topic: ``topic`` (int), ``size`` (papers), ``label``, ``id`` (a
        new catalogue id, unique and not already in the catalogue), ``name``, ``description``
        and ``terms`` (list of str, from :func:`distinct_terms` and :func:`precise_terms`).

    Raises:
        CorpusTooSmallError: Too few papers to find topics.
    """
    table = analysis.topic_themes
    uncovered = table[(table["level"] == "topic") & table["theme"].isna()]
    topics = analysis.topics.topics
    candidates = distinct_terms(topics, max_terms=len(topics["keywords"].iloc[0]) or max_terms)
    terms = precise_terms(analysis.papers, analysis.topics.assignments, candidates, max_terms)
    keywords = {int(t): list(k) for t, k in zip(*_cols(topics), strict=True)}
    taken = set(analysis.catalogue.ids)
    rows = []
    for row in uncovered.sort_values(["size", "topic"], ascending=[False, True]).itertuples():
        topic = int(row.topic)
        own = terms[topic]
        ident = _slug(own[0] if own else str(row.label), taken)
        taken.add(ident)
        label = str(row.label)
        rows.append(
            {
                "topic": topic,
                "size": int(row.size),
                "label": label,
                "id": ident,
                "name": label[:1].upper() + label[1:],
                "description": f"Research on {', '.join(keywords[topic][:8])}.",
                "terms": own,
            }
        )
    return pd.DataFrame(rows, columns=COLUMNS)


def _toml_string(text: str) -> str:
    """A TOML basic string (JSON's escapes are valid TOML escapes)."""
    return json.dumps(text, ensure_ascii=False)


def themes_toml(suggestions: pd.DataFrame) -> str:
    """The suggestions as ``[[theme]]`` blocks, ready to paste into ``themes.toml``.

    Each block is preceded by a comment naming the topic it was drawn from and its size, and
    carries ``bias = 0.0``: its terms are keywords of a topic of these very papers, for which
    the fitted score was measured (a block without ``bias`` gets the label-free score of
    :mod:`digest_utils.themes.untuned`, made for themes a user writes).
    """
    require_columns(
        suggestions, ["topic", "size", "id", "name", "description", "terms"], where="themes_toml"
    )
    blocks = []
    for row in suggestions.itertuples():
        terms = ", ".join(_toml_string(t) for t in row.terms)
        blocks.append(
            f"# suggested from topic {row.topic} ({row.size} papers)\n"
            "[[theme]]\n"
            f"id = {_toml_string(row.id)}\n"
            f"name = {_toml_string(row.name)}\n"
            f"description = {_toml_string(row.description)}\n"
            f"terms = [{terms}]\n"
            # keywords of a topic of this corpus: scored like the default themes (measured in
            # the README); without the line, the label-free score of a theme you write
            "bias = 0.0\n"
        )
    return "\n".join(blocks)
