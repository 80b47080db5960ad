"""The style shared by every figure, the colour helper, and the helpers the figures share."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from digest_utils._util import require_columns
from digest_utils.errors import DigestError

STYLE: dict = {
    "font": {"family": "Inter, Helvetica Neue, Arial, sans-serif", "size": 13, "color": "#2B2B2B"},
    # Okabe & Ito's colour-blind-safe palette (black left out: it reads as text), in the order
    # themes take it; "none" is a neutral grey outside the palette.
    "palette": (
        "#0072B2",  # blue
        "#E69F00",  # orange
        "#009E73",  # bluish green
        "#D55E00",  # vermillion
        "#CC79A7",  # reddish purple
        "#56B4E9",  # sky blue
        "#F0E442",  # yellow
    ),
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

    The first theme gets the first palette colour (Okabe-Ito, colour-blind safe), and so on;
    ``"none"`` and ``"no theme"`` are grey. Every theme chart and the report's briefing take
    their colours from here; pass the result as ``color_map`` to :func:`paper_map`.
    """
    palette = STYLE["palette"]
    colors = {"none": STYLE["none"], "no theme": STYLE["none"]}
    for i, (tid, name) in enumerate(theme_names.items()):
        colors[tid] = colors[name] = palette[i % len(palette)]
    return colors


def _require(df: object, columns: Sequence[str], *, name: str, fn: str) -> None:
    """Raise ColumnsError unless ``df`` is a DataFrame holding every column in ``columns``."""
    require_columns(df, columns, where=f"{fn}: {name}")


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
