"""Named, multi-label research themes from an editable catalogue (``themes.toml``).

The modules import downward only, each from those listed before it:

* :mod:`~digest_utils.themes.types`: the data types (``Theme``, ``Catalogue``, ``Weights``,
  ``Exemplars``, ``ThemeRun``) and the feature names;
* :mod:`~digest_utils.themes.metrics`: precision, recall and F1;
* :mod:`~digest_utils.themes.catalogue`: read and validate ``themes.toml``;
* :mod:`~digest_utils.themes.labels`: the one reader of labels files (blank = not judged);
* :mod:`~digest_utils.themes.features`: evidence features per (paper, theme) pair;
* :mod:`~digest_utils.themes.exemplars`: the ``exemplar`` feature, which compares each paper
  with labelled example papers;
* :mod:`~digest_utils.themes.scoring`: the scoring method (which features, the score and its
  fitting); a new method is a new module with the same ``score`` and ``fit``;
* :mod:`~digest_utils.themes.terms`: each term of a theme by place and corpus specificity, and
  the term check (which term decides which flags);
* :mod:`~digest_utils.themes.untuned`: the label-free score of a theme without a fitted
  ``bias`` (one a user wrote), taught by labels;
* :mod:`~digest_utils.themes.assign`: the pipeline (:func:`run_themes`, its cached feature
  frame), the tidy theme table, its wide view, examples;
* :mod:`~digest_utils.themes.review`: which papers a user should judge next;
* :mod:`~digest_utils.themes.evaluate`: cross-validation, baselines, learning curve;
* :mod:`~digest_utils.themes.scorecard`: the printed evaluation of ``digest-topics evaluate``.

Papers may get any number of themes, including none. Reading digests and embedding papers
happen above this package, in :func:`digest_utils.analysis.analyse` (which also offers
:func:`~digest_utils.analysis.assign_themes`).
"""

from digest_utils.themes.assign import (
    primary_theme,
    run_themes,
    score_themes,
    theme_examples,
    theme_features,
    themes_wide,
)
from digest_utils.themes.catalogue import load_catalogue, term_pattern
from digest_utils.themes.labels import read_labels
from digest_utils.themes.types import FEATURES, Catalogue, Exemplars, Theme, ThemeRun, Weights

__all__ = [
    "FEATURES",
    "Catalogue",
    "Exemplars",
    "Theme",
    "ThemeRun",
    "Weights",
    "load_catalogue",
    "primary_theme",
    "read_labels",
    "run_themes",
    "score_themes",
    "term_pattern",
    "theme_examples",
    "theme_features",
    "themes_wide",
]
