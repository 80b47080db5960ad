"""One-line summaries of what the data shows, with the numbers computed, never typed by hand.

Each function takes the tidy frames of :mod:`digest_utils.analysis` and returns one sentence.
Notebooks print one after each result and each figure, so the sentence a reader sees stays
true when the digests change (like the scikit-learn gallery's "It can be noticed that ...");
:func:`findings` gathers a notebook's sentences into its closing "What we found", and the
briefing (:mod:`digest_utils.briefing_html`) is written from them. One module per subject:
``corpus`` (what was read, dates), ``topics``, ``themes`` and ``latest`` (the latest batch:
what rose beyond the noise of the counts, what is new).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from digest_utils.describe._text import bullets
from digest_utils.describe.corpus import (
    corpus,
    corpus_findings,
    dated,
    metadata,
    shared,
    span,
    timeline,
)
from digest_utils.describe.latest import changes, fresh_topics, rising
from digest_utils.describe.themes import (
    biggest_themes,
    overlaps,
    pair_shares,
    per_digest,
    per_period,
    term_check,
    theme_sizes,
    theme_spread,
    topic_themes,
    uncovered,
)
from digest_utils.describe.topics import (
    closest_topics,
    covered,
    keywords,
    map_neighbours,
    topic_quality,
    topic_sizes,
)
from digest_utils.periods import paper_periods
from digest_utils.topics import topic_vectors

if TYPE_CHECKING:
    from digest_utils.analysis import Analysis

__all__ = [
    "biggest_themes",
    "changes",
    "closest_topics",
    "corpus",
    "corpus_findings",
    "covered",
    "dated",
    "findings",
    "fresh_topics",
    "keywords",
    "map_neighbours",
    "metadata",
    "overlaps",
    "pair_shares",
    "per_digest",
    "per_period",
    "rising",
    "shared",
    "span",
    "term_check",
    "theme_sizes",
    "theme_spread",
    "timeline",
    "topic_quality",
    "topic_sizes",
    "topic_themes",
    "uncovered",
]


def findings(analysis: Analysis, about: Literal["topics", "themes", "trends"]) -> str:
    """The closing "What we found" of a notebook: its one-line summaries as a bulleted list.

    Each notebook states only what it showed: ``"topics"`` (02) the topic sizes, keywords and
    the closest topics; ``"themes"`` (03) the theme sizes, overlaps and the topics that are
    mostly one theme; ``"trends"`` (04) the variation between periods (or digests) and the timeline.

    Args:
        analysis: The analysis the notebook showed.
        about: Which notebook: ``"topics"``, ``"themes"`` or ``"trends"``.
    """
    a, names = analysis, analysis.catalogue.names
    lines = {
        "topics": lambda: [
            topic_sizes(a.topics),
            keywords(a.topics.topics),
            closest_topics(topic_vectors(a.topics)),
        ],
        "themes": lambda: [
            theme_sizes(a.flags, names),
            overlaps(a.flags, names),
            topic_themes(a.topic_themes, names),
        ],
        "trends": lambda: [
            per_period(a.themed, names, paper_periods(a.papers)),
            dated(a.themed),
            timeline(a.themed),
        ],
    }[about]()
    return bullets(lines)
