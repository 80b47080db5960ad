"""Sentences about the latest batch of digests against the earlier ones (the briefing)."""

from __future__ import annotations

import pandas as pd

from digest_utils import config
from digest_utils._util import require_columns
from digest_utils.briefing import Latest
from digest_utils.describe._text import plural

__all__ = ["changes", "fresh_topics", "rising"]

_SHARES = ["latest_papers", "latest_total", "earlier_papers", "earlier_total", "z", "notable"]


def _move(r: dict, name: str) -> str:
    """``"'Quantization' up to 12% (31 of 260 papers, from 5%: 420 of 8,400; z = +4.1)"``."""
    now, before = r["latest_papers"] / r["latest_total"], r["earlier_papers"] / r["earlier_total"]
    return (
        f"{name} {'up' if r['z'] > 0 else 'down'} to {now:.0%} ({r['latest_papers']} of "
        f"{r['latest_total']} papers, from {before:.0%}: {r['earlier_papers']:,} of "
        f"{r['earlier_total']:,}; z = {r['z']:+.1f})"
    )


def rising(table: pd.DataFrame, latest: Latest, *, what: str = "theme", n: int = 3) -> str:
    """The groups whose share moved beyond the noise of the counts, with their counts.

    Only rows flagged ``notable`` (``|z| >= config.CHANGE_Z``, a two-proportion z-test) are
    named, at most ``n``, largest ``|z|`` first.

    Args:
        table: :func:`digest_utils.briefing.theme_changes` or ``topic_changes``.
        latest: :func:`digest_utils.briefing.latest_digests`.
        what: What a group is, for the sentence (``"theme"``, ``"topic"``, ``"area"``).
        n: Most groups named.
    """
    name = "theme" if "theme" in table else "label"
    require_columns(table, [name, *_SHARES], where="rising: table")
    if not latest.earlier:
        return f"{latest.label} is the only one: there is nothing earlier to compare with"
    moved = table[table["notable"]]
    if moved.empty:
        text = (
            f"in {latest.label}, no {what}'s share moved beyond the noise of its counts "
            f"(|z| < {config.CHANGE_Z:g} for all {plural(len(table), what)})"
        )
        top = table.dropna(subset=["z"])
        if top.empty or top["z"].iloc[0] == 0:
            return text
        return (
            text + "; the largest move: " + _move(top.iloc[0].to_dict(), f"'{top[name].iloc[0]}'")
        )
    parts = [_move(r, f"'{r[name]}'") for r in moved.head(n).to_dict("records")]
    more = f", and {len(moved) - n} more" if len(moved) > n else ""
    return (
        f"in {latest.label}, {plural(len(moved), what)} of {len(table)} moved beyond the noise "
        f"(|z| >= {config.CHANGE_Z:g}): " + "; ".join(parts) + more
    )


def changes(table: pd.DataFrame, latest: Latest) -> str:
    """What changed in the latest batch: the themes whose share moved beyond the noise.

    Args:
        table: :func:`digest_utils.briefing.theme_changes`.
        latest: :func:`digest_utils.briefing.latest_digests`.
    """
    require_columns(table, ["theme", *_SHARES], where="changes: table")
    if not latest.earlier:
        return f"{latest.label} is the only one: there is nothing earlier to compare with"
    text = rising(table, latest, what="theme", n=2)
    return text.replace(
        f"in {latest.label}, ",
        f"in {latest.label}, against the {plural(len(latest.earlier), 'earlier digest')}, ",
        1,
    )


def fresh_topics(table: pd.DataFrame, latest: Latest) -> str:
    """Topics mostly of the latest batch's papers (:func:`~digest_utils.briefing.new_topics`)."""
    require_columns(table, ["label", "papers", "size"], where="fresh_topics: table")
    if not latest.earlier:
        return "every topic is new: there is no earlier digest"
    if table.empty:
        return f"no topic is new in {latest.label}: every topic is mostly of earlier papers"
    listed = ", ".join(
        f"'{r.label}' ({r.papers} of its {r.size} papers)" for r in table.itertuples()
    )
    verb = "is" if len(table) == 1 else "are"
    return (
        f"{plural(len(table), 'topic')} {verb} new in {latest.label}, mostly made of its "
        f"papers: {listed}"
    )
