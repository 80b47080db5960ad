"""Read a Hugging Face Daily Papers page saved as text (the ``.txt`` reader).

Three layouts occur in saved pages, and one parser reads them all because it works on the
sequence of non-blank lines, not on blank-line structure:

* compact: title and abstract on consecutive lines, no metadata (``Subscribe`` may be glued to
  the first title);
* spaced with metadata: title, abstract, then optionally a block of ``• N authors`` (or an
  organisation line), ``·`` and a date such as ``May 18, 2023 5`` (trailing number = upvotes);
* spaced without metadata.

Page furniture at the top (``new``, ``Get trending papers…``, ``Subscribe``, ``Daily Papers``,
``byAK and the research community`` and the page's own date) never becomes a paper.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import pandas as pd

from digest_utils.errors import DigestParseError
from digest_utils.parse.schema import columns, decode_file

__all__ = ["MAX_TITLE_CHARS", "page_columns", "read_page"]

_FURNITURE = frozenset(
    {
        "new",
        "get trending papers in your email inbox!",
        "get trending papers in your email inbox once a day!",
        "subscribe",
        "daily papers",
        "byak and the research community",
    }
)
_SUBSCRIBE = "Subscribe"
_MONTHS = {
    m: i
    for i, m in enumerate(
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"], 1
    )
}
# "Sep 20", "Sep 20 2", "May 18, 2023", "May 18, 2023 5"
_DATE = re.compile(
    r"(?P<mon>[A-Z][a-z]{2}) (?P<day>\d{1,2})(?:, (?P<year>\d{4}))?(?: (?P<up>\d+))?"
)
_AUTHORS = re.compile(r"•\s*(\d+)\s+authors?")
_DOT = "·"
# Longest title we accept before suspecting that a title line is missing and an abstract
# slid into the title slot (seed titles are at most ~200 characters).
MAX_TITLE_CHARS = 400

_HTML_START = re.compile(r"\s*<(!doctype\s+html|html|head|body|meta|div|!--)", re.IGNORECASE)


def _check_page(text: str, path: Path) -> None:
    """Reject empty and HTML input: neither is a page saved as text."""
    if not text.strip():
        raise DigestParseError(
            "file is empty; expected a Daily Papers page saved as text", path=path
        )
    if _HTML_START.match(text):
        first = text.lstrip().split("\n", 1)[0].strip()
        raise DigestParseError(
            "this is an HTML page, not the page's text; open the page in a browser, "
            "select all, copy and save as .txt",
            path=path,
            lineno=text[: text.find(first)].count("\n") + 1,
            line=first,
        )


class _Entry:
    __slots__ = (
        "abstract",
        "authors",
        "date_lineno",
        "has_meta",
        "lineno",
        "org",
        "published",
        "title",
    )

    def __init__(self, title: str, lineno: int) -> None:
        self.title = title
        self.lineno = lineno
        self.abstract: str | None = None
        self.authors: int | None = None
        self.org: str | None = None
        self.published: str | None = None
        self.date_lineno = 0
        self.has_meta = False


def _skip_furniture(lines: list[tuple[int, str]]) -> tuple[int, str | None]:
    """Skip the page furniture at the top; return the first entry line and the page's date.

    ``lines`` is modified in place when the ``Subscribe`` button text is glued to the first
    title ("SubscribeViLBERT: ...").
    """
    i, page_date = 0, None
    while i < len(lines):
        s = lines[i][1]
        if s.casefold() in _FURNITURE:
            i += 1
        elif page_date is None and (m := _DATE.fullmatch(s)) and not m["year"]:
            page_date = s
            i += 1
        elif s.startswith(_SUBSCRIBE) and i > 0 and "trending papers" in lines[i - 1][1]:
            lines[i] = (lines[i][0], s[len(_SUBSCRIBE) :].lstrip())
            break
        else:
            break
    return i, page_date


def _is_date(s: str) -> bool:
    """True for a date line such as ``May 18, 2023 5`` (cheap first-letter test first)."""
    return s[0] in "ADFJMNOS" and _DATE.fullmatch(s) is not None


class _PageParser:
    """A state machine over the non-blank lines of one page, one handler per state.

    States: ``title`` (expecting a title or the previous entry's metadata), ``abstract``
    (a title was read), ``meta`` (inside a metadata block: after authors or organisation) and
    ``dot`` (after the ``·`` line, expecting a date).
    """

    def __init__(self, lines: list[tuple[int, str]], path: Path) -> None:
        self.lines = lines
        self.path = path
        self.entries: list[_Entry] = []
        self.cur: _Entry | None = None  # entry awaiting its abstract
        self.last: _Entry | None = None  # last complete entry (metadata attaches to it)
        self.state = "title"

    def error(self, message: str, lineno: int, line: str | None) -> DigestParseError:
        return DigestParseError(message, path=self.path, lineno=lineno, line=line)

    def run(self, start: int) -> list[_Entry]:
        handlers = {"abstract": self.on_abstract, "dot": self.on_dot}
        for i in range(start, len(self.lines)):
            lineno, s = self.lines[i]
            nxt = self.lines[i + 1][1] if i + 1 < len(self.lines) else None
            handlers.get(self.state, self.on_title_or_meta)(lineno, s, nxt)
        self.finish()
        return self.entries

    def on_abstract(self, lineno: int, s: str, _next: str | None) -> None:
        if s == _DOT or _is_date(s) or (s[0] == "•" and _AUTHORS.fullmatch(s)):
            raise self.error("expected an abstract after the title", lineno, s)
        assert self.cur is not None
        self.cur.abstract = s
        self.entries.append(self.cur)
        self.last, self.cur, self.state = self.cur, None, "title"

    def on_dot(self, lineno: int, s: str, _next: str | None) -> None:
        if not _is_date(s):
            raise self.error("expected a date such as 'May 18, 2023' after the '·' line", lineno, s)
        assert self.last is not None
        self.last.published, self.last.date_lineno = s, lineno
        self.state = "title"

    def on_title_or_meta(self, lineno: int, s: str, nxt: str | None) -> None:
        """A metadata line for the last entry, or the next title."""
        is_authors = _AUTHORS.fullmatch(s) if s[0] == "•" else None
        is_date = len(s) < 20 and _is_date(s)
        if s == _DOT or is_authors or is_date or nxt == _DOT:
            self.on_meta(lineno, s, is_authors, is_date)
        elif len(s) > MAX_TITLE_CHARS:
            raise self.error(
                f"expected a title, found a {len(s)}-character paragraph; "
                "is the title line of this abstract missing?",
                lineno,
                s,
            )
        else:
            self.cur = _Entry(s, lineno)
            self.state = "abstract"

    def on_meta(self, lineno: int, s: str, is_authors: re.Match | None, is_date: bool) -> None:
        last = self.last
        if last is None:
            raise self.error(
                "found a metadata line with no paper before it; expected a title", lineno, s
            )
        if self.state == "title" and last.has_meta:
            raise self.error(
                "found a second metadata block for one paper; expected a title", lineno, s
            )
        last.has_meta = True
        if s == _DOT:
            self.state = "dot"
        elif is_date:
            last.published, last.date_lineno = s, lineno
            self.state = "title"
        elif is_authors:
            if self.state == "meta":
                raise self.error("expected '·' or a date after the authors line", lineno, s)
            last.authors = int(is_authors.group(1))
            self.state = "meta"
        else:  # organisation line, followed by '·'
            last.org = s
            self.state = "meta"

    def finish(self) -> None:
        if self.state == "abstract":
            assert self.cur is not None
            raise self.error(
                "expected an abstract after this title, found the end of the file",
                self.cur.lineno,
                self.cur.title,
            )
        if self.state == "dot":
            lineno, s = self.lines[-1]
            raise self.error(
                "expected a date after the '·' line, found the end of the file", lineno, s
            )
        if not self.entries:
            raise DigestParseError(
                "found no paper entries; expected title and abstract lines", path=self.path
            )


def _parse_text(text: str, path: Path) -> tuple[list[_Entry], str | None]:
    """Parse page text into entries and the page's own date header (or ``None``)."""
    lines = [(n, s) for n, raw in enumerate(text.split("\n"), 1) if (s := raw.strip())]
    start, page_date = _skip_furniture(lines)
    return _PageParser(lines, path).run(start), page_date


def _to_date(
    text: str, year: int | None, path: Path, lineno: int
) -> tuple[object, str, int | None]:
    """Turn ``'May 18, 2023 5'`` into ``(datetime, 'May 18, 2023', 5)``; NaT if no year known."""
    m = _DATE.fullmatch(text)
    assert m is not None, "only lines the parser took for dates reach here"
    upvotes = int(m["up"]) if m["up"] else None
    as_written = text[: m.end("year") if m["year"] else m.end("day")]
    mon = _MONTHS.get(m["mon"])
    if mon is None:
        raise DigestParseError(
            "expected a month such as 'Jan' in the date", path=path, lineno=lineno, line=text
        )
    y = int(m["year"]) if m["year"] else year
    if y is None:
        return pd.NaT, as_written, upvotes
    try:
        return datetime(y, mon, int(m["day"])), as_written, upvotes
    except ValueError:
        raise DigestParseError(
            f"expected a calendar date (year {y})", path=path, lineno=lineno, line=text
        ) from None


def _page_label(page_date: str | None, year: int | None, path: Path) -> str:
    """A text digest's label: its ISO date when its year is known, else its date, else its stem."""
    if page_date is None:
        return path.stem
    try:
        when, as_written, _ = _to_date(page_date, year, path, 0)
    except DigestParseError:  # not a calendar date in that year: keep it as written
        return page_date
    return as_written if pd.isna(when) else when.strftime("%Y-%m-%d")  # type: ignore[attr-defined]


def page_columns(page: str, path: Path, year: int | None) -> dict[str, list]:
    """The :data:`~digest_utils.parse.schema.COLUMNS` of one page's text, read from ``path``.

    Raises:
        DigestParseError: The text is empty, HTML, or not a Daily Papers page (names the line).
    """
    _check_page(page, path)
    entries, page_date = _parse_text(page, path)
    label = _page_label(page_date, year, path)
    rows = []
    for e in entries:
        when, text, up = (
            (pd.NaT, None, None)
            if e.published is None
            else _to_date(e.published, year, path, e.date_lineno)
        )
        rows.append(
            {
                "line": e.lineno,
                "title": e.title,
                "abstract": e.abstract,
                "authors": e.authors,
                "organization": e.org,
                "published": when,
                "published_text": text,
                "upvotes": up,
                "digest_date_text": page_date,
                "digest_label": label,
            }
        )
    return columns(path, rows)


def read_page(path: Path, year: int | None = None) -> dict[str, list]:
    """Read one page saved as text (UTF-8 or UTF-16) into column lists (a reader).

    Args:
        path: The file.
        year: Year to assume for dates written without one (``Sep 20``); ``None`` leaves
            them ``NaT`` in ``published`` (the text stays in ``published_text``).

    Raises:
        DigestInputError: The file is missing or unreadable.
        DigestParseError: The file is binary, not UTF-8/UTF-16, empty, HTML, or not a Daily
            Papers page (a title without abstract, metadata without a paper, ...).
    """
    return page_columns(decode_file(path), path, year)
