"""Tests for digest_utils.analysis: one analysis, every frame joined on paper_id."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from digest_utils import (
    CorpusTooSmallError,
    DigestError,
    analyse,
    assign_themes,
    dedupe,
    load_digests,
)
from digest_utils.analysis import topic_theme_map
from digest_utils.topics import TopicResult

ROOT = Path(__file__).parents[1]
SEEDS = ROOT / "seeds"


@pytest.fixture
def seeds_analysis(fake_model):
    """The seeds analysed with the fake embedding model (no topics fitted yet)."""
    return analyse(SEEDS, progress=False)


def test_analyse_gives_one_row_per_paper_and_per_paper_theme(seeds_analysis):
    """Papers and embeddings align; themes is tidy with one row per (paper_id, theme)."""
    a = seeds_analysis
    n, ids = len(a.papers), a.catalogue.ids
    assert n == 252 and a.papers["paper_id"].is_unique
    assert a.embeddings.shape[0] == n
    assert a.themes.columns.tolist() == ["paper_id", "theme", "flag", "score", "evidence"]
    assert len(a.themes) == n * len(ids)
    assert not a.themes.duplicated(["paper_id", "theme"]).any()
    assert set(a.themes["theme"]) == set(ids)
    assert str(a.themes["flag"].dtype) == "Int8" and a.themes["score"].between(0, 1).all()


def test_flags_is_the_wide_view_of_themes_and_matches_assign_themes(seeds_analysis):
    """Every flag in the wide view equals the tidy row of the same paper and theme."""
    a = seeds_analysis
    tidy = a.themes.set_index(["paper_id", "theme"])["flag"]
    wide = a.flags.set_index("paper_id")
    for tid in a.catalogue.ids:
        assert (wide[tid] == tidy.xs(tid, level="theme").reindex(wide.index)).all()
    expected = assign_themes(a.papers, a.catalogue, embeddings=a.embeddings)
    pd.testing.assert_frame_equal(a.flags, expected)


def test_given_embeddings_are_used_and_must_have_a_row_per_paper(seeds_analysis):
    """analyse(embeddings=) scores with the embeddings given; a wrong row count fails."""
    a = seeds_analysis
    again = analyse(a.papers, embeddings=a.embeddings, progress=False)
    pd.testing.assert_frame_equal(again.themes, a.themes)
    other = analyse(a.papers, embeddings=-a.embeddings, progress=False)
    assert np.array_equal(other.embeddings, -a.embeddings)
    assert not other.themes["score"].equals(a.themes["score"])  # similarity read from them
    with pytest.raises(ValueError, match=f"expected {len(a.papers)} rows of embeddings"):
        analyse(a.papers, embeddings=a.embeddings[:3], progress=False)


def test_reordered_papers_get_the_same_themes(fake_model):
    """Shuffling the input rows changes no paper's themes, score or primary theme."""
    papers = dedupe(load_digests(SEEDS))
    shuffled = papers.sample(frac=1, random_state=0)
    a, b = analyse(papers, progress=False), analyse(shuffled, progress=False)
    cols = ["paper_id", "title", "theme", "peft", "score_clip", "digests"]
    left = a.themed[cols].set_index("paper_id").sort_index()
    right = b.themed[cols].set_index("paper_id").sort_index()
    pd.testing.assert_frame_equal(left, right)


def test_themed_carries_paper_columns_flags_and_primary_theme(seeds_analysis):
    """Themed joins papers (digests, published) and flags on paper_id, plus one theme name."""
    a = seeds_analysis
    t = a.themed
    assert len(t) == len(a.papers)
    for col in ["paper_id", "title", "digests", "published", *a.catalogue.ids, "theme"]:
        assert col in t.columns, col
    names = set(a.catalogue.names.values()) | {"none"}
    assert set(t["theme"]) <= names
    untagged = t[a.catalogue.ids].sum(axis=1) == 0
    assert (t.loc[untagged, "theme"] == "none").all()
    assert (t.loc[~untagged, "theme"] != "none").all()


def test_points_join_topics_by_paper_id_not_by_row(seeds_analysis):
    """Topic rows in another order still land on their own papers."""
    a = seeds_analysis
    pids = a.papers["paper_id"].astype("string")
    topic = np.arange(len(pids)) % 3
    assignments = pd.DataFrame(
        {
            "paper_id": pids,
            "topic": topic,
            "topic_label": [f"t{t}" for t in topic],
            "assigned_topic": topic,
            "area": (topic > 0).astype(int),
            "area_label": ["a0" if t == 0 else "a1" for t in topic],
        }
    ).assign(x=topic.astype(float), y=0.0)
    table = pd.DataFrame({"topic": [0, 1, 2], "size": [84] * 3, "label": ["t0", "t1", "t2"]})
    areas = pd.DataFrame({"topic": [0, 1], "size": [84, 168], "label": ["a0", "a1"]})
    a.__dict__["topics"] = TopicResult(  # the cached property, set as a fit would
        assignments.iloc[::-1].reset_index(drop=True),
        table,
        np.zeros((3, 16), dtype=np.float32),
        areas=areas,
    )
    points = a.points.set_index("paper_id")
    expected = assignments.set_index("paper_id")
    for col in ["topic", "area", "x"]:
        assert (points[col] == expected[col].reindex(points.index)).all(), col
    assert points[["x", "y", "topic_label", "area_label"]].notna().all().all()
    mapped = a.topic_themes
    assert mapped.columns.tolist() == ["level", "topic", "size", "label", "theme", "share"]
    assert mapped["level"].tolist() == ["area", "area", "topic", "topic", "topic"]
    assert mapped["topic"].tolist() == [0, 1, 0, 1, 2]


def test_topics_of_a_too_small_corpus_raise_on_first_use(fake_model):
    """Themes work on three papers; asking for topics raises CorpusTooSmallError."""
    papers = dedupe(load_digests(SEEDS)).head(3)
    a = analyse(papers, progress=False)
    assert len(a.flags) == 3
    with pytest.raises(CorpusTooSmallError):
        _ = a.topics


def test_analyse_with_every_file_skipped_raises(tmp_path, fake_model):
    """A folder of bad digests with on_error='warn' leaves no paper: a clear DigestError."""
    (tmp_path / "bad.txt").write_text("", encoding="utf-8")
    with pytest.warns(UserWarning), pytest.raises(DigestError, match="no papers to analyse"):
        analyse(tmp_path, on_error="warn", progress=False)


def test_topic_theme_map_names_topics_by_majority_theme():
    """A theme on >= min_share of a topic's papers names it; otherwise NA with the best share."""
    assignments = pd.DataFrame({"paper_id": list("abcdefg"), "topic": [0, 0, 0, 0, 1, 1, -1]})
    flags = pd.DataFrame(
        {
            "paper_id": list("abcdef"),  # g has no flags: counts as no theme
            "rl": [1, 1, 1, 0, 1, 0],
            "speech": [0, 0, 1, 1, 0, 1],
        }
    )
    got = topic_theme_map(assignments, flags, ["rl", "speech"])
    assert got["topic"].tolist() == [-1, 0, 1]
    assert got["theme"].tolist() == [pd.NA, "rl", "rl"]  # tie in topic 1: first theme wins
    assert got["share"].tolist() == [0.0, 0.75, 0.5]
    assert got.dtypes.astype(str).tolist() == ["int64", "string", "float64"]
    strict = topic_theme_map(assignments, flags, ["rl", "speech"], min_share=0.6)
    assert strict["theme"].isna().tolist() == [True, False, True]


def test_topic_theme_map_rejects_bad_input():
    """A missing theme column raises DigestError naming it; min_share outside (0, 1] ValueError."""
    assignments = pd.DataFrame({"paper_id": ["a"], "topic": [0]})
    flags = pd.DataFrame({"paper_id": ["a"], "rl": [1]})
    with pytest.raises(DigestError, match="'speech'"):
        topic_theme_map(assignments, flags, ["rl", "speech"])
    with pytest.raises(ValueError, match="min_share"):
        topic_theme_map(assignments, flags, ["rl"], min_share=0)
