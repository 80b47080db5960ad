"""Tests for digest_utils.periods: the period of each paper and the noise rule for a change."""

from __future__ import annotations

import pandas as pd

from digest_utils import config
from digest_utils.periods import compare_shares, paper_periods, z_statistic


def _dated(days: list[str]) -> pd.DataFrame:
    """One paper per digest, each digest named and dated by its day (as JSON digests are)."""
    return pd.DataFrame(
        {
            "paper_id": [f"p{i}" for i in range(len(days))],
            "digest": days,
            "digests": [[d] for d in days],
            "digest_date_text": days,
        }
    )


def test_dated_digests_group_by_iso_week_with_empty_weeks_kept():
    """Digests a fortnight apart give three ISO weeks, the empty middle one included."""
    periods = paper_periods(_dated(["2026-08-10", "2026-08-16", "2026-08-24"]))
    assert periods.unit == "week"
    assert periods.order == ["2026-W33", "2026-W34", "2026-W35"]
    assert periods.of_paper.tolist() == ["2026-W33", "2026-W33", "2026-W35"]
    now, before = periods.split()
    assert now == {"p2"} and before == {"p0", "p1"}


def test_more_weeks_than_the_limit_switch_to_months():
    """31 weeks of digests exceed MAX_PERIODS (30): the periods become months."""
    days = [str(d.date()) for d in pd.date_range("2026-01-05", periods=31, freq="7D")]
    assert config.MAX_PERIODS == 30
    periods = paper_periods(_dated(days))
    assert periods.unit == "month"
    assert periods.order[0] == "2026-01" and periods.order[-1] == "2026-08"
    assert paper_periods(_dated(days[:30])).unit == "week"


def test_text_digests_without_dates_keep_their_digest_order():
    """No full dates: each paper's period is its first digest in name order."""
    papers = pd.DataFrame(
        {
            "paper_id": ["a", "b", "c"],
            "digest": ["x2", "x1", "x3"],
            "digests": [["x2"], ["x3", "x1"], ["x3"]],
            "digest_date_text": ["Dec 11", None, "Dec 12"],  # no year: never a date
        }
    )
    periods = paper_periods(papers)
    assert periods.unit == "digest"
    assert periods.order == ["x1", "x2", "x3"]
    assert periods.of_paper.to_dict() == {"a": "x2", "b": "x1", "c": "x3"}


def _members(group_now: int, now: int, group_before: int, before: int) -> tuple:
    """Papers n0..n(now-1) latest, b0.. before; the first group_* of each are in group g."""
    ids_now = [f"n{i}" for i in range(now)]
    ids_before = [f"b{i}" for i in range(before)]
    members = pd.DataFrame(
        {
            "paper_id": ids_now[:group_now] + ids_before[:group_before],
            "group": "g",
            "label": "G",
        }
    )
    return members, ids_now, ids_before


def test_a_rise_far_beyond_the_noise_is_notable():
    """30 of 100 latest papers against 50 of 1,000 before: z is about 10, reported."""
    members, now, before = _members(30, 100, 50, 1000)
    row = compare_shares(members, now, before).iloc[0]
    assert (row.latest_papers, row.earlier_papers) == (30, 50)
    assert row.latest_share == 0.3 and row.earlier_share == 0.05
    assert row.z > config.CHANGE_Z and row.notable
    assert not row.mostly_latest  # 30 of its 80 papers are latest


def test_a_change_within_the_noise_is_not_notable():
    """2 of 10 latest papers against 10 of 100 before: double the share, but z is about 1."""
    members, now, before = _members(2, 10, 10, 100)
    row = compare_shares(members, now, before).iloc[0]
    assert row.change > 0.09
    assert abs(row.z) < config.CHANGE_Z and not row.notable


def test_z_statistic_matches_the_pooled_formula_and_its_edges():
    """The pooled formula (p1 - p0) / sqrt(p (1-p) (1/n1 + 1/n0)); NaN with no paper, 0 flat."""
    p = 60 / 1100
    expected = (0.3 - 0.03) / (p * (1 - p) * (1 / 100 + 1 / 1000)) ** 0.5
    assert abs(z_statistic(30, 100, 30, 1000) - expected) < 1e-12
    assert pd.isna(z_statistic(1, 0, 3, 10))
    assert z_statistic(0, 10, 0, 10) == 0.0


def test_a_group_mostly_of_latest_papers_is_new():
    """A group with 5 latest papers and 1 earlier one is mostly of the latest period."""
    members, now, before = _members(5, 20, 1, 200)
    assert compare_shares(members, now, before).iloc[0].mostly_latest
