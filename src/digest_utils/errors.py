"""Every exception and warning digest_utils raises, in one place.

The tree::

    DigestError                     root: catch this to catch everything below
    ├── DigestInputError (OSError)  an input path is missing, unreadable or holds no digests
    ├── DigestParseError (ValueError)
    │                               a digest does not read as a Daily Papers page (file, line)
    ├── CatalogueError (ValueError) a theme catalogue (themes.toml) is missing or invalid
    ├── LabelsError (ValueError)    a labels file is missing or invalid (file, line, column)
    ├── ColumnsError (ValueError)   a DataFrame handed to a function lacks columns it needs
    ├── CorpusTooSmallError (ValueError)
    │                               too few papers to find topics
    ├── ModelError                  an embedding model cannot be loaded
    ├── OutputError (ValueError)    an output file cannot be written in the requested format
    ├── DateError (ValueError)      a --date, --week or --month value is not a valid date
    └── FetchError (OSError)        fetching Daily Papers failed: offline, unreachable, an
                                    HTTP error status, an unexpected answer, or no papers

    DigestWarning (UserWarning)     on_error="warn" skipped a bad digest file
    ├── CacheWarning                the on-disk cache was damaged: set aside and rebuilt (path)
    └── UnsafeLinkWarning           a link that is not http(s) was left out of a page (url)

Every error takes the message first and its context as keyword-only arguments, keeps that
context as attributes (``path``, ``lineno``, ``line``, ``theme``, ``column``, ...) and reads as
``location: message (got 'value')``, e.g.
``seeds/x.txt:41: expected an abstract after the title (got '• 3 authors')``. ``message`` holds
the text without the location. Subclasses also inherit the matching built-in, so callers can
catch ``ValueError`` or ``OSError`` as usual.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

__all__ = [
    "CacheWarning",
    "CatalogueError",
    "ColumnsError",
    "CorpusTooSmallError",
    "DateError",
    "DigestError",
    "DigestInputError",
    "DigestParseError",
    "DigestWarning",
    "FetchError",
    "LabelsError",
    "ModelError",
    "OutputError",
    "UnsafeLinkWarning",
]


def shorten(text: str, width: int = 60) -> str:
    """Return ``text`` cut to ``width`` characters, ending in "…" when cut."""
    return text if len(text) <= width else text[: width - 1] + "…"


class DigestError(Exception):
    """Root of every error raised by digest_utils.

    Attributes:
        message: What was expected (and what arrived), without the location.
        path: The file concerned, as a string, or ``None``.
        lineno: 1-based line in ``path``, or ``None`` when the problem concerns the whole file.
        line: The offending text as written, or ``None``.
    """

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        lineno: int | None = None,
        line: str | None = None,
    ) -> None:
        self.message = message
        self.path = None if path is None else str(path)
        self.lineno = lineno
        self.line = line
        super().__init__(str(self))

    def _where(self) -> str:
        """The location prefix (``path``, ``path:lineno``) or ``""``."""
        if self.path is None:
            return ""
        return self.path if self.lineno is None else f"{self.path}:{self.lineno}"

    def __str__(self) -> str:
        where = self._where()
        got = "" if self.line is None else f" (got {shorten(self.line)!r})"
        return f"{where}: {self.message}{got}" if where else f"{self.message}{got}"


class DigestInputError(DigestError, OSError):
    """An input path is missing, unreadable or holds no digests (``path`` is set)."""


class DigestParseError(DigestError, ValueError):
    """A digest file does not read as a Daily Papers page (``path``, ``lineno``, ``line``)."""


class CatalogueError(DigestError, ValueError):
    """A theme catalogue is missing or invalid.

    Attributes:
        theme: The id of the theme concerned (``None`` for the file as a whole, or when the
            block has no id).
        index: 1-based position of the theme's ``[[theme]]`` block, or ``None``.
    """

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        theme: str | None = None,
        index: int | None = None,
    ) -> None:
        self.theme = theme
        self.index = index
        super().__init__(message, path=path)

    def _where(self) -> str:
        where = super()._where()
        if self.index is not None:
            where += f": theme #{self.index} ({self.theme or 'no id'!r})"
        return where


class LabelsError(DigestError, ValueError):
    """A labels file is missing or invalid.

    Attributes:
        column: The column concerned, or ``None``.
    """

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        lineno: int | None = None,
        column: str | None = None,
    ) -> None:
        self.column = column
        super().__init__(message, path=path, lineno=lineno)


class ColumnsError(DigestError, ValueError):
    """A DataFrame lacks columns a function needs (see ``digest_utils._util.require_columns``).

    Attributes:
        where: The function (and argument) that needs the columns, e.g. ``"theme_sizes: flags"``.
        missing: The missing columns.
        got: The columns that arrived.
    """

    def __init__(
        self, message: str, *, where: str, missing: Sequence[str], got: Sequence[str]
    ) -> None:
        self.where = where
        self.missing = list(missing)
        self.got = list(got)
        super().__init__(message)

    def _where(self) -> str:
        return self.where


class CorpusTooSmallError(DigestError, ValueError):
    """Too few papers to cluster into topics.

    Attributes:
        n_papers: How many papers were given.
        needed: How many are needed (``config.MIN_PAPERS``).
    """

    def __init__(self, message: str | None = None, *, n_papers: int, needed: int) -> None:
        self.n_papers, self.needed = n_papers, needed
        super().__init__(
            message
            or f"need at least {needed} papers to find topics, got {n_papers}; add more digests"
        )


class ModelError(DigestError):
    """An embedding model cannot be loaded (``model`` names it)."""

    def __init__(self, message: str, *, model: str) -> None:
        self.model = model
        super().__init__(message)


class OutputError(DigestError, ValueError):
    """An output file cannot be written as asked (``path`` is set)."""


class DateError(DigestError, ValueError):
    """A date, ISO week or month given to ``fetch`` is malformed or impossible.

    Attributes:
        value: The value as given, e.g. ``"2024-13-01"``.
    """

    def __init__(self, message: str, *, value: str) -> None:
        self.value = value
        super().__init__(message)


class FetchError(DigestError, OSError):
    """Fetching Daily Papers from the Hub failed.

    Attributes:
        url: The endpoint or request concerned, or ``None``.
        status: The HTTP status code of an error answer, or ``None`` (no answer at all).
        day: The day being fetched (``YYYY-MM-DD``), or ``None``.
    """

    def __init__(
        self,
        message: str,
        *,
        url: str | None = None,
        status: int | None = None,
        day: str | None = None,
    ) -> None:
        self.url, self.status, self.day = url, status, day
        super().__init__(message)

    def _where(self) -> str:
        return self.day or ""


class DigestWarning(UserWarning):
    """Issued when ``on_error="warn"`` skips a bad digest file."""


class CacheWarning(DigestWarning):
    """The on-disk cache was damaged (truncated, overwritten, a failed checksum) and is rebuilt.

    Attributes:
        path: The cache file concerned.
    """

    def __init__(self, message: str, *, path: str | Path) -> None:
        self.message = message
        self.path = str(path)
        super().__init__(f"{self.path}: {message}")


class UnsafeLinkWarning(DigestWarning):
    """A URL from the data was not http(s) (``javascript:``, ``data:``, ...): no link was written.

    Attributes:
        url: The URL as given.
    """

    def __init__(self, message: str, *, url: str) -> None:
        self.message = message
        self.url = url
        super().__init__(message)
