"""Where topic results are kept: cache keys, saved results, the index of remembered fits.

All of it lives in ``<cache>/topics/`` (``cache_dir()`` by default):

* ``<key>.pkl``: a full fit, keyed by :func:`cache_key` (embeddings, paper ids and texts,
  settings, library versions and :data:`PIPELINE_VERSION`);
* ``<key>-placed.pkl``: the same corpus placed into an earlier fit (see
  :mod:`digest_utils.topics.place`);
* ``fits-<slug>.json``: the newest :data:`REMEMBERED_FITS` full fits made with one method,
  seed, model and pipeline version, as ``{"file", "n_papers"}``: the fits a later, larger
  corpus may be placed into.

Writes are atomic, so two processes may share the folder. Deciding whether to use any of it
is :func:`digest_utils.topics.fit.reusable_fit`'s job, not this module's.
"""

from __future__ import annotations

import hashlib
import json
import pickle
from importlib.metadata import version
from pathlib import Path

import numpy as np
import pandas as pd

from digest_utils import config
from digest_utils._util import atomic_write
from digest_utils.embed import paper_texts
from digest_utils.topics.result import TopicResult

__all__ = [
    "PIPELINE_VERSION",
    "REMEMBERED_FITS",
    "cache_key",
    "folder",
    "is_saved",
    "load",
    "read",
    "remember",
    "remembered",
    "save",
]

#: Bump when the pipeline or the stored types change, so cached results are recomputed
#: (5: :attr:`TopicResult.fit` became a :class:`~digest_utils.topics.result.FitRecord`).
PIPELINE_VERSION = 8  # 8: UMAP + k-means fine topics, phrase labels (issue 21)
#: Full fits remembered per method, seed and model (the newest first).
REMEMBERED_FITS = 8
_LIBRARIES = ("bertopic", "umap-learn", "hdbscan", "scikit-learn", "scipy", "numpy", "numba")


def folder(cache_dir: str | Path | None) -> Path:
    """The cache folder (``cache_dir``, else ``config.cache_dir()``); results go below it."""
    return Path(cache_dir) if cache_dir else config.cache_dir()


def cache_key(papers: pd.DataFrame, embeddings: np.ndarray, params: dict) -> str:
    """Hash of embeddings, paper ids and texts, settings, library and pipeline versions."""
    embeddings = np.asarray(embeddings)
    h = hashlib.sha256(str((embeddings.shape, embeddings.dtype.str)).encode())
    h.update(np.ascontiguousarray(embeddings).tobytes())
    for pid, text in zip(papers["paper_id"], paper_texts(papers), strict=True):
        h.update(f"{pid}\x00{text}\x00".encode())
    versions = {lib: version(lib) for lib in _LIBRARIES}
    h.update(json.dumps([params, versions, PIPELINE_VERSION], sort_keys=True).encode())
    return h.hexdigest()[:24]


def _path(root: Path, key: str, placed: bool) -> Path:
    return root / "topics" / f"{key}{'-placed' if placed else ''}.pkl"


def is_saved(root: Path, key: str, *, placed: bool = False) -> bool:
    """Whether a result is saved under ``key`` (without reading it)."""
    return _path(root, key, placed).exists()


def load(root: Path, key: str, *, placed: bool = False) -> TopicResult | None:
    """The saved result of ``key`` (a full fit, or with ``placed`` a placed one), or ``None``."""
    path = _path(root, key, placed)
    return pickle.loads(path.read_bytes()) if path.exists() else None


def save(root: Path, key: str, result: TopicResult, *, placed: bool = False) -> None:
    """Save ``result`` under ``key`` (atomically)."""
    atomic_write(_path(root, key, placed), pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))


def _index(root: Path, params: dict) -> Path:
    """The index of full fits made with the size-independent settings of ``params``."""
    same = {k: v for k, v in params.items() if k in ("method", "seed", "model")}
    same["pipeline"] = PIPELINE_VERSION
    slug = hashlib.sha256(json.dumps(same, sort_keys=True).encode()).hexdigest()[:16]
    return root / "topics" / f"fits-{slug}.json"


def remember(root: Path, params: dict, key: str, n_papers: int) -> None:
    """Record the full fit saved under ``key`` as one later corpora may be placed into."""
    index = _index(root, params)
    fits = json.loads(index.read_text()) if index.exists() else []
    file = _path(root, key, placed=False).name
    fits = [f for f in fits if f["file"] != file]
    fits.insert(0, {"file": file, "n_papers": int(n_papers)})
    atomic_write(index, json.dumps(fits[:REMEMBERED_FITS], indent=1).encode())


def remembered(root: Path, params: dict) -> list[tuple[int, Path]]:
    """``(papers fitted on, saved file)`` of the remembered full fits, newest first."""
    index = _index(root, params)
    if not index.exists():
        return []
    return [(int(f["n_papers"]), index.parent / f["file"]) for f in json.loads(index.read_text())]


def read(path: Path) -> TopicResult | None:
    """The result saved at ``path`` (from :func:`remembered`), ``None`` once it is gone."""
    return pickle.loads(path.read_bytes()) if path.exists() else None
