"""Read Hugging Face Daily Papers digests into a DataFrame: pages saved as text, or API JSON.

A reader per file extension (:data:`READERS`) turns one file into the :data:`COLUMNS`:
``.txt`` pages here, ``.json``/``.jsonl`` Daily Papers API records in
:mod:`digest_utils.parse_json`. :func:`dedupe` then merges the copies of each paper.

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
    "digest_label",
    "arxiv_id",
    "url",
    "github",
    "keywords",
]

#: Columns only JSON digests fill (text digests leave them NA).
JSON_COLUMNS = ["arxiv_id", "url", "github", "keywords"]

_DTYPES = {
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
    "digest_label": "string",
    "arxiv_id": "string",
    "url": "string",
    "github": "string",
    "keywords": "object",
}

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


_UTF16_BOMS = {b"\xff\xfe": "utf-16", b"\xfe\xff": "utf-16"}


def _utf16_codec(data: bytes) -> str | None:
    """The UTF-16 codec of ``data`` (by its byte-order mark, or NULs in every other byte)."""
    if data[:2] in _UTF16_BOMS:
        return _UTF16_BOMS[data[:2]]
    head = data[:400]
    if len(head) >= 4 and len(head) % 2 == 0:
        if head[1::2].count(0) >= 0.9 * len(head) / 2:
            return "utf-16-le"
        if head[0::2].count(0) >= 0.9 * len(head) / 2:
            return "utf-16-be"
    return None


def decode_file(path: Path) -> str:
    """Read a file as text: UTF-8 (with or without BOM), or UTF-16 (Windows' "Unicode").

    Raises:
        DigestInputError: The file is missing or unreadable.
        DigestParseError: The bytes are binary or neither UTF-8 nor UTF-16 (names the line).
    """
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise DigestInputError("no such file", path=path) from None
    except IsADirectoryError:
        raise DigestInputError("is a folder; pass it to load_digests()", path=path) from None
    except OSError as exc:
        raise DigestInputError(f"cannot be read ({exc.strerror})", path=path) from None
    codec = _utf16_codec(data)
    if codec is not None:
        try:
            return data.decode(codec).lstrip("\ufeff")
        except UnicodeDecodeError:
            raise DigestParseError(
                "expected UTF-8 text, found UTF-16 that does not decode; re-save it as UTF-8",
                path=path,
            ) from None
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
    return text


def _read_text(path: Path) -> str:
    """Read a saved page as text, rejecting empty, binary, non-UTF-8 and HTML input."""
    text = decode_file(path)
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
    return df.astype(_DTYPES)


# A saved page never starts like this; API JSON does ("[Re] ..." titles do not match).
_JSON_START = re.compile(r"\s*(\{|\[\s*[\{\]])")


def _page_label(page_date: str | None, year: int | None, path: Path) -> str:
    """A text digest's label: its ISO date when its year is known, else its date, else its stem."""
    if page_date is None:
        return path.stem
    try:
        when, as_written, _ = _to_date(page_date, year, path, 0)
    except DigestParseError:  # not a calendar date in that year: keep it as written
        return page_date
    return as_written if pd.isna(when) else when.strftime("%Y-%m-%d")  # type: ignore[attr-defined]


def _text_columns(path: Path, year: int | None) -> dict[str, list]:
    """Parse one saved page (text) into column lists; API JSON saved as ``.txt`` is read as JSON."""
    page = _read_text(path)
    if _JSON_START.match(page):
        from digest_utils.parse_json import json_text_columns

        return json_text_columns(page, path)
    entries, page_date = _parse_text(page, path)
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
        "digest_label": [_page_label(page_date, year, path)] * n,
        **{c: [None] * n for c in JSON_COLUMNS},
    }


def _json_columns(path: Path, year: int | None) -> dict[str, list]:
    """Read Daily Papers API records (see :mod:`digest_utils.parse_json`)."""
    from digest_utils.parse_json import json_columns

    return json_columns(path, year)


#: Readers by file extension: each turns one file into lists for every name in :data:`COLUMNS`.
#: A new digest format is a new reader here; a folder contributes the files of every extension
#: listed, and a file named explicitly with another extension is read as text.
READERS: dict[str, Callable[[Path, int | None], dict[str, list]]] = {
    ".txt": _text_columns,
    ".json": _json_columns,
    ".jsonl": _json_columns,
}


def _columns(path: Path, year: int | None) -> dict[str, list]:
    """Parse one file with the reader of its extension (one frame is built per public call)."""
    return READERS.get(path.suffix.lower(), _text_columns)(path, year)


def load_digest(path: str | Path, *, year: int | None = None) -> pd.DataFrame:
    """Load one digest file: one row per paper entry, in file order.

    Args:
        path: A Daily Papers page saved as text (UTF-8 or UTF-16), or Daily Papers API records
            as ``.json`` (an array) or ``.jsonl`` (one record per line); see
            :mod:`digest_utils.parse_json` for how records fill the columns.
        year: Year to assume for dates written without one (``Sep 20``). When ``None`` such
            dates give ``NaT`` in ``published``; the text is kept in ``published_text``.

    Returns:
        DataFrame with columns ``digest`` (string, file stem), ``position`` (int64, 1-based
        within the digest), ``line`` (int64, 1-based line of the title), ``title``,
        ``abstract`` (string), ``authors`` (Int64, NA if absent), ``organization`` (string, NA
        if absent), ``published`` (datetime64[ns], NaT if absent or no year known),
        ``published_text`` (string, the date as written, NA if absent), ``upvotes`` (Int64,
        NA if absent), ``digest_date_text`` (string, the page's own date header, NA if none),
        ``paper_id`` (string, see :func:`paper_id`), ``digest_label`` (string: the digest's
        date as ``YYYY-MM-DD`` when known, else its date as written, else the file stem), and
        the columns only JSON digests fill, NA for text: ``arxiv_id``, ``url`` (the paper's
        page on the Hub), ``github`` (string) and ``keywords`` (object: list of str).

    Raises:
        DigestInputError: The path does not exist or cannot be read.
        DigestParseError: The text is not a Daily Papers page (empty, binary, HTML, a title
            without abstract, metadata without a paper, ...), or the JSON is malformed or not
            Daily Papers records; names the file and line.

    Example:
        >>> df = load_digest("seeds/001_36498add99c7ff1f.txt")  # doctest: +SKIP
        >>> df[["title", "authors", "published_text"]].head(2)  # doctest: +SKIP
    """
    return _frame(_columns(Path(path), year))


def _expand(paths: Iterable[str | Path] | str | Path) -> list[Path]:
    """Expand files and folders (a folder means its files with an extension in :data:`READERS`)."""
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
        paths: Files and/or folders; a folder means its ``.txt``, ``.json`` and ``.jsonl``
            files (every extension in :data:`READERS`) sorted by name.
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


_META = ["authors", "organization", "published", "published_text", "upvotes", *JSON_COLUMNS]


def _filled(value: object) -> bool:
    """True for a value that is present (a list counts even though ``pd.notna`` cannot say)."""
    return isinstance(value, list) or bool(pd.notna(value))


def _paper_groups(paper_ids: list[str], arxiv_ids: list[str | None]) -> list[list[int]]:
    """Row numbers of each paper's copies, papers in order of first appearance.

    Two rows are one paper when they carry the same arXiv id, or when their ``paper_id``
    (normalised title) is equal and they do not carry two different arXiv ids. A row without
    an id joins the first paper of its title.
    """
    groups: list[list[int]] = []
    group_arxiv: list[str | None] = []
    by_arxiv: dict[str, int] = {}
    by_title: dict[str, list[int]] = {}  # paper_id -> the groups holding that title
    for row, (pid, aid) in enumerate(zip(paper_ids, arxiv_ids, strict=True)):
        g = by_arxiv.get(aid, -1) if aid is not None else -1
        if g < 0:
            titled = by_title.get(pid, [])
            g = next((t for t in titled if aid is None or group_arxiv[t] in (None, aid)), -1)
        if g < 0:
            g = len(groups)
            groups.append([])
            group_arxiv.append(None)
        groups[g].append(row)
        if g not in by_title.setdefault(pid, []):
            by_title[pid].append(g)
        if aid is not None and group_arxiv[g] is None:
            group_arxiv[g], by_arxiv[aid] = aid, g
    return groups


def _merged_row(records: list[dict], rows: list[int], richness: list[int]) -> dict:
    """The richest copy of a paper, its empty metadata filled from the other copies."""
    order = sorted(rows, key=lambda r: (-richness[r], r))
    kept = dict(records[order[0]])
    for col in _META:
        if not _filled(kept[col]):
            kept[col] = next(
                (records[r][col] for r in order[1:] if _filled(records[r][col])), kept[col]
            )
    kept["digests"] = list(dict.fromkeys(records[r]["digest"] for r in rows))
    return kept


def dedupe(entries: pd.DataFrame) -> pd.DataFrame:
    """Collapse the copies of each paper into one row.

    Copies are matched by arXiv id when both carry one, else by ``paper_id`` (the normalised
    title), so a paper seen in a text digest and in a JSON digest is one paper. Of the copies,
    the one with the most metadata fields filled (authors, organization, published,
    published_text, upvotes, arxiv_id, url, github, keywords) is kept, ties keeping the
    earliest; its empty metadata fields are then filled from the other copies, richest first.
    Rows keep the order of each paper's first appearance.

    ``paper_id`` stays the join key: it is the kept copy's. Should two papers with different
    arXiv ids share a normalised title, the later one's ``paper_id`` is derived from its arXiv
    id instead (``paper_id("arxiv " + id)``), so that it stays unique.

    Args:
        entries: Output of :func:`load_digests` (frames without the JSON columns work too).

    Returns:
        The kept rows with the input's columns plus ``digests`` (list of digest stems the paper
        appears in, in input order, without repeats) and ``n_digests`` (int64).
    """
    df = entries.reset_index(drop=True)
    for col in (c for c in _META if c not in df.columns):
        df[col] = pd.Series([None] * len(df), dtype=_DTYPES[col])
    records = df.to_dict("records")
    richness = [sum(_filled(rec[c]) for c in _META) for rec in records]
    arxiv = [None if pd.isna(a) else str(a) for a in df["arxiv_id"]]
    groups = _paper_groups(df["paper_id"].tolist(), arxiv)
    out = pd.DataFrame(
        [_merged_row(records, g, richness) for g in groups], columns=[*df.columns, "digests"]
    )
    out = out.astype({c: t for c, t in df.dtypes.items() if c != "keywords"})
    seen: set[str] = set()
    for i, (pid, aid) in enumerate(zip(out["paper_id"], out["arxiv_id"], strict=True)):
        if pid in seen and pd.notna(aid):
            out.loc[i, "paper_id"] = paper_id(f"arxiv {aid}")
        seen.add(out.at[i, "paper_id"])
    out["n_digests"] = out["digests"].map(len).astype("int64")
    out = out[[c for c in out.columns if c in entries.columns or c in ("digests", "n_digests")]]
    out.attrs = dict(entries.attrs)
    return out


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
