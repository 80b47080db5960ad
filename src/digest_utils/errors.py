"""Exceptions raised by digest_utils.

Every exception derives from :class:`DigestError`; subclasses also inherit the matching
built-in so callers can catch ``ValueError`` or ``OSError`` as usual.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["DigestError", "DigestInputError", "DigestParseError", "DigestWarning"]


class DigestError(Exception):
    """Root of every error raised by digest_utils."""


class DigestInputError(DigestError, OSError):
    """An input path is missing, unreadable or holds no digests.

    Attributes:
        path: The offending path.
    """

    def __init__(self, path: str | Path, message: str) -> None:
        self.path = str(path)
        self.message = message
        super().__init__(f"{self.path}: {message}")

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class DigestParseError(DigestError, ValueError):
    """A digest file does not read as a Daily Papers page.

    Reads like ``seeds/x.txt:41: expected an abstract after the title (got '• 3 authors')``.

    Attributes:
        path: The file being parsed.
        lineno: 1-based line number of the problem, or ``None`` when it concerns the whole file.
        line: The offending line as written (``None`` when there is none).
        message: What was expected, without location.
    """

    def __init__(
        self,
        message: str,
        *,
        path: str | Path,
        lineno: int | None = None,
        line: str | None = None,
    ) -> None:
        self.message = message
        self.path = str(path)
        self.lineno = lineno
        self.line = line
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.path if self.lineno is None else f"{self.path}:{self.lineno}"
        got = "" if self.line is None else f" (got {_shorten(self.line)!r})"
        return f"{where}: {self.message}{got}"


class DigestWarning(UserWarning):
    """Issued when ``on_error="warn"`` skips a bad digest file."""


def _shorten(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
