"""Cluster papers into fine topics (seeded UMAP + k-means) and broad areas (Ward on topics).

Version 3 (chosen with the reader test's proxy, ``benchmarks/topic_methods.py``): fine topics
are k-means clusters (``n_init`` 10, seeded) of a seeded 5-D UMAP projection of the embeddings
(15 neighbours, cosine, min_dist 0), and broad areas cut a Ward tree of the fine topics'
centroids in that projection, so every topic lies in one area. Ward on the embeddings moved
with the corpus: 90 %-subset ARI of the fine topics 0.51 (min 0.42) on seeds + devset (395
papers) and 0.45 (0.42) on a quarter of Daily Papers (1,371), below the 0.6 target; UMAP +
k-means 0.70 (0.67) and 0.66 (0.61), UMAP + Ward 0.69 and 0.61 (0.56), spherical k-means 0.34
and 0.46, with the proxy's intrusion and label scores within sampling noise of each other.
The projection and k-means are seeded: the clusters are deterministic for a seed.

Version 2 (still :func:`ward_levels`): why Ward and not UMAP + HDBSCAN (measured in
``benchmarks/eval_topics.py``): on real corpora of a few hundred papers, HDBSCAN on a UMAP
projection saw one dense mass and collapsed to 2 topics (92 % of 395 papers in one), whatever
the seed, and its topics moved between seeds (adjusted Rand index down to 0.47). Ward's
agglomerative clustering of the L2-normalised embeddings has no random step, and a tree gives
both levels at once: cutting the same tree twice nests every fine topic inside exactly one area.

The sizes are rules of the corpus size ``n``, not tuned per corpus (both versions):

* fine topics ``k = max(5, round(0.8 * sqrt(n)))`` (13 at 252 papers, 16 at 395, 80 at 10,000,
  113 at 20,000): topics grow like sqrt(n). 0.8 is the smallest factor of {0.6, 0.8, 1.0} that
  keeps every fine topic under 20 % of the papers on the three real corpora measured;
* broad areas ``min(k - 1, clip(round(k / 2), 5, 12))``: 5 to 12 at any size.

Above :data:`EXACT_WARD_MAX` papers the tree is built under a connectivity constraint: scipy's
exact Ward keeps the n^2/2 distance matrix (about 3.5 GB peak at 20,000 papers), so larger
corpora merge only papers among each other's :data:`CONNECTIVITY_NEIGHBOURS` nearest neighbours
(``sklearn.cluster.ward_tree`` with a k-nearest-neighbour graph): memory grows like n * k and
the tree is still deterministic. Up to that size the exact tree is used, so every figure measured
on the real corpora (a few hundred papers) is unchanged. Why this and not Ward on k-means
micro-cluster centroids: it keeps one tree of the papers themselves with no random step, and
needs no centroid weighting (scipy's Ward has none). Measured in ``benchmarks/bench_scale.py``.

Outliers: a paper whose cosine similarity to its topic's centroid is more than three median
absolute deviations below the topic's median fits its topic loosely; it is reported as an
outlier (topic -1) and keeps its Ward topic as its assigned topic.
"""

from __future__ import annotations

import warnings

import numpy as np

__all__ = [
    "cut_tree",
    "levels",
    "loose_fit",
    "n_areas_for",
    "n_topics_for",
    "project",
    "ward_levels",
]

#: Fine topics per sqrt(papers); see the module docstring.
TOPICS_PER_SQRT_N = 0.8
#: Largest corpus clustered by exact Ward; above it the tree is connectivity-constrained.
EXACT_WARD_MAX = 10_000
#: Nearest neighbours each paper may merge with in the connectivity-constrained tree.
CONNECTIVITY_NEIGHBOURS = 15
#: Neighbours and dimensions of the UMAP projection the tree is built on.
UMAP_NEIGHBOURS = 15
UMAP_COMPONENTS = 5
#: How many median absolute deviations below the median similarity make a loose fit.
LOOSE_MADS = 3.0


def n_topics_for(n: int) -> int:
    """Fine topics for ``n`` papers: ``max(5, round(0.8 * sqrt(n)))``, at most ``n - 1``."""
    return int(min(max(n - 1, 1), max(5, round(TOPICS_PER_SQRT_N * np.sqrt(n)))))


def n_areas_for(n_topics: int) -> int:
    """Broad areas for ``n_topics`` fine topics: half as many, within 5..12, fewer than topics."""
    return int(max(1, min(n_topics - 1, int(np.clip(round(n_topics / 2), 5, 12)))))


def unit(embeddings: np.ndarray) -> np.ndarray:
    """Rows scaled to length 1 (float64); all-zero rows stay zero."""
    x = np.asarray(embeddings, dtype=np.float64)
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return x / np.where(norms == 0, 1.0, norms)


def project(embeddings: np.ndarray, seed: int) -> np.ndarray:
    """The seeded 5-D UMAP projection the topics are found in (see the module docstring)."""
    with warnings.catch_warnings():
        # umap's optional parametric module warns that tensorflow is absent; it is not used
        warnings.simplefilter("ignore", ImportWarning)
        from umap import UMAP

    n_neighbors = min(UMAP_NEIGHBOURS, len(embeddings) - 1)
    umap = UMAP(
        n_neighbors=n_neighbors,
        n_components=UMAP_COMPONENTS,
        min_dist=0.0,
        metric="cosine",
        random_state=seed,
        n_jobs=1,
    )
    return np.asarray(umap.fit_transform(unit(embeddings)), dtype=np.float64)


def levels(
    embeddings: np.ndarray, n_topics: int, n_areas: int, *, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """Fine topics by seeded UMAP + k-means, broad areas by Ward on their centroids (version 3).

    Args:
        embeddings: ``(n, dim)`` paper embeddings.
        n_topics: Fine topics wanted (at most ``n``).
        n_areas: Broad areas wanted (at most ``n_topics``).
        seed: Seed of the UMAP projection and of k-means.

    Returns:
        ``(topic, area)``: int64 arrays of 0-based labels; each topic lies in one area.
    """
    from scipy.cluster.hierarchy import fcluster, linkage
    from sklearn.cluster import KMeans

    x = project(embeddings, seed)
    topic = KMeans(n_topics, n_init=10, random_state=seed).fit_predict(x).astype(np.int64)
    topic = np.unique(topic, return_inverse=True)[1].astype(np.int64)
    k = int(topic.max()) + 1
    if n_areas >= k:
        return topic, topic.copy()
    centroids = np.stack([x[topic == t].mean(axis=0) for t in range(k)])
    of_topic = fcluster(linkage(centroids, method="ward"), n_areas, criterion="maxclust") - 1
    return topic, of_topic.astype(np.int64)[topic]


def ward_levels(
    embeddings: np.ndarray, n_topics: int, n_areas: int, *, seed: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Cut one Ward tree of the papers into fine topics and broad areas.

    Args:
        embeddings: ``(n, dim)`` paper embeddings.
        n_topics: Fine topics wanted (at most ``n``).
        n_areas: Broad areas wanted (at most ``n_topics``).
        seed: Seed of the UMAP projection the tree is built on; ``None`` builds the tree on
            the unit-length embeddings themselves (version 2, no random step; on unit vectors
            Euclidean distance orders pairs as cosine similarity does).

    Returns:
        ``(topic, area)``: int64 arrays of 0-based labels; each topic lies in one area.
    """
    x = unit(embeddings) if seed is None else project(embeddings, seed)
    if len(embeddings) > EXACT_WARD_MAX:
        return _connected_ward_levels(x, n_topics, n_areas)
    from scipy.cluster.hierarchy import fcluster, linkage

    tree = linkage(x, method="ward")
    topic = fcluster(tree, n_topics, criterion="maxclust").astype(np.int64) - 1
    area = fcluster(tree, n_areas, criterion="maxclust").astype(np.int64) - 1
    return topic, area


def _connected_ward_levels(
    x: np.ndarray, n_topics: int, n_areas: int
) -> tuple[np.ndarray, np.ndarray]:
    """Ward tree restricted to k-nearest-neighbour pairs, cut twice (see the module docstring)."""
    from sklearn.cluster import ward_tree
    from sklearn.neighbors import kneighbors_graph

    graph = kneighbors_graph(x, n_neighbors=CONNECTIVITY_NEIGHBOURS, include_self=False)
    with warnings.catch_warnings():
        # separate groups of papers are joined by sklearn as intended (the tree stays whole)
        warnings.filterwarnings("ignore", "the number of connected components", UserWarning)
        children = ward_tree(x, connectivity=graph)[0]
    return cut_tree(children, len(x), n_topics), cut_tree(children, len(x), n_areas)


def cut_tree(children: np.ndarray, n_leaves: int, n_clusters: int) -> np.ndarray:
    """Clusters left after the first ``n_leaves - n_clusters`` merges of a tree.

    Args:
        children: ``(n_leaves - 1, 2)`` merges in order, as ``sklearn.cluster.ward_tree``
            returns them (node ``n_leaves + i`` is made by merge ``i``).
        n_leaves: Papers.
        n_clusters: Clusters wanted.

    Returns:
        int64 label per paper, 0-based.
    """
    merges = np.asarray(children, dtype=np.int64)[: max(n_leaves - n_clusters, 0)]
    parent = np.arange(n_leaves + len(children), dtype=np.int64)
    parent[merges[:, 0]] = parent[merges[:, 1]] = n_leaves + np.arange(len(merges))
    while True:  # pointer jumping: every node ends pointing at its topmost applied merge
        jumped = parent[parent]
        if np.array_equal(jumped, parent):
            break
        parent = jumped
    return np.unique(parent[:n_leaves], return_inverse=True)[1].astype(np.int64)


def loose_fit(embeddings: np.ndarray, topic: np.ndarray) -> np.ndarray:
    """True for papers far less similar to their topic's centroid than its other papers.

    A paper is loose when its cosine similarity to the centroid is below the topic's median
    minus :data:`LOOSE_MADS` median absolute deviations.
    """
    x = unit(embeddings)
    loose = np.zeros(len(x), dtype=bool)
    for t in np.unique(topic):
        members = np.flatnonzero(topic == t)
        centroid = x[members].mean(axis=0)
        sims = x[members] @ (centroid / max(np.linalg.norm(centroid), 1e-12))
        median = np.median(sims)
        mad = np.median(np.abs(sims - median))
        loose[members] = sims < median - LOOSE_MADS * mad
    return loose
