"""The theme pipeline: evidence, examples and scores per (paper, theme), and their views.

:func:`run_themes` is the one place the stage is assembled; :func:`digest_utils.analysis.analyse`
(and through it the CLI, the notebooks and the benchmarks) calls it. Step by step:

1. :func:`theme_features`: the evidence of :mod:`~digest_utils.themes.features` with the
   ``exemplar`` feature of :mod:`~digest_utils.themes.exemplars`, the whole frame cached on disk
   by everything it depends on;
2. :func:`score_themes`: the tidy result, one row per (paper, theme), scored by
   :mod:`~digest_utils.themes.scoring`;

and the views: :func:`themes_wide` (a 0/1 column per theme, what a table or chart shows),
:func:`theme_examples`, :func:`primary_theme`.

This stage reads no digest: the papers, their embeddings, the labels and the labelled papers
found in other digests (the catalogue's ``[examples]``) come from the caller. It runs the
embedding model only for the themes' descriptions (cached), and for the papers when a caller
passes no embeddings.
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

import digest_utils.themes.exemplars as exemplar_module
from digest_utils import config
from digest_utils._util import atomic_write, require_columns
from digest_utils.embed import embed_papers, embed_texts, model_id
from digest_utils.themes import scoring
from digest_utils.themes.exemplars import with_exemplars
from digest_utils.themes.features import code_fingerprint, compute_features
from digest_utils.themes.types import Catalogue, Exemplars, ThemeRun
from digest_utils.themes.untuned import THRESHOLD, untuned_scores

__all__ = [
    "evidence",
    "primary_theme",
    "run_themes",
    "score_themes",
    "theme_examples",
    "theme_features",
    "themes_wide",
    "with_untuned",
]


def run_themes(
    papers: pd.DataFrame,
    catalogue: Catalogue,
    *,
    embeddings: np.ndarray,
    labels: pd.DataFrame | None = None,
    example_ids: Sequence[str] = (),
    example_embeddings: np.ndarray | None = None,
    model: str | None = None,
    cache_dir: str | Path | None = None,
) -> ThemeRun:
    """Run the theme stage: examples, evidence features and scores for ``papers``.

    Args:
        papers: One row per paper with ``paper_id``, ``title``, ``abstract``.
        catalogue: The theme catalogue.
        embeddings: The papers' embeddings, rows aligned with ``papers``.
        labels: Long labels that teach by example
            (:func:`~digest_utils.themes.labels.example_labels`), or ``None``: every theme
            then picks its own examples among ``papers``.
        example_ids: Labelled papers that are not among ``papers`` (e.g. from the catalogue's
            ``[examples]`` digests) ...
        example_embeddings: ... and their embeddings, rows aligned with ``example_ids``.
        model: Embedding model of the theme descriptions (default: the packaged one).
        cache_dir: Cache folder (default :func:`digest_utils.config.cache_dir`).

    Returns:
        The :class:`~digest_utils.themes.types.ThemeRun`: ``features`` and the tidy ``themes``.
    """
    exemplars = None
    if labels is not None:
        ids = [*map(str, papers["paper_id"]), *map(str, example_ids)]
        emb = np.asarray(embeddings, dtype=np.float32)
        if example_embeddings is not None and len(example_ids):
            emb = np.vstack([emb, np.asarray(example_embeddings, dtype=np.float32)])
        exemplars = Exemplars.from_labels(labels, ids, emb)
    features = theme_features(
        papers,
        catalogue,
        embeddings=embeddings,
        model=model,
        cache_dir=cache_dir,
        exemplars=exemplars,
    )
    themes = score_themes(features, catalogue)
    themes = with_untuned(themes, features, papers, catalogue, embeddings, exemplars)
    return ThemeRun(features=features, themes=themes)


def theme_features(
    papers: pd.DataFrame,
    catalogue: Catalogue,
    *,
    embeddings: np.ndarray | None = None,
    model: str | None = None,
    cache_dir: str | Path | None = None,
    exemplars: Exemplars | None = None,
) -> pd.DataFrame:
    """The evidence features of every (paper, theme) pair, ``exemplar`` included; cached.

    Args:
        papers: One row per paper with ``paper_id``, ``title`` and ``abstract``.
        catalogue: From :func:`digest_utils.themes.load_catalogue`.
        embeddings: Paper embeddings aligned with ``papers`` (default: computed with
            :func:`digest_utils.embed.embed_papers`, cached).
        model: Embedding model for papers and theme descriptions (default: the packaged one).
        cache_dir: Cache folder (default :func:`digest_utils.config.cache_dir`).
        exemplars: Labelled example papers for the ``exemplar`` feature; a theme without a
            positive example (or all themes, with ``None``) uses examples the catalogue picks
            among ``papers`` (see :func:`~digest_utils.themes.exemplars.with_exemplars`).

    Returns:
        The frame of :func:`~digest_utils.themes.features.compute_features` with ``exemplar``
        filled in: papers in input order, themes in catalogue order.
    """
    require_columns(papers, ["paper_id", "title", "abstract"], where="theme_features: papers")
    if embeddings is None:
        embeddings = embed_papers(papers, model=model, cache_dir=cache_dir)
    root = Path(cache_dir) if cache_dir else config.cache_dir()
    path = root / "themes" / f"{_frame_key(papers, catalogue, embeddings, model, exemplars)}.pkl"
    if path.exists():
        return pd.read_pickle(path)
    descriptions = embed_texts(
        [f"{t.name}. {t.description}" for t in catalogue.themes],
        model=model,
        cache_dir=cache_dir,
        progress=False,
    )
    features = compute_features(
        papers, catalogue, embeddings=embeddings, descriptions=descriptions, cache_dir=cache_dir
    )
    features = with_exemplars(features, embeddings, papers["paper_id"], exemplars)
    atomic_write(path, pickle.dumps(features, protocol=pickle.HIGHEST_PROTOCOL))
    return features


def _frame_key(
    papers: pd.DataFrame,
    catalogue: Catalogue,
    embeddings: np.ndarray,
    model: str | None,
    exemplars: Exemplars | None,
) -> str:
    """Hash of everything the whole feature frame depends on.

    The papers (ids, titles, abstracts) and their embeddings, every theme's definition, the
    model (theme descriptions), the labelled examples (ids, embeddings, labels) and the code
    of the features, the catalogue, the types and the exemplar feature.
    """
    h = hashlib.sha256(code_fingerprint().encode())
    h.update(Path(exemplar_module.__file__).read_bytes())
    h.update(repr([catalogue.themes, model_id(model)]).encode())
    for pid, title, abstract in zip(
        papers["paper_id"], papers["title"], papers["abstract"], strict=True
    ):
        h.update(f"{pid}\x00{title}\x00{abstract}\x00".encode())
    emb = np.ascontiguousarray(embeddings, dtype=np.float32)
    h.update(str(emb.shape).encode() + emb.tobytes())
    if exemplars is not None:
        h.update(repr(list(exemplars.paper_ids)).encode())
        h.update(np.ascontiguousarray(exemplars.embeddings, dtype=np.float32).tobytes())
        for theme in sorted(exemplars.labels):
            h.update(theme.encode() + np.asarray(exemplars.labels[theme], "float64").tobytes())
    return h.hexdigest()[:24]


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
        features: From :func:`theme_features`.
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


def theme_examples(flags: pd.DataFrame, catalogue: Catalogue, *, n: int = 3) -> pd.DataFrame:
    """The ``n`` highest-scoring papers of each theme, with the evidence behind them.

    Args:
        flags: The wide view with ``title`` (e.g. :attr:`digest_utils.analysis.Analysis.flags`).
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
