"""The theme catalogue: read and validate ``themes.toml`` into :class:`Catalogue`.

A catalogue holds the themes (id, name, description, ``terms``, and optional ``requires``,
``concepts``, ``excludes`` and ``bias``) and the ``[scoring]`` weights of
:mod:`digest_utils.themes.scoring`. The file's header documents the term syntax; a theme added to
the file works with no code change.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from digest_utils import config
from digest_utils.errors import CatalogueError
from digest_utils.themes.scoring import FEATURES, Weights

__all__ = ["Catalogue", "Theme", "load_catalogue", "term_pattern"]

_ID = re.compile(r"[a-z][a-z0-9_]*")


def term_pattern(term: str) -> str:
    """Regex for one catalogue term (see the catalogue's header for the mini-syntax)."""
    if term.startswith("re:"):
        return term[3:]
    words = re.split(r"[\s\-]+", term.strip())
    parts = []
    for w in words:
        piece = r"\w*".join(re.escape(chunk) for chunk in w.split("*"))
        parts.append(piece)
    body = r"[\s\-]+".join(parts)
    if not any(c.isupper() for c in term):
        body = f"(?i:{body})"
    return rf"(?<!\w){body}(?!\w)"


@dataclass(frozen=True)
class Theme:
    """One catalogue entry. ``terms``/``requires`` are compiled once, on load."""

    id: str
    name: str
    description: str
    terms: tuple[str, ...]
    requires: tuple[tuple[str, ...], ...] = ()
    concepts: tuple[tuple[str, ...], ...] = ()
    excludes: tuple[str, ...] = ()
    bias: float = 0.0
    _patterns: tuple[re.Pattern, ...] = field(default=(), repr=False, compare=False)
    _gates: tuple[re.Pattern, ...] = field(default=(), repr=False, compare=False)
    _concepts: tuple[re.Pattern, ...] = field(default=(), repr=False, compare=False)
    _excludes: re.Pattern | None = field(default=None, repr=False, compare=False)

    def matches(self, text: str) -> list[str]:
        """Return every term occurrence in ``text``, as found (hyphens as spaces).

        Case-insensitive terms are reported in lower case, so counts group naturally.
        """
        found = []
        for term, pat in zip(self.terms, self._patterns, strict=True):
            keep_case = any(c.isupper() for c in term)
            for m in pat.finditer(text):
                word = re.sub(r"[\s\-]+", " ", m.group(0))
                found.append(word if keep_case else word.lower())
        return found

    def gate(self, text: str) -> bool:
        """True when every ``requires`` group has a match in ``text``."""
        return all(g.search(text) for g in self._gates)

    def excluded(self, text: str) -> list[str]:
        """Return the ``excludes`` terms found in ``text`` (empty if none are defined)."""
        if self._excludes is None:
            return []
        return sorted({re.sub(r"[\s\-]+", " ", m.group(0)) for m in self._excludes.finditer(text)})

    def concept(self, sentences: list[str]) -> bool:
        """True when one sentence matches every ``concepts`` group (False if none defined)."""
        return bool(self._concepts) and any(
            all(c.search(s) for c in self._concepts) for s in sentences
        )


@dataclass(frozen=True)
class Catalogue:
    """The themes and the shared scoring weights read from a ``themes.toml``."""

    themes: tuple[Theme, ...]
    weights: dict[str, float]
    intercept: float
    threshold: float
    path: str = ""

    @property
    def ids(self) -> list[str]:
        """Theme ids in catalogue order."""
        return [t.id for t in self.themes]

    @property
    def biases(self) -> dict[str, float]:
        """Theme id -> fitted per-theme offset (0 for themes without one)."""
        return {t.id: t.bias for t in self.themes}

    @property
    def names(self) -> dict[str, str]:
        """Theme id -> display name, in catalogue order."""
        return {t.id: t.name for t in self.themes}

    @property
    def scoring(self) -> Weights:
        """The scoring parameters: shared weights, intercept, threshold and theme biases."""
        return Weights(dict(self.weights), self.intercept, self.threshold, self.biases)


def load_catalogue(path: str | Path | None = None) -> Catalogue:
    """Read and validate a theme catalogue.

    Args:
        path: A ``themes.toml``; default :func:`digest_utils.config.themes_path`
            (``$DIGEST_THEMES`` or ``themes.toml`` at the repository root).

    Returns:
        The :class:`Catalogue`.

    Raises:
        CatalogueError: The file is missing, is not valid TOML, ``[scoring]`` lacks a weight, or
            a theme lacks a field, repeats an id, or has a term that is not a valid pattern; the
            message names the file and the theme.
    """
    path = Path(path) if path else config.themes_path()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CatalogueError("theme catalogue not found", path=path) from None
    except tomllib.TOMLDecodeError as exc:
        raise CatalogueError(f"not valid TOML ({exc})", path=path) from None
    scoring = data.get("scoring", {})
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
    )


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
    concepts = tuple(tuple(g) for g in raw.get("concepts", []))
    excludes = tuple(raw.get("excludes", []))
    try:
        patterns = tuple(re.compile(term_pattern(t)) for t in raw["terms"])
        gates = tuple(_group(g) for g in requires)
        concept_patterns = tuple(_group(g) for g in concepts)
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
        _patterns=patterns,
        _gates=gates,
        _concepts=concept_patterns,
        _excludes=exclude_pattern,
    )


def _group(terms: tuple[str, ...]) -> re.Pattern:
    return re.compile("|".join(f"(?:{term_pattern(t)})" for t in terms))
