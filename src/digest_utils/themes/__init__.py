"""Named, multi-label research themes from an editable catalogue (``themes.toml``).

The stages, one module each:

* :mod:`~digest_utils.themes.catalogue`: read and validate ``themes.toml``;
* :mod:`~digest_utils.themes.features`: evidence features per (paper, theme) pair;
* :mod:`~digest_utils.themes.exemplars`: labelled example papers (a labels file a user
  writes) and the ``exemplar`` feature that compares each paper with them;
* :mod:`~digest_utils.themes.scoring`: the scoring method (which features, the score and its
  fitting); a new method is a new module with the same ``score`` and ``fit``;
* :mod:`~digest_utils.themes.assign`: the tidy theme table, its wide view, examples;
* :mod:`~digest_utils.themes.evaluate`: labels, cross-validation, baselines.

Papers may get any number of themes, including none.
"""

from digest_utils.themes.assign import (
    assign_themes,
    primary_theme,
    score_themes,
    theme_examples,
    themes_wide,
)
from digest_utils.themes.catalogue import Catalogue, Theme, load_catalogue, term_pattern
from digest_utils.themes.exemplars import Exemplars, catalogue_exemplars, read_labels
from digest_utils.themes.features import theme_features
from digest_utils.themes.scoring import FEATURES, Weights

__all__ = [
    "FEATURES",
    "Catalogue",
    "Exemplars",
    "Theme",
    "Weights",
    "assign_themes",
    "catalogue_exemplars",
    "load_catalogue",
    "primary_theme",
    "read_labels",
    "score_themes",
    "term_pattern",
    "theme_examples",
    "theme_features",
    "themes_wide",
]
