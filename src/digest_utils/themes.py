"""Named, multi-label research themes from an editable catalogue (``themes.toml``).

Each (paper, theme) pair gets the same small set of evidence features:

* ``title_hit`` — a theme term occurs in the title, or the title matches every ``concepts``
  group;
* ``lead_hit`` — a term occurs in the abstract's first two sentences or in a sentence that
  states the contribution ("we propose / introduce / present ...");
* ``abstract_hits`` — log(1 + number of term occurrences in the abstract);
* ``distinct_terms`` — log(1 + number of distinct terms matched);
* ``concept_hit`` — one sentence (or the title) matches every group of the theme's
  ``concepts`` (e.g. contrastive + image + text), catching papers that describe the idea
  without naming it;
* ``similarity`` — cosine similarity of the paper's embedding to the theme's description;
* ``exclude_hit`` — the title names one of the theme's ``excludes`` (what the theme is not,
  e.g. pruning for quantization), so the paper is more likely about that;
* ``hedged`` — the share of the abstract's term mentions that sit in sentences citing things as
  examples, baselines or comparisons ("such as CLIP", "outperforms LoRA"): mentioned, not central.

A logistic function of a weighted sum gives the score; the weights are shared by all themes (in
``[scoring]`` of the catalogue), so a theme added to the catalogue works with no labelled data.
A theme's ``requires`` groups gate it: if a group has no match, the score is 0. The flag is
``score >= threshold``. Papers may get any number of themes, including none.
"""

from __future__ import annotations

import math
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from digest_utils import config
from digest_utils.errors import DigestError

__all__ = [
    "FEATURES",
    "Catalogue",
    "Theme",
    "assign_themes",
    "load_catalogue",
    "primary_theme",
    "theme_examples",
    "theme_features",
]

#: Evidence features, in the order of the weights in ``[scoring]``.
FEATURES = [
    "title_hit",
    "lead_hit",
    "abstract_hits",
    "distinct_terms",
    "concept_hit",
    "similarity",
    "exclude_hit",
    "hedged",
]

_ID = re.compile(r"[a-z][a-z0-9_]*")
_CONTRIBUTION = re.compile(
    r"\b(we|this (paper|work|study)|our)\b[^.]{0,40}?\b(propose|introduce|present|develop|"
    r"study|investigate|design|explore|analy[sz]e)",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")
#: Cues of a sentence that cites things rather than contributing them.
_HEDGE = re.compile(
    r"\b(such as|e\.g\.|i\.e\.|like|including|for example|unlike|various|baselines?|"
    r"compared|than|outperform\w*)(?!\w)",
    re.IGNORECASE,
)


def _term_pattern(term: str) -> str:
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


def _default_path() -> Path:
    return Path(os.environ.get("DIGEST_THEMES") or config.REPO_ROOT / "themes.toml")


def load_catalogue(path: str | Path | None = None) -> Catalogue:
    """Read and validate a theme catalogue.

    Args:
        path: A ``themes.toml``; default ``$DIGEST_THEMES`` or ``themes.toml`` at the repo root.

    Returns:
        The :class:`Catalogue`.

    Raises:
        DigestError: The file is missing, is not valid TOML, or a theme lacks a field, repeats
            an id, or has a term that is not a valid pattern; the message names file and theme.
    """
    path = Path(path) if path else _default_path()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DigestError(f"{path}: theme catalogue not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise DigestError(f"{path}: not valid TOML ({exc})") from None
    scoring = data.get("scoring", {})
    missing = [k for k in ["intercept", "threshold", *FEATURES] if k not in scoring]
    if missing:
        raise DigestError(f"{path}: [scoring] lacks {', '.join(missing)}")
    themes, seen = [], set()
    for i, raw in enumerate(data.get("theme", []), 1):
        label = f"{path}: theme #{i} ({raw.get('id', 'no id')!r})"
        for key in ("id", "name", "description", "terms"):
            if not raw.get(key):
                raise DigestError(f"{label}: expected a non-empty {key!r}")
        if not _ID.fullmatch(raw["id"]):
            raise DigestError(
                f"{label}: id must be lowercase letters, digits and '_' (got {raw['id']!r})"
            )
        if raw["id"] in seen:
            raise DigestError(f"{label}: id {raw['id']!r} appears twice")
        seen.add(raw["id"])
        requires = tuple(tuple(g) for g in raw.get("requires", []))
        concepts = tuple(tuple(g) for g in raw.get("concepts", []))
        excludes = tuple(raw.get("excludes", []))
        try:
            patterns = tuple(re.compile(_term_pattern(t)) for t in raw["terms"])
            gates = tuple(_group(g) for g in requires)
            concept_patterns = tuple(_group(g) for g in concepts)
            exclude_pattern = _group(excludes) if excludes else None
        except re.error as exc:
            raise DigestError(f"{label}: a term is not a valid pattern ({exc})") from None
        themes.append(
            Theme(
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
        )
    if not themes:
        raise DigestError(f"{path}: expected at least one [[theme]] block")
    return Catalogue(
        themes=tuple(themes),
        weights={f: float(scoring[f]) for f in FEATURES},
        intercept=float(scoring["intercept"]),
        threshold=float(scoring["threshold"]),
        path=str(path),
    )


def _group(terms: tuple[str, ...]) -> re.Pattern:
    return re.compile("|".join(f"(?:{_term_pattern(t)})" for t in terms))


def theme_features(
    papers: pd.DataFrame,
    catalogue: Catalogue,
    *,
    embeddings: np.ndarray | None = None,
    model: str | None = None,
) -> pd.DataFrame:
    """Compute the evidence features for every (paper, theme) pair.

    Args:
        papers: One row per paper with ``paper_id``, ``title`` and ``abstract``.
        catalogue: From :func:`load_catalogue`.
        embeddings: Paper embeddings aligned with ``papers`` (default: computed with
            :func:`digest_utils.embed.embed_papers`, cached).
        model: Embedding model for papers and theme descriptions (default: the packaged one).

    Returns:
        Long frame: ``paper_id``, ``theme``, one float column per name in :data:`FEATURES`,
        ``gate`` (bool), ``matched`` (string, the matched terms with counts) and ``excluded``
        (string, the ``excludes`` terms found in the title).
    """
    from digest_utils.embed import embed_papers, embed_texts

    if embeddings is None:
        embeddings = embed_papers(papers, model=model)
    descriptions = embed_texts(
        [f"{t.name}. {t.description}" for t in catalogue.themes], model=model, progress=False
    )
    sims = np.asarray(embeddings) @ descriptions.T if len(papers) else np.zeros((0, 0))
    rows = []
    for i, (pid, title, abstract) in enumerate(
        zip(papers["paper_id"], papers["title"], papers["abstract"], strict=True)
    ):
        full = f"{title}. {abstract}"
        body = _SENTENCE_END.split(abstract)
        # the lead: the first two sentences and any that states the contribution
        lead = [k < 2 or bool(_CONTRIBUTION.search(s)) for k, s in enumerate(body)]
        hedging = [bool(_HEDGE.search(s)) for s in body]
        sentences = [title, *body]
        for j, theme in enumerate(catalogue.themes):
            in_title = theme.matches(title)
            per_sentence = [theme.matches(s) for s in body]  # one pass over the abstract
            in_abstract = [m for found in per_sentence for m in found]
            counts = pd.Series(in_title + in_abstract, dtype=object).value_counts(sort=False)
            hedged = sum(len(found) for found, h in zip(per_sentence, hedging, strict=True) if h)
            lead_hit = any(found for found, k in zip(per_sentence, lead, strict=True) if k)
            excluded = theme.excluded(title)
            rows.append(
                {
                    "paper_id": pid,
                    "theme": theme.id,
                    "title_hit": float(bool(in_title) or theme.concept([title])),
                    "lead_hit": float(lead_hit),
                    "abstract_hits": math.log1p(len(in_abstract)),
                    "distinct_terms": math.log1p(len(counts)),
                    "concept_hit": float(theme.concept(sentences)),
                    "similarity": float(sims[i, j]),
                    "exclude_hit": float(bool(excluded)),
                    "hedged": hedged / max(len(in_abstract), 1),
                    "gate": theme.gate(full),
                    "matched": ", ".join(t if n == 1 else f"{t} ({n})" for t, n in counts.items()),
                    "excluded": ", ".join(excluded),
                }
            )
    columns = ["paper_id", "theme", *FEATURES, "gate", "matched", "excluded"]
    return pd.DataFrame(rows, columns=columns)


def score_features(
    features: pd.DataFrame,
    weights: dict[str, float],
    intercept: float,
    biases: dict[str, float] | None = None,
) -> np.ndarray:
    """Logistic score in [0, 1] for each feature row; 0 where the theme's gate is closed.

    ``biases`` adds a per-theme offset (catalogue ``bias``; themes not listed get 0).
    """
    z = intercept + sum(weights[f] * features[f].to_numpy(dtype=float) for f in FEATURES)
    if biases:
        z = z + features["theme"].map(biases).fillna(0.0).to_numpy(dtype=float)
    score = 1.0 / (1.0 + np.exp(-z))
    return np.where(features["gate"].to_numpy(dtype=bool), score, 0.0)


def assign_themes(
    papers: pd.DataFrame,
    catalogue: Catalogue | str | Path | None = None,
    *,
    embeddings: np.ndarray | None = None,
    model: str | None = None,
) -> pd.DataFrame:
    """Assign 0..n themes to each paper, with a score and the evidence behind it.

    Args:
        papers: One row per paper with ``paper_id``, ``title``, ``abstract`` (e.g. ``dedupe``).
        catalogue: A :class:`Catalogue`, a path to a ``themes.toml``, or ``None`` for the
            default catalogue.
        embeddings: Paper embeddings aligned with ``papers`` (default: computed, cached).
        model: Embedding model (default: the packaged all-MiniLM-L6-v2).

    Returns:
        One row per paper, in input order: ``paper_id``, ``title``, then for each theme id
        ``<id>`` (Int8 0/1 flag), ``score_<id>`` (float64 in [0, 1]),
        ``evidence_<id>`` (string: matched terms and description similarity), and
        ``themes`` (string, the assigned theme ids joined by ``;``, empty if none).

    Example:
        >>> flags = assign_themes(dedupe(load_digests("seeds")))  # doctest: +SKIP
        >>> flags[["title", "peft", "score_peft", "evidence_peft"]].head()  # doctest: +SKIP
    """
    cat = catalogue if isinstance(catalogue, Catalogue) else load_catalogue(catalogue)
    feats = theme_features(papers, cat, embeddings=embeddings, model=model)
    feats["score"] = score_features(feats, cat.weights, cat.intercept, cat.biases)
    out = pd.DataFrame({"paper_id": papers["paper_id"].to_numpy(), "title": papers["title"]})
    out = out.reset_index(drop=True)
    for tid in cat.ids:
        part = feats[feats["theme"] == tid].reset_index(drop=True)
        out[tid] = (part["score"] >= cat.threshold).astype("Int8")
        out[f"score_{tid}"] = part["score"].round(6).astype("float64")
        out[f"evidence_{tid}"] = (
            "terms: "
            + part["matched"].where(part["matched"] != "", "none")
            + "; similarity "
            + part["similarity"].map("{:.2f}".format)
            + part["excluded"].map(lambda e: f"; title names {e}" if e else "")
            + part["gate"].map({True: "", False: "; required terms missing"})
        ).astype("string")
    out["themes"] = (
        out[cat.ids].apply(lambda r: ";".join(t for t in cat.ids if r[t] == 1), axis=1)
        if len(out)
        else pd.Series(dtype="string")
    )
    out["themes"] = out["themes"].astype("string")
    return out


def theme_examples(flags: pd.DataFrame, catalogue: Catalogue, *, n: int = 3) -> pd.DataFrame:
    """The ``n`` highest-scoring papers of each theme, with the evidence behind them.

    Args:
        flags: Output of :func:`assign_themes`.
        catalogue: The catalogue used.
        n: Papers per theme.

    Returns:
        Columns ``theme`` (display name), ``title``, ``score`` (float64) and ``evidence``;
        themes in catalogue order, papers by descending score (ties by title).
    """
    parts = []
    for tid, name in catalogue.names.items():
        hit = flags[flags[tid] == 1]
        top = hit.assign(score=hit[f"score_{tid}"]).sort_values(
            ["score", "title"], ascending=[False, True], kind="stable"
        )
        parts.append(
            pd.DataFrame(
                {
                    "theme": name,
                    "title": top["title"].head(n).to_numpy(),
                    "score": top["score"].head(n).round(3).to_numpy(),
                    "evidence": top[f"evidence_{tid}"].head(n).to_numpy(),
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def primary_theme(flags: pd.DataFrame, catalogue: Catalogue, *, none: str = "none") -> pd.Series:
    """Each paper's highest-scoring assigned theme (display name), or ``none``.

    Useful to colour a map where every point needs exactly one colour.
    """
    ids = catalogue.ids
    scores = flags[[f"score_{t}" for t in ids]].to_numpy(dtype=float)
    assigned = flags[ids].to_numpy(dtype=float) == 1
    masked = np.where(assigned, scores, -1.0)
    best = masked.argmax(axis=1) if len(flags) else np.zeros(0, dtype=int)
    names = np.array([catalogue.names[t] for t in ids], dtype=object)
    out = np.where(assigned.any(axis=1), names[best] if len(flags) else [], none)
    return pd.Series(out, index=flags.index, name="theme", dtype="string")
