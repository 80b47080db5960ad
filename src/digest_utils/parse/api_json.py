"""Read Daily Papers API records (``.json`` array or ``.jsonl`` lines): the JSON reader.

A record is one element of the answer of ``/api/daily_papers`` (what ``digest-topics fetch``
writes, one per line): the paper under ``paper`` (``id``, ``title``, ``summary``, ``authors``,
``publishedAt``, ``upvotes``, ``ai_keywords``, ``githubRepo``, ``organization``, ...) and the
listing's fields at the top level (``submittedOnDailyAt``, ``numComments``, ...). A bare paper
object (those fields at the top level, as ``/api/papers/{id}`` answers) reads the same way.

The columns of :data:`~digest_utils.parse.schema.COLUMNS`, filled as follows (a field is
looked up under ``paper`` first, then at the top level):

=================== =======================================================================
``digest``          file stem
``position``        1-based position of the record in its file
``line``            1-based line where the record starts
``title``           ``title``, whitespace runs collapsed to one space
``abstract``        ``summary``, likewise
``authors``         the number of ``authors``
``organization``    ``organization.fullname`` (else its ``name``, or the string given)
``published``       the UTC date of ``publishedAt``, with its year
``published_text``  that date as ``YYYY-MM-DD`` (the full timestamp stays in the file)
``upvotes``         ``upvotes``
``digest_date_text`` the digest's date ``YYYY-MM-DD``: the file stem when it is a date (as
                    ``fetch`` names files), else the UTC date of ``submittedOnDailyAt``
``paper_id``        :func:`~digest_utils.parse.schema.paper_id` of the title, as for text
                    digests, so the same paper in a text and a JSON digest shares it
``digest_label``    ``digest_date_text`` when known, else the file stem
``arxiv_id``        ``id``
``url``             the paper's page, ``config.PAPER_URL`` with the id
``github``          ``githubRepo``
``keywords``        ``ai_keywords`` (a list of str)
=================== =======================================================================

Every field of a record stays in the file; only these are read.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

import pandas as pd

from digest_utils import config
from digest_utils.errors import DigestParseError, shorten
from digest_utils.parse.schema import columns, decode_file

__all__ = ["json_columns", "json_text_columns"]

_EXPECTED = "Daily Papers API records (a JSON array, or one JSON object per line)"
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_BETWEEN = re.compile(r"[\s,]*")  # between array elements (the array is already validated)


def json_columns(path: Path, year: int | None = None) -> dict[str, list]:
    """Read a ``.json`` or ``.jsonl`` file of Daily Papers records into column lists.

    Args:
        path: The file (UTF-8 or UTF-16).
        year: Unused: API dates always carry their year (the argument matches the other readers).

    Raises:
        DigestInputError: The file is missing or unreadable.
        DigestParseError: Malformed JSON or JSON Lines (``file:line``), or JSON that is not
            Daily Papers records (what was expected and what was found).
    """
    return json_text_columns(decode_file(path), path)


def json_text_columns(text: str, path: Path) -> dict[str, list]:
    """Column lists of the Daily Papers records in ``text``, read from ``path``."""
    records = _records(text, path)
    if not records:
        raise DigestParseError(f"found no records; expected {_EXPECTED}", path=path)
    stem_day = path.stem if _is_day(path.stem) else None
    return columns(path, [_row(rec, lineno, path, stem_day) for lineno, rec in records])


def _records(text: str, path: Path) -> list[tuple[int, object]]:
    """``(line, value)`` for each top-level record, from a JSON array or JSON Lines."""
    stripped = text.lstrip()
    if not stripped:
        raise DigestParseError(f"file is empty; expected {_EXPECTED}", path=path)
    first_line = text[: len(text) - len(stripped)].count("\n") + 1
    if stripped[0] == "[":
        return _array(text, path)
    if stripped[0] != "{":
        line = stripped.split("\n", 1)[0].strip()
        raise DigestParseError(
            f"expected {_EXPECTED}, found text; a page saved as text should be named .txt",
            path=path,
            lineno=first_line,
            line=line,
        )
    return _lines(text, path)


def _array(text: str, path: Path) -> list[tuple[int, object]]:
    """The elements of a JSON array with the line each starts on."""
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        raise DigestParseError(
            f"malformed JSON: {exc.msg} (column {exc.colno})", path=path, lineno=exc.lineno
        ) from None
    decoder = json.JSONDecoder()
    out: list[tuple[int, object]] = []
    i, lineno = text.index("[") + 1, 1 + text.count("\n", 0, text.index("["))
    while True:
        j = _BETWEEN.match(text, i).end()  # type: ignore[union-attr]
        lineno += text.count("\n", i, j)
        if text[j] == "]":
            return out
        value, i = decoder.raw_decode(text, j)
        out.append((lineno, value))
        lineno += text.count("\n", j, i)


def _lines(text: str, path: Path) -> list[tuple[int, object]]:
    """One JSON value per non-blank line (JSON Lines); a single pretty-printed object too."""
    out = []
    for lineno, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            out.append((lineno, json.loads(line)))
        except json.JSONDecodeError as exc:
            if not out:  # perhaps one object spread over several lines
                try:
                    return [(lineno, json.loads(text))]
                except json.JSONDecodeError:
                    pass
            raise DigestParseError(
                f"malformed JSON Lines: {exc.msg} (column {exc.colno}); expected one JSON "
                "object per line",
                path=path,
                lineno=lineno,
                line=line.strip(),
            ) from None
    return out


def _is_day(text: str) -> bool:
    """True for a calendar date written ``YYYY-MM-DD``."""
    if not _ISO_DAY.fullmatch(text):
        return False
    try:
        datetime.strptime(text, "%Y-%m-%d")
    except ValueError:
        return False
    return True


def _not_a_record(value: object, path: Path, lineno: int) -> DigestParseError:
    """The error for a value that is not a Daily Papers record, saying what it is."""
    if isinstance(value, dict):
        keys = ", ".join(repr(k) for k in list(value)[:8]) or "none"
        found = f"an object with keys {keys}"
    else:
        found = f"a JSON {type(value).__name__.replace('str', 'string')}"
    return DigestParseError(
        "expected a Daily Papers record (an object with 'paper.title' and 'paper.summary', "
        f"or 'title' and 'summary'), found {shorten(found, 120)}",
        path=path,
        lineno=lineno,
    )


def _field(rec: dict, paper: dict, key: str) -> object:
    """``paper[key]``, else ``rec[key]``, else ``None``."""
    value = paper.get(key)
    return rec.get(key) if value is None else value


def _text(value: object) -> str | None:
    """A string with whitespace runs collapsed, or ``None`` for anything else or blank."""
    if not isinstance(value, str):
        return None
    return " ".join(value.split()) or None


def _utc(value: object, what: str, path: Path, lineno: int) -> datetime | None:
    """An ISO timestamp as a naive UTC datetime, ``None`` when absent."""
    if value is None:
        return None
    try:
        when = datetime.fromisoformat(str(value))
    except ValueError:
        raise DigestParseError(
            f"expected an ISO date in {what}", path=path, lineno=lineno, line=str(value)
        ) from None
    if when.tzinfo is not None:
        when = when.astimezone(UTC).replace(tzinfo=None)
    return when


def _organization(value: object) -> str | None:
    """The organisation's full name (or handle) from an object, or a string as given."""
    if isinstance(value, dict):
        return _text(value.get("fullname")) or _text(value.get("name"))
    return _text(value)


def _int(value: object) -> int | None:
    """An integer (not a bool), or ``None``."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _count(value: object) -> int | None:
    """The length of a list (of authors), an integer as given, or ``None``."""
    return len(value) if isinstance(value, list) else _int(value)


def _row(rec: object, lineno: int, path: Path, stem_day: str | None) -> dict[str, object]:
    """The columns of one record (all but digest and position), starting on line ``lineno``."""
    paper = rec.get("paper") if isinstance(rec, dict) else None
    paper = paper if isinstance(paper, dict) else rec
    if not isinstance(rec, dict) or not isinstance(paper, dict):
        raise _not_a_record(rec, path, lineno)
    title, abstract = _text(_field(rec, paper, "title")), _text(_field(rec, paper, "summary"))
    if title is None or abstract is None:
        raise _not_a_record(rec, path, lineno)
    published = _utc(_field(rec, paper, "publishedAt"), "paper.publishedAt", path, lineno)
    submitted = _utc(rec.get("submittedOnDailyAt"), "submittedOnDailyAt", path, lineno)
    day = stem_day or (submitted.strftime("%Y-%m-%d") if submitted else None)
    arxiv = _text(paper.get("id"))
    keywords = _field(rec, paper, "ai_keywords")
    return {
        "line": lineno,
        "title": title,
        "abstract": abstract,
        "authors": _count(_field(rec, paper, "authors")),
        "organization": _organization(_field(rec, paper, "organization")),
        "published": pd.NaT if published is None else pd.Timestamp(published).normalize(),
        "published_text": None if published is None else published.strftime("%Y-%m-%d"),
        "upvotes": _int(_field(rec, paper, "upvotes")),
        "digest_date_text": day,
        "digest_label": day or path.stem,
        "arxiv_id": arxiv,
        "url": None if arxiv is None else config.PAPER_URL.format(arxiv_id=quote(arxiv, safe="")),
        "github": _text(_field(rec, paper, "githubRepo")),
        "keywords": [k for k in keywords if isinstance(k, str)]
        if isinstance(keywords, list)
        else None,
    }
