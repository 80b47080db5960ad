"""Load digests: the reader of each file by its extension, then one frame for them all.

:data:`READERS` maps a file extension to the function that reads such a file into column
lists (see :func:`~digest_utils.parse.schema.columns`); a folder contributes the files of every
extension listed. A ``.txt`` file holding API JSON (a saved answer of the API) is read as JSON.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Literal

import pandas as pd

from digest_utils.errors import DigestError, DigestInputError, DigestWarning
from digest_utils.parse.api_json import json_columns, json_text_columns
from digest_utils.parse.schema import COLUMNS, decode_file, frame
from digest_utils.parse.text import page_columns

__all__ = ["READERS", "Reader", "digest_summary", "load_digest", "load_digests"]

#: A reader: ``(path, year) -> {column: values}``, a list for every name in ``COLUMNS``, one
#: value per paper entry of the file (``year``: for dates written without one).
Reader = Callable[[Path, int | None], dict[str, list]]

# A saved page never starts like this; API JSON does ("[Re] ..." titles do not match).
_JSON_START = re.compile(r"\s*(\{|\[\s*[\{\]])")


def _text_or_json(path: Path, year: int | None) -> dict[str, list]:
    """Read a ``.txt`` file: a page saved as text, or API JSON saved under that name."""
    page = decode_file(path)
    if _JSON_START.match(page):
        return json_text_columns(page, path)
    return page_columns(page, path, year)


#: Readers by file extension. A new digest format is a module with a :data:`Reader` and one
#: line here; a folder contributes the files of every extension listed, and a file named
#: explicitly with another extension is read as ``.txt``.
READERS: dict[str, Reader] = {
    ".txt": _text_or_json,
    ".json": json_columns,
    ".jsonl": json_columns,
}


def _columns(path: Path, year: int | None) -> dict[str, list]:
    """Read one file with the reader of its extension (one frame is built per public call).

    Raises:
        TypeError: The reader did not return exactly the names of ``COLUMNS`` (its bug).
    """
    reader = READERS.get(path.suffix.lower(), _text_or_json)
    cols = reader(path, year)
    if set(cols) != set(COLUMNS):
        missing = [c for c in COLUMNS if c not in cols]
        unexpected = sorted(set(cols) - set(COLUMNS))
        name = f"{getattr(reader, '__module__', '')}.{getattr(reader, '__qualname__', reader)}"
        raise TypeError(
            f"expected the reader {name} to return every name in COLUMNS, "
            f"got {len(missing)} missing {missing} and unexpected {unexpected}"
        )
    return cols


def load_digest(path: str | Path, *, year: int | None = None) -> pd.DataFrame:
    """Load one digest file: one row per paper entry, in file order.

    Args:
        path: A Daily Papers page saved as text (UTF-8 or UTF-16), or Daily Papers API records
            as ``.json`` (an array) or ``.jsonl`` (one record per line); see
            :mod:`digest_utils.parse.api_json` for how records fill the columns.
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
    return frame(_columns(Path(path), year))


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
    df = frame(cols)
    df.attrs["skipped"] = skipped
    return df


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
