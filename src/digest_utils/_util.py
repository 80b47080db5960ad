"""Small helpers every stage shares: the column check and the atomic file write.

They live here, once, so that each stage checks its input frames and writes its cache files
the same way.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from digest_utils.errors import ColumnsError

__all__ = ["atomic_write", "require_columns"]


def require_columns(df: object, columns: Sequence[str], *, where: str) -> None:
    """Raise :class:`ColumnsError` unless ``df`` is a DataFrame holding every column in ``columns``.

    Args:
        df: The frame to check (anything else raises, naming its type).
        columns: Columns that must be present.
        where: Who needs them, for the message: ``"<function>: <argument>"``.

    Raises:
        ColumnsError: Names the missing columns, those expected and those that arrived.

    Example:
        >>> require_columns(pd.DataFrame({"a": [1]}), ["a", "b"], where="f: papers")
        Traceback (most recent call last):
        ...
        digest_utils.errors.ColumnsError: f: papers lacks column(s) 'b'; expected 'a', 'b' (got columns: a)
    """  # noqa: E501
    function, _, name = where.rpartition(": ")
    if not isinstance(df, pd.DataFrame):
        raise ColumnsError(
            f"expected {name} to be a pandas DataFrame (got {type(df).__name__})",
            where=function or where,
            missing=list(columns),
            got=[],
        )
    missing = [c for c in columns if c not in df.columns]
    if missing:
        got = [str(c) for c in df.columns]
        got_text = ", ".join(got[:12]) + (", ..." if len(got) > 12 else "")
        raise ColumnsError(
            f"{name} lacks column(s) {', '.join(map(repr, missing))}; expected "
            f"{', '.join(map(repr, columns))} (got columns: {got_text or 'none'})",
            where=function or where,
            missing=missing,
            got=got,
        )


def atomic_write(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never half.

    The bytes go to a temporary file in the same folder (created if missing), which then
    replaces ``path`` in one step. Two writers never share a temporary file.

    Returns:
        ``path`` as a :class:`~pathlib.Path`.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
