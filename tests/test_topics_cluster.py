"""Tests for digest_utils.topics.cluster.levels: seeded UMAP + k-means topics, Ward areas."""

from __future__ import annotations

import numpy as np
from sklearn.metrics import adjusted_rand_score

from digest_utils.topics.cluster import levels


def _blobs(n_per: int = 40, k: int = 6, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """``k`` Gaussian blobs in 384-d; pairs of blobs share a nearby centre (3 super-groups)."""
    rng = np.random.default_rng(seed)
    groups = rng.normal(size=(k // 2, 384))
    centres = np.repeat(groups, 2, axis=0) + 0.6 * rng.normal(size=(k, 384))
    truth = np.repeat(np.arange(k), n_per)
    return centres[truth] + 0.15 * rng.normal(size=(len(truth), 384)), truth


def test_levels_find_the_blobs_and_nest_every_topic_in_one_area():
    """Six blobs become six topics; three areas hold whole topics, each topic in exactly one."""
    emb, truth = _blobs()
    topic, area = levels(emb, 6, 3, seed=42)
    assert adjusted_rand_score(truth, topic) > 0.95
    assert len(np.unique(area)) == 3
    for t in np.unique(topic):
        assert len(np.unique(area[topic == t])) == 1


def test_levels_are_deterministic_for_a_seed():
    """The same seed gives the same topics and areas; the labels are 0-based and dense."""
    emb, _ = _blobs(seed=1)
    first = levels(emb, 6, 3, seed=7)
    again = levels(emb, 6, 3, seed=7)
    assert all(np.array_equal(a, b) for a, b in zip(first, again, strict=True))
    assert sorted(np.unique(first[0])) == list(range(6))
