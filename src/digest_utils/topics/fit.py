"""Fit topics at two levels, broad areas and fine topics, with readable labels, cached.

The papers are clustered by :mod:`~digest_utils.topics.cluster` (seeded UMAP + k-means fine
topics, areas from a Ward tree of their centroids, sizes by rules of the corpus size); keywords are
phrases of the papers' titles and keywords ranked by how distinct they are
(:func:`~digest_utils.topics.labels.topic_phrases`); a label joins distinct phrases
(:func:`~digest_utils.topics.labels.topic_labels`). A seeded 2-D UMAP gives a document map.

Results are cached in ``cache_dir()/topics/`` keyed by embeddings, texts, settings, seed and
library versions; a warm call imports neither bertopic, umap nor scipy's clustering.
"""

from __future__ import annotations

import hashlib
import json
import logging
import pickle
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path

import numpy as np
import pandas as pd

from digest_utils import config
from digest_utils._util import atomic_write, require_columns
from digest_utils.embed import model_id, paper_texts
from digest_utils.errors import CorpusTooSmallError, DigestError
from digest_utils.topics.cluster import levels, loose_fit, n_areas_for, n_topics_for, unit
from digest_utils.topics.labels import topic_labels, topic_phrases

__all__ = ["Clusters", "TopicResult", "fit_topics", "require_papers", "topic_vectors"]

_PIPELINE_VERSION = 7  # bump when the pipeline changes, so cached results are recomputed
_LIBRARIES = ("bertopic", "umap-learn", "hdbscan", "scikit-learn", "scipy", "numpy", "numba")
_TABLE_COLUMNS = ["topic", "level", "size", "label", "keywords", "representative", "cohesion"]


@dataclass(frozen=True, eq=False)
class TopicResult:
    """Topics of one corpus, at two levels.

    Attributes:
        assignments: One row per paper, in input order: ``paper_id`` (string), ``topic``
            (int64, -1 for an outlier: a paper that fits its topic loosely, before
            reassignment), ``topic_label`` (string, ``"outliers"`` for -1),
            ``assigned_topic`` (int64, the topic after reassignment: every paper has one),
            ``area`` (int64, the broad area; -1 when the method has none), ``area_label``
            (string), ``x``, ``y`` (float64, seeded 2-D UMAP layout for a document map).
        topics: Fine topics, largest first: ``topic`` (int64, 0..k-1), ``level``
            (``"topic"``), ``size`` (int64, papers assigned, outliers included), ``label``
            (string, e.g. ``"text-to-image generation / multimodal generative"``), ``keywords``
            (list of up to 10 str), ``representative`` (string, ``paper_id`` of the paper
            nearest the centroid), ``cohesion`` (float64, mean cosine similarity of the
            topic's papers to its centroid) and ``area`` (int64, the area holding it).
        vectors: float32 ``(n_topics, dim)`` unit-length topic centroids, rows aligned with
            ``topics`` (for a dendrogram).
        params: The resolved settings the result was computed with.
        areas: Broad areas, largest first, with the columns of ``topics`` (``level`` is
            ``"area"``) and ``n_topics`` (int64) instead of ``area``; empty when the method
            has no areas.
        fit: Which fit this is: ``kind`` (``"full"``, or ``"placed"``: new papers placed into
            an earlier fit, see :mod:`digest_utils.topics.place`), ``fitted_on`` (papers the
            fit was made on), ``placed`` (papers placed since) and ``fitted_at`` (when the fit
            was made, UTC); see :meth:`fit_note`.
    """

    assignments: pd.DataFrame
    topics: pd.DataFrame
    vectors: np.ndarray
    params: dict = field(default_factory=dict)
    areas: pd.DataFrame = field(default_factory=pd.DataFrame)
    fit: dict = field(default_factory=dict)

    def fit_note(self) -> str:
        """One line on the fit shown, e.g. ``topics fitted on 20,000 papers (...); 50 placed``."""
        if not self.fit:
            return f"topics fitted on {len(self.assignments):,} papers"
        note = f"topics fitted on {self.fit['fitted_on']:,} papers ({self.fit['fitted_at']})"
        if self.fit["kind"] == "placed":
            note += f"; {self.fit['placed']:,} papers added since placed into that fit"
        return note

    def table(self) -> pd.DataFrame:
        """Both levels in one frame: areas first, then fine topics (``level`` tells them apart).

        ``area`` (a topic's area) and ``n_topics`` (an area's topics) are Int64, NA on the
        other level.
        """
        both = pd.concat([self.areas, self.topics], ignore_index=True)
        for column in ("area", "n_topics"):
            if column in both:
                both[column] = both[column].astype("Int64")
        return both


@dataclass(frozen=True)
class Clusters:
    """What a clustering method returns, before packaging into a :class:`TopicResult`.

    Attributes:
        assigned: int per paper: its topic after any reassignment (-1 only for a method that
            keeps outliers).
        outlier: bool per paper: outside every topic before reassignment.
        keywords: Topic -> keywords, best first.
        layout: ``(n, 2)`` map positions (NaN when the method draws none).
        area: int per paper: its broad area, or ``None``.
        area_keywords: Area -> keywords, or ``None``.
    """

    assigned: np.ndarray
    outlier: np.ndarray
    keywords: dict[int, list[str]]
    layout: np.ndarray
    area: np.ndarray | None = None
    area_keywords: dict[int, list[str]] | None = None


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
            (:mod:`digest_utils.topics.place`); ``result.fit`` says which it did.

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
    params = _settings(len(papers), seed=seed, n_topics=n_topics, n_areas=n_areas, model=model)
    if incremental and n_topics is None and n_areas is None:
        placed = _placed(papers, embeddings, params, cache_dir)
        if placed is not None:
            return placed
    return cached_fit(papers, embeddings, params, _fit_ward, cache_dir, progress)


def _placed(
    papers: pd.DataFrame, embeddings: np.ndarray, params: dict, cache_dir: str | Path | None
) -> TopicResult | None:
    """The corpus placed into a cached fit it extends (cached), or ``None`` (fit it)."""
    from digest_utils.topics import place

    root = Path(cache_dir) if cache_dir else config.cache_dir()
    key = _cache_key(papers, np.asarray(embeddings), params)
    if (root / "topics" / f"{key}.pkl").exists():
        return None  # a full fit of exactly this corpus is cached: show it
    path = root / "topics" / f"{key}-placed.pkl"
    if path.exists():
        return pickle.loads(path.read_bytes())
    base = place.find_base(root, params, papers["paper_id"])
    if base is None:
        return None
    result = place.place(base, papers, embeddings)
    atomic_write(path, pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
    return result


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


def map_neighbors(n: int) -> int:
    """UMAP neighbours of the 2-D map: ``clip(round(sqrt(n)), 15, 50)``, below ``n``."""
    return int(min(n - 1, np.clip(round(np.sqrt(n)), 15, 50)))


def _cache_key(papers: pd.DataFrame, embeddings: np.ndarray, params: dict) -> str:
    """Hash of embeddings, paper ids and texts, settings and library versions."""
    h = hashlib.sha256(str((embeddings.shape, embeddings.dtype.str)).encode())
    h.update(np.ascontiguousarray(embeddings).tobytes())
    for pid, text in zip(papers["paper_id"], paper_texts(papers), strict=True):
        h.update(f"{pid}\x00{text}\x00".encode())
    versions = {lib: version(lib) for lib in _LIBRARIES}
    h.update(json.dumps([params, versions, _PIPELINE_VERSION], sort_keys=True).encode())
    return h.hexdigest()[:24]


#: A clustering method: ``(papers, embeddings, params, cache_root, progress) -> Clusters``.
Method = Callable[[pd.DataFrame, np.ndarray, dict, Path, bool], Clusters]


def cached_fit(
    papers: pd.DataFrame,
    embeddings: np.ndarray,
    params: dict,
    method: Method,
    cache_dir: str | Path | None,
    progress: bool,
) -> TopicResult:
    """Load the result from the cache, or run ``method``, package and store it (atomically)."""
    embeddings = np.asarray(embeddings)
    root = Path(cache_dir) if cache_dir else config.cache_dir()
    path = root / "topics" / f"{_cache_key(papers, embeddings, params)}.pkl"
    if path.exists():
        return pickle.loads(path.read_bytes())
    from digest_utils.topics import place

    result = _package(
        papers, embeddings, method(papers, embeddings, params, root, progress), params
    )
    result = place.stamp(result, "full", len(papers))
    atomic_write(path, pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
    if params.get("method") == "ward" and params["n_topics"] == n_topics_for(len(papers)):
        place.remember_fit(root, params, path, len(papers))
    return result


@contextmanager
def quiet() -> Iterator[None]:
    """Mute BERTopic's logger and the fit's warnings (umap's ImportWarning), only meanwhile."""
    logger = logging.getLogger("BERTopic")
    disabled, logger.disabled = logger.disabled, True
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.disabled = disabled


def enable_numba_cache() -> None:
    """Let numba cache umap's compiled functions on disk, so a new process skips compiling.

    umap-learn compiles about 10 s of numba code in every new process: most of its functions are
    not declared ``cache=True`` (pynndescent's are). Turning caching on for them before their
    first call stores the machine code where numba keeps caches (``__pycache__`` beside the
    library, or numba's user-wide cache folder when that is read-only; ``NUMBA_CACHE_DIR``
    overrides); numba checks the source file's time stamp and the CPU before reusing it.
    Measured: the map's UMAP on 252 papers in a new process, 6.8 s before, 0.2 s after.
    """
    import umap.distances
    import umap.layouts
    import umap.umap_
    import umap.utils
    from numba.core.dispatcher import Dispatcher

    for module in (umap.umap_, umap.layouts, umap.distances, umap.utils):
        for value in vars(module).values():
            cache = getattr(value, "_cache", None)
            if isinstance(value, Dispatcher) and type(cache).__name__ == "NullCache":
                value.enable_caching()


def umap_model(params: dict, n_components: int, min_dist: float):
    """A seeded cosine UMAP with the settings' ``n_neighbors``."""
    from umap import UMAP

    enable_numba_cache()

    # n_jobs=1 is what random_state implies anyway; saying so avoids umap's warning.
    kwargs = {"metric": "cosine", "random_state": params["seed"], "n_jobs": 1}
    kwargs |= {"n_neighbors": params["n_neighbors"], "min_dist": min_dist}
    return UMAP(n_components=n_components, **kwargs)


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


def _by_size(labels: np.ndarray) -> dict[int, int]:
    """Old label -> new label, largest cluster first (ties by old label); -1 stays -1."""
    ids, sizes = np.unique(labels[labels >= 0], return_counts=True)
    order = ids[np.lexsort((ids, -sizes))].tolist()
    return {old: new for new, old in enumerate(order)} | {-1: -1}


def _level_table(
    x: np.ndarray, labels: np.ndarray, keywords: dict[int, list[str]], pids, level: str
) -> tuple[pd.DataFrame, np.ndarray]:
    """One row per cluster of ``labels`` (already 0..k-1 by size) and the unit centroids."""
    k = int(labels.max()) + 1 if (labels >= 0).any() else 0
    rows, vectors = [], np.zeros((k, x.shape[1]), dtype=np.float32)
    for t in range(k):
        members = np.flatnonzero(labels == t)
        centroid = x[members].mean(axis=0)
        vectors[t] = centroid / np.linalg.norm(centroid)
        sims = x[members] @ vectors[t]
        rows.append(
            (t, level, len(members), keywords[t][:10], pids[members[sims.argmax()]], sims.mean())
        )
    table = pd.DataFrame(rows, columns=[c for c in _TABLE_COLUMNS if c != "label"])
    table.insert(3, "label", topic_labels(list(table["keywords"])))
    dtypes = {"topic": "int64", "level": "string", "size": "int64", "label": "string"}
    return table.astype(dtypes | {"representative": "string", "cohesion": "float64"}), vectors


def _renumbered(labels: np.ndarray, keywords: dict[int, list[str]]):
    mapping = _by_size(labels)
    new = np.array([mapping[int(t)] for t in labels], dtype=np.int64)
    return new, {mapping[t]: words for t, words in keywords.items() if t in mapping}


def _package(papers, embeddings, fit: Clusters, params) -> TopicResult:
    """Build the result; clusters are renumbered by size, largest first (outliers stay -1)."""
    x = unit(embeddings)
    pids = pd.array(papers["paper_id"], dtype="string")
    assigned, keywords = _renumbered(np.asarray(fit.assigned), fit.keywords)
    table, vectors = _level_table(x, assigned, keywords, pids, "topic")
    topic = np.where(np.asarray(fit.outlier), -1, assigned)
    labels = dict(zip(table["topic"], table["label"], strict=True)) | {-1: "outliers"}
    assignments = pd.DataFrame({"paper_id": pids, "topic": topic})
    assignments["topic_label"] = pd.array([labels[t] for t in topic], dtype="string")
    assignments["assigned_topic"] = assigned
    areas = pd.DataFrame(columns=[*_TABLE_COLUMNS, "n_topics"])
    area = np.full(len(pids), -1, dtype=np.int64)
    area_labels: dict[int, str] = {-1: "no area"}
    if fit.area is not None and fit.area_keywords is not None:
        area, area_keywords = _renumbered(np.asarray(fit.area), fit.area_keywords)
        areas, _ = _level_table(x, area, area_keywords, pids, "area")
        area_labels |= dict(zip(areas["topic"], areas["label"], strict=True))
    holder = pd.Series(area).groupby(assigned).agg(lambda a: a.value_counts().index[0])
    table["area"] = table["topic"].map(holder).astype("int64")
    if len(areas):
        areas["n_topics"] = (
            areas["topic"].map(table.groupby("area").size()).fillna(0).astype("int64")
        )
    assignments["area"] = area
    assignments["area_label"] = pd.array([area_labels[int(a)] for a in area], dtype="string")
    assignments[["x", "y"]] = np.asarray(fit.layout, dtype="float64")
    return TopicResult(assignments, table, vectors, dict(params, n_papers=len(papers)), areas)


def topic_vectors(result: TopicResult) -> pd.DataFrame:
    """Topic centroids as a frame indexed by topic label (input of ``charts.topic_hierarchy``)."""
    return pd.DataFrame(result.vectors, index=pd.Index(result.topics["label"], name="topic"))
