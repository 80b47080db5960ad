"""Tests for digest_utils.charts: every figure is checked through ``fig.to_dict()``."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import plotly.io as pio
import pytest

from digest_utils import DigestError, charts
from digest_utils.charts import (
    STYLE,
    paper_map,
    theme_colors,
    theme_cooccurrence,
    theme_sizes,
    theme_upset,
    themes_per_digest,
    themes_per_period,
    timeline,
    topic_areas,
    topic_hierarchy,
    topic_keywords,
)
from digest_utils.periods import paper_periods

NAMES = {"peft": "PEFT", "clip": "CLIP variants", "quant": "Quantization"}

# Eight papers. Exact theme combinations: peft only x2, peft+clip x2, clip only x1,
# peft+clip+quant x1, none x2. Theme sizes: peft 5, clip 4, quant 1.
FLAGS = pd.DataFrame(
    {
        "paper_id": [f"p{i}" for i in range(8)],
        "title": [f"Paper {i}" for i in range(8)],
        "digests": [["d1"], ["d1"], ["d1", "d2"], ["d2"], ["d2"], ["d1"], ["d2"], ["d2"]],
        "published": pd.to_datetime(
            ["2023-01-10", "2023-01-20", None, "2023-03-05", "2023-03-06", None, None, "2023-01-02"]
        ),
        "peft": pd.array([1, 1, 1, 1, 0, 1, 0, 0], dtype="Int8"),
        "clip": pd.array([0, 0, 1, 1, 1, 1, 0, 0], dtype="Int8"),
        "quant": pd.array([0, 0, 0, 0, 0, 1, 0, 0], dtype="Int8"),
        "score_peft": np.linspace(0, 1, 8),
    }
)

POINTS = pd.DataFrame(
    {
        "paper_id": ["a", "b", "c", "d", "e"],
        "title": ["Alpha", "Beta", "Gamma", "Delta", "Epsilon"],
        "x": [0.0, 1.0, 2.0, 3.0, 4.0],
        "y": [1.0, 0.0, 1.0, 0.0, 1.0],
        "theme": ["PEFT", "none", "CLIP variants", "PEFT", "none"],
    }
)

TOPICS = pd.DataFrame(
    {
        "topic": [-1, 0, 1, 2],
        "size": [30, 5, 12, 8],
        "label": ["-1_the_of", "0_lora_adapter", "1_clip_image", "2_int4_quant"],
        "keywords": [["the", "of"], ["lora", "adapter", "rank"], ["image", "clip"], ["int4"]],
        "weights": [[0.1, 0.1], [0.9, 0.5, 0.2], [0.3, 0.8], [0.4]],
    }
)

VECTORS = pd.DataFrame(
    [[1.0, 0.0, 0.0], [0.9, 0.1, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]],
    index=["lora", "adapters", "clip", "quant"],
)

THEME_CHARTS = [theme_sizes, theme_upset, theme_cooccurrence, themes_per_digest, timeline]


def annotations(fig) -> list[str]:
    return [a["text"] for a in fig.to_dict()["layout"].get("annotations", [])]


def title(fig) -> str:
    return fig.to_dict()["layout"]["title"]["text"]


def subtitle(fig) -> str:
    return fig.to_dict()["layout"]["title"]["subtitle"]["text"]


def test_theme_sizes_counts_shares_and_order():
    """Bars hold papers per theme, largest first, labelled 'count (share of all papers)'."""
    bar = theme_sizes(FLAGS, NAMES).to_dict()["data"][0]
    assert bar["type"] == "bar" and bar["orientation"] == "h"
    assert bar["y"] == ["PEFT", "CLIP variants", "Quantization"]
    assert bar["x"] == [5, 4, 1]
    assert bar["text"] == ["5 (62%)", "4 (50%)", "1 (12%)"]
    colors = theme_colors(NAMES)
    assert bar["marker"]["color"] == [colors["peft"], colors["clip"], colors["quant"]]
    # the x axis leaves room for the longest bar's label outside it
    assert theme_sizes(FLAGS, NAMES).layout.xaxis.range == (0, 6.0)


def test_theme_sizes_title_counts_papers_and_no_theme():
    """The title gives the total number of papers and how many have no theme."""
    assert title(theme_sizes(FLAGS, NAMES)) == "Papers per theme: 8 papers, 2 (25%) with no theme"


def test_theme_colors_follow_catalogue_order():
    """Theme i gets palette colour i under both its id and its name; 'none' is grey."""
    colors = theme_colors(NAMES)
    assert colors["peft"] == colors["PEFT"] == STYLE["palette"][0]
    assert colors["quant"] == colors["Quantization"] == STYLE["palette"][2]
    assert colors["none"] == STYLE["none"]


def test_upset_intersection_sizes_for_overlapping_themes():
    """Exclusive combination sizes are sorted descending; papers with no theme are not drawn."""
    fig = theme_upset(FLAGS, NAMES)
    bars, grid, lines, dots, sizes = fig.to_dict()["data"]
    assert bars["y"] == [2, 2, 1, 1]
    # ties: fewer themes first, then catalogue order
    assert bars["hovertext"] == [
        "PEFT",
        "PEFT & CLIP variants",
        "CLIP variants",
        "PEFT & CLIP variants & Quantization",
    ]
    assert dots["x"] == [0, 1, 1, 2, 3, 3, 3]
    assert dots["y"] == ["PEFT", "PEFT", "CLIP variants", "CLIP variants", *NAMES.values()]
    assert len(grid["x"]) == 4 * 3  # every combination x every theme, in grey
    assert grid["marker"]["color"] == STYLE["faint"]
    assert lines["y"][3:6] == ["PEFT", "CLIP variants", None]  # joins first and last member
    assert sizes["x"] == [5, 4, 1] and sizes["y"] == list(NAMES.values())
    assert subtitle(fig) == "6 papers with a theme; 2 with none are not shown"


def test_upset_min_size_hides_small_combinations_and_says_so():
    """Combinations under min_size are left out and counted in the subtitle."""
    fig = theme_upset(FLAGS, NAMES, min_size=2, show_set_sizes=False)
    data = fig.to_dict()["data"]
    assert len(data) == 4  # no set-size bars
    assert data[0]["y"] == [2, 2]
    assert "2 combinations under 2 papers hidden" in subtitle(fig)
    assert annotations(theme_upset(FLAGS, NAMES, min_size=3)) == [
        "No combination has 3 or more papers."
    ]


def test_upset_rejects_min_size_below_one():
    """min_size=0 raises DigestError naming the value."""
    with pytest.raises(DigestError, match="min_size >= 1 \\(got 0\\)"):
        theme_upset(FLAGS, NAMES, min_size=0)


def test_cooccurrence_diagonal_is_theme_sizes_and_counts_are_annotated():
    """The heatmap is symmetric, its diagonal holds theme sizes, its cells show the counts."""
    heat = theme_cooccurrence(FLAGS, NAMES).to_dict()["data"][0]
    assert heat["type"] == "heatmap"
    assert heat["x"] == heat["y"] == list(NAMES.values())
    assert heat["z"] == [[5, 3, 1], [3, 4, 1], [1, 1, 1]]
    assert [heat["z"][i][i] for i in range(3)] == [5, 4, 1]
    assert heat["text"][0] == ["5", "3", "1"] and heat["texttemplate"] == "%{text}"


def test_paper_map_uses_svg_scatter_with_titles_on_hover():
    """Every trace is a plain 'scatter' (not WebGL) whose hover text is the paper titles."""
    data = paper_map(POINTS).to_dict()["data"]
    assert {t["type"] for t in data} == {"scatter"}
    by_name = {t["name"]: t for t in data}
    assert by_name["PEFT"]["hovertext"] == ["Alpha", "Delta"]
    assert by_name["PEFT"]["x"] == [0.0, 3.0]
    assert by_name["PEFT"]["customdata"] == ["a", "d"]


def test_paper_map_colours_do_not_depend_on_row_order():
    """Shuffling the rows gives each category the same colour; 'none' is grey and drawn first."""

    def colours(points):
        return {t["name"]: t["marker"]["color"] for t in paper_map(points).to_dict()["data"]}

    shuffled = POINTS.sample(frac=1, random_state=3).iloc[::-1]
    assert colours(POINTS) == colours(shuffled)
    assert colours(POINTS)["none"] == STYLE["none"]
    first = paper_map(shuffled).to_dict()["data"][0]
    assert first["name"] == "none" and first["legendrank"] > 1000


def test_paper_map_colours_by_any_column_and_greys_outlier_topics():
    """Colouring by topic label sorts labels numerically and greys BERTopic's -1 topic."""
    points = POINTS.assign(topic_label=["10_b", "-1_x", "2_a", "10_b", "2_a"])
    data = paper_map(points, color="topic_label").to_dict()["data"]
    assert [t["name"] for t in data] == ["-1_x", "2_a", "10_b"]
    assert [t["marker"]["color"] for t in data] == [STYLE["none"], *STYLE["palette"][:2]]


def test_paper_map_honours_a_colour_map():
    """With color_map=theme_colors(...), points match the theme charts' colours."""
    data = paper_map(POINTS, color_map=theme_colors(NAMES)).to_dict()["data"]
    colors = {t["name"]: t["marker"]["color"] for t in data}
    assert colors["CLIP variants"] == theme_colors(NAMES)["clip"]
    assert [t["name"] for t in data] == ["none", "PEFT", "CLIP variants"]


def test_topic_keywords_uses_weights_and_skips_outliers():
    """Panels go largest topic first without -1; bars are keywords sorted by weight."""
    fig = topic_keywords(TOPICS, top_n=2)
    data = fig.to_dict()["data"]
    assert [t["name"] for t in data] == ["1_clip_image", "2_int4_quant", "0_lora_adapter"]
    assert data[0]["y"] == ["clip", "image"] and data[0]["x"] == [0.8, 0.3]
    assert data[2]["y"] == ["lora", "adapter"]  # top_n=2 cuts 'rank'
    assert annotations(fig) == ["1_clip_image", "2_int4_quant", "0_lora_adapter"]
    assert subtitle(fig) == "3 topics; bar = keyword weight"


def test_topic_keywords_without_weights_ranks_and_caps_topics():
    """With no weights column, bars fall linearly by rank; max_topics caps the panels."""
    fig = topic_keywords(TOPICS.drop(columns="weights"), top_n=4, max_topics=1)
    (bar,) = fig.to_dict()["data"]
    assert bar["y"] == ["image", "clip"]
    assert bar["x"] == [1.0, 0.75]
    assert subtitle(fig) == "1 of 3 topics; bar = keyword rank"


def test_topic_keywords_rejects_misaligned_weights():
    """A topic with more weights than keywords raises DigestError naming the topic."""
    bad = TOPICS.assign(weights=[[0.1, 0.1], [0.9], [0.3, 0.8], [0.4]])
    with pytest.raises(DigestError, match="topic 0: expected one weight per keyword"):
        topic_keywords(bad)


def test_topic_hierarchy_merges_the_closest_topics_first():
    """Leaves are the topic labels; the lowest merge joins the two near-identical topics."""
    fig = topic_hierarchy(VECTORS).to_dict()
    assert sorted(fig["layout"]["yaxis"]["ticktext"]) == sorted(VECTORS.index)
    assert fig["data"][0]["type"] == "scatter"
    xs = [v for v in fig["data"][0]["x"] if v is not None]
    heights = sorted({v for v in xs if v > 0})
    assert heights[0] == pytest.approx(1 - 0.9 / np.hypot(0.9, 0.1))
    ticks = fig["layout"]["yaxis"]["ticktext"]
    assert abs(ticks.index("lora") - ticks.index("adapters")) == 1


@pytest.mark.parametrize("n", [0, 1, 2])
def test_topic_hierarchy_with_too_few_topics_explains_instead_of_failing(n):
    """Fewer than three topics give an annotation saying there is nothing to cluster."""
    (text,) = annotations(topic_hierarchy(VECTORS.iloc[:n]))
    assert "nothing to cluster" in text


def test_topic_hierarchy_rejects_zero_and_non_numeric_vectors():
    """An all-zero vector or a text column raises DigestError naming the problem."""
    zero = VECTORS.copy()
    zero.loc["clip"] = 0.0
    with pytest.raises(DigestError, match=r"all-zero topic vector.*'clip'"):
        topic_hierarchy(zero)
    with pytest.raises(DigestError, match="non-numeric"):
        topic_hierarchy(VECTORS.assign(note="x"))


def test_themes_per_digest_shares_and_counts():
    """A paper in two digests counts in both; share divides by the digest's paper count."""
    heat = themes_per_digest(FLAGS, NAMES).to_dict()["data"][0]
    assert heat["y"] == ["d1 (4 papers)", "d2 (5 papers)"]
    assert heat["x"] == list(NAMES.values())
    assert heat["z"] == [[1.0, 0.5, 0.25], [0.4, 0.6, 0.0]]
    assert heat["text"] == [["100%", "50%", "25%"], ["40%", "60%", "0%"]]
    counts = themes_per_digest(FLAGS, NAMES, share=False).to_dict()["data"][0]
    assert counts["z"] == [[4, 2, 1], [2, 3, 0]]
    assert counts["text"][1] == ["2", "3", "0"]


def test_themes_per_period_rows_are_weeks_in_time_order_with_empty_weeks_kept():
    """Dated papers count once, in their first week; an empty week between stays a row."""
    frame = FLAGS.assign(paper_id=[f"p{i}" for i in range(len(FLAGS))])
    days = ["2026-08-10", "2026-08-11", "2026-08-24"] + ["2026-08-25"] * (len(FLAGS) - 3)
    periods = paper_periods(
        frame.assign(digests=[[d] for d in days], digest=days, digest_date_text=days)
    )
    heat = themes_per_period(frame, NAMES, periods).to_dict()["data"][0]
    n = len(FLAGS) - 2
    assert heat["y"] == ["2026-W33 (2 papers)", "2026-W34 (0 papers)", f"2026-W35 ({n} papers)"]
    assert heat["z"][1] == [None, None, None]  # no paper: no share, not 0%
    counts = themes_per_period(frame, NAMES, periods, share=False).to_dict()["data"][0]
    assert [sum(row) for row in zip(*counts["z"], strict=True)] == [
        int(FLAGS[t].sum()) for t in NAMES
    ]
    undated = paper_periods(FLAGS.assign(paper_id=frame["paper_id"]))
    assert undated.unit == "digest"  # no dates: the digests, as themes_per_digest draws them
    assert (
        themes_per_period(frame, NAMES, undated).to_dict()
        == themes_per_digest(frame, NAMES).to_dict()
    )


def test_timeline_excludes_undated_papers_and_reports_them():
    """NaT papers are left out and counted in the title; gap months are filled with zeros."""
    fig = timeline(FLAGS, NAMES)
    assert "5 dated papers; 3 with no known date left out" in title(fig)
    data = {t["name"]: t for t in fig.to_dict()["data"]}
    assert list(data) == ["PEFT", "CLIP variants", "no theme"]  # no dated quant paper
    assert data["PEFT"]["x"] == ["2023-01", "2023-02", "2023-03"]
    assert data["PEFT"]["y"] == [2, 0, 1]
    assert data["CLIP variants"]["y"] == [0, 0, 2]
    assert data["no theme"]["y"] == [1, 0, 0]
    assert data["no theme"]["marker"]["color"] == STYLE["none"]
    assert sum(sum(t["y"]) for t in data.values()) == 6  # one paper has two themes
    assert fig.to_dict()["layout"]["barmode"] == "stack"


def test_timeline_weekly_labels_and_bad_freq():
    """freq='W' labels bars by each week's Monday; an unknown alias raises DigestError."""
    fig = timeline(FLAGS, NAMES, freq="W")
    assert fig.to_dict()["data"][0]["x"][0] == "2023-01-02"
    assert title(fig).startswith("Papers per week")
    with pytest.raises(DigestError, match="period alias"):
        timeline(FLAGS, NAMES, freq="fortnight")


def test_timeline_without_any_date_explains_instead_of_inventing():
    """With no known date at all the figure carries an annotation and no bars."""
    fig = timeline(FLAGS.assign(published=pd.NaT), NAMES)
    assert fig.to_dict()["data"] == []
    assert annotations(fig) == [
        "None of the 8 papers has a known publication date; nothing to plot."
    ]


@pytest.mark.parametrize(
    ("call", "column"),
    [
        (lambda: theme_sizes(FLAGS.drop(columns="clip"), NAMES), "clip"),
        (lambda: theme_upset(FLAGS.drop(columns="peft"), NAMES), "peft"),
        (lambda: theme_cooccurrence(FLAGS.drop(columns="quant"), NAMES), "quant"),
        (lambda: themes_per_digest(FLAGS.drop(columns="digests"), NAMES), "digests"),
        (lambda: timeline(FLAGS.drop(columns="published"), NAMES), "published"),
        (lambda: paper_map(POINTS.drop(columns="x")), "x"),
        (lambda: paper_map(POINTS, color="topic_label"), "topic_label"),
        (lambda: topic_keywords(TOPICS.drop(columns="keywords")), "keywords"),
    ],
)
def test_missing_column_raises_digest_error_naming_it(call, column):
    """A missing required column raises DigestError naming it and what was expected."""
    with pytest.raises(DigestError, match=rf"lacks column\(s\) '{column}'; expected"):
        call()


def test_non_dataframe_and_non_binary_flags_raise_digest_error():
    """A list instead of a DataFrame, or a flag of 2, raises DigestError saying what arrived."""
    with pytest.raises(DigestError, match="expected flags to be a pandas DataFrame \\(got list\\)"):
        theme_sizes([], NAMES)
    with pytest.raises(DigestError, match="expected 0/1 flags in column 'clip' \\(got 2\\)"):
        theme_sizes(FLAGS.assign(clip=2), NAMES)


@pytest.mark.parametrize("chart", THEME_CHARTS)
def test_theme_charts_with_zero_papers_explain_instead_of_failing(chart):
    """An empty flags table gives a figure with an explanatory annotation and no data."""
    fig = chart(FLAGS.iloc[:0], NAMES)
    assert fig.to_dict()["data"] == []
    assert len(annotations(fig)) == 1


@pytest.mark.parametrize("chart", [theme_sizes, theme_upset, theme_cooccurrence, themes_per_digest])
def test_theme_charts_with_no_theme_assigned_say_so(chart):
    """When no paper has a theme, the figure says so instead of drawing empty bars."""
    none = FLAGS.assign(peft=0, clip=0, quant=0)
    assert annotations(chart(none, NAMES)) == ["None of the 8 papers has a theme."]


def test_topic_charts_with_no_rows_explain_instead_of_failing():
    """Empty points and topics tables give annotated figures."""
    assert annotations(paper_map(POINTS.iloc[:0])) == ["No papers to map."]
    assert annotations(topic_keywords(TOPICS.iloc[:0])) == ["No topic with keywords to show."]


AREAS = pd.DataFrame(
    {
        "level": ["area", "area", "topic", "topic", "topic"],
        "topic": [0, 1, 0, 1, 2],
        "size": [7, 3, 4, 3, 3],
        "label": ["vision", "language", "clip", "vit", "llm"],
        "area": [np.nan, np.nan, 0, 0, 1],
    }
)


def test_topic_areas_nests_topics_in_their_area_with_sizes():
    """Each topic's parent is its area; areas are roots; box values are paper counts."""
    trace = topic_areas(AREAS).to_dict()["data"][0]
    assert trace["type"] == "treemap" and trace["branchvalues"] == "total"
    parent = dict(zip(trace["ids"], trace["parents"], strict=True))
    assert parent == {
        "area 0": "",
        "area 1": "",
        "topic 0": "area 0",
        "topic 1": "area 0",
        "topic 2": "area 1",
    }
    assert list(trace["values"]) == [7, 3, 4, 3, 3]
    colors = dict(zip(trace["ids"], trace["marker"]["colors"], strict=True))
    assert colors["topic 1"] == colors["area 0"] != colors["area 1"] == colors["topic 2"]
    no_areas = topic_areas(AREAS[AREAS["level"] == "topic"])
    assert "without broad areas" in annotations(no_areas)[0]


def all_figures():
    return [
        theme_sizes(FLAGS, NAMES),
        theme_upset(FLAGS, NAMES),
        theme_cooccurrence(FLAGS, NAMES),
        paper_map(POINTS),
        topic_keywords(TOPICS),
        topic_hierarchy(VECTORS),
        topic_areas(AREAS),
        themes_per_digest(FLAGS, NAMES),
        timeline(FLAGS, NAMES),
    ]


def test_figures_are_deterministic_and_carry_their_own_style(monkeypatch):
    """Two builds are identical, hold no uuids, and ignore plotly's global default template."""
    first = [f.to_json() for f in all_figures()]
    monkeypatch.setattr(pio.templates, "default", "ggplot2")
    second = [f.to_json() for f in all_figures()]
    assert first == second
    uuid = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
    assert not any(uuid.search(s) for s in first)
    for fig in all_figures():
        layout = fig.to_dict()["layout"]
        assert layout["template"]["layout"]["font"]["family"] == STYLE["font"]["family"]


def test_public_api_is_listed():
    """charts.__all__ names the style constant, the colour helper and one function per figure."""
    assert set(charts.__all__) == {
        "STYLE",
        "theme_colors",
        "theme_sizes",
        "theme_upset",
        "theme_cooccurrence",
        "paper_map",
        "topic_keywords",
        "topic_hierarchy",
        "topic_areas",
        "themes_per_digest",
        "themes_per_period",
        "timeline",
    }
