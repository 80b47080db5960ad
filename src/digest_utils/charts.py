"""Plotly figures of themes and topics: one public function per figure.

Every function takes tidy DataFrames (the output of :mod:`digest_utils.themes` or
:mod:`digest_utils.topics`), validates the columns it needs, and returns an unshown
:class:`plotly.graph_objects.Figure`. All figures share :data:`STYLE` through an explicit template,
so they look the same whatever ``plotly.io.templates.default`` is, and ``fig.to_dict()`` holds no
random ids or timestamps. Empty inputs give a figure with an explanatory annotation.

Inputs:

* ``flags``: one row per paper with a 0/1 column per theme id (``digests``, a list of digest
  names, and ``published``, datetime64 with NaT when unknown, where a chart needs them);
* ``theme_names``: theme id -> display name, in catalogue order;
* ``points``: one row per paper with ``x``, ``y`` and a column to colour by;
* ``topics``: one row per topic with ``topic``, ``label``, ``keywords`` (optional ``size``,
  ``weights``);
* ``topic_vectors``: index = topic labels, numeric columns = centroid dimensions.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from digest_utils.errors import DigestError

__all__ = [
    "STYLE",
    "paper_map",
    "theme_colors",
    "theme_cooccurrence",
    "theme_sizes",
    "theme_upset",
    "themes_per_digest",
    "timeline",
    "topic_hierarchy",
    "topic_keywords",
]

#: The one style shared by every figure: font, palette (theme i gets ``palette[i]``), the grey of
#: papers with no theme or outlier topic, ink for marks, margins and a sequential colour scale.
# fmt: off
STYLE: dict = {
    "font": {"family": "Inter, Helvetica Neue, Arial, sans-serif", "size": 13, "color": "#2B2B2B"},
    "palette": ("#4C78A8", "#F58518", "#54A24B", "#E45756", "#72B7B2",
                "#B279A2", "#EECA3B", "#9D755D", "#FF9DA6", "#2F4B7C"),
    "none": "#BDBDBD",
    "faint": "#E6E6E6",
    "ink": "#3A3A3A",
    "margin": {"l": 20, "r": 20, "t": 90, "b": 40},
    "scale": [[0.0, "#FFFFFF"], [1.0, "#2F5F8A"]],
}
# fmt: on

_TEMPLATE = go.layout.Template(
    layout={
        "font": STYLE["font"],
        "colorway": list(STYLE["palette"]),
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "margin": STYLE["margin"],
        "hoverlabel": {"font": {"family": STYLE["font"]["family"]}},
        "xaxis": {"gridcolor": STYLE["faint"], "zeroline": False, "automargin": True},
        "yaxis": {"gridcolor": STYLE["faint"], "zeroline": False, "automargin": True},
        "legend": {"bgcolor": "rgba(255,255,255,0)"},
    }
)
_HEATMAP = {
    "texttemplate": "%{text}",
    "colorscale": STYLE["scale"],
    "zmin": 0,
    "showscale": False,
    "xgap": 2,
    "ygap": 2,
}
_OUTSIDE = {"textposition": "outside", "cliponaxis": False}
_NONE_NAMES = frozenset({"", "none", "no theme", "outlier", "outliers", "-1", "nan", "<na>"})
_UNITS = {"D": "day", "W": "week", "M": "month", "Q": "quarter", "Y": "year"}


def theme_colors(theme_names: Mapping[str, str]) -> dict[str, str]:
    """Return the colour of each theme, keyed by both id and display name (catalogue order).

    The first theme gets the first palette colour, and so on; ``"none"`` and ``"no theme"`` are
    grey. Pass the result as ``color_map`` to :func:`paper_map` to match the theme charts.
    """
    palette = STYLE["palette"]
    colors = {"none": STYLE["none"], "no theme": STYLE["none"]}
    for i, (tid, name) in enumerate(theme_names.items()):
        colors[tid] = colors[name] = palette[i % len(palette)]
    return colors


def theme_sizes(flags: pd.DataFrame, theme_names: Mapping[str, str]) -> go.Figure:
    """Horizontal bars: papers per theme, largest first, labelled ``"23 (9%)"`` of all papers.

    Args:
        flags: One row per paper with a 0/1 column per theme id.
        theme_names: Theme id -> display name, in catalogue order.

    Returns:
        The figure; its title gives the number of papers and how many have no theme.

    Raises:
        DigestError: A theme column is missing or holds a value other than 0/1.
    """
    m = _theme_matrix(flags, theme_names, fn="theme_sizes")
    title = "Papers per theme"
    if empty := _no_themes(m):
        return _message(title, empty)
    total, n_none = len(m), int((m.sum(axis=1) == 0).sum())
    sizes = m.sum().sort_values(ascending=False, kind="stable")
    colors = theme_colors(theme_names)
    fig = go.Figure(
        go.Bar(
            x=[int(n) for n in sizes],
            y=[theme_names[t] for t in sizes.index],
            orientation="h",
            marker_color=[colors[t] for t in sizes.index],
            text=[f"{int(n)} ({_pct(n / total)})" for n in sizes],
            **_OUTSIDE,
            hovertemplate="%{y}: %{text} of all papers<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title="papers (a paper may have several themes)")
    return _styled(
        fig,
        f"{title}: {total} papers, {n_none} ({_pct(n_none / total)}) with no theme",
        height=160 + 40 * len(sizes),
    )


def theme_upset(
    flags: pd.DataFrame,
    theme_names: Mapping[str, str],
    *,
    min_size: int = 1,
    show_set_sizes: bool = True,
) -> go.Figure:
    """UpSet chart: how many papers have exactly each combination of themes.

    Top, bars of exclusive intersection sizes, largest first; below, a dot matrix whose filled,
    joined dots are the themes of that combination. Papers with no theme are counted in the
    subtitle, not drawn as an intersection.

    Args:
        flags: One row per paper with a 0/1 column per theme id.
        theme_names: Theme id -> display name, in catalogue order (top to bottom).
        min_size: Hide combinations with fewer papers (counted in the subtitle).
        show_set_sizes: Also draw each theme's size as bars left of the matrix.

    Raises:
        DigestError: A theme column is missing or invalid, or ``min_size`` < 1.
    """
    m = _theme_matrix(flags, theme_names, fn="theme_upset")
    if not isinstance(min_size, int) or min_size < 1:
        raise DigestError(f"theme_upset: expected min_size >= 1 (got {min_size!r})")
    title = "Theme combinations"
    if empty := _no_themes(m):
        return _message(title, empty)
    ids, names = list(theme_names), list(theme_names.values())
    counts = Counter(map(tuple, m.to_numpy().astype(bool)))
    n_none = counts.pop((False,) * len(ids), 0)
    combos = sorted(counts.items(), key=lambda kv: (-kv[1], sum(kv[0]), [not b for b in kv[0]]))
    shown = [(c, n) for c, n in combos if n >= min_size]
    subtitle = f"{len(m) - n_none} papers with a theme; {n_none} with none are not shown"
    if len(shown) < len(combos):
        subtitle += f"; {len(combos) - len(shown)} combinations under {min_size} papers hidden"
    if not shown:
        return _message(title, f"No combination has {min_size} or more papers.", subtitle)
    col = 2 if show_set_sizes else 1
    fig = make_subplots(
        rows=2,
        cols=col,
        specs=[[None, {}], [{}, {}]] if show_set_sizes else [[{}], [{}]],
        shared_xaxes=True,
        shared_yaxes=True,
        column_widths=[0.22, 0.78] if show_set_sizes else None,
        row_heights=[0.6, 0.4],
        horizontal_spacing=0.01,
        vertical_spacing=0.03,
    )
    xs = list(range(len(shown)))
    members = [[names[i] for i, b in enumerate(c) if b] for c, _ in shown]
    fig.add_trace(
        go.Bar(
            x=xs,
            y=[n for _, n in shown],
            text=[n for _, n in shown],
            **_OUTSIDE,
            marker_color=STYLE["ink"],
            hovertext=[" & ".join(ms) for ms in members],
            hovertemplate="%{hovertext} only: %{y} papers<extra></extra>",
            name="papers",
        ),
        row=1,
        col=col,
    )
    dot = {"size": 13, "line": {"width": 0}}
    grid = go.Scatter(
        x=[x for x in xs for _ in names],
        y=names * len(xs),
        mode="markers",
        marker={**dot, "color": STYLE["faint"]},
        hoverinfo="skip",
        name="not in",
    )
    lines_x = [v for x, ms in zip(xs, members, strict=True) for v in (x, x, None)]
    lines_y = [v for ms in members for v in (ms[0], ms[-1], None)]
    lines = go.Scatter(
        x=lines_x,
        y=lines_y,
        mode="lines",
        line={"color": STYLE["ink"], "width": 3},
        hoverinfo="skip",
        name="in",
    )
    filled = go.Scatter(
        x=[x for x, ms in zip(xs, members, strict=True) for _ in ms],
        y=[name for ms in members for name in ms],
        mode="markers",
        marker={**dot, "color": STYLE["ink"]},
        hovertemplate="%{y}<extra></extra>",
        name="in",
    )
    for trace in (grid, lines, filled):
        fig.add_trace(trace, row=2, col=col)
    fig.update_yaxes(categoryorder="array", categoryarray=names[::-1], row=2, col=col)
    fig.update_xaxes(showticklabels=False, showgrid=False, range=[-0.6, len(xs) - 0.4], col=col)
    fig.update_yaxes(title="papers (exact combination)", row=1, col=col)
    fig.update_yaxes(showgrid=False, row=2)
    if show_set_sizes:
        colors = theme_colors(theme_names)
        sizes = [int(m[t].sum()) for t in ids]
        fig.add_trace(
            go.Bar(
                x=sizes,
                y=names,
                orientation="h",
                marker_color=[colors[t] for t in ids],
                text=sizes,
                **_OUTSIDE,
                hovertemplate="%{y}: %{x} papers<extra></extra>",
                name="theme size",
            ),
            row=2,
            col=1,
        )
        # reversed, with room on the left for the count beside the longest bar
        fig.update_xaxes(range=[max(sizes) * 1.3, 0], title="papers per theme", row=2, col=1)
    return _styled(
        fig, title, subtitle=subtitle, showlegend=False, height=380 + 32 * len(names), bargap=0.3
    )


def theme_cooccurrence(flags: pd.DataFrame, theme_names: Mapping[str, str]) -> go.Figure:
    """Heatmap of papers shared by each pair of themes; the diagonal is each theme's size.

    Raises:
        DigestError: A theme column is missing or holds a value other than 0/1.
    """
    m = _theme_matrix(flags, theme_names, fn="theme_cooccurrence")
    title = "Papers shared by two themes"
    if empty := _no_themes(m):
        return _message(title, empty)
    x = m.to_numpy()
    shared = (x.T @ x).astype(int).tolist()
    names = list(theme_names.values())
    text = [[str(v) for v in row] for row in shared]
    fig = _heatmap(shared, names, names, text, hovertemplate="%{y} & %{x}: %{z} papers")
    fig.update_xaxes(tickangle=-30)
    return _styled(
        fig, title, subtitle="diagonal: papers with that theme", height=260 + 50 * len(names)
    )


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
    title = f"Map of papers by {color}"
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
                name=cat,
                marker={
                    "color": colors[cat],
                    "size": 6 if grey else 8,
                    "opacity": 0.5 if grey else 0.85,
                    "line": {"width": 0.5, "color": "white"},
                },
                hovertext=rows[hover].astype("string").fillna("").tolist(),
                customdata=rows["paper_id"].astype(str).tolist() if "paper_id" in rows else None,
                hovertemplate="%{hovertext}<extra>%{fullData.name}</extra>",
                legendrank=2000 if grey else 1000,
            )
        )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return _styled(fig, f"{title}: {len(points)} papers", height=600, legend={"title": color})


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
    panels = []
    for row in kept.itertuples(index=False):
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
    if not panels:
        return _message(title, "No topic with keywords to show.")
    n_all, panels = len(panels), panels[:max_topics]
    cols = min(4, len(panels))
    rows = math.ceil(len(panels) / cols)
    fig = make_subplots(
        rows=rows,
        cols=cols,
        subplot_titles=[_shorten(label, 34) for label, _, _ in panels],
        horizontal_spacing=0.14 if cols > 1 else 0.2,
        vertical_spacing=min(0.12, 0.6 / rows),
    )
    palette = STYLE["palette"]
    for i, (label, pairs, weighted) in enumerate(panels):
        fig.add_trace(
            go.Bar(
                x=[round(v, 6) for _, v in pairs],
                y=[w for w, _ in pairs],
                orientation="h",
                name=label,
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
        what = f"{len(labels)} topic(s)" + (f" ({', '.join(labels)})" if labels else "")
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
        tickvals=ticks, ticktext=list(tree["ivl"]), showgrid=False, range=[0, ticks[-1] + 5]
    )
    fig.update_xaxes(title="cosine distance (average linkage)", rangemode="tozero")
    return _styled(fig, f"{title}: {len(labels)} topics", height=140 + 26 * len(labels))


def themes_per_digest(
    flags: pd.DataFrame, theme_names: Mapping[str, str], *, share: bool = True
) -> go.Figure:
    """Heatmap of papers per theme (columns) in each digest (rows, ``name (n papers)``).

    A paper in several digests counts in each.

    Args:
        flags: One row per paper with ``digests`` (list of digest names) and the theme columns.
        theme_names: Theme id -> display name, in catalogue order.
        share: Show the fraction of that digest's papers; ``False`` shows counts.

    Raises:
        DigestError: ``digests`` or a theme column is missing or invalid.
    """
    m = _theme_matrix(flags, theme_names, fn="themes_per_digest", extra=["digests"])
    title = "Themes per digest" + (" (share of the digest's papers)" if share else " (papers)")
    if empty := _no_themes(m):
        return _message(title, empty)
    long = m.assign(_digest=flags["digests"].map(_as_list).to_numpy()).explode("_digest")
    long = long.dropna(subset=["_digest"])
    if long.empty:
        return _message(title, "No paper names a digest in 'digests'.")
    n = long.groupby("_digest").size()
    counts = long.groupby("_digest")[list(theme_names)].sum().astype(int)
    shares = counts.div(n, axis=0)
    z = shares if share else counts
    text = [
        [_pct(s) if share else str(c) for s, c in zip(sr, cr, strict=True)]
        for sr, cr in zip(shares.to_numpy(), counts.to_numpy(), strict=True)
    ]
    hover = [
        [f"{c} of {n[d]} papers ({_pct(s)})" for s, c in zip(sr, cr, strict=True)]
        for d, sr, cr in zip(n.index, shares.to_numpy(), counts.to_numpy(), strict=True)
    ]
    fig = _heatmap(
        z.to_numpy().astype(float).tolist(),
        list(theme_names.values()),
        [f"{d} ({n[d]} papers)" for d in n.index],
        text,
        hovertext=hover,
        hovertemplate="%{y}<br>%{x}: %{hovertext}",
    )
    fig.update_xaxes(side="top")
    return _styled(fig, title, height=220 + 34 * len(n))


def timeline(flags: pd.DataFrame, theme_names: Mapping[str, str], *, freq: str = "M") -> go.Figure:
    """Stacked bars of papers per period by publication date, one colour per theme + no theme.

    Only papers with a known ``published`` date are drawn (dates are never guessed); the title
    says how many were left out. A paper with several themes counts once per theme.

    Args:
        flags: One row per paper with ``published`` (datetime64, NaT when unknown) and the theme
            columns.
        theme_names: Theme id -> display name, in catalogue order (bottom to top).
        freq: A pandas period alias: ``"D"``, ``"W"``, ``"M"``, ``"Q"`` or ``"Y"``.

    Raises:
        DigestError: ``published`` or a theme column is missing or invalid, or ``freq`` is not a
            period alias.
    """
    m = _theme_matrix(flags, theme_names, fn="timeline", extra=["published"])
    unit = _UNITS.get(str(freq).upper()[:1], f"period ({freq})")
    title = f"Papers per {unit} by theme"
    try:
        published = pd.to_datetime(flags["published"])
    except (TypeError, ValueError) as exc:
        raise DigestError(f"timeline: expected datetimes in 'published' ({exc})") from None
    if published.dt.tz is not None:  # periods carry no time zone; keep local dates
        published = published.dt.tz_localize(None)
    dated = published.notna().to_numpy()
    n_undated = int((~dated).sum())
    if len(m) == 0:
        return _message(title, "No papers: nothing to chart.")
    if not dated.any():
        return _message(
            title,
            f"None of the {len(m)} papers has a known publication date; nothing to plot.",
        )
    try:
        periods = published[dated].dt.to_period(freq)
    except (TypeError, ValueError) as exc:
        raise DigestError(
            f"timeline: expected a period alias such as 'M' (got {freq!r}: {exc})"
        ) from None
    full = pd.period_range(periods.min(), periods.max(), freq=periods.dt.freq)
    md = m[dated]
    counts = md.groupby(periods.to_numpy()).sum().reindex(full, fill_value=0)
    counts["no theme"] = (
        (md.sum(axis=1) == 0).groupby(periods.to_numpy()).sum().reindex(full, fill_value=0)
    )
    colors = theme_colors(theme_names)
    names = {**theme_names, "no theme": "no theme"}
    fig = go.Figure()
    for key in [*theme_names, "no theme"]:
        if counts[key].sum() > 0:
            fig.add_trace(
                go.Bar(
                    x=[str(p).split("/")[0] for p in full],  # a week reads as its Monday
                    y=counts[key].astype(int).tolist(),
                    name=names[key],
                    marker_color=colors[key],
                    hovertemplate="%{x}: %{y} papers<extra>%{fullData.name}</extra>",
                )
            )
    fig.update_xaxes(type="category", title=unit)
    fig.update_yaxes(title="papers")
    multi = bool((md.sum(axis=1) > 1).any())
    return _styled(
        fig,
        f"{title}: {int(dated.sum())} dated papers; {n_undated} with no known date left out",
        subtitle="a paper with several themes counts once per theme" if multi else None,
        barmode="stack",
        height=440,
    )


# --- helpers ---------------------------------------------------------------------------------


def _require(df: object, columns: Sequence[str], *, name: str, fn: str) -> None:
    """Raise DigestError unless ``df`` is a DataFrame holding every column in ``columns``."""
    if not isinstance(df, pd.DataFrame):
        raise DigestError(
            f"{fn}: expected {name} to be a pandas DataFrame (got {type(df).__name__})"
        )
    missing = [c for c in columns if c not in df.columns]
    if missing:
        got = [str(c) for c in df.columns]
        got_text = ", ".join(got[:12]) + (", ..." if len(got) > 12 else "")
        raise DigestError(
            f"{fn}: {name} lacks column(s) {', '.join(map(repr, missing))}; "
            f"expected {', '.join(map(repr, columns))} (got columns: {got_text or 'none'})"
        )


def _theme_matrix(
    flags: pd.DataFrame, theme_names: Mapping[str, str], *, fn: str, extra: Iterable[str] = ()
) -> pd.DataFrame:
    """Validate ``flags`` and return its theme columns as int 0/1 (NA counts as 0)."""
    ids = list(theme_names)
    _require(flags, [*extra, *ids], name="flags", fn=fn)
    m = flags[ids]
    bad = m.notna() & ~m.isin([0, 1])
    if bad.to_numpy().any():
        tid = next(t for t in ids if bad[t].any())
        raise DigestError(
            f"{fn}: expected 0/1 flags in column {tid!r} (got {m[tid][bad[tid]].tolist()[0]!r})"
        )
    return m.fillna(0).astype("int64").reset_index(drop=True)


def _no_themes(m: pd.DataFrame) -> str | None:
    """Return why a theme chart would be empty, or None when there is something to draw."""
    if m.shape[1] == 0:
        return "The theme catalogue is empty: nothing to chart."
    if len(m) == 0:
        return "No papers: nothing to chart."
    if not m.to_numpy().any():
        return f"None of the {len(m)} papers has a theme."
    return None


def _styled(fig: go.Figure, title: str, *, subtitle: str | None = None, **layout) -> go.Figure:
    """Apply the shared template, the title (and subtitle) and any extra layout."""
    head: dict = {"text": title, "x": 0.01, "xanchor": "left"}
    if subtitle:
        head["subtitle"] = {"text": subtitle}
    fig.update_layout(template=_TEMPLATE, title=head, **layout)
    return fig


def _heatmap(z: list, x: list, y: list, text: list, **trace) -> go.Figure:
    """An annotated heatmap on the shared scale; the first row of ``z`` is drawn at the top."""
    trace["hovertemplate"] += "<extra></extra>"
    fig = go.Figure(go.Heatmap(z=z, x=x, y=y, text=text, **_HEATMAP, **trace))
    fig.update_yaxes(autorange="reversed", showgrid=False)
    fig.update_xaxes(showgrid=False)
    return fig


def _message(title: str, message: str, subtitle: str | None = None) -> go.Figure:
    """A figure with no data and one centred annotation saying why."""
    fig = go.Figure()
    fig.add_annotation(
        text=message,
        x=0.5,
        y=0.5,
        xref="paper",
        yref="paper",
        showarrow=False,
        font={"size": 15, "color": STYLE["ink"]},
    )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return _styled(fig, title, subtitle=subtitle, height=300)


def _as_list(value: object, *, str_ok: bool = True) -> list:
    """A list cell as a list: None/NA -> [], a bare string -> [string] (when ``str_ok``)."""
    if isinstance(value, str):
        return [value] if str_ok else []
    if isinstance(value, (list, tuple, np.ndarray, pd.Series)):
        return list(value)
    return []


def _is_none(category: str) -> bool:
    """True for categories drawn grey: none / no theme / outlier / BERTopic's -1 topic."""
    text = category.strip().lower()
    return text in _NONE_NAMES or text.startswith("-1_")


def _natural(text: str) -> list:
    """Sort key comparing digit runs as numbers: '2_x' before '10_x'."""
    return [(0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"(\d+)", text) if p]


def _pct(share: float) -> str:
    """A share as a whole percentage, with '<1%' for small non-zero shares."""
    return "<1%" if 0 < share < 0.005 else f"{share:.0%}"


def _shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
