"""Number and word formatting shared by the sentences of :mod:`digest_utils.describe`."""

from __future__ import annotations

import pandas as pd


def pct(part: float, whole: float) -> str:
    """``part`` as a whole-number percentage of ``whole`` (``"0%"`` when ``whole`` is 0)."""
    return f"{part / whole:.0%}" if whole else "0%"


def plural(n: int, word: str) -> str:
    """``"1 digest"``, ``"2 digests"``."""
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def month(date: pd.Timestamp) -> str:
    """``"Mar 2024"``."""
    return date.strftime("%b %Y")


def day(date: pd.Timestamp) -> str:
    """``"13 May 2024"``."""
    return f"{date.day} {date:%b %Y}"


def bullets(lines: list[str]) -> str:
    """Sentences as a Markdown list, each capitalised and ending in a full stop."""
    return "\n".join(f"- {line[0].upper()}{line[1:]}." for line in lines)
