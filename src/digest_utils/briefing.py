"""The report's front page: a briefing a reader takes in within two minutes.

Every sentence and number comes from the analysis (the sentences from
:mod:`digest_utils.describe`), so the page stays true on other digests. The frames here are the
briefing's building blocks, each keyed by ``paper_id``, ``theme`` or ``topic``:

* :func:`paper_links`: a link per paper where one is known (``url``, else ``arxiv_id``);
* :func:`digest_dates`: the date of each digest that has one (JSON digests);
* :func:`latest_digests`: the digests of the latest batch (the latest digest, or the latest
  week of digests when their dates are known) and the earlier ones;
* :func:`theme_changes` / :func:`new_topics`: what changed in that batch;
* :func:`top_papers`: the papers to read per theme; :func:`paper_table`: every paper.

:func:`briefing_html` assembles them (see :mod:`digest_utils.briefing_html`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from digest_utils import _html
from digest_utils._util import require_columns

if TYPE_CHECKING:
    from markupsafe import Markup

    from digest_utils.analysis import Analysis

__all__ = [
    "DIGEST_DATE",
    "Latest",
    "digest_dates",
    "latest_digests",
    "new_topics",
    "paper_links",
    "paper_table",
    "theme_changes",
    "title_link",
    "top_papers",
]

#: Papers column with the date of the digest a paper was listed in; only full YYYY-MM-DD dates
#: (JSON digests) count, a saved page's "Dec 11" has no year.
DIGEST_DATE = "digest_date_text"

#: Link of a paper known only by its arXiv id.
ARXIV_PAGE = "https://huggingface.co/papers/{}"


def title_link(title: object, url: object) -> Markup:
    """A title as HTML: a link to ``url`` when it is an http(s) URL, else escaped text.

    Any other URL (``javascript:``, ``data:``, ...) is left out with an UnsafeLinkWarning
    (:func:`digest_utils._html.link`).
    """
    return _html.link(title, url)


def paper_links(papers: pd.DataFrame) -> pd.Series:
    """A link per paper: its ``url``, else its Hugging Face page from ``arxiv_id``, else NA.

    Both columns are optional (saved text pages have neither).

    Returns:
        string Series indexed by ``paper_id``.
    """
    require_columns(papers, ["paper_id"], where="paper_links: papers")
    index = pd.Index(papers["paper_id"].astype("string"), name="paper_id")
    links = pd.Series(pd.NA, index=index, dtype="string")
    if "arxiv_id" in papers:
        ids = papers["arxiv_id"].astype("string").str.strip().replace("", pd.NA).to_numpy()
        links = links.fillna(pd.Series(ids, index=index, dtype="string").map(_arxiv))
    if "url" in papers:
        urls = papers["url"].astype("string").str.strip().replace("", pd.NA).to_numpy()
        links = pd.Series(urls, index=index, dtype="string").fillna(links)
    return links.rename("url")


def _arxiv(arxiv_id: object) -> object:
    return ARXIV_PAGE.format(arxiv_id) if isinstance(arxiv_id, str) else pd.NA


@dataclass(frozen=True)
class Latest:
    """The latest batch of digests against the earlier ones.

    Attributes:
        label: How the page names the batch: ``"the latest digest, 004_x"`` or ``"the week of
            2024-03-04 (2 digests)"``.
        latest: Digest names in the batch.
        earlier: Digest names before it (empty for a single digest).
    """

    label: str
    latest: list[str]
    earlier: list[str]


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


def latest_digests(papers: pd.DataFrame) -> Latest:
    """Split the digests into the latest batch and the earlier ones.

    With digest dates (:func:`digest_dates`, e.g. from JSON digests), the batch is the latest
    ISO week holding a dated digest; otherwise it is the last digest in name order (the order
    a folder is read in).
    """
    require_columns(papers, ["digests"], where="latest_digests: papers")
    long = papers.explode("digests").dropna(subset=["digests"])
    names = sorted(set(long["digests"].astype(str)))
    dates = digest_dates(papers)
    if len(dates):
        week = dates.dt.to_period("W")
        last = week.max()
        latest = sorted(week.index[week == last])
        earlier = [d for d in names if d not in latest]
        monday = str(last).split("/")[0]
        count = f"{len(latest)} digest" + ("s" if len(latest) > 1 else "")
        return Latest(f"the week of {monday} ({count})", latest, earlier)
    if not names:
        return Latest("no digest", [], [])
    return Latest(f"the latest digest, {names[-1]}", names[-1:], names[:-1])


def _in(papers: pd.DataFrame, digests: list[str]) -> pd.Series:
    """Whether each paper appears in any of ``digests``."""
    wanted = set(digests)
    return papers["digests"].map(lambda ds: bool(wanted.intersection(map(str, ds))))


def theme_changes(themed: pd.DataFrame, names: Mapping[str, str], latest: Latest) -> pd.DataFrame:
    """Each theme's share of the latest batch's papers against its share before.

    Returns:
        One row per theme, largest change first (catalogue order on ties): ``theme_id``,
        ``theme`` (display name), ``latest_papers`` (int), ``latest_share``,
        ``earlier_share`` (float, NA without earlier digests) and ``change`` (latest minus
        earlier, in shares).
    """
    ids = list(names)
    require_columns(themed, ["digests", *ids], where="theme_changes: themed")
    now, before = _in(themed, latest.latest), _in(themed, latest.earlier)
    flags = themed[ids].fillna(0).astype(int)
    rows = []
    for tid in ids:
        earlier = flags.loc[before, tid].mean() if before.any() else float("nan")
        share = flags.loc[now, tid].mean() if now.any() else float("nan")
        rows.append((tid, names[tid], int(flags.loc[now, tid].sum()), share, earlier))
    out = pd.DataFrame(
        rows, columns=["theme_id", "theme", "latest_papers", "latest_share", "earlier_share"]
    )
    out["change"] = out["latest_share"] - out["earlier_share"]
    order = out["change"].abs().fillna(0).sort_values(ascending=False, kind="stable").index
    return out.loc[order].reset_index(drop=True)


def new_topics(points: pd.DataFrame, latest: Latest) -> pd.DataFrame:
    """Topics whose papers all appear in the latest batch (none in an earlier digest).

    Args:
        points: :attr:`Analysis.points` (``digests``, ``assigned_topic``, ``topic_label``).
        latest: From :func:`latest_digests`.

    Returns:
        ``topic``, ``label``, ``papers``; largest first. Empty without earlier digests.
    """
    require_columns(
        points, ["digests", "assigned_topic", "topic_label"], where="new_topics: points"
    )
    columns = ["topic", "label", "papers"]
    if not latest.earlier:
        return pd.DataFrame(columns=columns)
    before = _in(points, latest.earlier).groupby(points["assigned_topic"]).sum()
    now = _in(points, latest.latest).groupby(points["assigned_topic"]).sum()
    fresh = [int(t) for t in now.index if now[t] > 0 and before[t] == 0]
    labels = _topic_labels(points)
    rows = [(t, labels[t], int(now[t])) for t in fresh]
    out = pd.DataFrame(rows, columns=columns)
    return out.sort_values(["papers", "topic"], ascending=[False, True]).reset_index(drop=True)


def _topic_labels(points: pd.DataFrame) -> dict[int, str]:
    """Each assigned topic's label (outliers carry ``"outliers"`` in ``topic_label``)."""
    placed = points[points["topic"] >= 0] if "topic" in points else points
    return {
        int(t): str(lab)
        for t, lab in zip(placed["assigned_topic"], placed["topic_label"], strict=True)
    }


def top_papers(analysis: Analysis, n: int = 3) -> pd.DataFrame:
    """The ``n`` highest-scoring papers of each theme, with their link where one is known.

    Returns:
        ``theme_id``, ``theme``, ``paper_id``, ``title``, ``url`` (NA when unknown),
        ``score``; themes in catalogue order, papers by descending score (ties by title).
    """
    flags, links = analysis.flags, paper_links(analysis.papers)
    parts = []
    for tid, name in analysis.catalogue.names.items():
        hit = flags.loc[flags[tid] == 1, ["paper_id", "title", f"score_{tid}"]]
        hit = hit.rename(columns={f"score_{tid}": "score"})
        top = hit.sort_values(["score", "title"], ascending=[False, True], kind="stable").head(n)
        parts.append(top.assign(theme_id=tid, theme=name))
    out = pd.concat(parts, ignore_index=True)
    out["url"] = out["paper_id"].map(links).astype("string")
    return out[["theme_id", "theme", "paper_id", "title", "url", "score"]]


def paper_table(analysis: Analysis) -> pd.DataFrame:
    """Every paper for the report's searchable table.

    Returns:
        One row per paper: ``title`` (escaped HTML, as ``Markup``: a link where an http(s)
        one is known, else text), ``digests`` (joined by ", "), ``themes`` (display names,
        ", "), ``topic`` (its assigned topic's label) and ``score`` (its highest theme score,
        0-1). Only ``title`` is HTML: show the table with :func:`show.interactive_table`,
        which escapes the other columns.
    """
    points, names = analysis.points, analysis.catalogue.names
    links = paper_links(analysis.papers)
    ids = list(names)
    labels = _topic_labels(points)

    flags = points[ids].fillna(0).astype(int).to_numpy()
    return pd.DataFrame(
        {
            "title": pd.Series(  # object dtype: a str dtype would drop the Markup type
                [
                    title_link(t, links.get(p, pd.NA))
                    for p, t in zip(points["paper_id"], points["title"], strict=True)
                ],
                dtype=object,
            ),
            "digests": [", ".join(map(str, d)) for d in points["digests"]],
            "themes": [
                ", ".join(names[t] for t, f in zip(ids, row, strict=True) if f) for row in flags
            ],
            "topic": [labels.get(int(t), "") for t in points["assigned_topic"]],
            "score": points[[f"score_{t}" for t in ids]].max(axis=1).round(2).to_numpy(),
        }
    )
