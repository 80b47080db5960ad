"""Topic figures: the paper map, topic keywords and the topic hierarchy."""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from digest_utils._html import plot_text
from digest_utils.charts._base import (
    STYLE,
    _as_list,
    _is_none,
    _message,
    _natural,
    _require,
    _styled,
)
from digest_utils.errors import DigestError, shorten


def paper_map(
    points: pd.DataFrame,
    *,
    color: str = "theme",
    hover: str = "title",
    color_map: Mapping[str, str] | None = None,
) -> go.Figure:
    """2-D scatter of papers (e.g. a UMAP projection), one trace per category of ``color``.

    Colours do not depend on row order: categories are sorted (numbers inside labels compare as
    numbers) and take palette colours in that order, unless ``color_map`` names them (e.g.
    :func:`theme_colors`; its order then leads the legend). ``"none"``, ``"outlier"`` and
    BERTopic's ``-1_...`` are grey, drawn underneath and listed last.

    Args:
        points: One row per paper with ``x``, ``y``, the ``color`` and ``hover`` columns (and
            optionally ``paper_id``, kept as ``customdata``).
        color: Column whose values colour the points (a theme name, a topic label, ...).
        hover: Column shown when hovering a point.
        color_map: Category -> colour for some or all categories.

    Raises:
        DigestError: A required column is missing.
    """
    _require(points, ["x", "y", color, hover], name="points", fn="paper_map")
    title = f"Map of papers by {plot_text(color)}"
    if points.empty:
        return _message(title, "No papers to map.")
    cats = points[color].astype("string").fillna("none")
    rank = {c: i for i, c in enumerate(color_map or {})}
    regular = sorted(
        {c for c in cats if not _is_none(c)}, key=lambda c: (rank.get(c, 1e9), _natural(c))
    )
    palette = STYLE["palette"]
    colors = {c: palette[i % len(palette)] for i, c in enumerate(regular)}
    colors |= {c: STYLE["none"] for c in cats if _is_none(c)}
    colors |= {c: v for c, v in (color_map or {}).items() if c in colors}
    fig = go.Figure()
    for cat in sorted(set(cats) - set(regular), key=_natural) + regular:
        rows = points[(cats == cat).to_numpy()]
        grey = _is_none(cat)
        fig.add_trace(
            go.Scatter(
                x=rows["x"].astype(float).tolist(),
                y=rows["y"].astype(float).tolist(),
                mode="markers",
                name=plot_text(cat),
                marker={
                    "color": colors[cat],
                    "size": 6 if grey else 8,
                    "opacity": 0.5 if grey else 0.85,
                    "line": {"width": 0.5, "color": "white"},
                },
                hovertext=[plot_text(v) for v in rows[hover].astype("string").fillna("")],
                customdata=rows["paper_id"].astype(str).tolist() if "paper_id" in rows else None,
                hovertemplate="%{hovertext}<extra>%{fullData.name}</extra>",
                legendrank=2000 if grey else 1000,
            )
        )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return _styled(
        fig, f"{title}: {len(points)} papers", height=600, legend={"title": plot_text(color)}
    )


def topic_keywords(topics: pd.DataFrame, *, top_n: int = 8, max_topics: int = 12) -> go.Figure:
    """Small multiples: the top keywords of each topic as horizontal bars, best at the top.

    Bar length is the keyword's weight when a ``weights`` column is given, else a rank score
    (1 for the first keyword, falling linearly). Topics are shown largest first when ``size`` is
    present (else by topic number); the outlier topic -1 is left out.

    Args:
        topics: One row per topic with ``topic``, ``label``, ``keywords`` (list of str) and
            optionally ``size`` and ``weights`` (list of float, aligned with ``keywords``).
        top_n: Keywords per topic.
        max_topics: Topics shown.

    Raises:
        DigestError: A required column is missing, a knob is < 1, or weights and keywords of a
            topic differ in length.
    """
    _require(topics, ["topic", "label", "keywords"], name="topics", fn="topic_keywords")
    for knob, value in (("top_n", top_n), ("max_topics", max_topics)):
        if not isinstance(value, int) or value < 1:
            raise DigestError(f"topic_keywords: expected {knob} >= 1 (got {value!r})")
    title = "Top keywords per topic"
    kept = topics[topics["topic"] != -1]
    if "size" in kept:
        kept = kept.sort_values(["size", "topic"], ascending=[False, True], kind="stable")
    else:
        kept = kept.sort_values("topic", kind="stable")
    panels = _keyword_panels(kept, top_n)
    if not panels:
        return _message(title, "No topic with keywords to show.")
    n_all, panels = len(panels), panels[:max_topics]
    cols = min(4, len(panels))
    rows = math.ceil(len(panels) / cols)
    fig = make_subplots(
        rows=rows,
        cols=cols,
        subplot_titles=[plot_text(shorten(label, 34)) for label, _, _ in panels],
        horizontal_spacing=0.14 if cols > 1 else 0.2,
        vertical_spacing=min(0.12, 0.6 / rows),
    )
    palette = STYLE["palette"]
    for i, (label, pairs, weighted) in enumerate(panels):
        fig.add_trace(
            go.Bar(
                x=[round(v, 6) for _, v in pairs],
                y=[plot_text(w) for w, _ in pairs],
                orientation="h",
                name=plot_text(label),
                marker_color=palette[i % len(palette)],
                hovertemplate=("%{y}: %{x:.3f}" if weighted else "%{y}") + "<extra></extra>",
            ),
            row=i // cols + 1,
            col=i % cols + 1,
        )
    fig.update_yaxes(autorange="reversed", showgrid=False, tickfont={"size": 11})
    fig.update_xaxes(showticklabels=False)
    fig.update_annotations(font={"size": 12})
    shown = f"{len(panels)} of {n_all} topics" if n_all > len(panels) else f"{n_all} topics"
    weighting = "bar = keyword weight" if any(w for *_, w in panels) else "bar = keyword rank"
    return _styled(
        fig,
        title,
        subtitle=f"{shown}; {weighting}",
        showlegend=False,
        height=120 + 210 * rows,
        margin={"t": 120},
    )


def _keyword_panels(topics: pd.DataFrame, top_n: int) -> list[tuple[str, list, bool]]:
    """(label, [(keyword, bar length), ...], weighted?) per topic that has keywords."""
    panels = []
    for row in topics.itertuples(index=False):
        words = [str(w) for w in _as_list(row.keywords)]
        weights = _as_list(getattr(row, "weights", None), str_ok=False)
        if weights and len(weights) != len(words):
            raise DigestError(
                f"topic_keywords: topic {row.topic!r}: expected one weight per keyword "
                f"(got {len(weights)} weights for {len(words)} keywords)"
            )
        if weights:
            pairs = sorted(zip(words, map(float, weights), strict=True), key=lambda p: -p[1])
        else:
            pairs = [(w, 1 - i / max(len(words), top_n)) for i, w in enumerate(words)]
        if pairs:
            panels.append((str(row.label), pairs[:top_n], bool(weights)))
    return panels


def topic_hierarchy(topic_vectors: pd.DataFrame) -> go.Figure:
    """Dendrogram of topics: average linkage on cosine distances between topic vectors.

    Args:
        topic_vectors: Index = topic labels; numeric columns = the dimensions of each topic's
            centroid embedding. Fewer than three topics give an annotated figure instead.

    Raises:
        DigestError: ``topic_vectors`` is not a DataFrame, has a non-numeric column, a
            non-finite value or an all-zero vector (cosine distance undefined).
    """
    from scipy.cluster.hierarchy import dendrogram, linkage
    from scipy.spatial.distance import pdist

    _require(topic_vectors, [], name="topic_vectors", fn="topic_hierarchy")
    title = "Topic hierarchy"
    labels = [str(v) for v in topic_vectors.index]
    bad = [
        str(c) for c in topic_vectors.columns if not pd.api.types.is_numeric_dtype(topic_vectors[c])
    ]
    if bad or (labels and topic_vectors.shape[1] == 0):
        raise DigestError(
            "topic_hierarchy: expected numeric dimension columns in topic_vectors "
            f"(got {topic_vectors.shape[1]} columns, non-numeric: {bad!r})"
        )
    x = topic_vectors.to_numpy(dtype=float)
    if not np.isfinite(x).all():
        raise DigestError("topic_hierarchy: expected finite numbers in topic_vectors (got NaN/inf)")
    zero = [lab for lab, v in zip(labels, x, strict=True) if not np.any(v)]
    if zero:
        raise DigestError(f"topic_hierarchy: all-zero topic vector(s) for {zero!r}")
    if len(labels) < 3:
        what = f"{len(labels)} topic(s)" + (f" ({plot_text(', '.join(labels))})" if labels else "")
        return _message(title, f"{what}: nothing to cluster (a hierarchy needs three or more).")
    tree = dendrogram(
        linkage(pdist(x, "cosine").clip(min=0), "average"), labels=labels, no_plot=True
    )
    xs = [v for d in tree["dcoord"] for v in (*map(float, d), None)]
    ys = [v for i in tree["icoord"] for v in (*map(float, i), None)]
    fig = go.Figure(
        go.Scatter(
            x=xs, y=ys, mode="lines", line={"color": STYLE["ink"], "width": 2}, hoverinfo="skip"
        )
    )
    ticks = [5.0 + 10 * i for i in range(len(labels))]
    fig.update_yaxes(
        tickvals=ticks,
        ticktext=[plot_text(v) for v in tree["ivl"]],
        showgrid=False,
        range=[0, ticks[-1] + 5],
    )
    fig.update_xaxes(title="cosine distance (average linkage)", rangemode="tozero")
    return _styled(fig, f"{title}: {len(labels)} topics", height=140 + 26 * len(labels))


def topic_areas(table: pd.DataFrame) -> go.Figure:
    """Treemap of broad areas and the fine topics inside them, sized by papers.

    Args:
        table: Both levels, as ``TopicResult.table()``: ``level`` (``"area"`` or ``"topic"``),
            ``topic``, ``size``, ``label``, and for topic rows ``area`` (the area holding it).

    Raises:
        DigestError: A required column is missing.
    """
    _require(table, ["level", "topic", "size", "label", "area"], name="table", fn="topic_areas")
    title = "Broad areas and their topics"
    areas = table[table["level"] == "area"]
    topics = table[table["level"] == "topic"]
    if areas.empty or topics.empty:
        return _message(title, "No areas to show: the topics were fitted without broad areas.")
    palette = STYLE["palette"]
    color = {int(a): palette[i % len(palette)] for i, a in enumerate(areas["topic"])}
    ids = [f"area {int(a)}" for a in areas["topic"]] + [f"topic {int(t)}" for t in topics["topic"]]
    parents = [""] * len(areas) + [f"area {int(a)}" for a in topics["area"]]
    fig = go.Figure(
        go.Treemap(
            ids=ids,
            labels=[plot_text(v) for v in [*areas["label"], *topics["label"]]],
            parents=parents,
            values=[*areas["size"].astype(int), *topics["size"].astype(int)],
            branchvalues="total",
            marker={"colors": [color[int(a)] for a in [*areas["topic"], *topics["area"]]]},
            texttemplate="%{label}<br>%{value} papers",
            hovertemplate="%{label}: %{value} papers (%{percentRoot:.0%})<extra></extra>",
            sort=False,
        )
    )
    n = int(areas["size"].sum())
    subtitle = f"{len(areas)} areas, {len(topics)} topics, {n} papers; box size = papers"
    return _styled(fig, title, subtitle=subtitle, height=560, margin={"t": 90, "l": 10, "r": 10})
