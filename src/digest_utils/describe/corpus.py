"""Sentences about the corpus: what was read, its metadata, its digests and dates."""

from __future__ import annotations

import pandas as pd

from digest_utils._util import require_columns
from digest_utils.describe._text import bullets, day, month, pct, plural
from digest_utils.periods import digest_dates

__all__ = ["corpus", "corpus_findings", "dated", "metadata", "shared", "span", "timeline"]


def corpus(entries: pd.DataFrame, papers: pd.DataFrame) -> str:
    """How many entries, digests and unique papers were read.

    Example:
        ``"263 entries in 5 digests, 252 unique papers"``
    """
    require_columns(entries, ["digest"], where="corpus: entries")
    return (
        f"{len(entries)} entries in {plural(entries['digest'].nunique(), 'digest')}, "
        f"{len(papers)} unique papers"
    )


def metadata(entries: pd.DataFrame) -> str:
    """Which metadata the entries carry, and how many digests carry none."""
    require_columns(
        entries, ["digest", "authors", "published_text", "published"], where="metadata: entries"
    )
    n = len(entries)
    meta = entries[["authors", "published_text"]].notna().any(axis=1)
    bare = int((~meta.groupby(entries["digest"]).any()).sum())
    return (
        f"{int(entries['authors'].notna().sum())} of {n} entries name their authors, "
        f"{int(entries['published_text'].notna().sum())} a date "
        f"({int(entries['published'].notna().sum())} with a year); "
        f"{bare} of {entries['digest'].nunique()} digests carry no metadata at all"
    )


def shared(papers: pd.DataFrame) -> str:
    """How many papers appear in more than one digest."""
    require_columns(papers, ["n_digests"], where="shared: papers")
    multi = papers["n_digests"] > 1
    if not multi.any():
        return f"none of the {len(papers)} papers appears in more than one digest"
    return (
        f"{int(multi.sum())} of {len(papers)} papers appear in more than one digest "
        f"(at most in {int(papers['n_digests'].max())})"
    )


def corpus_findings(entries: pd.DataFrame, papers: pd.DataFrame) -> str:
    """The closing "What we found" of the loading notebook, as a bulleted list."""
    return bullets([corpus(entries, papers), metadata(entries), shared(papers)])


def dated(themed: pd.DataFrame) -> str:
    """How many papers have a full publication date (the others are never given one).

    Example:
        ``"79 of 252 papers have a full publication date"``
    """
    require_columns(themed, ["published"], where="dated: themed")
    n_dated = int(themed["published"].notna().sum())
    return f"{n_dated} of {len(themed)} papers have a full publication date"


def timeline(themed: pd.DataFrame) -> str:
    """The month with the most dated papers, and the months the dated papers span.

    Counts what ``charts.timeline`` draws (papers per month of ``published``; undated papers
    are left out, never given a date).

    Example:
        ``"the busiest month is Nov 2023 with 12 of the 79 dated papers (15%); they run from
        Jan 2021 to Dec 2023"``
    """
    require_columns(themed, ["published"], where="timeline: themed")
    published = pd.to_datetime(themed["published"]).dropna()
    if published.empty:
        return f"none of the {len(themed)} papers has a full publication date"
    if published.dt.tz is not None:
        published = published.dt.tz_localize(None)
    per_month = published.dt.to_period("M").value_counts().sort_index(kind="stable")
    busiest = per_month.idxmax()  # the earliest of equally busy months
    n = len(published)
    return (
        f"the busiest month is {busiest.strftime('%b %Y')} with {int(per_month[busiest])} of "
        f"the {n} dated papers ({pct(per_month[busiest], n)}); they run from "
        f"{month(published.min())} to {month(published.max())}"
    )


def span(papers: pd.DataFrame) -> str:
    """How many papers and digests, and the dates they span where dates are known.

    Digest dates come from :func:`digest_utils.periods.digest_dates` (full dates only, as
    JSON digests give), publication dates from the optional ``published``; dates are never
    guessed.

    Example:
        ``"252 papers from 5 digests; 79 have a publication date, from Jan 2021 to Dec 2023"``,
        ``"96 papers from 7 digests dated 13 May 2024 to 19 May 2024, published from ..."``
    """
    require_columns(papers, ["digests"], where="span: papers")
    n_digests = papers["digests"].explode().dropna().nunique()
    text = f"{plural(len(papers), 'paper')} from {plural(n_digests, 'digest')}"
    dates = digest_dates(papers)
    if len(dates):
        first, last = dates.min(), dates.max()
        when = day(first) if first == last else f"{day(first)} to {day(last)}"
        text += f" dated {when}" if len(dates) == n_digests else f" ({len(dates)} dated {when})"
    if "published" in papers:
        pub = pd.to_datetime(papers["published"]).dropna()
        if len(pub) == len(papers):
            text += f", published from {month(pub.min())} to {month(pub.max())}"
        elif len(pub):
            text += (
                f"; {len(pub)} have a publication date, from {month(pub.min())} to "
                f"{month(pub.max())}"
            )
    return text
