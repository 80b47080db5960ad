"""One analysis of a batch of digests: every stage run once and joined on ``paper_id``.

:func:`analyse` loads the digests, embeds the papers and scores the themes; the topic fit runs
on first use of :attr:`Analysis.topics` (so a notebook about themes never pays for it). Every
stage is cached on disk by its inputs (embeddings by model and text, topics by embeddings,
settings and seed), so a rerun recomputes only what changed.

The CLI's ``themes``, ``topics`` and ``report`` commands and every notebook start here::

    from digest_utils.analysis import analyse

    a = analyse("seeds")
    a.themes        # tidy: one row per (paper_id, theme) with flag, score, evidence
    a.flags         # wide: one row per paper, a 0/1 column per theme
    a.topics        # TopicResult (fitted on first use)
    a.themed        # papers + theme flags + primary theme, the input of the theme charts
    a.points        # themed + topic and 2-D map position, the input of the paper map

Frames meet on ``paper_id`` only, never by row position.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from digest_utils import config
from digest_utils._util import require_columns
from digest_utils.embed import embed_papers
from digest_utils.errors import DigestError
from digest_utils.parse import dedupe, load_digests
from digest_utils.themes import (
    Catalogue,
    ThemeRun,
    load_catalogue,
    primary_theme,
    run_themes,
    theme_examples,
    themes_wide,
)
from digest_utils.themes.labels import example_labels
from digest_utils.themes.terms import term_check
from digest_utils.topics import TopicResult, fit_topics

__all__ = ["Analysis", "analyse", "assign_themes", "topic_theme_map"]

#: Columns of ``papers`` carried into :attr:`Analysis.themed`.
PAPER_COLUMNS = ["paper_id", "title", "digest", "digests", "n_digests", "published", "url"]


@dataclass(frozen=True, eq=False)
class Analysis:
    """The stages of one analysis, each a frame keyed by ``paper_id``.

    Attributes:
        papers: One row per paper (the output of :func:`digest_utils.parse.dedupe`); its
            ``attrs["skipped"]`` lists files skipped with ``on_error="warn"``.
        embeddings: float32 ``(len(papers), dim)``, rows aligned with ``papers``.
        catalogue: The theme catalogue used.
        features: Theme evidence, one row per (paper_id, theme)
            (:func:`digest_utils.themes.assign.theme_features`).
        themes: Tidy themes, one row per (paper_id, theme): ``flag``, ``score``, ``evidence``
            (:func:`digest_utils.themes.score_themes`).
        model: The embedding model (``None``: the packaged default).
        seed: Seed of the topic fit.
        cache_dir: Cache folder (``None``: :func:`digest_utils.config.cache_dir`).
        progress: Whether the topic fit shows a progress bar.
        refit: Fit the topics afresh rather than place new papers into the last fit (see
            :func:`~digest_utils.topics.fit_topics`).
    """

    papers: pd.DataFrame
    embeddings: np.ndarray
    catalogue: Catalogue
    features: pd.DataFrame
    themes: pd.DataFrame
    model: str | None = None
    seed: int = config.RANDOM_SEED
    cache_dir: Path | None = None
    progress: bool = True
    refit: bool = False

    @cached_property
    def flags(self) -> pd.DataFrame:
        """The wide theme view, one row per paper in the order of ``papers``.

        Columns: ``paper_id``, ``title``, per theme ``<id>`` (Int8 flag), ``score_<id>`` and
        ``evidence_<id>``, and ``themes`` (assigned ids joined by ``;``).
        """
        titles = self.papers[["paper_id", "title"]].astype({"paper_id": "string"})
        wide = themes_wide(self.themes, self.catalogue)
        return titles.merge(wide, on="paper_id", how="left", validate="one_to_one")

    @cached_property
    def topics(self) -> TopicResult:
        """The fitted topics (computed on first use, cached on disk).

        Raises:
            CorpusTooSmallError: Too few papers to find topics.
        """
        return fit_topics(
            self.papers,
            self.embeddings,
            seed=self.seed,
            model=self.model,
            cache_dir=self.cache_dir,
            progress=self.progress,
            incremental=not self.refit,
        )

    @cached_property
    def topic_themes(self) -> pd.DataFrame:
        """Each area and topic with its size, label and the theme most of its papers carry.

        Columns: ``level`` (``"area"`` or ``"topic"``), ``topic``, ``size``, ``label``,
        ``theme`` (NA when no theme reaches half of its papers) and ``share`` (the largest
        theme's share); areas first, each level largest first. Papers count in their assigned
        topic (outliers included).
        """
        placed = self.topics.assignments
        parts = []
        for level, column, table in [
            ("area", "area", self.topics.areas),
            ("topic", "assigned_topic", self.topics.topics),
        ]:
            if table.empty:
                continue
            members = placed[["paper_id", column]].rename(columns={column: "topic"})
            mapping = topic_theme_map(members, self.flags, self.catalogue.ids)
            rows = table[["topic", "size", "label"]].assign(level=level)
            parts.append(rows.merge(mapping, on="topic", how="left", validate="one_to_one"))
        columns = ["level", "topic", "size", "label", "theme", "share"]
        return pd.concat(parts, ignore_index=True)[columns]

    @cached_property
    def themed(self) -> pd.DataFrame:
        """Papers joined with their theme flags: the input of the theme and trend charts.

        Columns: ``paper_id``, ``title``, ``digest``, ``digests``, ``n_digests``,
        ``published``, ``url`` (the paper's page; NA unless a JSON digest gave its id), the
        columns of :attr:`flags` and ``theme`` (the display name of the paper's
        highest-scoring theme, or ``"none"``).
        """
        flags = self.flags.drop(columns="title")
        papers = self.papers.reindex(columns=PAPER_COLUMNS)  # url: NA for older paper frames
        papers = papers.astype({"paper_id": "string", "url": "string"})
        out = papers.merge(flags, on="paper_id", how="left", validate="one_to_one")
        out["theme"] = primary_theme(out, self.catalogue)
        return out

    @cached_property
    def points(self) -> pd.DataFrame:
        """:attr:`themed` joined with each paper's topic, area and map position (fits the topics).

        Adds ``topic`` (-1 for outliers), ``topic_label``, ``assigned_topic``, ``area``,
        ``area_label``, ``x`` and ``y`` (see :class:`~digest_utils.topics.TopicResult`).
        """
        placed = self.topics.assignments
        return self.themed.merge(placed, on="paper_id", how="left", validate="one_to_one")

    def examples(self, n: int = 3) -> pd.DataFrame:
        """The ``n`` highest-scoring papers of each theme with their evidence."""
        return theme_examples(self.flags, self.catalogue, n=n)

    def term_check(self) -> pd.DataFrame:
        """Per theme and term: papers naming it, flagged papers resting on it alone.

        See :func:`digest_utils.themes.terms.term_check` (no labels needed).
        """
        return term_check(self.papers, self.flags, self.catalogue)


def analyse(
    digests_or_papers: str | Path | Iterable[str | Path] | pd.DataFrame,
    *,
    catalogue: Catalogue | str | Path | None = None,
    model: str | None = None,
    seed: int = config.RANDOM_SEED,
    cache_dir: str | Path | None = None,
    progress: bool = True,
    on_error: Literal["raise", "warn"] = "raise",
    labels: Iterable[str | Path] = (),
    device: str | None = None,
    refit: bool = False,
    embeddings: np.ndarray | None = None,
) -> Analysis:
    """Load, embed and assign themes to a batch of digests; topics follow on first use.

    Args:
        digests_or_papers: Digest files and/or folders (as for
            :func:`~digest_utils.parse.load_digests`), or a DataFrame of entries (from
            ``load_digests``) or of papers (from ``dedupe``; recognised by its ``digests``
            column).
        catalogue: A :class:`~digest_utils.themes.Catalogue`, a path to a ``themes.toml``, or
            ``None`` for the default (``config.themes_path()``).
        model: A sentence-transformers model name or local path (default
            ``config.DEFAULT_MODEL``, packaged, offline).
        seed: Seed of the topic fit (default ``config.RANDOM_SEED``).
        cache_dir: Cache folder (default ``config.cache_dir()``).
        progress: Show progress bars while embedding and fitting.
        on_error: For paths: ``"raise"`` stops at the first bad file, ``"warn"`` skips it
            (listed in ``papers.attrs["skipped"]``).
        labels: Labels files (``paper_id`` or ``title``, ``theme``, ``label`` 0/1; see
            :func:`~digest_utils.themes.read_labels`) whose papers become examples of their
            themes (1) or against them (0), read after the catalogue's ``[examples]`` labels.
        device: Device of the embedding model: ``"auto"`` (a GPU when torch sees one),
            ``"cpu"`` or ``"cuda"`` (default ``config.default_device()``).
        refit: Fit the topics afresh. Without it, papers added since the last fit of a corpus
            they extend are placed into that fit, until they pass ``config.REFIT_SHARE`` of it.
        embeddings: The papers' embeddings if already computed, rows aligned with the papers
            frame passed as ``digests_or_papers`` (default: computed, cached).

    Returns:
        The :class:`Analysis`.

    Raises:
        DigestInputError: A path is missing.
        DigestParseError: A digest does not parse (with ``on_error="raise"``).
        CatalogueError: The catalogue is missing or invalid.
        LabelsError: A labels file is missing or invalid.
        DigestError: No papers are left to analyse.
        ValueError: ``embeddings`` has not one row per paper.

    Example:
        >>> a = analyse("seeds")  # doctest: +SKIP
        >>> a.flags[["title", "peft", "clip"]].head()  # doctest: +SKIP
    """
    papers = _papers(digests_or_papers, on_error=on_error)
    cat = catalogue if isinstance(catalogue, Catalogue) else load_catalogue(catalogue)
    folder = Path(cache_dir) if cache_dir is not None else None
    if embeddings is None:
        embeddings = embed_papers(
            papers, model=model, cache_dir=folder, progress=progress, device=device
        )
    elif len(embeddings) != len(papers):
        raise ValueError(f"expected {len(papers)} rows of embeddings (got {len(embeddings)})")
    run = _theme_stage(papers, cat, embeddings, labels=labels, model=model, cache_dir=folder)
    return Analysis(
        papers=papers,
        embeddings=embeddings,
        catalogue=cat,
        features=run.features,
        themes=run.themes,
        model=model,
        seed=seed,
        cache_dir=folder,
        progress=progress,
        refit=refit,
    )


def assign_themes(
    papers: pd.DataFrame,
    catalogue: Catalogue | str | Path | None = None,
    *,
    embeddings: np.ndarray | None = None,
    model: str | None = None,
    labels: Iterable[str | Path] = (),
) -> pd.DataFrame:
    """Assign 0..n themes to each paper, with a score and the evidence behind it.

    The theme stage of :func:`analyse` alone, for a papers frame of any origin.

    Args:
        papers: One row per paper with ``paper_id``, ``title``, ``abstract`` (e.g. ``dedupe``).
        catalogue: A :class:`~digest_utils.themes.Catalogue`, a path to a ``themes.toml``, or
            ``None`` for the default catalogue.
        embeddings: Paper embeddings aligned with ``papers`` (default: computed, cached).
        model: Embedding model (default: the packaged all-MiniLM-L6-v2).
        labels: Labels files (see :func:`~digest_utils.themes.labels.read_labels`) whose
            papers are examples, after the catalogue's ``[examples]`` labels.

    Returns:
        One row per paper, in input order: ``paper_id``, ``title``, then the columns of
        :func:`~digest_utils.themes.themes_wide` (:attr:`Analysis.flags`).

    Example:
        >>> flags = assign_themes(dedupe(load_digests("seeds")))  # doctest: +SKIP
        >>> flags[["title", "peft", "score_peft", "evidence_peft"]].head()  # doctest: +SKIP
    """
    require_columns(papers, ["paper_id", "title", "abstract"], where="assign_themes: papers")
    cat = catalogue if isinstance(catalogue, Catalogue) else load_catalogue(catalogue)
    if embeddings is None:
        embeddings = embed_papers(papers, model=model)
    run = _theme_stage(papers, cat, embeddings, labels=labels, model=model, cache_dir=None)
    return Analysis(papers, embeddings, cat, run.features, run.themes, model=model).flags


def _theme_stage(
    papers: pd.DataFrame,
    catalogue: Catalogue,
    embeddings: np.ndarray,
    *,
    labels: Iterable[str | Path],
    model: str | None,
    cache_dir: Path | None,
) -> ThemeRun:
    """The theme pipeline fed with what it does not read itself: labels and example papers."""
    taught = example_labels(catalogue, list(labels))
    more_ids, more_emb = _example_papers(
        catalogue, taught, papers, model=model, cache_dir=cache_dir
    )
    return run_themes(
        papers,
        catalogue,
        embeddings=embeddings,
        labels=taught,
        example_ids=more_ids,
        example_embeddings=more_emb,
        model=model,
        cache_dir=cache_dir,
    )


def _example_papers(
    catalogue: Catalogue,
    labels: pd.DataFrame | None,
    papers: pd.DataFrame,
    *,
    model: str | None,
    cache_dir: Path | None,
) -> tuple[list[str], np.ndarray | None]:
    """The labelled papers of the catalogue's ``[examples]`` digests that ``papers`` lacks.

    Only papers with a label are embedded (cached); a labelled paper among ``papers`` needs
    no digest.

    Returns:
        Their ids and embeddings (``[]`` and ``None`` when there are none).
    """
    if labels is None or not catalogue.example_digests:
        return [], None
    more = dedupe(load_digests(list(catalogue.example_digests)))
    ids = [str(p) for p in papers["paper_id"]]
    more = more[~more["paper_id"].isin(ids) & more["paper_id"].isin(labels["paper_id"])]
    if not len(more):
        return [], None
    extra = embed_papers(more, model=model, cache_dir=cache_dir, progress=False)
    return [str(p) for p in more["paper_id"]], extra


def _papers(source: object, *, on_error: Literal["raise", "warn"]) -> pd.DataFrame:
    """One row per paper from paths, entries or papers."""
    if isinstance(source, pd.DataFrame):
        papers = source if "digests" in source.columns else dedupe(source)
    else:
        papers = dedupe(load_digests(source, on_error=on_error))  # type: ignore[arg-type]
    require_columns(papers, ["paper_id", "title", "abstract"], where="analyse: papers")
    if papers.empty:
        raise DigestError("no papers to analyse: every input file was skipped")
    return papers.reset_index(drop=True)


def topic_theme_map(
    assignments: pd.DataFrame,
    flags: pd.DataFrame,
    theme_ids: list[str],
    *,
    min_share: float = 0.5,
) -> pd.DataFrame:
    """Match each topic with the theme most of its papers carry, if enough of them do.

    Args:
        assignments: ``TopicResult.assignments`` (``paper_id``, ``topic``).
        flags: One row per paper: ``paper_id`` and a 0/1 column per theme id; papers missing
            from it carry no theme.
        theme_ids: Theme columns to consider; on a tie the earlier one wins.
        min_share: Share of a topic's papers a theme needs, in (0, 1].

    Returns:
        One row per topic in topic order: ``topic`` (int64), ``theme`` (string: the theme with
        the largest share when that share is at least ``min_share``, else NA) and ``share``
        (float64, that largest share, given either way).

    Raises:
        ColumnsError: ``flags`` lacks ``paper_id`` or a theme column.
        ValueError: ``min_share`` is outside (0, 1].
    """
    if not 0 < min_share <= 1:
        raise ValueError(f"min_share must be in (0, 1] (got {min_share!r})")
    cols = list(theme_ids)
    require_columns(flags, ["paper_id", *cols], where="topic_theme_map: flags")
    merged = assignments[["paper_id", "topic"]].merge(
        flags[["paper_id", *cols]].drop_duplicates("paper_id"), on="paper_id", how="left"
    )
    shares = merged[cols].astype("float64").fillna(0.0).groupby(merged["topic"]).mean()
    values = shares.to_numpy() if cols else np.zeros((len(shares), 1))
    best = values.argmax(axis=1)
    share = values[np.arange(len(values)), best]
    theme = [cols[b] if s >= min_share else None for b, s in zip(best, share, strict=True)]
    topic = shares.index.to_numpy().astype("int64")
    return pd.DataFrame({"topic": topic, "theme": pd.array(theme, "string"), "share": share})
