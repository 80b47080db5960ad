"""Fit topics at two levels, broad areas and fine topics, with readable labels, cached.

The papers are clustered by :mod:`~digest_utils.topics.cluster` (seeded UMAP + k-means fine
topics, areas from a Ward tree of their centroids, sizes by rules of the corpus size); keywords are
phrases of the papers' titles and keywords ranked by how distinct they are
(:func:`~digest_utils.topics.labels.topic_phrases`); a label joins distinct phrases
(:func:`~digest_utils.topics.labels.topic_labels`). A seeded 2-D UMAP gives a document map.

Results are kept by :mod:`~digest_utils.topics.store`, keyed by embeddings, texts, settings,
seed and library versions; a warm call imports neither bertopic, umap nor scipy's clustering.
A rerun on a grown corpus places the new papers into the last fit
(:mod:`~digest_utils.topics.place`) rather than refitting; :func:`reusable_fit` is the one
place that decides which.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from digest_utils import config
from digest_utils._util import require_columns
from digest_utils.embed import model_id
from digest_utils.errors import CorpusTooSmallError, DigestError
from digest_utils.topics import store
from digest_utils.topics.cluster import levels, loose_fit, n_areas_for, n_topics_for
from digest_utils.topics.labels import topic_phrases
from digest_utils.topics.libraries import map_neighbors, quiet, umap_model
from digest_utils.topics.place import place
from digest_utils.topics.result import Clusters, FitRecord, TopicResult
from digest_utils.topics.tables import package

__all__ = [
    "Method",
    "cached_fit",
    "check_input",
    "fit_topics",
    "require_papers",
    "reusable_fit",
]

#: A clustering method: ``(papers, embeddings, params, cache_root, progress) -> Clusters``.
Method = Callable[[pd.DataFrame, np.ndarray, dict, Path, bool], Clusters]


def fit_topics(
    papers: pd.DataFrame,
    embeddings: np.ndarray,
    *,
    seed: int = config.RANDOM_SEED,
    n_topics: int | None = None,
    n_areas: int | None = None,
    model: str | None = None,
    cache_dir: str | Path | None = None,
    progress: bool = True,
    incremental: bool = False,
) -> TopicResult:
    """Find broad areas and fine topics of a corpus, sized by rules of its size.

    Args:
        papers: ``paper_id``, ``title`` and ``abstract`` per paper (e.g. from ``dedupe``).
        embeddings: ``(len(papers), dim)`` embeddings aligned with ``papers`` (``embed_papers``).
        seed: Seed of the UMAP projection the clusters are built on and of the map layout
            (default ``config.RANDOM_SEED``).
        n_topics: Fine topics (default :func:`~digest_utils.topics.cluster.n_topics_for`).
        n_areas: Broad areas (default :func:`~digest_utils.topics.cluster.n_areas_for`).
        model: Model that embeds candidate keywords for the labels: the one that made
            ``embeddings`` (default ``config.DEFAULT_MODEL``, local).
        cache_dir: Cache folder (default ``config.cache_dir()``): the result goes to
            ``topics/<hash>.pkl``, keyword vectors to the embedding cache.
        progress: Show a progress bar while computing.
        incremental: When a full fit of a corpus this one extends is cached (with the
            default sizes) and the papers added since are at most ``config.REFIT_SHARE`` of
            it, place the new papers into that fit instead of refitting
            (:mod:`digest_utils.topics.place`; the rules are in :func:`reusable_fit`);
            ``result.fit`` says which it did.

    Returns:
        A :class:`TopicResult`, identical for identical input in any process (a placed result
        depends on the fit it was placed into).

    Raises:
        CorpusTooSmallError: Fewer than ``config.MIN_PAPERS`` papers.
        DigestError: A column is missing, ``embeddings`` has not one row per paper, or
            ``n_topics``/``n_areas`` is out of range.

    Example:
        >>> result = fit_topics(papers, embed_papers(papers))  # doctest: +SKIP
        >>> result.table()[["level", "topic", "size", "label"]]  # doctest: +SKIP
    """
    check_input(papers, embeddings)
    embeddings = np.asarray(embeddings)
    params = _settings(len(papers), seed=seed, n_topics=n_topics, n_areas=n_areas, model=model)
    root, key = store.folder(cache_dir), store.cache_key(papers, embeddings, params)
    sized = n_topics is not None or n_areas is not None
    base = reusable_fit(root, key, params, papers["paper_id"], refit=sized or not incremental)
    if base is None:
        return _load_or_fit(
            root, key, papers, embeddings, params, _fit_ward, progress, remember=True
        )
    placed = store.load(root, key, placed=True)
    if placed is None:
        placed = place(base, papers, embeddings)
        store.save(root, key, placed, placed=True)
    return placed


def reusable_fit(
    root: Path, key: str, params: dict, paper_ids: pd.Series, *, refit: bool
) -> TopicResult | None:
    """When does a rerun refit? The full fit to place this corpus into, or ``None``: fit it.

    The one place this is decided. The corpus is fitted (or its full fit read from the cache)
    when any of these holds, and placed into the newest remembered fit otherwise:

    * a refit is asked for (``refit``: ``analyse(refit=True)``, the CLI's ``--refit``, or
      topic sizes given explicitly);
    * a full fit of exactly this corpus is cached under ``key``: it is shown as fitted;
    * no remembered full fit (:func:`~digest_utils.topics.store.remembered`: same method,
      seed and model) qualifies. One qualifies when its sizes are the rules' for its corpus
      (not sizes asked for by hand), it holds only papers of this corpus (a corpus that drops
      papers of the fit is refitted), and the papers added since are at least one and at most
      :data:`digest_utils.config.REFIT_SHARE` (10 %) of the papers it was fitted on: at
      20,000 papers, 2,000 new ones (about 40 weekly digests). Why 10 %: the number of fine
      topics grows like sqrt(n), so 10 % more papers would ask for about 5 % more topics
      (113 -> 119 at 20,000), the most a fit may lag behind.
    """
    if refit or store.is_saved(root, key):
        return None
    current = set(map(str, paper_ids))
    for n_base, path in store.remembered(root, params):
        if not n_base < len(current) <= n_base * (1 + config.REFIT_SHARE):
            continue
        base = store.read(path)
        if base is None:
            continue
        by_rule = base.params["n_topics"] == n_topics_for(n_base)
        by_rule &= base.params["n_areas"] == n_areas_for(base.params["n_topics"])
        if by_rule and set(map(str, base.assignments["paper_id"])) <= current:
            return base
    return None


def require_papers(n_papers: int) -> None:
    """Raise :class:`CorpusTooSmallError` unless ``n_papers`` is enough to find topics.

    Callers that would do expensive work before fitting (load a model, run notebooks) call it
    first, so the user hears about a too-small corpus at once.
    """
    if n_papers < config.MIN_PAPERS:
        raise CorpusTooSmallError(n_papers=n_papers, needed=config.MIN_PAPERS)


def check_input(papers: pd.DataFrame, embeddings: np.ndarray) -> None:
    """Check the corpus size, the columns and that there is one embedding row per paper."""
    require_papers(len(papers))
    require_columns(papers, ["paper_id", "title", "abstract"], where="fit_topics: papers")
    if np.ndim(embeddings) != 2 or len(embeddings) != len(papers):
        shape = np.shape(embeddings)
        raise DigestError(f"expected one embedding row per paper ({len(papers)}), got {shape}")


def _settings(
    n: int, *, seed: int, n_topics: int | None, n_areas: int | None, model: str | None
) -> dict:
    """Resolve the size-dependent settings of :func:`fit_topics`."""
    topics = n_topics_for(n) if n_topics is None else n_topics
    areas = n_areas_for(topics) if n_areas is None else n_areas
    if not 1 <= areas <= topics <= n:
        raise DigestError(
            f"expected 1 <= n_areas <= n_topics <= papers ({n}), got n_topics={topics}, "
            f"n_areas={areas}"
        )
    return {
        "method": "ward",
        "seed": int(seed),
        "n_topics": int(topics),
        "n_areas": int(areas),
        "n_neighbors": map_neighbors(n),
        "min_df": int(max(2, round(n / 1000))),
        "model": model_id(model),
    }


def cached_fit(
    papers: pd.DataFrame,
    embeddings: np.ndarray,
    params: dict,
    method: Method,
    cache_dir: str | Path | None,
    progress: bool,
) -> TopicResult:
    """Load the result from the store, or run ``method``, package and save it (a full fit)."""
    embeddings = np.asarray(embeddings)
    root, key = store.folder(cache_dir), store.cache_key(papers, embeddings, params)
    return _load_or_fit(root, key, papers, embeddings, params, method, progress, remember=False)


def _load_or_fit(
    root: Path,
    key: str,
    papers: pd.DataFrame,
    embeddings: np.ndarray,
    params: dict,
    method: Method,
    progress: bool,
    remember: bool,
) -> TopicResult:
    """The saved full fit of ``key``, or a new one, saved.

    With ``remember`` (the fits of :func:`fit_topics`, not the baselines) a new fit is also
    recorded as one that later corpora may be placed into (see :func:`reusable_fit`).
    """
    result = store.load(root, key)
    if result is not None:
        return result
    clusters = method(papers, embeddings, params, root, progress)
    at = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    fit = FitRecord("full", fitted_on=len(papers), fitted_at=at)
    result = replace(package(papers, embeddings, clusters, params), fit=fit)
    store.save(root, key, result)
    if remember:
        store.remember(root, params, key, len(papers))
    return result


def _fit_ward(
    papers: pd.DataFrame, embeddings: np.ndarray, params: dict, cache_root: Path, progress: bool
) -> Clusters:
    from tqdm import tqdm

    with tqdm(total=4, desc="topics", unit="step", disable=not progress) as bar, quiet():
        topic, area = levels(embeddings, params["n_topics"], params["n_areas"], seed=params["seed"])
        bar.update()
        keywords = topic_phrases(papers, topic, min_df=params["min_df"])
        bar.update()
        area_keywords = topic_phrases(papers, area, min_df=params["min_df"])
        bar.update()
        layout = umap_model(params, n_components=2, min_dist=0.1).fit_transform(embeddings)
        bar.update()
    outlier = loose_fit(embeddings, topic)
    return Clusters(topic, outlier, keywords, layout, area, area_keywords)
