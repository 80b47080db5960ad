"""The theme catalogue: read and validate ``themes.toml`` into :class:`Catalogue`.

A catalogue holds the themes (id, name, description, ``terms``, and optional ``requires``,
``concepts``, ``excludes`` and ``bias``), the ``[scoring]`` weights of
:mod:`digest_utils.themes.scoring` and the optional ``[examples]`` (labelled papers the
``exemplar`` feature compares with, see :mod:`digest_utils.themes.exemplars`). The file's header
documents the term syntax; a theme added to the file works with no code change. The types
themselves (``Theme``, ``Catalogue``) live in :mod:`digest_utils.themes.types`.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from digest_utils import config
from digest_utils.errors import CatalogueError
from digest_utils.themes.types import FEATURES, Catalogue, Theme

__all__ = ["load_catalogue", "term_pattern"]

_ID = re.compile(r"[a-z][a-z0-9_]*")


def term_pattern(term: str) -> str:
    """Regex for one catalogue term (see the catalogue's header for the mini-syntax)."""
    if term.startswith("re:"):
        return term[3:]
    parts = []
    for w in re.split(r"[\s\-]+", term.strip()):
        piece = r"\w*".join(re.escape(chunk) for chunk in w.split("*"))
        # an uppercase letter after a word's first marks a name (CLIP, NeRF, LoRA): kept as
        # written; a capital only at the start ("Gaussian") is spelling, so any case matches
        parts.append(piece if any(c.isupper() for c in w[1:]) else f"(?i:{piece})")
    body = r"[\s\-]+".join(parts)
    return rf"(?<!\w){body}(?!\w)"


def load_catalogue(path: str | Path | None = None) -> Catalogue:
    """Read and validate a theme catalogue.

    Args:
        path: A ``themes.toml``; default :func:`digest_utils.config.themes_path`
            (``$DIGEST_THEMES`` or ``themes.toml`` at the repository root).

    Returns:
        The :class:`Catalogue`. Its ``example_labels`` and ``example_digests`` are the
        ``[examples]`` ``labels`` and ``digests`` paths, resolved against the file's folder.

    Raises:
        CatalogueError: The file is missing, is not valid TOML, ``[scoring]`` lacks a weight
            (a file without ``[scoring]`` uses the shipped catalogue's), or
            a theme lacks a field, repeats an id, or has a term that is not a valid pattern, or
            ``[examples]`` is not lists of paths; the message names the file and the theme.
    """
    path = Path(path) if path else config.themes_path()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CatalogueError("theme catalogue not found", path=path) from None
    except tomllib.TOMLDecodeError as exc:
        raise CatalogueError(f"not valid TOML ({exc})", path=path) from None
    scoring = data.get("scoring", {})
    shipped = config.REPO_ROOT / "themes.toml"
    if "scoring" not in data and path.resolve() != shipped.resolve() and shipped.exists():
        # a file of the user's own themes only: the shipped weights (its themes have no bias)
        scoring = tomllib.loads(shipped.read_text(encoding="utf-8")).get("scoring", {})
    missing = [k for k in ["intercept", "threshold", *FEATURES] if k not in scoring]
    if missing:
        raise CatalogueError(f"[scoring] lacks {', '.join(missing)}", path=path)
    themes: list[Theme] = []
    for i, raw in enumerate(data.get("theme", []), 1):
        theme = _theme(raw, path=path, index=i)
        if theme.id in {t.id for t in themes}:
            raise CatalogueError(
                f"id {theme.id!r} appears twice", path=path, theme=theme.id, index=i
            )
        themes.append(theme)
    if not themes:
        raise CatalogueError("expected at least one [[theme]] block", path=path)
    return Catalogue(
        themes=tuple(themes),
        weights={f: float(scoring[f]) for f in FEATURES},
        intercept=float(scoring["intercept"]),
        threshold=float(scoring["threshold"]),
        path=str(path),
        example_labels=_paths(data, "labels", path),
        example_digests=_paths(data, "digests", path),
    )


def _paths(data: dict[str, Any], key: str, path: Path) -> tuple[Path, ...]:
    """``[examples]`` ``key``: a list of paths relative to the catalogue's folder."""
    value = data.get("examples", {}).get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise CatalogueError(f"[examples] {key} must be a list of paths (got {value!r})", path=path)
    return tuple((path.parent / v).resolve() for v in value)


def _theme(raw: dict[str, Any], *, path: Path, index: int) -> Theme:
    """Validate one ``[[theme]]`` block and compile its patterns."""

    def error(message: str) -> CatalogueError:
        return CatalogueError(message, path=path, theme=raw.get("id"), index=index)

    for key in ("id", "name", "description", "terms"):
        if not raw.get(key):
            raise error(f"expected a non-empty {key!r}")
    if not _ID.fullmatch(raw["id"]):
        raise error(f"id must be lowercase letters, digits and '_' (got {raw['id']!r})")
    requires = tuple(tuple(g) for g in raw.get("requires", []))
    concepts = _concept_sets(raw.get("concepts", []))
    if concepts is None:
        raise error("'concepts' must be a list of term groups, or a list of such lists")
    excludes = tuple(raw.get("excludes", []))
    try:
        patterns = tuple(re.compile(term_pattern(t)) for t in raw["terms"])
        gates = tuple(_group(g) for g in requires)
        concept_patterns = tuple(tuple(_group(g) for g in groups) for groups in concepts)
        exclude_pattern = _group(excludes) if excludes else None
    except re.error as exc:
        raise error(f"a term is not a valid pattern ({exc})") from None
    return Theme(
        id=raw["id"],
        name=raw["name"],
        description=" ".join(raw["description"].split()),
        terms=tuple(raw["terms"]),
        requires=requires,
        concepts=concepts,
        excludes=excludes,
        bias=float(raw.get("bias", 0.0)),
        fitted="bias" in raw,
        _patterns=patterns,
        _gates=gates,
        _concepts=concept_patterns,
        _excludes=exclude_pattern,
    )


def _concept_sets(raw: object) -> tuple[tuple[tuple[str, ...], ...], ...] | None:
    """``concepts`` as sets of term groups: one set (a list of groups) or a list of sets.

    Returns ``None`` when ``raw`` is neither.
    """

    def is_group(g: object) -> bool:
        return isinstance(g, list) and bool(g) and all(isinstance(t, str) for t in g)

    if not isinstance(raw, list) or not raw:
        return () if raw in ([], None) else None
    if all(is_group(g) for g in raw):
        return (tuple(tuple(g) for g in raw),)
    if all(isinstance(cs, list) and cs and all(is_group(g) for g in cs) for cs in raw):
        return tuple(tuple(tuple(g) for g in cs) for cs in raw)
    return None


def _group(terms: tuple[str, ...]) -> re.Pattern:
    return re.compile("|".join(f"(?:{term_pattern(t)})" for t in terms))
