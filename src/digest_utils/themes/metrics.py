"""Scores of boolean predictions against 0/1 labels (used by fitting and by evaluation)."""

from __future__ import annotations

import numpy as np

__all__ = ["prf"]


def prf(y: np.ndarray, pred: np.ndarray) -> tuple[float, float, float]:
    """Precision, recall and F1 of boolean predictions ``pred`` against 0/1 labels ``y``."""
    tp = float(np.sum(pred & (y == 1)))
    precision = tp / max(float(np.sum(pred)), 1.0)
    recall = tp / max(float(np.sum(y == 1)), 1.0)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1
