"""Theme figures: how big each theme is and where themes overlap."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from digest_utils._html import plot_text
from digest_utils.charts._base import (
    _OUTSIDE,
    STYLE,
    _heatmap,
    _message,
    _no_themes,
    _pct,
    _styled,
    _theme_matrix,
    theme_colors,
)
from digest_utils.errors import DigestError


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
            y=[plot_text(theme_names[t]) for t in sizes.index],
            orientation="h",
            marker_color=[colors[t] for t in sizes.index],
            text=[f"{int(n)} ({_pct(n / total)})" for n in sizes],
            **_OUTSIDE,
            hovertemplate="%{y}: %{text} of all papers<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed")
    # room right of the longest bar for its "n (p%)" label, which would otherwise be clipped
    fig.update_xaxes(
        title="papers (a paper may have several themes)", range=[0, float(sizes.max()) * 1.2]
    )
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
    ids, names = list(theme_names), [plot_text(n) for n in theme_names.values()]
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
    for trace in _matrix_traces(xs, members, names):
        fig.add_trace(trace, row=2, col=col)
    fig.update_yaxes(categoryorder="array", categoryarray=names[::-1], row=2, col=col)
    fig.update_xaxes(showticklabels=False, showgrid=False, range=[-0.6, len(xs) - 0.4], col=col)
    fig.update_yaxes(title="papers (exact combination)", row=1, col=col)
    fig.update_yaxes(showgrid=False, row=2)
    if show_set_sizes:
        _add_set_sizes(fig, m, theme_names)
    return _styled(
        fig, title, subtitle=subtitle, showlegend=False, height=380 + 32 * len(names), bargap=0.3
    )


def _matrix_traces(xs: list[int], members: list[list[str]], names: list[str]) -> list[go.Scatter]:
    """The UpSet dot matrix: a faint grid, a line joining each combination, its filled dots."""
    dot = {"size": 13, "line": {"width": 0}}
    grid = go.Scatter(
        x=[x for x in xs for _ in names],
        y=names * len(xs),
        mode="markers",
        marker={**dot, "color": STYLE["faint"]},
        hoverinfo="skip",
        name="not in",
    )
    lines = go.Scatter(
        x=[v for x in xs for v in (x, x, None)],
        y=[v for ms in members for v in (ms[0], ms[-1], None)],
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
    return [grid, lines, filled]


def _add_set_sizes(fig: go.Figure, m: pd.DataFrame, theme_names: Mapping[str, str]) -> None:
    """Each theme's size as bars left of the UpSet matrix (row 2, column 1)."""
    ids, names = list(theme_names), [plot_text(n) for n in theme_names.values()]
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
    names = [plot_text(n) for n in theme_names.values()]
    text = [[str(v) for v in row] for row in shared]
    fig = _heatmap(shared, names, names, text, hovertemplate="%{y} & %{x}: %{z} papers")
    fig.update_xaxes(tickangle=-30)
    return _styled(
        fig, title, subtitle="diagonal: papers with that theme", height=260 + 50 * len(names)
    )
