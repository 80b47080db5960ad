"""Fit topics: BERTopic with seeded UMAP, HDBSCAN and readable labels, cached.

Size-dependent knobs scale with the number of papers ``n`` (checked on the 252 seed papers,
where these gave the most stable topics; see ``benchmarks/eval_topics.py``):

* UMAP to 5-D, cosine, ``n_neighbors = clip(round(sqrt(n)), 15, 50)``, seeded;
* HDBSCAN ``min_cluster_size = max(5, round(sqrt(n) / 2))`` (8 at 252 papers, 50 at 10,000 as
  BERTopic's FAQ advises; topics grow like sqrt(n)), ``min_samples`` half that;
* keywords: c-TF-IDF over unigrams and bigrams without English stop words (the
  :func:`~digest_utils.topics.labels.vectorizer`; a term must occur in
  ``max(2, round(n / 1000))`` papers) re-ranked by KeyBERTInspired; a label joins three
  distinct ones (:func:`~digest_utils.topics.labels.topic_labels`);
* outliers join the nearest topic centroid (``reduce_outliers``), then ``update_topics``.

A second seeded UMAP (2-D) gives a document map. Results are cached in ``cache_dir()/topics/``
keyed by embeddings, texts, settings, seed and library versions; a warm call imports neither
bertopic, umap nor hdbscan.
"""

from __future__ import annotations

import hashlib
import json
import logging
import pickle
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path

import numpy as np
import pandas as pd

from digest_utils import config
from digest_utils._util import atomic_write, require_columns
from digest_utils.embed import embed_texts, model_id, paper_texts
from digest_utils.errors import CorpusTooSmallError, DigestError
from digest_utils.topics.labels import topic_labels, vectorizer

__all__ = [
    "TopicResult",
    "default_baseline",
    "fit_topics",
    "require_papers",
    "topic_vectors",
]

_PIPELINE_VERSION = 1  # bump when the pipeline changes, so cached results are recomputed
_LIBRARIES = ("bertopic", "umap-learn", "hdbscan", "scikit-learn", "numpy", "numba")


@dataclass(frozen=True, eq=False)
class TopicResult:
    """Topics of one corpus.

    Attributes:
        assignments: One row per paper, in input order: ``paper_id`` (string), ``topic``
            (int64, -1 only for papers left outside every topic), ``topic_label`` (string),
            ``x``, ``y`` (float64, seeded 2-D UMAP layout for a document map).
        topics: One row per topic, largest first: ``topic`` (int64, 0..k-1), ``size`` (int64),
            ``label`` (string, e.g. ``"text-to-image generation / multimodal generative"``),
            ``keywords`` (list of up to 10 str), ``representative`` (string, ``paper_id`` of
            the paper nearest the centroid), ``cohesion`` (float64, mean cosine similarity of
            the topic's papers to its centroid).
        vectors: float32 ``(n_topics, dim)`` unit-length topic centroids, rows aligned with
            ``topics`` (for a dendrogram).
        params: The resolved settings the result was computed with.
    """

    assignments: pd.DataFrame
    topics: pd.DataFrame
    vectors: np.ndarray
    params: dict = field(default_factory=dict)


def fit_topics(
    papers: pd.DataFrame,
    embeddings: np.ndarray,
    *,
    seed: int = config.RANDOM_SEED,
    min_topic_size: int | None = None,
    model: str | None = None,
    cache_dir: str | Path | None = None,
    progress: bool = True,
) -> TopicResult:
    """Find the topics of a corpus with BERTopic set up for 10^2 to 10^4+ abstracts.

    Args:
        papers: ``paper_id``, ``title`` and ``abstract`` per paper (e.g. from ``dedupe``).
        embeddings: ``(len(papers), dim)`` embeddings aligned with ``papers`` (``embed_papers``).
        seed: Seed of the UMAP runs and keyword sampling (default ``config.RANDOM_SEED``).
        min_topic_size: Smallest topic HDBSCAN may form (default ``max(5, round(sqrt(n)/2))``).
        model: Model that embeds candidate keywords for the labels: the one that made
            ``embeddings`` (default ``config.DEFAULT_MODEL``, local).
        cache_dir: Cache folder (default ``config.cache_dir()``): the result goes to
            ``topics/<hash>.pkl``, keyword vectors to the embedding cache.
        progress: Show a progress bar while computing.

    Returns:
        A :class:`TopicResult`, identical for identical input in any process.

    Raises:
        CorpusTooSmallError: Fewer than ``config.MIN_PAPERS`` papers.
        DigestError: A column is missing, or ``embeddings`` has not one row per paper.

    Example:
        >>> result = fit_topics(papers, embed_papers(papers))  # doctest: +SKIP
        >>> result.topics[["topic", "size", "label"]]  # doctest: +SKIP
    """
    _check(papers, embeddings)
    params = _settings(len(papers), seed=seed, min_topic_size=min_topic_size, model=model)
    return _cached(papers, embeddings, params, _fit_tuned, cache_dir, progress)


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
    (labels such as ``"the / and / to"``). Arguments, cache and errors as in :func:`fit_topics`;
    ``x`` and ``y`` are NaN.
    """
    _check(papers, embeddings)
    params = {"method": "bertopic-default", "seed": int(seed), "n_neighbors": 15}
    return _cached(papers, embeddings, params, _fit_default, cache_dir, progress)


def require_papers(n_papers: int) -> None:
    """Raise :class:`CorpusTooSmallError` unless ``n_papers`` is enough to find topics.

    Callers that would do expensive work before fitting (load a model, run notebooks) call it
    first, so the user hears about a too-small corpus at once.
    """
    if n_papers < config.MIN_PAPERS:
        raise CorpusTooSmallError(n_papers=n_papers, needed=config.MIN_PAPERS)


def _check(papers: pd.DataFrame, embeddings: np.ndarray) -> None:
    require_papers(len(papers))
    require_columns(papers, ["paper_id", "title", "abstract"], where="fit_topics: papers")
    if np.ndim(embeddings) != 2 or len(embeddings) != len(papers):
        shape = np.shape(embeddings)
        raise DigestError(f"expected one embedding row per paper ({len(papers)}), got {shape}")


def _settings(n: int, *, seed: int, min_topic_size: int | None, model: str | None) -> dict:
    """Resolve the size-dependent settings of :func:`fit_topics` (see the module docstring)."""
    size = min_topic_size if min_topic_size is not None else max(5, round(np.sqrt(n) / 2))
    return {
        "method": "tuned",
        "seed": int(seed),
        "min_topic_size": int(size),
        "min_samples": int(max(2, size // 2)),
        "n_neighbors": int(min(n - 1, np.clip(round(np.sqrt(n)), 15, 50))),
        "min_df": int(max(2, round(n / 1000))),
        "model": model_id(model),
    }


def _cache_key(papers: pd.DataFrame, embeddings: np.ndarray, params: dict) -> str:
    """Hash of embeddings, paper ids and texts, settings and library versions."""
    h = hashlib.sha256(str((embeddings.shape, embeddings.dtype.str)).encode())
    h.update(np.ascontiguousarray(embeddings).tobytes())
    for pid, text in zip(papers["paper_id"], paper_texts(papers), strict=True):
        h.update(f"{pid}\x00{text}\x00".encode())
    versions = {lib: version(lib) for lib in _LIBRARIES}
    h.update(json.dumps([params, versions, _PIPELINE_VERSION], sort_keys=True).encode())
    return h.hexdigest()[:24]


def _cached(papers, embeddings, params, compute, cache_dir, progress) -> TopicResult:
    """Load the result from the cache, or compute and store it (atomically)."""
    embeddings = np.asarray(embeddings)
    root = Path(cache_dir) if cache_dir else config.cache_dir()
    path = root / "topics" / f"{_cache_key(papers, embeddings, params)}.pkl"
    if path.exists():
        return pickle.loads(path.read_bytes())
    topics, keywords, layout = compute(papers, embeddings, params, root, progress)
    result = _package(papers, embeddings, topics, keywords, layout, params)
    atomic_write(path, pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
    return result


@contextmanager
def _quiet() -> Iterator[None]:
    """Mute BERTopic's logger and the fit's warnings (umap's ImportWarning), only meanwhile."""
    logger = logging.getLogger("BERTopic")
    disabled, logger.disabled = logger.disabled, True
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.disabled = disabled


def _umap(params: dict, n_components: int, min_dist: float):
    from umap import UMAP

    # n_jobs=1 is what random_state implies anyway; saying so avoids umap's warning.
    kwargs = {"metric": "cosine", "random_state": params["seed"], "n_jobs": 1}
    kwargs |= {"n_neighbors": params["n_neighbors"], "min_dist": min_dist}
    return UMAP(n_components=n_components, **kwargs)


def _fit_tuned(papers, embeddings, params, cache_root: Path, progress: bool):
    from tqdm import tqdm

    bar = tqdm(total=3, desc="topics", unit="step", disable=not progress)
    with _quiet():
        from bertopic import BERTopic
        from bertopic.backend import BaseEmbedder
        from bertopic.representation import KeyBERTInspired
        from bertopic.vectorizers import ClassTfidfTransformer
        from hdbscan import HDBSCAN

        class CachedEmbedder(BaseEmbedder):
            """Embeds candidate keywords (and documents) through the embedding cache."""

            def embed(self, documents, verbose=False):
                kwargs = {"model": params["model"], "cache_dir": cache_root, "progress": False}
                return embed_texts(list(documents), **kwargs)

        docs = paper_texts(papers)
        vocabulary = vectorizer(min_df=params["min_df"]).fit(docs).get_feature_names_out()

        def parts() -> dict:  # fresh objects for fit_transform and for update_topics
            return {
                "vectorizer_model": vectorizer(vocabulary=vocabulary),
                "ctfidf_model": ClassTfidfTransformer(reduce_frequent_words=True),
                "representation_model": KeyBERTInspired(random_state=params["seed"]),
                "top_n_words": 10,
            }

        topic_model = BERTopic(
            embedding_model=CachedEmbedder(),
            umap_model=_umap(params, n_components=5, min_dist=0.0),
            hdbscan_model=HDBSCAN(
                params["min_topic_size"], params["min_samples"], prediction_data=True
            ),
            **parts(),
        )
        topics, _ = topic_model.fit_transform(docs, embeddings)
        bar.update()
        if -1 in topics:
            if set(topics) == {-1}:  # no cluster at all: the corpus is one topic
                topics = [0] * len(docs)
            else:
                kwargs = {"strategy": "embeddings", "embeddings": embeddings}
                topics = topic_model.reduce_outliers(docs, topics, **kwargs)
            topic_model.update_topics(docs, topics=topics, **parts())
        bar.update()
        layout = _umap(params, n_components=2, min_dist=0.1).fit_transform(embeddings)
        bar.update()
    bar.close()
    keywords = {t: [w for w, _ in topic_model.get_topic(t) or []] for t in set(topics)}
    return np.asarray(topics), keywords, layout


def _fit_default(papers, embeddings, params, cache_root: Path, progress: bool):
    with _quiet():
        from bertopic import BERTopic

        topic_model = BERTopic(umap_model=_umap(params, n_components=5, min_dist=0.0))
        topics, _ = topic_model.fit_transform(paper_texts(papers), embeddings)
    keywords = {t: [w for w, _ in topic_model.get_topic(t) or []] for t in set(topics)}
    return np.asarray(topics), keywords, np.full((len(papers), 2), np.nan)


def _package(papers, embeddings, topics, keywords, layout, params) -> TopicResult:
    """Build the result; topics are renumbered by size, largest first (outliers stay -1)."""
    ids, sizes = np.unique(topics[topics >= 0], return_counts=True)
    order = ids[np.lexsort((ids, -sizes))].tolist()
    renumber = {old: new for new, old in enumerate(order)} | {-1: -1}
    topic = np.array([renumber[int(t)] for t in topics], dtype=np.int64)
    unit = embeddings / np.linalg.norm(embeddings, axis=1, keepdims=True)
    pids = pd.array(papers["paper_id"], dtype="string")
    rows, vectors = [], np.zeros((len(order), embeddings.shape[1]), dtype=np.float32)
    for new, old in enumerate(order):
        members = np.flatnonzero(topic == new)
        centroid = unit[members].mean(axis=0)
        vectors[new] = centroid / np.linalg.norm(centroid)
        sims = unit[members] @ vectors[new]
        near = pids[members[sims.argmax()]]
        rows.append((new, len(members), keywords[old][:10], near, sims.mean()))
    table = pd.DataFrame(rows, columns=["topic", "size", "keywords", "representative", "cohesion"])
    table.insert(2, "label", topic_labels(list(table["keywords"])))
    dtypes = {"topic": "int64", "size": "int64", "label": "string", "representative": "string"}
    table = table.astype(dtypes | {"cohesion": "float64"})
    labels = dict(zip(table["topic"], table["label"], strict=True)) | {-1: "outliers"}
    assignments = pd.DataFrame({"paper_id": pids, "topic": topic})
    assignments["topic_label"] = pd.array([labels[t] for t in topic], dtype="string")
    assignments[["x", "y"]] = np.asarray(layout, dtype="float64")
    return TopicResult(assignments, table, vectors, dict(params, n_papers=len(papers)))


def topic_vectors(result: TopicResult) -> pd.DataFrame:
    """Topic centroids as a frame indexed by topic label (input of ``charts.topic_hierarchy``)."""
    return pd.DataFrame(result.vectors, index=pd.Index(result.topics["label"], name="topic"))
