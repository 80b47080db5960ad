"""Tests for the large-corpus path of topics.cluster (connectivity-constrained Ward)."""

from __future__ import annotations

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from sklearn.metrics import adjusted_rand_score

from digest_utils.topics import cluster
from tests.test_topics import planted


def test_cut_tree_matches_scipy_on_an_exact_ward_tree():
    """Undoing the last merges gives scipy's maxclust partition, at every number of clusters."""
    _, emb = planted(n_per=15)
    tree = linkage(emb, method="ward")
    for k in (1, 2, 4, 7, 20, 60):
        ours = cluster.cut_tree(tree[:, :2].astype(int), len(emb), k)
        assert len(np.unique(ours)) == k
        assert adjusted_rand_score(fcluster(tree, k, criterion="maxclust"), ours) == 1.0


def test_above_the_exact_limit_the_tree_is_connectivity_constrained(monkeypatch):
    """Past EXACT_WARD_MAX the planted topics are still found, and topics nest in areas."""
    papers, emb = planted(n_per=30)
    exact = cluster.ward_levels(emb, 4, 2)
    calls = []
    real = cluster._connected_ward_levels
    monkeypatch.setattr(cluster, "EXACT_WARD_MAX", 100)
    monkeypatch.setattr(cluster, "_connected_ward_levels", lambda *a: calls.append(1) or real(*a))
    topic, area = cluster.ward_levels(emb, 4, 2)
    assert calls == [1]
    assert adjusted_rand_score(papers["theme"], topic) == 1.0
    assert adjusted_rand_score(exact[0], topic) == 1.0
    for t in np.unique(topic):
        assert len(np.unique(area[topic == t])) == 1
    assert len(np.unique(area)) == 2
