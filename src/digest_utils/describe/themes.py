"""Sentences about the themes: sizes, overlaps, topics they fill, digests they vary over."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

import pandas as pd

from digest_utils._util import require_columns
from digest_utils.describe._text import pct, plural
from digest_utils.periods import Periods

__all__ = [
    "biggest_themes",
    "overlaps",
    "pair_shares",
    "per_digest",
    "per_period",
    "term_check",
    "theme_sizes",
    "theme_spread",
    "topic_themes",
    "uncovered",
]


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
        f"{any_theme} of {n} papers ({pct(any_theme, n)}) have a theme; the largest is "
        f"{names[top]} with {int(sizes[top])} ({pct(sizes[top], n)}), the smallest "
        f"{names[low]} with {int(sizes[low])} ({pct(sizes[low], n)})"
    )


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
    tail = f"{none} ({pct(none, total)}) have none of the {plural(len(ids), 'theme')}"
    if sizes.empty:
        return f"no paper has a theme; {tail}"
    parts = [f"{names[t]} {int(k)} ({pct(k, total)})" for t, k in sizes.items()]
    parts[0] = parts[0].replace(" (", " papers (", 1)
    return f"{', '.join(parts)}; {tail}"


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


def pair_shares(flags: pd.DataFrame, names: Mapping[str, str]) -> str:
    """The largest overlap relative to a theme's size (the heatmap's row by its diagonal).

    Example:
        ``"the largest overlap for its size: 3 of Parameter-efficient fine-tuning's 21 papers
        (14%) are also CLIP variants"``
    """
    ids = list(names)
    require_columns(flags, ids, where="pair_shares: flags")
    m = flags[ids].fillna(0).astype(int)
    both = m.T @ m  # pairwise counts, theme sizes on the diagonal
    best = None
    for a in ids:
        for b in ids:
            size, shared = int(both.loc[a, a]), int(both.loc[a, b])
            if a != b and shared and (best is None or shared / size > best[2] / best[3]):
                best = (a, b, shared, size)
    if best is None:
        return "no two themes share a paper"
    a, b, shared, size = best
    return (
        f"the largest overlap for its size: {shared} of {names[a]}'s {size} papers "
        f"({pct(shared, size)}) are also {names[b]}"
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
        f"'{best['label']}' ({pct(best['share'], 1)} {names.get(best['theme'], best['theme'])})"
    )


def theme_spread(points: pd.DataFrame, names: Mapping[str, str]) -> str:
    """Which theme gathers most in one topic, and which spreads over the most topics.

    Args:
        points: ``Analysis.points`` (theme flags, ``assigned_topic``, ``topic_label``).
        names: Theme id -> display name.

    Example:
        ``"Quantization gathers most: 5 of its 6 papers (83%) in one topic, 'x'; CLIP variants
        spreads most, its 42 papers over 9 topics"``
    """
    ids = list(names)
    require_columns(points, ["assigned_topic", "topic_label", *ids], where="theme_spread: points")
    rows = []
    for tid in ids:
        mine = points.loc[points[tid].fillna(0).astype(int) == 1, "assigned_topic"]
        if len(mine):
            counts = mine.value_counts(sort=False).sort_values(ascending=False, kind="stable")
            rows.append((tid, len(mine), int(counts.index[0]), int(counts.iloc[0]), len(counts)))
    if not rows:
        return "no paper has a theme"
    placed = points[points["topic_label"] != "outliers"]
    label = dict(zip(placed["assigned_topic"], placed["topic_label"], strict=True))
    tid, n, topic, top, _ = max(rows, key=lambda r: r[3] / r[1])  # first in catalogue on ties
    text = (
        f"{names[tid]} gathers most: {top} of its {plural(n, 'paper')} ({pct(top, n)}) in one "
        f"topic, '{label.get(topic, topic)}'"
    )
    wide = max(rows, key=lambda r: r[4])
    if wide[0] != tid:
        text += (
            f"; {names[wide[0]]} spreads most, its {plural(wide[1], 'paper')} over {wide[4]} topics"
        )
    return text


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


def per_period(themed: pd.DataFrame, names: Mapping[str, str], periods: Periods) -> str:
    """The theme whose share varies most between periods (:func:`digest_utils.periods`).

    Without digest dates the periods are the digests: the sentence is :func:`per_digest`'s.
    Periods with fewer than 2 papers are left out of the comparison.
    """
    if periods.unit == "digest":
        return per_digest(themed, names)
    ids = list(names)
    require_columns(themed, ["paper_id", *ids], where="per_period: themed")
    when = themed["paper_id"].astype(str).map(periods.of_paper)
    flags = themed[ids].fillna(0).astype(int)
    grouped = flags.groupby(when.to_numpy())
    n = grouped.size()
    shares = grouped.mean()[n >= 2]
    if shares.empty or not ids:
        return "no period holds two papers"
    spread = (shares.max() - shares.min()).sort_values(ascending=False, kind="stable")
    tid = spread.index[0]
    low, high = shares[tid].idxmin(), shares[tid].idxmax()
    return (
        f"{names[tid]} varies most between the {len(shares)} {periods.unit}s: from "
        f"{shares[tid][low]:.0%} of {low}'s {n[low]} papers to {shares[tid][high]:.0%} of "
        f"{high}'s {n[high]}"
    )


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
        f"{len(open_)} of {len(topics)} topics ({held} papers, {pct(held, n_papers)}) are not "
        "mostly any catalogue theme; a theme is suggested for each"
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
