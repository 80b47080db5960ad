"""The report's front page: a briefing a reader takes in within two minutes.

Every sentence and number comes from the analysis (the sentences from
:mod:`digest_utils.describe`), so the page stays true on other digests. The frames here are the
briefing's building blocks, each keyed by ``paper_id``, ``theme`` or ``topic``:

* :func:`paper_links`: a link per paper where one is known (``url``, else ``arxiv_id``);
* :func:`digest_dates`: the date of each digest that has one (JSON digests; from
  :mod:`digest_utils.periods`);
* :func:`latest_digests`: the digests of the latest batch (the latest digest, or the latest
  week of digests when their dates are known) and the earlier ones;
* :func:`theme_changes` / :func:`topic_changes` / :func:`new_topics`: what rose or fell in
  that batch beyond the noise of the counts, and the topics mostly made of its papers;
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
from digest_utils.periods import DIGEST_DATE, compare_shares, digest_dates

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
    "topic_changes",
]

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
        monday = last.start_time
        year, iso, _ = monday.isocalendar()
        count = f"{len(latest)} digest" + ("s" if len(latest) > 1 else "")
        label = f"the week of {monday:%Y-%m-%d} ({year}-W{iso:02d}, {count})"
        return Latest(label, latest, earlier)
    if not names:
        return Latest("no digest", [], [])
    return Latest(f"the latest digest, {names[-1]}", names[-1:], names[:-1])


def _split(papers: pd.DataFrame, latest: Latest) -> tuple[set[str], set[str]]:
    """The papers first listed in the latest batch, and those listed before it."""
    wanted, before = set(latest.latest), set(latest.earlier)
    ids = papers["paper_id"].astype(str)
    lists = papers["digests"].map(lambda ds: set(map(str, ds)))
    earlier = lists.map(lambda ds: bool(ds & before))
    now = lists.map(lambda ds: bool(ds & wanted)) & ~earlier
    return set(ids[now.to_numpy()]), set(ids[earlier.to_numpy()])


def theme_changes(themed: pd.DataFrame, names: Mapping[str, str], latest: Latest) -> pd.DataFrame:
    """Each theme's share of the latest batch's papers against its share before.

    A paper counts in the batch where it was first listed. The noise rule is that of
    :func:`digest_utils.periods.compare_shares`: ``notable`` when ``|z| >= config.CHANGE_Z``.

    Returns:
        One row per theme, largest ``|z|`` first (catalogue order on ties): ``theme_id``,
        ``theme`` (display name) and the columns of
        :func:`~digest_utils.periods.compare_shares` after ``label``.
    """
    ids = list(names)
    require_columns(themed, ["paper_id", "digests", *ids], where="theme_changes: themed")
    now, before = _split(themed, latest)
    flags = themed[ids].fillna(0).astype(int)
    members = pd.DataFrame(
        [
            (str(p), tid, names[tid])
            for tid in ids
            for p in themed.loc[flags[tid].to_numpy() == 1, "paper_id"]
        ]
        + [("", tid, names[tid]) for tid in ids],  # every theme gets a row, even an empty one
        columns=["paper_id", "group", "label"],
    )
    table = compare_shares(members, now, before)
    return table.rename(columns={"group": "theme_id", "label": "theme"})


def topic_changes(points: pd.DataFrame, latest: Latest, *, level: str = "topic") -> pd.DataFrame:
    """Each fine topic's (or area's) share of the latest batch against its share before.

    Args:
        points: :attr:`Analysis.points` (``paper_id``, ``digests``, ``topic`` /
            ``topic_label`` or ``area`` / ``area_label``); outliers (-1) are no group.
        latest: From :func:`latest_digests`.
        level: ``"topic"`` or ``"area"``.

    Returns:
        :func:`~digest_utils.periods.compare_shares`, with ``group`` the topic or area id.
    """
    key, label = level, f"{level}_label"
    require_columns(points, ["paper_id", "digests", key, label], where="topic_changes: points")
    now, before = _split(points, latest)
    placed = points[points[key].fillna(-1).astype(int) >= 0]
    members = pd.DataFrame(
        {
            "paper_id": placed["paper_id"].astype(str),
            "group": placed[key].astype(int),
            "label": placed[label].astype(str),
        }
    )
    return compare_shares(members, now, before)


def new_topics(points: pd.DataFrame, latest: Latest) -> pd.DataFrame:
    """Topics mostly made of the latest batch's papers (more than half of them).

    Args:
        points: :attr:`Analysis.points` (``digests``, ``assigned_topic``, ``topic_label``).
        latest: From :func:`latest_digests`.

    Returns:
        ``topic``, ``label``, ``papers`` (its papers in the batch) and ``size`` (all its
        papers); largest first. Empty without earlier digests.
    """
    require_columns(
        points, ["paper_id", "digests", "assigned_topic", "topic_label"], where="new_topics: points"
    )
    columns = ["topic", "label", "papers", "size"]
    if not latest.earlier:
        return pd.DataFrame(columns=columns)
    labels = _topic_labels(points)
    table = topic_changes(
        points.assign(
            topic=points["assigned_topic"], topic_label=points["assigned_topic"].map(labels)
        ),
        latest,
    )
    fresh = table[table["mostly_latest"]]
    out = pd.DataFrame(
        {
            "topic": fresh["group"].astype(int),
            "label": fresh["label"],
            "papers": fresh["latest_papers"].astype(int),
            "size": (fresh["latest_papers"] + fresh["earlier_papers"]).astype(int),
        }
    )
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
