"""Tests for digest_utils.describe: the sentences printed after each figure, on small frames."""

from __future__ import annotations

import pandas as pd
import pytest

from digest_utils import describe

NAMES = {"peft": "PEFT", "clip": "CLIP variants", "quant": "Quantization"}


def _flags() -> pd.DataFrame:
    """Six papers: PEFT 4 (2 also CLIP), CLIP 3, Quantization 1 (alone)."""
    return pd.DataFrame(
        {
            "peft": [1, 1, 1, 1, 0, 0],
            "clip": [1, 1, 0, 0, 1, 0],
            "quant": [0, 0, 0, 0, 0, 1],
        }
    )


def test_pair_shares_name_the_largest_overlap_for_a_themes_size():
    """2 of CLIP's 3 papers (67%) are PEFT: larger, for its size, than PEFT's 2 of 4."""
    assert describe.pair_shares(_flags(), NAMES) == (
        "the largest overlap for its size: 2 of CLIP variants's 3 papers (67%) are also PEFT"
    )
    alone = pd.DataFrame({"peft": [1, 0], "clip": [0, 1], "quant": [0, 0]})
    assert describe.pair_shares(alone, NAMES) == "no two themes share a paper"


def test_theme_spread_names_the_most_gathered_and_the_most_spread_theme():
    """Quantization's one paper sits in one topic; PEFT's four papers fall in three topics."""
    points = _flags().assign(
        assigned_topic=[0, 1, 2, 2, 1, 0],
        topic_label=["t0", "t1", "t2", "t2", "t1", "outliers"],
    )
    assert describe.theme_spread(points, NAMES) == (
        "Quantization gathers most: 1 of its 1 paper (100%) in one topic, 't0'; "
        "PEFT spreads most, its 4 papers over 3 topics"
    )


def test_timeline_counts_the_busiest_month_of_dated_papers_only():
    """Undated papers are left out; the busiest month is counted against the dated ones."""
    themed = pd.DataFrame(
        {"published": pd.to_datetime(["2024-03-02", "2024-03-30", None, "2023-11-05"])}
    )
    assert describe.timeline(themed) == (
        "the busiest month is Mar 2024 with 2 of the 3 dated papers (67%); "
        "they run from Nov 2023 to Mar 2024"
    )
    none = pd.DataFrame({"published": pd.to_datetime([None, None])})
    assert describe.timeline(none) == "none of the 2 papers has a full publication date"


def test_keywords_count_own_keywords_and_the_most_shared_one():
    """'model' is listed by three topics; 5 of the 8 top keywords are one topic's."""
    topics = pd.DataFrame(
        {
            "topic": [0, 1, 2, -1],
            "keywords": [
                ["model", "vision", "clip"],
                ["model", "quantization", "bits"],
                ["model", "lora"],
                ["model", "noise"],  # outliers: not a topic, not counted
            ],
        }
    )
    assert describe.keywords(topics, top_n=3) == (
        "5 of the 8 top keywords belong to one topic only; 'model' is among the top 3 of 3 topics"
    )
    own = pd.DataFrame({"topic": [0, 1], "keywords": [["a", "b"], ["c"]]})
    assert describe.keywords(own) == "each of the 2 topics has top 8 keywords of its own"


def test_closest_topics_are_the_most_similar_pair_and_the_loner_the_least():
    """Two nearly parallel vectors are the closest pair; the orthogonal one stands apart."""
    vectors = pd.DataFrame(
        [[1.0, 0.0, 0.0], [0.9, 0.1, 0.0], [0.0, 0.0, 1.0]], index=["a", "b", "c"]
    )
    assert describe.closest_topics(vectors) == (
        "'a' and 'b' are the closest topics (cosine similarity 0.99); 'c' stands most apart "
        "(at most 0.00 similar to any other)"
    )


def test_map_neighbours_compare_same_colour_neighbours_with_chance():
    """Two tight pairs of one area each: every nearest neighbour shares the area (chance 50%)."""
    points = pd.DataFrame(
        {
            "x": [0.0, 0.1, 5.0, 5.1],
            "y": [0.0, 0.0, 5.0, 5.0],
            "area_label": ["a", "a", "b", "b"],
        }
    )
    assert describe.map_neighbours(points, "area_label", "area") == (
        "on the map, 100% of papers have a nearest neighbour in the same area "
        "(50% if areas were shuffled)"
    )
    crossed = points.assign(area_label=["a", "b", "a", "b"])
    assert describe.map_neighbours(crossed, "area_label", "area").startswith(
        "on the map, 0% of papers"
    )


@pytest.mark.parametrize(
    "call",
    [
        lambda: describe.timeline(pd.DataFrame({"x": [1]})),
        lambda: describe.pair_shares(pd.DataFrame({"peft": [1]}), NAMES),
        lambda: describe.map_neighbours(pd.DataFrame({"x": [0.0]}), "area_label", "area"),
    ],
)
def test_a_missing_column_is_named(call):
    """A frame without the columns a sentence needs raises ColumnsError, not KeyError."""
    from digest_utils import ColumnsError

    with pytest.raises(ColumnsError):
        call()
