"""Trend figures: themes per digest or per period, and papers over time."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go

from digest_utils._html import plot_text
from digest_utils.charts._base import (
    _UNITS,
    _as_list,
    _heatmap,
    _message,
    _no_themes,
    _pct,
    _styled,
    _theme_matrix,
    theme_colors,
)
from digest_utils.errors import DigestError
from digest_utils.periods import Periods


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
        [plot_text(name) for name in theme_names.values()],
        [f"{plot_text(d)} ({n[d]} papers)" for d in n.index],
        text,
        hovertext=hover,
        hovertemplate="%{y}<br>%{x}: %{hovertext}",
    )
    fig.update_xaxes(side="top")
    return _styled(fig, title, height=220 + 34 * len(n))


def themes_per_period(
    flags: pd.DataFrame, theme_names: Mapping[str, str], periods: Periods, *, share: bool = True
) -> go.Figure:
    """Heatmap of papers per theme (columns) in each period (rows, ``period (n papers)``).

    Periods come from :func:`digest_utils.periods.paper_periods`: weeks, months or quarters,
    at most about :data:`config.MAX_PERIODS` rows, empty periods kept so the rows are true to
    time; a paper counts once, in the period it was first listed. Without digest dates the
    periods are the digests and the chart is :func:`themes_per_digest`.

    Args:
        flags: One row per paper with ``paper_id`` and the theme columns.
        theme_names: Theme id -> display name, in catalogue order.
        periods: The period of each paper.
        share: Show the fraction of that period's papers; ``False`` shows counts.

    Raises:
        DigestError: ``paper_id`` or a theme column is missing or invalid.
    """
    if periods.unit == "digest":
        return themes_per_digest(flags, theme_names, share=share)
    m = _theme_matrix(flags, theme_names, fn="themes_per_period", extra=["paper_id"])
    title = f"Themes per {periods.unit}" + (
        f" (share of the {periods.unit}'s papers)" if share else " (papers)"
    )
    if empty := _no_themes(m):
        return _message(title, empty)
    when = flags["paper_id"].astype(str).map(periods.of_paper).to_numpy()
    counts = m.groupby(when).sum().astype(int).reindex(periods.order, fill_value=0)
    n = pd.Series(when).value_counts().reindex(periods.order, fill_value=0)
    shares = counts.div(n.replace(0, float("nan")), axis=0)
    z = shares if share else counts
    text = [
        ["" if k == 0 else (_pct(s) if share else str(c)) for s, c in zip(sr, cr, strict=True)]
        for k, sr, cr in zip(n, shares.to_numpy(), counts.to_numpy(), strict=True)
    ]
    hover = [
        [
            f"{c} of {k} papers" + ("" if k == 0 else f" ({_pct(s)})")
            for s, c in zip(sr, cr, strict=True)
        ]
        for k, sr, cr in zip(n, shares.to_numpy(), counts.to_numpy(), strict=True)
    ]
    fig = _heatmap(
        [[None if pd.isna(v) else float(v) for v in row] for row in z.to_numpy()],
        [plot_text(name) for name in theme_names.values()],
        [f"{p} ({k} papers)" for p, k in zip(periods.order, n, strict=True)],
        text,
        hovertext=hover,
        hovertemplate="%{y}<br>%{x}: %{hovertext}",
    )
    fig.update_xaxes(side="top")
    return _styled(fig, title, height=220 + 24 * len(n))


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
                    name=plot_text(names[key]),
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
