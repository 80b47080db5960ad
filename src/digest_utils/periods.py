"""Time, not files: the period of each paper, and which shares rose in the latest period.

A paper belongs to the period in which it was first listed:

* with digest dates (JSON digests, :func:`digest_dates`), its ISO week (``"2026-W33"``), or
  its month (``"2026-08"``) when the digests span more than :data:`config.MAX_PERIODS` weeks,
  or its quarter (``"2026-Q3"``) past that many months, so a trend axis stays readable at
  years of daily digests;
* without (saved text pages), its first digest in name order: the digests keep their order.

:func:`compare_shares` then sets a group's (theme, topic, area) share of the latest period's
papers against its share of the papers before, and flags a change only when its
two-proportion z statistic reaches :data:`config.CHANGE_Z` (the noise rule, stated in
:func:`z_statistic`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

import pandas as pd

from digest_utils import config
from digest_utils._util import require_columns

__all__ = [
    "DIGEST_DATE",
    "Periods",
    "compare_shares",
    "digest_dates",
    "paper_periods",
    "z_statistic",
]

#: Papers column with the date of the digest a paper was listed in; only full YYYY-MM-DD dates
#: (JSON digests) count, a saved page's "Dec 11" has no year.
DIGEST_DATE = "digest_date_text"

Unit = Literal["week", "month", "quarter", "digest"]
_FREQ = {"week": "W", "month": "M", "quarter": "Q"}


def digest_dates(papers: pd.DataFrame) -> pd.Series:
    """The date of each digest that has one: a full ``YYYY-MM-DD`` in :data:`DIGEST_DATE`.

    JSON digests carry one (their file name or ``submittedOnDailyAt``); a saved page's
    ``"Dec 11"`` has no year and is never completed by a guess. A paper's date is that of the
    copy ``dedupe`` kept, whose digest is ``digest``; a digest every paper of which was kept
    from another digest has no date here.

    Returns:
        datetime64 Series indexed by digest name (``str``), dated digests only, sorted by
        name; empty when no digest has a date.
    """
    empty = pd.Series(dtype="datetime64[ns]", index=pd.Index([], dtype=object, name="digest"))
    if DIGEST_DATE not in papers:
        return empty
    require_columns(papers, ["digest"], where="digest_dates: papers")
    when = pd.to_datetime(papers[DIGEST_DATE], format="%Y-%m-%d", errors="coerce")
    dates = when.groupby(papers["digest"].astype(str)).max().dropna()
    return dates if len(dates) else empty


@dataclass(frozen=True)
class Periods:
    """The period of each paper.

    Attributes:
        unit: ``"week"``, ``"month"``, ``"quarter"`` or ``"digest"`` (no digest dates).
        order: Every period from the first to the last, in time order (empty weeks or months
            included, so the axis is true to time); digest names in name order for ``"digest"``.
        of_paper: Period label per ``paper_id`` (string); NA for a paper none of whose
            digests has a date while others do.
    """

    unit: Unit
    order: list[str]
    of_paper: pd.Series

    @property
    def latest(self) -> str | None:
        """The last period, or ``None`` when there is none."""
        return self.order[-1] if self.order else None

    def split(self) -> tuple[set[str], set[str]]:
        """The ``paper_id`` s of the latest period and those of the periods before it."""
        known = self.of_paper.dropna()
        now = known == self.latest
        return set(known.index[now]), set(known.index[~now])


def _label(period: pd.Period, unit: Unit) -> str:
    if unit == "week":
        year, week, _ = period.start_time.isocalendar()
        return f"{year}-W{week:02d}"
    if unit == "quarter":
        return f"{period.year}-Q{period.quarter}"
    return f"{period.year}-{period.month:02d}"


def _unit(first: pd.Series, max_periods: int) -> Unit:
    """The finest unit in which ``first`` (dates) spans at most ``max_periods`` periods."""
    units: tuple[Unit, ...] = ("week", "month")
    for unit in units:
        spanned = first.max().to_period(_FREQ[unit]) - first.min().to_period(_FREQ[unit])
        if spanned.n + 1 <= max_periods:
            return unit
    return "quarter"


def paper_periods(
    papers: pd.DataFrame,
    *,
    unit: Literal["auto", "week", "month", "quarter"] = "auto",
    max_periods: int = config.MAX_PERIODS,
) -> Periods:
    """Give each paper the period in which it was first listed.

    Args:
        papers: One row per paper: ``paper_id``, ``digests`` (list of digest names) and,
            for dates, ``digest`` and :data:`DIGEST_DATE`.
        unit: ``"auto"``: weeks, or months past ``max_periods`` weeks, or quarters past
            ``max_periods`` months; or one unit. Ignored without digest dates (the unit is
            then ``"digest"``).
        max_periods: Most periods ``"auto"`` allows per unit.

    Example:
        Digests dated 2026-08-10 and 2026-08-17 give periods ``["2026-W33", "2026-W34"]``.
    """
    require_columns(papers, ["paper_id", "digests"], where="paper_periods: papers")
    long = pd.DataFrame(
        {"paper_id": papers["paper_id"].astype(str), "digest": papers["digests"]}
    ).explode("digest")
    long = long.dropna(subset=["digest"]).astype({"digest": str})
    ids = pd.Index(papers["paper_id"].astype(str), name="paper_id")
    dates = digest_dates(papers)
    if dates.empty:
        order = sorted(set(long["digest"]))
        rank = {d: i for i, d in enumerate(order)}
        first = long.groupby("paper_id")["digest"].agg(lambda ds: min(ds, key=rank.__getitem__))
        return Periods("digest", order, first.reindex(ids).astype("string"))
    first_date = long["digest"].map(dates).groupby(long["paper_id"]).min().reindex(ids)
    chosen: Unit = _unit(first_date.dropna(), max_periods) if unit == "auto" else unit
    freq = _FREQ[chosen]
    full = pd.period_range(first_date.min(), first_date.max(), freq=freq)
    labels = first_date.dt.to_period(freq).map(lambda p: pd.NA if pd.isna(p) else _label(p, chosen))
    return Periods(chosen, [_label(p, chosen) for p in full], labels.astype("string"))


def z_statistic(latest: int, latest_total: int, earlier: int, earlier_total: int) -> float:
    """Two-proportion z statistic of ``latest / latest_total`` against ``earlier / earlier_total``.

    The noise rule: under "the share did not change", the pooled share ``p`` gives the
    difference a standard error ``sqrt(p (1 - p) (1/n1 + 1/n0))``; ``z`` is the difference in
    those units. NaN when either total is 0; 0 when ``p`` is 0 or 1 (nothing varies).
    """
    if not latest_total or not earlier_total:
        return math.nan
    p = (latest + earlier) / (latest_total + earlier_total)
    se = math.sqrt(p * (1 - p) * (1 / latest_total + 1 / earlier_total))
    if se == 0:
        return 0.0
    return (latest / latest_total - earlier / earlier_total) / se


def compare_shares(
    members: pd.DataFrame,
    now: Iterable[str],
    before: Iterable[str],
    *,
    z: float = config.CHANGE_Z,
) -> pd.DataFrame:
    """Each group's share of the latest papers against its share of the papers before.

    Args:
        members: One row per (paper, group): ``paper_id``, ``group`` and ``label``.
            Groups with no member anywhere are absent from the result.
        now: ``paper_id`` s of the latest period.
        before: ``paper_id`` s of the periods before.
        z: Smallest ``|z|`` (:func:`z_statistic`) flagged ``notable``.

    Returns:
        One row per group, the largest ``|z|`` first (ties by group order in ``members``):
        ``group``, ``label``, ``latest_papers``, ``latest_total``, ``earlier_papers``,
        ``earlier_total`` (int), ``latest_share``, ``earlier_share``, ``change`` (latest minus
        earlier share; NaN without papers before), ``z`` (float), ``notable`` (bool:
        ``|z| >= z``) and ``mostly_latest`` (bool: more than half the group's papers are of
        the latest period: a new group).
    """
    require_columns(members, ["paper_id", "group", "label"], where="compare_shares: members")
    now_ids, before_ids = set(map(str, now)), set(map(str, before))
    ids = members["paper_id"].astype(str)
    counts = pd.DataFrame(
        {
            "group": members["group"],
            "label": members["label"],
            "now": ids.isin(now_ids).astype(int),
            "before": ids.isin(before_ids).astype(int),
        }
    )
    g = counts.groupby("group", sort=False).agg(
        label=("label", "first"), latest_papers=("now", "sum"), earlier_papers=("before", "sum")
    )
    out = g.reset_index()
    out["latest_total"], out["earlier_total"] = len(now_ids), len(before_ids)
    out["latest_share"] = out["latest_papers"] / len(now_ids) if now_ids else math.nan
    out["earlier_share"] = out["earlier_papers"] / len(before_ids) if before_ids else math.nan
    out["change"] = out["latest_share"] - out["earlier_share"]
    out["z"] = [
        z_statistic(a, len(now_ids), b, len(before_ids))
        for a, b in zip(out["latest_papers"], out["earlier_papers"], strict=True)
    ]
    out["notable"] = out["z"].abs() >= z
    out["mostly_latest"] = out["latest_papers"] > out["earlier_papers"]
    order = out["z"].abs().fillna(0).sort_values(ascending=False, kind="stable").index
    columns = ["group", "label", "latest_papers", "latest_total", "earlier_papers"]
    columns += ["earlier_total", "latest_share", "earlier_share", "change", "z", "notable"]
    return out.loc[order, [*columns, "mostly_latest"]].reset_index(drop=True)
