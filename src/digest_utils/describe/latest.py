"""Sentences about the latest batch of digests against the earlier ones (the briefing)."""

from __future__ import annotations

import pandas as pd

from digest_utils._util import require_columns
from digest_utils.briefing import Latest
from digest_utils.describe._text import plural

__all__ = ["changes", "fresh_topics"]


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
    return f"in {latest.label}, against the {plural(len(latest.earlier), 'earlier digest')}: " + (
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
    return f"{plural(len(table), 'topic')} {verb} only in {latest.label}: {listed}"
