"""Read Hugging Face Daily Papers pages saved as plain text into a DataFrame.

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

import hashlib
import re
import unicodedata
import warnings
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import Literal

import pandas as pd

from digest_utils.errors import DigestError, DigestInputError, DigestParseError, DigestWarning

__all__ = [
    "COLUMNS",
    "READERS",
    "dedupe",
    "digest_summary",
    "load_digest",
    "load_digests",
    "paper_id",
]

#: Column order of :func:`load_digest` / :func:`load_digests`.
COLUMNS = [
    "digest",
    "position",
    "line",
    "title",
    "abstract",
    "authors",
    "organization",
    "published",
    "published_text",
    "upvotes",
    "digest_date_text",
    "paper_id",
]

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


def paper_id(title: str) -> str:
    """Return a stable 12-hex-digit id for a paper from its normalised title.

    Normalisation: Unicode NFKC, case-folded, every run of non-alphanumeric characters
    collapsed to one space. So ``"CLIP: Learning…"`` and ``"clip - learning…"`` share an id.

    Example:
        >>> paper_id("Attention Is All You Need") == paper_id("attention is all you need!")
        True
    """
    norm = unicodedata.normalize("NFKC", title).casefold()
    norm = " ".join(re.findall(r"[^\W_]+", norm))
    return hashlib.sha1(norm.encode("utf-8")).hexdigest()[:12]


def _read_text(path: Path) -> str:
    """Read a file as UTF-8 text, rejecting empty, binary, non-UTF-8 and HTML input."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise DigestInputError("no such file", path=path) from None
    except IsADirectoryError:
        raise DigestInputError("is a folder; pass it to load_digests()", path=path) from None
    except OSError as exc:
        raise DigestInputError(f"cannot be read ({exc.strerror})", path=path) from None
    nul = data.find(b"\x00")
    if nul >= 0:
        raise DigestParseError(
            "expected a text file, found binary data (NUL byte)",
            path=path,
            lineno=data.count(b"\n", 0, nul) + 1,
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        bad = data[exc.start : exc.start + 4]
        raise DigestParseError(
            f"expected UTF-8 text, found byte {bad[:1]!r}; re-save the page as UTF-8",
            path=path,
            lineno=data.count(b"\n", 0, exc.start) + 1,
        ) from None
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
    return text


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


def _frame(cols: dict[str, list]) -> pd.DataFrame:
    df = pd.DataFrame(cols, columns=COLUMNS)
    return df.astype(
        {
            "digest": "string",
            "position": "int64",
            "line": "int64",
            "title": "string",
            "abstract": "string",
            "authors": "Int64",
            "organization": "string",
            "published": "datetime64[ns]",
            "published_text": "string",
            "upvotes": "Int64",
            "digest_date_text": "string",
            "paper_id": "string",
        }
    )


def _text_columns(path: Path, year: int | None) -> dict[str, list]:
    """Parse one saved page (text) into column lists."""
    entries, page_date = _parse_text(_read_text(path), path)
    published, published_text, upvotes = [], [], []
    for e in entries:
        when, text, up = (
            (pd.NaT, None, None)
            if e.published is None
            else _to_date(e.published, year, path, e.date_lineno)
        )
        published.append(when)
        published_text.append(text)
        upvotes.append(up)
    n = len(entries)
    return {
        "digest": [path.stem] * n,
        "position": list(range(1, n + 1)),
        "line": [e.lineno for e in entries],
        "title": [e.title for e in entries],
        "abstract": [e.abstract for e in entries],
        "authors": [e.authors for e in entries],
        "organization": [e.org for e in entries],
        "published": published,
        "published_text": published_text,
        "upvotes": upvotes,
        "digest_date_text": [page_date] * n,
        "paper_id": [paper_id(e.title) for e in entries],
    }


#: Readers by file extension: each turns one file into lists for every name in :data:`COLUMNS`.
#: A new digest format is a new reader here; a folder contributes the files of every extension
#: listed, and a file named explicitly with another extension is read as text.
READERS: dict[str, Callable[[Path, int | None], dict[str, list]]] = {".txt": _text_columns}


def _columns(path: Path, year: int | None) -> dict[str, list]:
    """Parse one file with the reader of its extension (one frame is built per public call)."""
    return READERS.get(path.suffix.lower(), _text_columns)(path, year)


def load_digest(path: str | Path, *, year: int | None = None) -> pd.DataFrame:
    """Load one digest file: one row per paper entry, in file order.

    Args:
        path: A Daily Papers page saved as UTF-8 text.
        year: Year to assume for dates written without one (``Sep 20``). When ``None`` such
            dates give ``NaT`` in ``published``; the text is kept in ``published_text``.

    Returns:
        DataFrame with columns ``digest`` (string, file stem), ``position`` (int64, 1-based
        within the digest), ``line`` (int64, 1-based line of the title), ``title``,
        ``abstract`` (string), ``authors`` (Int64, NA if absent), ``organization`` (string, NA
        if absent), ``published`` (datetime64[ns], NaT if absent or no year known),
        ``published_text`` (string, the date as written, NA if absent), ``upvotes`` (Int64,
        NA if absent), ``digest_date_text`` (string, the page's own date header, NA if none)
        and ``paper_id`` (string, see :func:`paper_id`).

    Raises:
        DigestInputError: The path does not exist or cannot be read.
        DigestParseError: The text is not a Daily Papers page (empty, binary, HTML, a title
            without abstract, metadata without a paper, ...); names the file and line.

    Example:
        >>> df = load_digest("seeds/001_36498add99c7ff1f.txt")  # doctest: +SKIP
        >>> df[["title", "authors", "published_text"]].head(2)  # doctest: +SKIP
    """
    return _frame(_columns(Path(path), year))


def _expand(paths: Iterable[str | Path] | str | Path) -> list[Path]:
    """Expand files and folders (a folder means its ``*.txt`` files, sorted by name)."""
    if isinstance(paths, str | Path):
        paths = [paths]
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            found = sorted(
                f
                for f in p.iterdir()
                if f.suffix.lower() in READERS and f.is_file() and not f.name.startswith(".")
            )
            if not found:
                kinds = " or ".join(READERS)
                raise DigestInputError(f"folder holds no {kinds} digests", path=p)
            out.extend(found)
        elif not p.exists():
            raise DigestInputError("no such file or folder", path=p)
        else:
            out.append(p)
    unique: dict[Path, Path] = {}
    for p in out:
        unique.setdefault(p.resolve(), p)  # a file reached twice is read once, first place kept
    return list(unique.values())


def load_digests(
    paths: Iterable[str | Path] | str | Path,
    *,
    year: int | None = None,
    on_error: Literal["raise", "warn"] = "raise",
) -> pd.DataFrame:
    """Load several digests into one DataFrame (columns as in :func:`load_digest`).

    Args:
        paths: Files and/or folders; a folder means its ``*.txt`` files sorted by name.
            A file reached twice is read once.
        year: See :func:`load_digest`.
        on_error: ``"raise"`` (default) stops at the first bad file. ``"warn"`` issues a
            :class:`DigestWarning` with the same message, skips the file and records it in
            ``df.attrs["skipped"]`` as dicts with ``path``, ``lineno`` and ``message``.

    Returns:
        One row per paper entry, files in the given order, entries in file order.

    Raises:
        DigestInputError: A path is missing, or a folder holds no digest (no file with an
            extension in :data:`READERS`).
        DigestParseError: A file does not parse (only with ``on_error="raise"``).
        ValueError: ``on_error`` is neither ``"raise"`` nor ``"warn"``.
    """
    if on_error not in ("raise", "warn"):
        raise ValueError(f"on_error must be 'raise' or 'warn' (got {on_error!r})")
    cols: dict[str, list] = {c: [] for c in COLUMNS}
    skipped = []
    for p in _expand(paths):
        try:
            for name, values in _columns(p, year).items():
                cols[name].extend(values)
        except DigestError as exc:
            if on_error == "raise":
                raise
            warnings.warn(str(exc), DigestWarning, stacklevel=2)
            skipped.append(
                {"path": str(p), "lineno": getattr(exc, "lineno", None), "message": str(exc)}
            )
    df = _frame(cols)
    df.attrs["skipped"] = skipped
    return df


_META = ["authors", "organization", "published", "published_text", "upvotes"]


def dedupe(entries: pd.DataFrame) -> pd.DataFrame:
    """Collapse entries of the same paper (same ``paper_id``) into one row.

    Of the copies, the row with the most metadata fields filled (authors, organization,
    published, published_text, upvotes) is kept; ties keep the earliest. Rows keep the order
    of each paper's first appearance.

    Args:
        entries: Output of :func:`load_digests`.

    Returns:
        The kept rows with the input's columns plus ``digests`` (list of digest stems the paper
        appears in, in input order, without repeats) and ``n_digests`` (int64).
    """
    df = entries.reset_index(drop=True)
    richness = df[_META].notna().sum(axis=1).to_numpy()
    best: dict[str, int] = {}  # paper_id -> row kept; dict order = first appearance
    digests: dict[str, list[str]] = {}
    for row, (pid, digest) in enumerate(zip(df["paper_id"], df["digest"], strict=True)):
        if pid not in best:
            best[pid], digests[pid] = row, [digest]
            continue
        if richness[row] > richness[best[pid]]:
            best[pid] = row
        if digest not in digests[pid]:
            digests[pid].append(digest)
    out = df.iloc[list(best.values())].copy()
    out["digests"] = pd.Series(list(digests.values()), index=out.index, dtype=object)
    out["n_digests"] = out["digests"].map(len).astype("int64")
    out.attrs = dict(entries.attrs)
    return out.reset_index(drop=True)


def digest_summary(entries: pd.DataFrame) -> pd.DataFrame:
    """Per-digest counts of entries and of each metadata field present, plus a total row.

    Args:
        entries: Output of :func:`load_digests` (or of :func:`dedupe`).

    Returns:
        Indexed by digest (then ``total``): ``entries``, ``with_authors``, ``with_org``,
        ``with_date``, ``with_year`` (date with a known year), ``with_upvotes`` (int64) and
        ``page_date`` (the page's own date header, ``-`` if none).
    """
    g = entries.groupby("digest", sort=False)
    table = pd.DataFrame(
        {
            "entries": g.size(),
            "with_authors": g["authors"].count(),
            "with_org": g["organization"].count(),
            "with_date": g["published_text"].count(),
            "with_year": g["published"].count(),
            "with_upvotes": g["upvotes"].count(),
        }
    ).astype("int64")
    table["page_date"] = g["digest_date_text"].first().fillna("-").astype(object)
    table.loc["total"] = [*table.drop(columns="page_date").sum().tolist(), ""]
    table.index.name = "digest"
    return table
