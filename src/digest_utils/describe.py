"""One-line summaries of what the data shows, with the numbers computed, never typed by hand.

Each function takes the tidy frames of :mod:`digest_utils.analysis` and returns one sentence.
Notebooks print them after each result, so the sentence a reader sees stays true when the
digests change; :func:`findings` gathers them into a notebook's closing "What we found".
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import TYPE_CHECKING, Literal

import pandas as pd

from digest_utils._util import require_columns

if TYPE_CHECKING:
    from digest_utils.analysis import Analysis
    from digest_utils.briefing import Latest
    from digest_utils.topics import TopicResult

__all__ = [
    "biggest_themes",
    "changes",
    "corpus",
    "corpus_findings",
    "covered",
    "dated",
    "findings",
    "fresh_topics",
    "metadata",
    "overlaps",
    "per_digest",
    "shared",
    "span",
    "term_check",
    "theme_sizes",
    "topic_quality",
    "topic_sizes",
    "topic_themes",
    "uncovered",
]


def _pct(part: float, whole: float) -> str:
    return f"{part / whole:.0%}" if whole else "0%"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def corpus(entries: pd.DataFrame, papers: pd.DataFrame) -> str:
    """How many entries, digests and unique papers were read.

    Example:
        ``"263 entries in 5 digests, 252 unique papers"``
    """
    require_columns(entries, ["digest"], where="corpus: entries")
    return (
        f"{len(entries)} entries in {_plural(entries['digest'].nunique(), 'digest')}, "
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


def topic_sizes(result: TopicResult) -> str:
    """The largest area and topic, and how many papers fit their topic loosely (outliers)."""
    n = len(result.assignments)
    if result.topics.empty:
        return f"no topic found among {n} papers"
    big = result.topics.iloc[0]
    text = (
        f"the largest of {len(result.topics)} topics, '{big['label']}', holds "
        f"{int(big['size'])} papers ({_pct(big['size'], n)})"
    )
    if len(result.areas):
        area = result.areas.iloc[0]
        text += (
            f"; the largest of {len(result.areas)} areas, '{area['label']}', "
            f"{int(area['size'])} ({_pct(area['size'], n)})"
        )
    outliers = int((result.assignments["topic"] == -1).sum())
    return f"{text}; {outliers} papers ({_pct(outliers, n)}) fit their topic loosely (outliers)"


def topic_quality(table: pd.DataFrame) -> str:
    """Our topics against BERTopic's defaults, from :func:`topics.evaluate.quality_table`."""
    require_columns(
        table, ["n_topics", "npmi", "diversity", "ari_mean"], where="topic_quality: table"
    )
    parts = [
        f"{name}: {int(row['n_topics'])} topics, diversity {row['diversity']:.2f}, "
        f"NPMI {row['npmi']:.3f}, stability (ARI) {row['ari_mean']:.2f}"
        for name, row in table.iterrows()
    ]
    return "; ".join(parts)


def theme_sizes(flags: pd.DataFrame, names: Mapping[str, str]) -> str:
    """How many papers have a theme, and the largest and smallest themes."""
    ids = list(names)
    require_columns(flags, ids, where="theme_sizes: flags")
    n = len(flags)
    m = flags[ids].fillna(0).astype(int)
    any_theme = int((m.sum(axis=1) > 0).sum())
    if not ids or not any_theme:
        return f"none of the {n} papers has a theme"
    sizes = m.sum().sort_values(ascending=False, kind="stable")
    top, low = sizes.index[0], sizes.index[-1]
    return (
        f"{any_theme} of {n} papers ({_pct(any_theme, n)}) have a theme; the largest is "
        f"{names[top]} with {int(sizes[top])} ({_pct(sizes[top], n)}), the smallest "
        f"{names[low]} with {int(sizes[low])} ({_pct(sizes[low], n)})"
    )


def term_check(table: pd.DataFrame, names: Mapping[str, str]) -> str:
    """The term that alone decides the most flagged papers, and the broadest term.

    ``table`` is :func:`digest_utils.themes.terms.term_check`'s (``attrs["flagged"]`` holds
    each theme's flagged count).
    """
    require_columns(table, ["theme", "term", "papers", "share", "alone"], where="term_check")
    if table.empty or not table["papers"].any():
        return "no term of the catalogue occurs in these papers"
    flagged = table.attrs.get("flagged", {})
    lone = table.sort_values(["alone", "papers"], ascending=False, kind="stable").iloc[0]
    broad = table.sort_values(["papers", "alone"], ascending=False, kind="stable").iloc[0]
    first = (
        f"'{lone['term']}' alone decides {int(lone['alone'])} of the "
        f"{flagged.get(lone['theme'], 0)} {names[lone['theme']]} papers"
        if lone["alone"]
        else "no flagged paper rests on a single term"
    )
    if lone["alone"] and (lone["theme"], lone["term"]) == (broad["theme"], broad["term"]):
        named = f"{int(broad['papers'])} papers ({broad['share']:.0%})"
        return f"{first}, and is the broadest term: {named} name it"
    return (
        f"{first}; the broadest term is '{broad['term']}' ({names[broad['theme']]}), named by "
        f"{int(broad['papers'])} papers ({broad['share']:.0%}), of which "
        f"{int(broad['alone'])} flagged on it alone"
    )


def overlaps(flags: pd.DataFrame, names: Mapping[str, str]) -> str:
    """How many papers have several themes, and the most common pair."""
    ids = list(names)
    require_columns(flags, ids, where="overlaps: flags")
    m = flags[ids].fillna(0).astype(int)
    multi = m[m.sum(axis=1) > 1]
    if multi.empty:
        return "no paper has more than one theme"
    pairs: Counter[tuple[str, str]] = Counter()
    for row in multi.to_numpy():
        got = [t for t, f in zip(ids, row, strict=True) if f]
        pairs.update((a, b) for i, a in enumerate(got) for b in got[i + 1 :])
    (a, b), count = pairs.most_common(1)[0]
    return (
        f"{len(multi)} papers have two or more themes; the most common pair is "
        f"{names[a]} & {names[b]} ({count})"
    )


def topic_themes(table: pd.DataFrame, names: Mapping[str, str]) -> str:
    """How many fine topics are mostly one theme (``Analysis.topic_themes``)."""
    require_columns(table, ["label", "theme", "share"], where="topic_themes: table")
    if "level" in table:
        table = table[table["level"] == "topic"]
    named = table[table["theme"].notna()]
    if named.empty:
        return f"none of the {len(table)} topics is mostly one theme"
    best = named.sort_values("share", ascending=False, kind="stable").iloc[0]
    return (
        f"{len(named)} of {len(table)} topics are mostly one theme; the clearest is "
        f"'{best['label']}' ({_pct(best['share'], 1)} {names.get(best['theme'], best['theme'])})"
    )


def per_digest(themed: pd.DataFrame, names: Mapping[str, str]) -> str:
    """The theme whose share varies most between digests, with its lowest and highest share."""
    ids = list(names)
    require_columns(themed, ["digests", *ids], where="per_digest: themed")
    long = themed.explode("digests").dropna(subset=["digests"])
    if long.empty or not ids:
        return "no paper names a digest"
    shares = long.groupby("digests")[ids].mean()
    spread = (shares.max() - shares.min()).sort_values(ascending=False, kind="stable")
    tid = spread.index[0]
    low, high = shares[tid].idxmin(), shares[tid].idxmax()
    return (
        f"{names[tid]} varies most between the {len(shares)} digests: from "
        f"{shares[tid][low]:.0%} of {low}'s papers to {shares[tid][high]:.0%} of {high}'s"
    )


def dated(themed: pd.DataFrame) -> str:
    """How many papers have a full publication date (the others are never given one).

    Example:
        ``"79 of 252 papers have a full publication date"``
    """
    require_columns(themed, ["published"], where="dated: themed")
    n_dated = int(themed["published"].notna().sum())
    return f"{n_dated} of {len(themed)} papers have a full publication date"


def covered(result: TopicResult) -> str:
    """How many papers, topics and areas: every paper has an assigned topic and an area.

    Example:
        ``"252 papers, each in one of 13 topics within 6 broad areas"``
    """
    a = result.assignments
    require_columns(a, ["assigned_topic", "area"], where="covered: assignments")
    placed = int(((a["assigned_topic"] >= 0) & (a["area"] >= 0)).sum())
    each = "each" if placed == len(a) else f"{placed} of them"
    return (
        f"{len(a)} papers, {each} in one of {len(result.topics)} topics within "
        f"{len(result.areas)} broad areas"
    )


def corpus_findings(entries: pd.DataFrame, papers: pd.DataFrame) -> str:
    """The closing "What we found" of the loading notebook, as a bulleted list."""
    return _bullets([corpus(entries, papers), metadata(entries), shared(papers)])


def _bullets(lines: list[str]) -> str:
    return "\n".join(f"- {line[0].upper()}{line[1:]}." for line in lines)


def findings(analysis: Analysis, about: Literal["topics", "themes", "trends"]) -> str:
    """The closing "What we found" of a notebook: its one-line summaries as a bulleted list.

    Args:
        analysis: The analysis the notebook showed.
        about: Which notebook: ``"topics"``, ``"themes"`` or ``"trends"``.
    """
    a, names = analysis, analysis.catalogue.names
    lines = {
        "topics": lambda: [topic_sizes(a.topics), topic_themes(a.topic_themes, names)],
        "themes": lambda: [theme_sizes(a.flags, names), overlaps(a.flags, names)],
        "trends": lambda: [per_digest(a.themed, names), dated(a.themed)],
    }[about]()
    return _bullets(lines)


def _month(date: pd.Timestamp) -> str:
    return date.strftime("%b %Y")


def span(papers: pd.DataFrame) -> str:
    """How many papers and digests, and the dates they span where dates are known.

    Uses ``published`` (and the optional ``digest_date``) when present; dates are never
    guessed.

    Example:
        ``"252 papers from 5 digests; 79 have a publication date, from Jan 2021 to Dec 2023"``
    """
    require_columns(papers, ["digests"], where="span: papers")
    n_digests = papers["digests"].explode().dropna().nunique()
    text = f"{_plural(len(papers), 'paper')} from {_plural(n_digests, 'digest')}"
    if "digest_date" in papers and papers["digest_date"].notna().any():
        d = pd.to_datetime(papers["digest_date"]).dropna()
        text += f" dated {d.min():%d %b %Y} to {d.max():%d %b %Y}"
    if "published" in papers:
        pub = pd.to_datetime(papers["published"]).dropna()
        if len(pub) == len(papers):
            text += f", published from {_month(pub.min())} to {_month(pub.max())}"
        elif len(pub):
            text += (
                f"; {len(pub)} have a publication date, from {_month(pub.min())} to "
                f"{_month(pub.max())}"
            )
    return text


def biggest_themes(flags: pd.DataFrame, names: Mapping[str, str], n: int = 3) -> str:
    """The ``n`` largest themes with their share of papers, and how many papers have none.

    Example:
        ``"CLIP variants 42 papers (17%), Parameter-efficient fine-tuning 21 (8%), ...; 178
        (71%) have none of the 4 themes"``
    """
    ids = list(names)
    require_columns(flags, ids, where="biggest_themes: flags")
    total = len(flags)
    m = flags[ids].fillna(0).astype(int)
    sizes = m.sum().sort_values(ascending=False, kind="stable").head(n)
    sizes = sizes[sizes > 0]
    none = int((m.sum(axis=1) == 0).sum())
    tail = f"{none} ({_pct(none, total)}) have none of the {_plural(len(ids), 'theme')}"
    if sizes.empty:
        return f"no paper has a theme; {tail}"
    parts = [f"{names[t]} {int(k)} ({_pct(k, total)})" for t, k in sizes.items()]
    parts[0] = parts[0].replace(" (", " papers (", 1)
    return f"{', '.join(parts)}; {tail}"


def changes(table: pd.DataFrame, latest: Latest) -> str:
    """What changed in the latest batch: its size and the themes that rose or fell most.

    Args:
        table: :func:`digest_utils.briefing.theme_changes`.
        latest: :func:`digest_utils.briefing.latest_digests`.
    """
    require_columns(
        table, ["theme", "latest_share", "earlier_share", "change"], where="changes: table"
    )
    if not latest.earlier:
        return f"{latest.label} is the only one: there is nothing earlier to compare with"
    moved = table[table["change"].abs() >= 0.005]
    if moved.empty:
        return f"in {latest.label}, every theme has the same share as in the earlier digests"
    parts = [
        f"{r.theme} {'up' if r.change > 0 else 'down'} to {r.latest_share:.0%} "
        f"(from {r.earlier_share:.0%})"
        for r in moved.head(2).itertuples()
    ]
    return f"in {latest.label}, against the {_plural(len(latest.earlier), 'earlier digest')}: " + (
        " and ".join(parts)
    )


def fresh_topics(table: pd.DataFrame, latest: Latest) -> str:
    """Which topics appear only in the latest batch (:func:`digest_utils.briefing.new_topics`)."""
    require_columns(table, ["label", "papers"], where="fresh_topics: table")
    if not latest.earlier:
        return "every topic is new: there is no earlier digest"
    if table.empty:
        return f"no topic is new in {latest.label}: every topic also has earlier papers"
    listed = ", ".join(f"'{r.label}' ({r.papers})" for r in table.itertuples())
    verb = "appears" if len(table) == 1 else "appear"
    return f"{_plural(len(table), 'topic')} {verb} only in {latest.label}: {listed}"


def uncovered(table: pd.DataFrame, n_papers: int) -> str:
    """How many fine topics, holding how many papers, no catalogue theme covers.

    Args:
        table: ``Analysis.topic_themes``.
        n_papers: Papers in the corpus.
    """
    require_columns(table, ["level", "size", "theme"], where="uncovered: table")
    topics = table[table["level"] == "topic"]
    open_ = topics[topics["theme"].isna()]
    if open_.empty:
        return f"every one of the {len(topics)} topics is mostly one catalogue theme"
    held = int(open_["size"].sum())
    return (
        f"{len(open_)} of {len(topics)} topics ({held} papers, {_pct(held, n_papers)}) are not "
        "mostly any catalogue theme; a theme is suggested for each"
    )
