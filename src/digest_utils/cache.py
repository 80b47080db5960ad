"""The on-disk vector store: one SQLite file that keeps every finished batch.

Why SQLite (from the standard library) and not one ``.npz`` per model, as before: the ``.npz``
was rewritten only after *all* missing texts were embedded, so an interrupted 25-minute run kept
nothing, and two processes sharing it lost each other's vectors (last writer wins). SQLite gives,
with no new dependency:

* **a commit per batch**: vectors persist as batches finish, so an interrupted run resumes
  where it stopped;
* **concurrent writers lose nothing**: each batch is one short transaction of
  ``INSERT OR IGNORE`` rows; a writer waits for another's lock (``busy_timeout``) instead of
  overwriting its file;
* **readers never block** (write-ahead log): ``digest-topics cache info`` runs while another
  process embeds and counts the vectors stored so far.

Each row is ``(model, key, vector, crc)``: ``key`` hashes model id and text, ``vector`` is the
float32 bytes and ``crc`` their CRC-32, so a damaged row is detected, never returned. A file that
is not a readable SQLite database (truncated, overwritten) or a row whose checksum fails gives a
:class:`~digest_utils.errors.CacheWarning` naming the file; the file is moved aside (``*.corrupt``)
and rebuilt, and the vectors are computed again.

The store also keeps per-paper theme evidence (table ``features``, see
:func:`digest_utils.themes.features.theme_features`), keyed the same way by what it depends on.
"""

from __future__ import annotations

import json
import sqlite3
import warnings
import zlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import closing, contextmanager
from pathlib import Path

import numpy as np

from digest_utils import config
from digest_utils.errors import CacheWarning

__all__ = [
    "CACHE_FILE",
    "clear",
    "info",
    "open_store",
    "read_values",
    "read_vectors",
    "write_values",
    "write_vectors",
]

#: The store's file name inside the cache folder.
CACHE_FILE = "cache.sqlite"

#: Seconds a writer waits for another process's transaction before failing.
BUSY_TIMEOUT = 120.0

_SCHEMA = """
CREATE TABLE IF NOT EXISTS vectors (
    model TEXT NOT NULL, key TEXT NOT NULL, vector BLOB NOT NULL, crc INTEGER NOT NULL,
    PRIMARY KEY (model, key));
CREATE TABLE IF NOT EXISTS features (
    scope TEXT NOT NULL, key TEXT NOT NULL, value BLOB NOT NULL, crc INTEGER NOT NULL,
    PRIMARY KEY (scope, key));
"""


def store_path(cache_dir: str | Path | None = None) -> Path:
    """The store file: ``<cache_dir>/cache.sqlite`` (default :func:`config.cache_dir`)."""
    return (Path(cache_dir) if cache_dir else config.cache_dir()) / CACHE_FILE


def _connect(path: Path) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(path, timeout=BUSY_TIMEOUT, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=NORMAL")
    con.executescript(_SCHEMA)
    return con


def _set_aside(path: Path, reason: str) -> None:
    """Warn that ``path`` is damaged and move it (and its WAL files) aside for a rebuild."""
    warnings.warn(
        CacheWarning(
            f"the cache is damaged ({reason}); moved it to {path.name}.corrupt and rebuilding "
            "it (vectors are computed again)",
            path=path,
        ),
        stacklevel=3,
    )
    path.replace(path.with_name(path.name + ".corrupt"))
    for suffix in ("-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)


def _damage(path: Path) -> str | None:
    """Why ``path`` is not a whole SQLite file (cheap header checks), or ``None``.

    SQLite's header holds the page size and count; a file shorter than they say was truncated.
    """
    if not path.exists() or path.stat().st_size == 0:
        return None
    with path.open("rb") as f:
        header = f.read(100)
    if len(header) < 100 or not header.startswith(b"SQLite format 3\x00"):
        return "not an SQLite database"
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    valid = header[24:28] == header[92:96]  # the page count is current
    if valid and path.stat().st_size < page_size * pages:
        return f"truncated: {path.stat().st_size} of {page_size * pages} bytes"
    return None


@contextmanager
def open_store(cache_dir: str | Path | None = None) -> Iterator[sqlite3.Connection]:
    """Open the store (created when missing); a damaged file is set aside and rebuilt.

    Yields:
        A connection in autocommit mode: each ``with con:`` block is one transaction.
    """
    path = store_path(cache_dir)
    reason = _damage(path)
    if reason:
        _set_aside(path, reason)
    try:
        con = _connect(path)
        con.execute("SELECT count(*) FROM vectors WHERE model = ''").fetchone()
    except sqlite3.DatabaseError as exc:
        if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
            raise
        _set_aside(path, str(exc))
        con = _connect(path)
    with closing(con):
        yield con


def _checked(rows: Iterable[tuple[str, bytes, int]]) -> tuple[dict[str, bytes], list[str]]:
    """Split rows into good ``{key: blob}`` and the keys whose checksum fails."""
    good, bad = {}, []
    for key, blob, crc in rows:
        if zlib.crc32(blob) == crc:
            good[key] = blob
        else:
            bad.append(key)
    return good, bad


def _select(con: sqlite3.Connection, sql: str, scope: str, keys: Sequence[str]) -> list:
    """Rows of ``sql`` (``... WHERE <scope column> = ? AND key IN ({marks})``) for ``keys``.

    Asked in chunks of 900 keys: SQLite limits the number of bound parameters.
    """
    wanted = list(dict.fromkeys(keys))
    rows = []
    for start in range(0, len(wanted), 900):
        chunk = wanted[start : start + 900]
        marks = ",".join("?" * len(chunk))
        rows += con.execute(sql.format(marks=marks), [scope, *chunk]).fetchall()
    return rows


def read_vectors(con: sqlite3.Connection, model: str, keys: Sequence[str]) -> dict[str, np.ndarray]:
    """Return the stored vectors among ``keys``; a damaged row is dropped (and recomputed)."""
    sql = "SELECT key, vector, crc FROM vectors WHERE model = ? AND key IN ({marks})"
    found, bad = _checked(_select(con, sql, model, keys))
    if bad:
        warnings.warn(
            CacheWarning(
                f"{len(bad)} cached vector(s) of {model!r} failed their checksum; "
                "computing them again",
                path=store_path_of(con),
            ),
            stacklevel=2,
        )
        with con:
            con.executemany(
                "DELETE FROM vectors WHERE model = ? AND key = ?", [(model, k) for k in bad]
            )
    return {k: np.frombuffer(v, dtype=np.float32) for k, v in found.items()}


def write_vectors(
    con: sqlite3.Connection, model: str, keys: Sequence[str], vectors: np.ndarray
) -> None:
    """Store one batch of vectors in one transaction (rows another process wrote are kept)."""
    rows = []
    for key, vec in zip(keys, np.asarray(vectors, dtype=np.float32), strict=True):
        blob = vec.tobytes()
        rows.append((model, key, blob, zlib.crc32(blob)))
    with con:
        con.executemany("INSERT OR IGNORE INTO vectors VALUES (?, ?, ?, ?)", rows)


def read_values(con: sqlite3.Connection, scope: str, keys: Sequence[str]) -> dict[str, dict]:
    """Return the stored JSON values of ``scope`` among ``keys`` (damaged rows are skipped)."""
    sql = "SELECT key, value, crc FROM features WHERE scope = ? AND key IN ({marks})"
    good, _ = _checked(_select(con, sql, scope, keys))  # a damaged row is computed again
    return {k: json.loads(v) for k, v in good.items()}


def write_values(
    con: sqlite3.Connection, scope: str, keys: Sequence[str], values: Sequence[dict]
) -> None:
    """Store JSON values of ``scope`` in one transaction (replacing a damaged row)."""
    rows = []
    for key, value in zip(keys, values, strict=True):
        blob = json.dumps(value).encode()
        rows.append((scope, key, blob, zlib.crc32(blob)))
    with con:
        con.executemany("INSERT OR REPLACE INTO features VALUES (?, ?, ?, ?)", rows)


def store_path_of(con: sqlite3.Connection) -> str:
    """The file behind a connection."""
    return str(con.execute("PRAGMA database_list").fetchone()[2])


def info(cache_dir: str | Path | None = None) -> list[dict[str, object]]:
    """One entry per model: ``model``, ``vectors`` (count) and ``bytes`` (vector bytes stored).

    Also one entry ``model="(theme evidence)"`` when per-paper theme evidence is stored, and the
    whole file's size is in each entry's ``file_bytes``. Safe while another process writes.
    """
    path = store_path(cache_dir)
    if not path.exists():
        return []
    with open_store(cache_dir) as con:
        rows = con.execute(
            "SELECT model, count(*), sum(length(vector)) FROM vectors GROUP BY model ORDER BY 1"
        ).fetchall()
        feats = con.execute("SELECT count(*), sum(length(value)) FROM features").fetchone()
    size = sum(
        p.stat().st_size
        for p in path.parent.glob(path.name + "*")
        if not p.name.endswith("corrupt")
    )
    out: list[dict[str, object]] = [
        {"model": m, "vectors": int(n), "bytes": int(b or 0), "file_bytes": size}
        for m, n, b in rows
    ]
    if feats[0]:
        out.append(
            {
                "model": "(theme evidence)",
                "vectors": int(feats[0]),
                "bytes": int(feats[1] or 0),
                "file_bytes": size,
            }
        )
    return out


def clear(cache_dir: str | Path | None = None) -> int:
    """Empty the cache; return the number of entries removed.

    That is the store (vectors, theme evidence) and the cached topic and theme results
    (``topics/``, ``themes/``).
    """
    path = store_path(cache_dir)
    n = 0
    for folder in ("topics", "themes"):
        for file in (path.parent / folder).glob("*"):
            file.unlink()
            n += 1
    if not path.exists():
        return n
    with open_store(cache_dir) as con:
        with con:
            n += con.execute("DELETE FROM vectors").rowcount
            n += con.execute("DELETE FROM features").rowcount
        con.execute("VACUUM")
    return int(n)
