"""Tests for the cached theme evidence: reruns read it, a new digest computes only its papers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from digest_utils import config
from digest_utils.themes import features as feature_module
from digest_utils.themes import load_catalogue, theme_features
from digest_utils.themes.exemplars import _largest

PAPERS = pd.DataFrame(
    {
        "paper_id": [f"p{i}" for i in range(6)],
        "title": [
            "LoRA adapters for vision models",
            "Quantization to 4-bit weights",
            "A CLIP model for retrieval",
            "Medical report generation from chest X-ray images",
            "Diffusion for video",
            "Graph networks for molecules",
        ],
        "abstract": [f"We propose method number {i}. It works well." for i in range(6)],
    }
)


@pytest.fixture
def counted(monkeypatch):
    """Count the papers whose text evidence is computed (not read from the cache)."""
    seen: list[str] = []
    real = feature_module._Text.__init__

    def init(self, title, abstract):
        seen.append(title)
        real(self, title, abstract)

    monkeypatch.setattr(feature_module._Text, "__init__", init)
    return seen


def test_a_rerun_reads_every_feature_from_the_cache(fake_model, cache, counted):
    """The same papers again compute no evidence and give an identical frame."""
    cat = load_catalogue()
    first = theme_features(PAPERS, cat)
    assert len(counted) == len(PAPERS) * len(cat.themes)
    again = theme_features(PAPERS, cat)
    assert len(counted) == len(PAPERS) * len(cat.themes)
    pd.testing.assert_frame_equal(first, again, check_exact=True)


def test_new_papers_compute_only_their_own_text_evidence(fake_model, cache, counted):
    """Adding papers reads the old ones' text evidence; the result equals a cold computation."""
    cat = load_catalogue()
    theme_features(PAPERS.iloc[:4], cat)
    counted.clear()
    warm = theme_features(PAPERS, cat)
    assert sorted(set(counted)) == sorted(PAPERS["title"].iloc[4:])
    cold = theme_features(PAPERS, cat, cache_dir=cache / "elsewhere")
    pd.testing.assert_frame_equal(warm, cold, check_exact=True)


def test_a_changed_theme_recomputes_that_theme_only(fake_model, cache, counted, tmp_path):
    """Editing one theme's terms invalidates its cached evidence, and no other theme's."""
    cat = load_catalogue()
    theme_features(PAPERS, cat)
    counted.clear()
    text = config.themes_path().read_text(encoding="utf-8")
    first = text.index("terms = [")  # the first theme's (peft) terms
    edited = tmp_path / "themes.toml"
    edited.write_text(text[:first] + 'terms = [\n  "adapters",' + text[first + 9 :])
    out = theme_features(PAPERS, load_catalogue(edited))
    assert len(counted) == len(PAPERS)  # one theme's worth
    p0 = out[(out["theme"] == "peft") & (out["paper_id"] == "p0")]
    assert "adapters" in p0["matched"].item()


def test_largest_is_exactly_a_full_sort():
    """The grouped top-k gives the same values, in order, as sorting whole rows (ties, -inf)."""
    rng = np.random.default_rng(0)
    vals = np.round(rng.normal(size=(40, 3000)), 2)  # many ties
    vals[:, rng.random(3000) < 0.5] = -np.inf
    vals[0] = -np.inf
    for k in (1, 5, 9):
        np.testing.assert_array_equal(_largest(vals, k), -np.sort(-vals, axis=1)[:, :k])
