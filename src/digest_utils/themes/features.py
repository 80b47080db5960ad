"""Evidence features for every (paper, theme) pair, read from the title, abstract and embedding.

* ``title_hit`` — a theme term occurs in the title, or the title matches a ``concepts`` set;
* ``lead_hit`` — a term occurs in the lead: the abstract's first two sentences or a sentence
  that states the contribution ("we propose / introduce / present ...");
* ``abstract_hits`` — log(1 + number of term occurrences in the abstract);
* ``distinct_terms`` — log(1 + number of distinct terms matched);
* ``concept_hit`` — one sentence (or the title) matches every group of one of the theme's
  ``concepts`` sets (e.g. contrastive + image + text), catching papers that describe the idea
  without naming it. Such a sentence also counts as a *mention* of the theme (``~contrastiv*+
  image*+text*`` in ``matched``) for the four features above and ``hedged``;
* ``similarity`` — cosine similarity of the paper's embedding to the theme's description;
* ``exemplar`` — how much closer the paper is to labelled example papers of the theme than to
  papers outside it; it compares papers with each other, so it is not computed here (it is 0
  in :func:`compute_features`' frame) but by :func:`digest_utils.themes.exemplars.with_exemplars`,
  which the pipeline (:func:`digest_utils.themes.assign.theme_features`) calls next;
* ``exclude_hit`` — how many of the theme's ``excludes`` (what the theme is not, e.g. pruning
  for quantization, diffusion for clip) the title or the lead names: 0, 1 or 2 (two or more),
  so the paper is more likely about that;
* ``hedged`` — the share of the abstract's term mentions that sit in sentences citing things as
  examples, baselines or comparisons ("such as CLIP", "outperforms LoRA"): mentioned, not central.

Besides the features, each row carries ``gate`` (every ``requires`` group matched) and the
evidence a reader sees: ``matched`` terms with counts and ``excluded`` terms.

``title_hit`` to ``hedged`` and ``exclude_hit`` read the text; ``similarity`` and ``exemplar``
read the embedding. This module takes embeddings as given and never runs the model.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd

import digest_utils.themes.catalogue as catalogue_module
import digest_utils.themes.types as types_module
from digest_utils import cache as store
from digest_utils._util import require_columns
from digest_utils.themes.types import Catalogue, Theme

__all__ = ["EVIDENCE_COLUMNS", "compute_features"]

#: Every evidence column :func:`compute_features` returns, after ``paper_id`` and ``theme``.
EVIDENCE_COLUMNS = [*types_module.FEATURES, "gate", "matched", "excluded"]

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


def compute_features(
    papers: pd.DataFrame,
    catalogue: Catalogue,
    *,
    embeddings: np.ndarray,
    descriptions: np.ndarray,
    cache_dir: str | Path | None = None,
) -> pd.DataFrame:
    """Compute the evidence features for every (paper, theme) pair, ``exemplar`` left at 0.

    Args:
        papers: One row per paper with ``paper_id``, ``title`` and ``abstract``.
        catalogue: From :func:`digest_utils.themes.catalogue.load_catalogue`.
        embeddings: Paper embeddings, rows aligned with ``papers`` (unit-normalised).
        descriptions: Embeddings of the themes' ``"<name>. <description>"``, rows in
            catalogue order.
        cache_dir: Cache folder of the per-paper text evidence (default
            :func:`digest_utils.config.cache_dir`).

    Returns:
        Long frame, papers in input order and themes in catalogue order: ``paper_id``,
        ``theme``, the float features listed in the module docstring (``exemplar`` 0.0),
        ``gate`` (bool), ``matched`` (string, the matched terms with counts) and ``excluded``
        (string, the ``excludes`` terms found in the title or lead).
    """
    require_columns(papers, ["paper_id", "title", "abstract"], where="theme_features: papers")
    sims = np.asarray(embeddings) @ np.asarray(descriptions).T if len(papers) else np.zeros((0, 0))
    features = pd.concat(
        [_text_evidence(papers, theme, cache_dir) for theme in catalogue.themes]
        or [pd.DataFrame(columns=["paper_id", "theme", *EVIDENCE_COLUMNS])],
        ignore_index=True,
    )
    # papers in input order, themes in catalogue order; similarity read from the embeddings
    n, k = len(papers), len(catalogue.themes)
    order = np.arange(n * k).reshape(k, n).T.ravel()
    features = features.iloc[order].reset_index(drop=True)
    features["similarity"] = sims.ravel().astype("float64") if n and k else 0.0
    return features


def code_fingerprint() -> str:
    """Hash of the code the text evidence comes from (this module, the catalogue's, the types').

    A change to how features are read invalidates the cached ones without a version to bump.
    """
    h = hashlib.sha256()
    for module in (__file__, catalogue_module.__file__, types_module.__file__):
        h.update(Path(module).read_bytes())
    return h.hexdigest()


def _text_evidence(
    papers: pd.DataFrame, theme: Theme, cache_dir: str | Path | None
) -> pd.DataFrame:
    """The evidence read from the text (all but ``similarity`` and ``exemplar``) for one theme.

    Cached per paper in :mod:`digest_utils.cache`, keyed by the paper's title and abstract, the
    theme's whole definition and the code that reads it; so a rerun reads, and a new digest
    computes only its own papers. ``similarity`` and ``exemplar`` depend on the embeddings and
    on the other papers and examples, and are computed afresh (a matrix product).
    """
    scope = hashlib.sha256(f"{code_fingerprint()}\x00{theme!r}".encode()).hexdigest()
    keys = [
        hashlib.sha256(f"{t}\x00{a}".encode()).hexdigest()
        for t, a in zip(papers["title"], papers["abstract"], strict=True)
    ]
    with store.open_store(cache_dir) as con:
        known = store.read_values(con, scope, keys)
        new = {}
        for key, title, abstract in zip(keys, papers["title"], papers["abstract"], strict=True):
            if key not in known and key not in new:
                new[key] = _Text(title, abstract).evidence(theme, 0.0)
        if new:
            store.write_values(con, scope, list(new), list(new.values()))
    rows = [known.get(k) or new[k] for k in keys]
    out = pd.DataFrame(rows, columns=EVIDENCE_COLUMNS)
    out.insert(0, "theme", theme.id)
    out.insert(0, "paper_id", list(papers["paper_id"]))
    return out.astype({"gate": bool})


class _Text:
    """One paper's title and abstract, split once into the sentences the features read."""

    def __init__(self, title: str, abstract: str) -> None:
        self.title = title
        self.full = f"{title}. {abstract}"
        self.body = _SENTENCE_END.split(abstract)
        # the lead: the first two sentences and any that states the contribution
        self.lead = [k < 2 or bool(_CONTRIBUTION.search(s)) for k, s in enumerate(self.body)]
        self.hedging = [bool(_HEDGE.search(s)) for s in self.body]
        self.headline = " ".join(
            [title, *(s for s, k in zip(self.body, self.lead, strict=True) if k)]
        )

    def evidence(self, theme: Theme, similarity: float) -> dict[str, object]:
        """The feature values and readable evidence of this paper for one theme."""
        # a sentence describing the technique without naming it counts as a mention
        in_title = theme.matches(self.title) + theme.concept_matches(self.title)
        per_sentence = [theme.matches(s) + theme.concept_matches(s) for s in self.body]
        in_abstract = [m for found in per_sentence for m in found]
        counts = Counter(in_title + in_abstract)
        hedged = sum(len(f) for f, h in zip(per_sentence, self.hedging, strict=True) if h)
        lead_hit = any(found for found, k in zip(per_sentence, self.lead, strict=True) if k)
        excluded = theme.excluded(self.headline)  # what the paper says it is about
        return {
            "title_hit": float(bool(in_title)),
            "lead_hit": float(lead_hit),
            "abstract_hits": math.log1p(len(in_abstract)),
            "distinct_terms": math.log1p(len(counts)),
            "concept_hit": float(any(m.startswith("~") for m in counts)),
            "similarity": float(similarity),
            "exemplar": 0.0,  # filled in by exemplars.with_exemplars, which compares papers
            "exclude_hit": float(min(len(excluded), 2)),
            "hedged": hedged / max(len(in_abstract), 1),
            "gate": theme.gate(self.full),
            "matched": ", ".join(t if n == 1 else f"{t} ({n})" for t, n in counts.items()),
            "excluded": ", ".join(excluded),
        }
