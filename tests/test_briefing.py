"""Tests for digest_utils.briefing and briefing_html: the report's front page, on small frames."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd

from digest_utils import describe
from digest_utils.briefing import (
    Latest,
    digest_dates,
    latest_digests,
    new_topics,
    paper_links,
    theme_changes,
    title_link,
    top_papers,
)
from digest_utils.briefing_html import _papers_section

NAMES = {"peft": "PEFT", "clip": "CLIP variants"}


def _papers(**extra) -> pd.DataFrame:
    """Four papers in three digests (d1 < d2 < d3 by name); optional extra columns."""
    return pd.DataFrame(
        {
            "paper_id": ["a", "b", "c", "d"],
            "title": ["Alpha", "Beta <b>", "Gamma", "Delta"],
            "digests": [["d1"], ["d1", "d2"], ["d3"], ["d3"]],
            "peft": [1, 0, 0, 1],
            "clip": [0, 1, 1, 1],
            "score_peft": [0.9, 0.1, 0.2, 0.8],
            "score_clip": [0.1, 0.7, 0.95, 0.6],
            **extra,
        }
    )


def _analysis(papers: pd.DataFrame) -> SimpleNamespace:
    """What top_papers and the papers section read: papers, flags and the catalogue."""
    return SimpleNamespace(papers=papers, flags=papers, catalogue=SimpleNamespace(names=NAMES))


def test_titles_link_when_a_url_is_present_and_stay_plain_otherwise():
    """A url (or an arXiv id) makes the title a link; a paper without one is plain text."""
    papers = _papers(
        url=["https://x.org/a", None, "", None], arxiv_id=[None, "2401.00001", None, None]
    )
    links = paper_links(papers)
    assert links["a"] == "https://x.org/a"
    assert links["b"] == "https://huggingface.co/papers/2401.00001"
    assert pd.isna(links["c"]) and pd.isna(links["d"])  # an empty url is no link
    section = _papers_section(_analysis(papers), 3)
    assert '<a href="https://x.org/a">Alpha</a>' in section
    assert "<a href" not in section.split("Delta")[0].rsplit("<li>", 1)[-1]
    assert "Beta &lt;b&gt;" in section  # titles are escaped
    assert "carry no paper links" not in section


def test_without_link_columns_every_title_is_plain_text():
    """Saved text digests have no url/arxiv_id: no links, and the page says so."""
    papers = _papers()
    assert paper_links(papers).isna().all()
    section = _papers_section(_analysis(papers), 3)
    assert "<a " not in section
    assert "carry no paper links" in section
    assert title_link("T", pd.NA) == "T"


def test_top_papers_are_the_highest_scoring_flagged_ones():
    """Per theme, flagged papers only, best score first, at most n."""
    top = top_papers(_analysis(_papers()), n=2)
    assert top[top["theme_id"] == "peft"]["title"].tolist() == ["Alpha", "Delta"]
    assert top[top["theme_id"] == "clip"]["title"].tolist() == ["Gamma", "Beta <b>"]


def test_latest_digest_is_the_last_by_name_without_dates():
    """No digest dates: the latest batch is the last digest in name order."""
    latest = latest_digests(_papers())
    assert latest.latest == ["d3"] and latest.earlier == ["d1", "d2"]
    assert "d3" in latest.label


def test_latest_batch_is_the_latest_week_when_digest_dates_are_known():
    """With digest dates, the digests of the latest week form the batch, whatever their names."""
    dates = ["2024-03-11", "2024-03-04", "2024-03-05", "2024-03-05"]  # as JSON digests give
    latest = latest_digests(_papers(digest_date_text=dates, digest=["d1", "d2", "d3", "d3"]))
    # a (d1) is dated Mar 11; b (in d1 and d2, its kept copy d2's) Mar 4; c and d (d3) Mar 5
    assert latest.latest == ["d1"]
    assert latest.earlier == ["d2", "d3"]
    assert latest.label == "the week of 2024-03-11 (2024-W11, 1 digest)"


def test_page_dates_without_a_year_are_not_taken_for_digest_dates():
    """A text digest's 'Dec 11' has no year: the batch falls back to the last digest by name."""
    dates = ["Dec 11", "Dec 4", None, "Dec 5"]
    latest = latest_digests(_papers(digest_date_text=dates, digest=["d1", "d1", "d3", "d3"]))
    assert latest.latest == ["d3"] and "d3" in latest.label


def test_theme_changes_compare_shares_of_the_latest_batch_with_before():
    """Shares are of each batch's papers; the largest move comes first."""
    papers = _papers()
    table = theme_changes(papers, NAMES, latest_digests(papers))
    row = table.set_index("theme_id")
    # latest d3: c, d -> peft 1/2, clip 2/2; earlier d1, d2: a, b -> peft 1/2, clip 1/2
    assert row.loc["clip", "latest_share"] == 1.0 and row.loc["clip", "earlier_share"] == 0.5
    assert row.loc["peft", "change"] == 0.0
    assert row.loc["clip", "latest_papers"] == 2 and row.loc["clip", "earlier_papers"] == 1
    assert table["theme_id"].tolist() == ["clip", "peft"]
    # 2 of 2 against 1 of 2 is within the noise of four papers: nothing is named
    assert not table["notable"].any()
    sentence = describe.changes(table, latest_digests(papers))
    assert "no theme's share moved beyond the noise" in sentence
    # the largest move is still quoted, with its counts, as within the noise
    assert sentence.endswith(
        "the largest move: 'CLIP variants' up to 100% (2 of 2 papers, from 50%: 1 of 2; z = +1.2)"
    )
    assert "PEFT" not in sentence


def test_a_theme_that_rose_beyond_the_noise_is_named_with_its_counts():
    """40 earlier papers without CLIP, 20 latest ones all CLIP: the sentence names it."""
    n_before, n_now = 40, 20
    papers = pd.DataFrame(
        {
            "paper_id": [f"p{i}" for i in range(n_before + n_now)],
            "digests": [["d1"]] * n_before + [["d2"]] * n_now,
            "peft": [i % 2 for i in range(n_before + n_now)],
            "clip": [0] * n_before + [1] * n_now,
        }
    )
    latest = latest_digests(papers)
    sentence = describe.changes(theme_changes(papers, NAMES, latest), latest)
    assert "'CLIP variants' up to 100% (20 of 20 papers, from 0%: 0 of 40" in sentence
    assert "PEFT" not in sentence  # the same share in both: within the noise


def test_a_single_digest_has_nothing_to_compare():
    """One digest: no earlier share, and the sentence says there is nothing to compare."""
    papers = _papers().assign(digests=[["d1"]] * 4)
    latest = latest_digests(papers)
    table = theme_changes(papers, NAMES, latest)
    assert table["earlier_share"].isna().all()
    assert "nothing earlier" in describe.changes(table, latest)


def test_new_topics_are_those_mostly_made_of_latest_papers():
    """A topic whose papers are mostly in the latest digest is new; one mostly earlier is not."""
    points = _papers().assign(
        assigned_topic=[0, 0, 1, 0], topic=[0, 0, 1, -1], topic_label=["t0", "t0", "t1", "outliers"]
    )
    latest = latest_digests(points)
    fresh = new_topics(points, latest)
    assert fresh.to_dict("records") == [{"topic": 1, "label": "t1", "papers": 1, "size": 1}]
    assert describe.fresh_topics(fresh, latest) == (
        "1 topic is new in the latest digest, d3, mostly made of its papers: "
        "'t1' (1 of its 1 papers)"
    )
    none = new_topics(points, Latest("x", ["d3"], []))
    assert none.empty


def test_span_and_biggest_themes_quote_computed_numbers():
    """The lead sentences count papers, digests, dated papers and theme shares."""
    papers = _papers(published=pd.to_datetime(["2023-05-02", None, "2024-01-09", None]))
    assert describe.span(papers) == (
        "4 papers from 3 digests; 2 have a publication date, from May 2023 to Jan 2024"
    )
    assert describe.biggest_themes(papers, NAMES) == (
        "CLIP variants 3 papers (75%), PEFT 2 (50%); 0 (0%) have none of the 2 themes"
    )


def test_span_states_the_dates_of_dated_digests():
    """JSON digests' dates (digest_date_text, YYYY-MM-DD) reach the lead sentence."""
    dates = ["2024-05-13", "2024-05-14", "2024-05-18", "2024-05-18"]
    papers = _papers(digest_date_text=dates, digest=["d1", "d2", "d3", "d3"])
    assert describe.span(papers) == "4 papers from 3 digests dated 13 May 2024 to 18 May 2024"
    one = _papers(digest_date_text=["2024-05-13"] * 4, digest=["d1"] * 4, digests=[["d1"]] * 4)
    assert describe.span(one) == "4 papers from 1 digest dated 13 May 2024"


def test_a_digest_is_dated_by_its_own_entries_not_by_a_shared_papers_other_copy():
    """Paper b is in d1 and d2 and keeps d2's copy: d1 stays dated 13 May, not 14 May."""
    dates = ["2024-05-13", "2024-05-14", "2024-05-18", "2024-05-18"]
    papers = _papers(digest_date_text=dates, digest=["d1", "d2", "d3", "d3"])
    assert digest_dates(papers).dt.strftime("%Y-%m-%d").to_dict() == {
        "d1": "2024-05-13",
        "d2": "2024-05-14",
        "d3": "2024-05-18",
    }


def test_span_counts_dated_digests_and_never_completes_a_page_date():
    """A page's 'Dec 11' has no year: only the digests with a full date are named as dated."""
    dates = ["Dec 11", "Dec 11", "2024-05-14", "2024-05-14"]  # d1 a text page, d3 JSON
    papers = _papers(digest_date_text=dates, digest=["d1", "d1", "d3", "d3"])
    assert describe.span(papers) == "4 papers from 3 digests (1 dated 14 May 2024)"
    undated = papers.assign(digest_date_text=["Dec 11"] * 4)
    assert describe.span(undated) == "4 papers from 3 digests"


def test_uncovered_counts_topics_without_a_theme():
    """Topics whose theme is NA are counted with their papers."""
    table = pd.DataFrame(
        {
            "level": ["area", "topic", "topic", "topic"],
            "size": [10, 5, 3, 2],
            "theme": pd.array([None, "peft", None, None], dtype="string"),
        }
    )
    assert describe.uncovered(table, 10) == (
        "2 of 3 topics (5 papers, 50%) are not mostly any catalogue theme; "
        "a theme is suggested for each"
    )
