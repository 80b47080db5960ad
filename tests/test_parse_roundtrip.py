"""Property test: random entries rendered in each layout parse back unchanged."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from digest_utils import load_digest
from digest_utils.parse.text import _AUTHORS, _DATE, _FURNITURE, MAX_TITLE_CHARS

MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

# Printable text of any script; no control, surrogate or line/paragraph separator characters.
_chars = st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp"))


def _is_plain_text(s: str) -> bool:
    return bool(s) and s != "·" and not _AUTHORS.fullmatch(s) and not _DATE.fullmatch(s)


titles = (
    st.text(_chars, min_size=1, max_size=120)
    .map(str.strip)
    .filter(lambda s: _is_plain_text(s) and s.casefold() not in _FURNITURE)
    .filter(lambda s: len(s) <= MAX_TITLE_CHARS and not s.startswith("Subscribe"))
)
abstracts = st.text(_chars, min_size=1, max_size=400).map(str.strip).filter(_is_plain_text)
dates = st.builds(
    lambda m, d, y, up: (f"{m} {d}" + (f", {y}" if y else ""), up),
    st.sampled_from(MONTHS),
    st.integers(1, 28),
    st.one_of(st.none(), st.integers(1990, 2030)),
    st.one_of(st.none(), st.integers(1, 999)),
)
meta = st.one_of(
    st.none(),
    st.tuples(st.one_of(st.integers(1, 60), titles), dates),
)
entries = st.lists(st.tuples(titles, abstracts, meta), min_size=1, max_size=8)


def _render(layout: str, items) -> str:
    if layout == "compact":
        head = ["Get trending papers in your email inbox!"]
        body = []
        for i, (title, abstract, _) in enumerate(items):
            body += [("Subscribe" + title) if i == 0 else title, abstract]
        return "\n".join(head + body) + "\n"
    lines = ["new", "", "Subscribe", "", "byAK and the research community", "", "Mar 11", ""]
    for title, abstract, m in items:
        lines += [title, "", abstract, ""]
        if layout == "spaced_meta" and m is not None:
            who, (date, up) = m
            who_line = f"  • {who} authors" if isinstance(who, int) else who
            lines += [who_line, "·", date + (f" {up}" if up else ""), ""]
    return "\n".join(lines)


@settings(
    max_examples=int(os.environ.get("ROUNDTRIP_EXAMPLES", "150")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(layout=st.sampled_from(["compact", "spaced_meta", "spaced_plain"]), items=entries)
def test_rendered_entries_parse_back_unchanged(layout, items):
    """Titles, abstracts, authors/organisation, dates and upvotes survive a render+parse."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "d.txt"
        path.write_text(_render(layout, items), encoding="utf-8")
        df = load_digest(path)
    assert df["title"].tolist() == [t for t, _, _ in items]
    assert df["abstract"].tolist() == [a for _, a, _ in items]
    for row, (_, _, m) in zip(df.itertuples(), items, strict=True):
        if layout != "spaced_meta" or m is None:
            assert pd.isna(row.authors) and pd.isna(row.organization)
            assert pd.isna(row.published_text) and pd.isna(row.upvotes)
            continue
        who, (date, up) = m
        assert row.published_text == date
        assert (pd.isna(row.upvotes) and up is None) or row.upvotes == up
        if isinstance(who, int):
            assert row.authors == who and pd.isna(row.organization)
        else:
            assert row.organization == who and pd.isna(row.authors)
        assert pd.isna(row.published) == (", " not in date)
