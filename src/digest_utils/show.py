"""Display helpers for the notebooks: tables and figures that also read well as report pages.

The notebooks call these, not :mod:`digest_utils.report` (which executes the notebooks and
writes the HTML report):

* :func:`setup_notebook`: plotly figures that survive nbconvert, DataFrames shown whole;
* :func:`table_html`: a DataFrame as the report shows it (shares as percentages, NA blank);
* :func:`interactive_table`: a searchable, sortable table (itables, offline);
* :func:`linked_titles`: a table whose titles link to the paper's page.

Every id these helpers put into a page is fixed or sequential (a fresh kernel per notebook),
so a page is byte-identical between builds.
"""

from __future__ import annotations

import itertools
import re
from typing import Any

__all__ = ["interactive_table", "linked_titles", "setup_notebook", "table_html"]

_SHARE = re.compile(r"(^|_)share$")
_TABLES = itertools.count(1)


def setup_notebook() -> None:
    """Configure plotly and tables for notebooks that must also render as HTML and pass nbval.

    Figures are emitted both as plotly's JSON mimetype (what JupyterLab renders) and as HTML
    (what nbconvert keeps; plotly.js is embedded once, by the first figure, with no CDN).
    Plotly 6+ defaults to the mimetype alone, whose charts vanish from nbconvert HTML.
    DataFrames are shown whole (no "..." in long titles), with shares as percentages, other
    decimals to two places and missing values blank (:func:`table_html`).
    """
    import plotly.io as pio

    pio.renderers.default = "plotly_mimetype+notebook"
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - notebooks always have IPython
        return
    shell = get_ipython()
    if shell is not None:
        import pandas as pd

        formatter = shell.display_formatter.formatters["text/html"]
        formatter.for_type(pd.DataFrame, table_html)


def table_html(df) -> str:
    """A DataFrame as HTML for the report: every cell whole, numbers formatted, NA blank.

    Columns named ``share`` or ``*_share`` show as percentages (``59%``), other floats with
    two decimals; NA, NaN and NaT show as empty cells.
    """
    import pandas as pd

    from digest_utils import _html

    df = _html.frame(df)  # data is never markup: every text cell and label escaped
    shares = {
        c: "{:.0%}"
        for c in df.columns
        if _SHARE.search(str(c)) and pd.api.types.is_float_dtype(df[c])
    }
    # sequential ids (a fresh kernel per notebook): pages stay byte-identical between builds
    styler = df.style.set_uuid(f"t{next(_TABLES)}").format(precision=2, na_rep="", thousands=None)
    if shares:  # only these columns: a dict alone would reset the others' precision
        styler = styler.format(shares, na_rep="", subset=list(shares))
    text = [c for c in df.columns if not pd.api.types.is_numeric_dtype(df[c])]
    if text:  # titles and labels read left to right; numbers stay right-aligned
        styler = styler.set_properties(subset=text, **{"text-align": "left"})
    return styler.to_html()


def interactive_table(df, **options) -> None:
    """Show ``df`` as a searchable, sortable table (itables, offline: no network needed).

    Every text cell is escaped; only links built by :func:`digest_utils._html.link` (a linked
    title) stay HTML. Options go to :func:`itables.show`.
    """
    from itables import init_notebook_mode
    from itables import show as itables_show

    from digest_utils import _html

    init_notebook_mode(all_interactive=False, connected=False)
    defaults = {
        "pageLength": 10,
        "classes": "display compact",
        "table_id": f"itables_{next(_TABLES)}",
    }
    itables_show(_html.frame(df), allow_html=True, **{**defaults, **options})


def linked_titles(table: Any) -> Any:
    """A table for display with each title linking to the paper's page where ``url`` is known.

    Args:
        table: A DataFrame with ``title`` and ``url`` (as ``analyse(...).papers`` and
            ``load_digests`` give; ``url`` is NA for papers from text digests).

    Returns:
        A pandas ``Styler`` of ``table`` without its ``url`` column; every cell HTML-escaped,
        titles with a URL wrapped in a link.

    Raises:
        ColumnsError: ``title`` or ``url`` is missing.
    """
    import pandas as pd

    from digest_utils import _html
    from digest_utils._util import require_columns
    from digest_utils.briefing import title_link

    require_columns(table, ["title", "url"], where="linked_titles: table")
    shown = _html.frame(table.drop(columns="url"))
    links = [title_link(t, u) for t, u in zip(table["title"], table["url"], strict=True)]
    shown["title"] = pd.Series(links, index=shown.index, dtype=object)
    return shown.style.set_uuid("titles")  # a fixed id: the same page on every run
