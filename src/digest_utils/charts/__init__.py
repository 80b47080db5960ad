"""Plotly figures of themes and topics: one public function per figure.

Every function takes tidy DataFrames (the joined views of :class:`digest_utils.analysis.Analysis`:
``themed`` for theme and trend charts, ``points`` for the map, ``topics.topics`` for keywords),
validates the columns it needs, and returns an unshown
:class:`plotly.graph_objects.Figure`. All figures share :data:`STYLE` through an explicit template,
so they look the same whatever ``plotly.io.templates.default`` is, and ``fig.to_dict()`` holds no
random ids or timestamps. Empty inputs give a figure with an explanatory annotation.
The figures live in three modules, re-exported here: ``themes`` (sizes, UpSet, co-occurrence),
``topics`` (paper map, keywords, hierarchy, areas) and ``trends`` (themes per digest, timeline).

Inputs:

* ``flags``: one row per paper with a 0/1 column per theme id (``digests``, a list of digest
  names, and ``published``, datetime64 with NaT when unknown, where a chart needs them);
* ``theme_names``: theme id -> display name, in catalogue order;
* ``points``: one row per paper with ``x``, ``y`` and a column to colour by;
* ``topics``: one row per topic with ``topic``, ``label``, ``keywords`` (optional ``size``,
  ``weights``);
* ``topic_vectors``: index = topic labels, numeric columns = centroid dimensions.
"""

from digest_utils.charts._base import STYLE, theme_colors
from digest_utils.charts.themes import theme_cooccurrence, theme_sizes, theme_upset
from digest_utils.charts.topics import paper_map, topic_areas, topic_hierarchy, topic_keywords
from digest_utils.charts.trends import themes_per_digest, themes_per_period, timeline

__all__ = [
    "STYLE",
    "paper_map",
    "theme_colors",
    "theme_cooccurrence",
    "theme_sizes",
    "theme_upset",
    "themes_per_digest",
    "themes_per_period",
    "timeline",
    "topic_areas",
    "topic_hierarchy",
    "topic_keywords",
]
