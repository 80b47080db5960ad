"""Points of comparison for :func:`~digest_utils.topics.fit_topics`, fitted and cached alike.

* :func:`default_baseline`: BERTopic with its default settings (only UMAP seeded);
* :func:`previous_baseline`: this project's settings before version 2 of the pipeline: UMAP to
  5-D and HDBSCAN with ``min_cluster_size = max(5, round(sqrt(n) / 2))`` and ``min_samples``
  half that, outliers then reassigned to the nearest topic. They collapsed to 2 topics on real
  corpora of 400-600 papers, which is why :mod:`~digest_utils.topics.cluster` replaced them.

Neither has broad areas (``area`` is -1).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from digest_utils import config
from digest_utils.embed import model_id, paper_texts
from digest_utils.topics.fit import cached_fit, check_input
from digest_utils.topics.labels import extract_keywords
from digest_utils.topics.libraries import map_neighbors, quiet, umap_model
from digest_utils.topics.result import Clusters, TopicResult

__all__ = ["default_baseline", "previous_baseline"]


def default_baseline(
    papers: pd.DataFrame,
    embeddings: np.ndarray,
    *,
    seed: int = config.RANDOM_SEED,
    cache_dir: str | Path | None = None,
    progress: bool = True,
) -> TopicResult:
    """Fit BERTopic with its default settings, only UMAP seeded, as a point of comparison.

    No stop words, unigrams, ``min_topic_size=10``, outliers kept, plain c-TF-IDF keywords
    (labels such as ``"the / and / to"``). Arguments, cache and errors as in
    :func:`~digest_utils.topics.fit_topics`; ``x`` and ``y`` are NaN.
    """
    check_input(papers, embeddings)
    params = {"method": "bertopic-default", "seed": int(seed), "n_neighbors": 15}
    return cached_fit(papers, embeddings, params, _fit_default, cache_dir, progress)


def previous_baseline(
    papers: pd.DataFrame,
    embeddings: np.ndarray,
    *,
    seed: int = config.RANDOM_SEED,
    model: str | None = None,
    cache_dir: str | Path | None = None,
    progress: bool = True,
) -> TopicResult:
    """Fit the previous settings (UMAP + HDBSCAN, see the module docstring) for comparison.

    ``topic`` is -1 for HDBSCAN's outliers (before reassignment); ``assigned_topic`` holds the
    nearest topic. Arguments, cache and errors as in :func:`~digest_utils.topics.fit_topics`.
    """
    check_input(papers, embeddings)
    n = len(papers)
    size = max(5, round(np.sqrt(n) / 2))
    params = {
        "method": "umap-hdbscan-v1",
        "seed": int(seed),
        "min_topic_size": int(size),
        "min_samples": int(max(2, size // 2)),
        "n_neighbors": map_neighbors(n),
        "min_df": int(max(2, round(n / 1000))),
        "model": model_id(model),
    }
    return cached_fit(papers, embeddings, params, _fit_previous, cache_dir, progress)


def _fit_default(papers, embeddings, params, cache_root: Path, progress: bool) -> Clusters:
    with quiet():
        from bertopic import BERTopic

        topic_model = BERTopic(umap_model=umap_model(params, n_components=5, min_dist=0.0))
        topics, _ = topic_model.fit_transform(paper_texts(papers), embeddings)
    topics = np.asarray(topics)
    keywords = {t: [w for w, _ in topic_model.get_topic(t) or []] for t in set(topics.tolist())}
    layout = np.full((len(papers), 2), np.nan)
    return Clusters(topics, topics == -1, keywords, layout)


def _fit_previous(papers, embeddings, params, cache_root: Path, progress: bool) -> Clusters:
    with quiet():
        from hdbscan import HDBSCAN

        reduced = umap_model(params, n_components=5, min_dist=0.0).fit_transform(embeddings)
        hdb = HDBSCAN(params["min_topic_size"], params["min_samples"]).fit(reduced)
        topics = np.asarray(hdb.labels_)
        outlier = topics == -1
        if outlier.all():  # no cluster at all: the corpus is one topic
            assigned = np.zeros(len(topics), dtype=np.int64)
        else:  # nearest topic centroid in embedding space, as reduce_outliers(strategy=embeddings)
            x = embeddings / np.linalg.norm(embeddings, axis=1, keepdims=True)
            ids = np.unique(topics[~outlier])
            centroids = np.stack([x[topics == t].mean(axis=0) for t in ids])
            assigned = np.where(outlier, ids[(x @ centroids.T).argmax(axis=1)], topics)
        keywords = extract_keywords(
            paper_texts(papers),
            assigned,
            embeddings,
            seed=params["seed"],
            model=params["model"],
            cache_root=cache_root,
            min_df=params["min_df"],
        )
        layout = umap_model(params, n_components=2, min_dist=0.1).fit_transform(embeddings)
    return Clusters(assigned, outlier, keywords, layout)
