"""What every digest reader produces: the columns, the paper id and the file's text.

The bottom of :mod:`digest_utils.parse`: the readers (:mod:`~digest_utils.parse.text`,
:mod:`~digest_utils.parse.api_json`) build their :data:`COLUMNS` with :func:`columns` from
text read by :func:`decode_file`; :mod:`~digest_utils.parse.load` turns them into a frame
(:func:`frame`). Nothing here knows a digest format.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from digest_utils.errors import DigestInputError, DigestParseError

__all__ = ["COLUMNS", "DTYPES", "JSON_COLUMNS", "columns", "decode_file", "frame", "paper_id"]

#: Column order of :func:`~digest_utils.parse.load_digest` / ``load_digests``.
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

#: The dtype of each column (documented in :func:`~digest_utils.parse.load_digest`).
DTYPES = {
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


def columns(path: Path, entries: Sequence[Mapping[str, object]]) -> dict[str, list]:
    """Column lists for every name in :data:`COLUMNS` from one mapping per entry of a file.

    What a reader returns. Each entry needs ``line`` (1-based line where it starts),
    ``title`` and ``abstract``. Filled in here: ``digest`` (the file stem), ``position``
    (1-based, in the given order), ``paper_id`` (:func:`paper_id` of the title) unless given,
    ``digest_label`` (the file stem) unless given; any other column left out is NA.

    Raises:
        ValueError: An entry names a column not in :data:`COLUMNS` (a reader's bug).
    """
    given = set().union(*entries)
    if unknown := given - set(COLUMNS):
        raise ValueError(f"expected only names of COLUMNS, got {sorted(unknown)}")
    n = len(entries)
    cols: dict[str, list] = {
        name: [entry.get(name) for entry in entries] if name in given else [None] * n
        for name in COLUMNS
    }
    cols["digest"] = [path.stem] * n
    cols["position"] = list(range(1, n + 1))
    cols["paper_id"] = [
        pid if pid is not None else paper_id(str(title))
        for pid, title in zip(cols["paper_id"], cols["title"], strict=True)
    ]
    cols["digest_label"] = [path.stem if d is None else d for d in cols["digest_label"]]
    return cols


def frame(cols: Mapping[str, list]) -> pd.DataFrame:
    """The DataFrame of column lists, in :data:`COLUMNS` order with the :data:`DTYPES`."""
    return pd.DataFrame(cols, columns=COLUMNS).astype(DTYPES)


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
