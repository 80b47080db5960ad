"""Shared fixtures: a fake embedding model, an isolated cache, the one run of the notebooks."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from digest_utils import embed


class FakeEncoder:
    """Stands in for a SentenceTransformer: hashes words into 16-d unit vectors."""

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def encode(self, texts, **_kwargs):
        """Return one unit vector per text and record the call."""
        self.calls.append(list(texts))
        out = np.zeros((len(texts), 16), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in text.lower().split():
                h = int(hashlib.md5(word.encode()).hexdigest(), 16)
                out[i, h % 16] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms == 0, 1, norms)

    @property
    def n_encoded(self) -> int:
        """Number of texts encoded so far."""
        return sum(len(c) for c in self.calls)


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """An empty cache folder used by every stage (DIGEST_CACHE_DIR)."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("DIGEST_CACHE_DIR", str(folder))
    return folder


@pytest.fixture
def fake_model(monkeypatch, cache):
    """Replace model loading with FakeEncoder; returns the encoder to inspect calls."""
    encoder = FakeEncoder()
    monkeypatch.setattr(embed, "_load", lambda _model, progress=True, device="cpu": encoder)
    return encoder


@dataclass(frozen=True)
class SeedsRun:
    """The numbered notebooks executed once on seeds/, and the report written from that run."""

    executed: dict[Path, object]  # notebook path -> the executed nbformat notebook
    report: Path  # the folder holding index.html and one page per notebook


@pytest.fixture(scope="session")
def seeds_run(tmp_path_factory) -> SeedsRun:
    """Each notebook executed once per session (as ``build_report`` would), then the report.

    tests/test_notebooks.py checks the executed cells against the committed notebooks (what
    nbval checks) and tests/test_report.py checks the report: one execution serves both.
    """
    from digest_utils.report import execute, notebook_paths, write_report

    executed = {path: execute(path, parameters={}) for path in notebook_paths()}
    out = tmp_path_factory.mktemp("report")
    write_report(out, list(executed.items()))
    return SeedsRun(executed, out)
