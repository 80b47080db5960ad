"""Assign themes: scores and flags per (paper, theme), and the views built on them.

:func:`score_themes` is the tidy result, one row per (paper, theme); :func:`themes_wide` turns
it into the wide view a table or a chart shows (a 0/1 column per theme), and
:func:`assign_themes` does both for a papers frame.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from digest_utils._util import require_columns
from digest_utils.themes import scoring
from digest_utils.themes.catalogue import Catalogue, load_catalogue
from digest_utils.themes.exemplars import Exemplars, catalogue_exemplars
from digest_utils.themes.features import theme_features
from digest_utils.themes.untuned import THRESHOLD, untuned_scores

__all__ = [
    "assign_themes",
    "evidence",
    "primary_theme",
    "score_themes",
    "theme_examples",
    "themes_wide",
    "with_untuned",
]


def evidence(features: pd.DataFrame) -> pd.Series:
    """The readable evidence of each row: matched terms, similarities, exclusions, gate."""
    return (
        "terms: "
        + features["matched"].where(features["matched"] != "", "none")
        + "; similarity "
        + features["similarity"].map("{:.2f}".format)
        + "; examples "
        + features["exemplar"].map("{:+.2f}".format)
        + features["excluded"].map(lambda e: f"; title/lead names {e}" if e else "")
        + features["gate"].map({True: "", False: "; required terms missing"})
    ).astype("string")


def score_themes(features: pd.DataFrame, catalogue: Catalogue) -> pd.DataFrame:
    """Score evidence features into the tidy theme table.

    Args:
        features: From :func:`digest_utils.themes.features.theme_features`.
        catalogue: The catalogue the features came from (its ``[scoring]`` weights are used).

    Returns:
        One row per (paper, theme), in the order of ``features``: ``paper_id`` (string),
        ``theme`` (string, theme id), ``flag`` (Int8 0/1), ``score`` (float64 in [0, 1],
        rounded to 6 places) and ``evidence`` (string).
    """
    score = scoring.score(features, catalogue.scoring).round(6)
    return pd.DataFrame(
        {
            "paper_id": features["paper_id"].astype("string").to_numpy(),
            "theme": features["theme"].astype("string").to_numpy(),
            "flag": pd.array((score >= catalogue.threshold).astype("int8"), dtype="Int8"),
            "score": score.astype("float64"),
            "evidence": evidence(features).to_numpy(),
        }
    )


def with_untuned(
    themes: pd.DataFrame,
    features: pd.DataFrame,
    papers: pd.DataFrame,
    catalogue: Catalogue,
    embeddings: np.ndarray,
    exemplars: Exemplars | None,
) -> pd.DataFrame:
    """The tidy theme table with every theme without a fitted ``bias`` scored label-free.

    Such a theme (one a user wrote) is scored by
    :func:`~digest_utils.themes.untuned.untuned_scores`, taught by its labelled ``exemplars``;
    its ``requires`` gate and ``excludes`` (weighted as in ``[scoring]``) still apply.
    """
    out = themes.copy()
    for theme in catalogue.themes:
        if theme.fitted:
            continue
        sel = (out["theme"] == theme.id).to_numpy()
        part = features[(features["theme"] == theme.id).to_numpy()]
        lab = exemplars.labels.get(theme.id) if exemplars is not None else None
        ids, ys, embs = [], [], None
        if exemplars is not None and lab is not None:
            judged = ~np.isnan(lab)
            ids, ys = list(np.asarray(exemplars.paper_ids)[judged]), list(lab[judged])
            embs = exemplars.embeddings[judged]
        result = untuned_scores(
            papers,
            theme,
            embeddings=embeddings,
            similarity=part["similarity"].to_numpy(dtype=float),
            labelled_ids=ids,
            labelled_y=ys,
            labelled_embeddings=embs,
            penalty=catalogue.weights["exclude_hit"] * part["exclude_hit"].to_numpy(dtype=float),
        )
        score = np.where(part["gate"].to_numpy(dtype=bool), result["score"].to_numpy(), 0.0)
        out.loc[sel, "score"] = score.round(6)
        out.loc[sel, "flag"] = pd.array((score.round(6) >= THRESHOLD).astype("int8"), dtype="Int8")
        out.loc[sel, "evidence"] = result["evidence"].to_numpy()
    return out


def themes_wide(themes: pd.DataFrame, catalogue: Catalogue) -> pd.DataFrame:
    """The wide view of the tidy theme table: one row per paper, columns per theme.

    Args:
        themes: From :func:`score_themes`.
        catalogue: Gives the theme order.

    Returns:
        One row per paper in first-appearance order: ``paper_id``, then for each theme id
        ``<id>`` (Int8 flag), ``score_<id>`` (float64) and ``evidence_<id>`` (string), and
        ``themes`` (string: the assigned theme ids joined by ``;``, empty if none).
    """
    require_columns(
        themes, ["paper_id", "theme", "flag", "score", "evidence"], where="themes_wide: themes"
    )
    ids = catalogue.ids
    wide = themes.pivot(index="paper_id", columns="theme")
    order = pd.unique(themes["paper_id"])
    out = pd.DataFrame({"paper_id": pd.array(order, dtype="string")})
    for tid in ids:
        part = wide.xs(tid, axis=1, level="theme").reindex(order)
        out[tid] = part["flag"].astype("Int8").array
        out[f"score_{tid}"] = part["score"].astype("float64").array
        out[f"evidence_{tid}"] = part["evidence"].astype("string").array
    flags = out[ids].to_numpy(dtype=int) if ids else np.zeros((len(out), 0), dtype=int)
    joined = [";".join(t for t, f in zip(ids, row, strict=True) if f == 1) for row in flags]
    out["themes"] = pd.array(joined, dtype="string")
    return out


def assign_themes(
    papers: pd.DataFrame,
    catalogue: Catalogue | str | Path | None = None,
    *,
    embeddings: np.ndarray | None = None,
    model: str | None = None,
    labels: Sequence[str | Path] = (),
) -> pd.DataFrame:
    """Assign 0..n themes to each paper, with a score and the evidence behind it.

    Args:
        papers: One row per paper with ``paper_id``, ``title``, ``abstract`` (e.g. ``dedupe``).
        catalogue: A :class:`Catalogue`, a path to a ``themes.toml``, or ``None`` for the
            default catalogue.
        embeddings: Paper embeddings aligned with ``papers`` (default: computed, cached).
        model: Embedding model (default: the packaged all-MiniLM-L6-v2).
        labels: Labels files (see :func:`~digest_utils.themes.exemplars.read_labels`) whose
            papers are examples, after the catalogue's ``[examples]`` labels.

    Returns:
        One row per paper, in input order: ``paper_id``, ``title``, then the columns of
        :func:`themes_wide`.

    Example:
        >>> flags = assign_themes(dedupe(load_digests("seeds")))  # doctest: +SKIP
        >>> flags[["title", "peft", "score_peft", "evidence_peft"]].head()  # doctest: +SKIP
    """
    cat = catalogue if isinstance(catalogue, Catalogue) else load_catalogue(catalogue)
    if embeddings is None:
        from digest_utils.embed import embed_papers

        embeddings = embed_papers(papers, model=model)
    examples = catalogue_exemplars(cat, papers, embeddings, labels=labels, model=model)
    features = theme_features(papers, cat, embeddings=embeddings, model=model, exemplars=examples)
    tidy = with_untuned(score_themes(features, cat), features, papers, cat, embeddings, examples)
    wide = themes_wide(tidy, cat)
    titles = papers[["paper_id", "title"]].astype({"paper_id": "string"})
    return titles.merge(wide, on="paper_id", how="left", validate="one_to_one")


def theme_examples(flags: pd.DataFrame, catalogue: Catalogue, *, n: int = 3) -> pd.DataFrame:
    """The ``n`` highest-scoring papers of each theme, with the evidence behind them.

    Args:
        flags: The wide view with ``title`` (e.g. :func:`assign_themes`).
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

    Useful to colour a map where every point needs exactly one colour. The result keeps the
    index of ``flags``.
    """
    ids = catalogue.ids
    scores = flags[[f"score_{t}" for t in ids]].to_numpy(dtype=float)
    assigned = flags[ids].to_numpy(dtype=float) == 1
    masked = np.where(assigned, scores, -1.0)
    best = masked.argmax(axis=1) if len(flags) else np.zeros(0, dtype=int)
    names = np.array([catalogue.names[t] for t in ids], dtype=object)
    out = np.where(assigned.any(axis=1), names[best] if len(flags) else [], none)
    return pd.Series(out, index=flags.index, name="theme", dtype="string")
