"""The theme-scoring method: which evidence it reads, how it scores, and how it is fitted.

This module is the seam for a new scoring method. A method is a module offering

* ``FEATURES``: the evidence columns of :func:`digest_utils.themes.features.compute_features`
  it reads (the shipped method reads all of :data:`digest_utils.themes.types.FEATURES`);
* ``score(features, weights) -> np.ndarray``: a score in [0, 1] per (paper, theme) row;
* ``fit(design, *, seed) -> Weights``: its parameters, learned from labelled rows.

The shipped method is a logistic function of a weighted sum of the evidence. The weights are
**shared by all themes** (the features do not depend on which theme it is), so a theme added to
the catalogue works with no labelled data; a default theme also has a fitted per-theme
``bias``. A theme's ``requires`` gate sets the score to 0 when closed. The flag is
``score >= threshold``. The weights live in ``[scoring]`` of ``themes.toml``.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from digest_utils import config
from digest_utils.themes.metrics import prf
from digest_utils.themes.types import FEATURES, Weights

__all__ = ["FEATURES", "Weights", "fit", "score", "scoring_toml"]

_THRESHOLDS = np.round(np.arange(0.2, 0.81, 0.05), 2)


def score(features: pd.DataFrame, weights: Weights) -> np.ndarray:
    """Logistic score in [0, 1] for each feature row; 0 where the theme's gate is closed.

    Args:
        features: Long rows with ``theme``, the :data:`FEATURES` and ``gate`` (bool).
        weights: The parameters (from the catalogue or :func:`fit`).

    Returns:
        float64 array, one score per row of ``features``.
    """
    w = weights.weights
    z = weights.intercept + sum(w[f] * features[f].to_numpy(dtype=float) for f in FEATURES)
    if weights.biases:
        z = z + features["theme"].map(weights.biases).fillna(0.0).to_numpy(dtype=float)
    result = 1.0 / (1.0 + np.exp(-z))
    return np.where(features["gate"].to_numpy(dtype=bool), result, 0.0)


def fit(design: pd.DataFrame, *, seed: int = config.RANDOM_SEED) -> Weights:
    """Fit the shared logistic weights, per-theme offsets and the F1-best threshold.

    Args:
        design: Long rows with ``theme``, the :data:`FEATURES`, ``gate`` and the label ``y``
            (from :func:`digest_utils.themes.evaluate.design_matrix`).
        seed: Seed for the solver (lbfgs is deterministic; kept for completeness).

    Returns:
        The fitted :class:`Weights`; ``biases`` maps each labelled theme to its offset (the
        shared weights stay theme-agnostic, so a theme without labels uses offset 0).
    """
    from sklearn.linear_model import LogisticRegression  # imported on use: slow to import

    open_ = design[design["gate"]]
    themes = sorted(design["theme"].unique())
    onehot = (open_["theme"].to_numpy()[:, None] == np.array(themes)[None, :]).astype(float)
    x = np.hstack([open_[FEATURES].to_numpy(dtype=float), onehot])
    model = LogisticRegression(C=1.0, max_iter=1000, random_state=seed)
    model.fit(x, open_["y"].to_numpy())
    coef = model.coef_[0]
    weights = {f: float(w) for f, w in zip(FEATURES, coef, strict=False)}
    biases = {t: float(b) for t, b in zip(themes, coef[len(FEATURES) :], strict=True)}
    fitted = Weights(weights, float(model.intercept_[0]), 0.5, biases)
    scores = score(design, fitted)
    y = design["y"].to_numpy()
    f1 = [prf(y, scores >= t)[2] for t in _THRESHOLDS]
    return Weights(weights, fitted.intercept, float(_THRESHOLDS[int(np.argmax(f1))]), biases)


def scoring_toml(weights: Weights, *, fitted_on: str = "") -> str:
    """Render fitted weights as a ``[scoring]`` block and per-theme ``bias`` lines.

    ``fitted_on`` names the labelled data they came from (written as ``fitted_on``).
    """
    lines = [
        "[scoring]",
        *([f"fitted_on = {json.dumps(fitted_on)}"] if fitted_on else []),
        f"threshold = {weights.threshold:.2f}",
        f"intercept = {weights.intercept:.3f}",
    ]
    lines += [f"{f} = {weights.weights[f]:.3f}" for f in FEATURES]
    lines += ["", "# per theme, in its [[theme]] block:"]
    lines += [f"#   {t}: bias = {b:.3f}" for t, b in weights.biases.items()]
    return "\n".join(lines) + "\n"
