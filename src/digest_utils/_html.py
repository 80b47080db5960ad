"""Data to HTML: the one place where text from a digest becomes part of a page.

Titles, abstracts, evidence, keywords, organisation and author names, digest and topic labels
and theme names are data, never markup: every function here escapes them (with ``markupsafe``,
the escaping library Jinja uses), so a title holding ``<script>`` reads as that text on every
page of the report. A link is written only for an ``http`` or ``https`` URL; any other scheme
(``javascript:``, ``data:``, ``file:``, ...) is left out with an
:class:`~digest_utils.errors.UnsafeLinkWarning`, and the text stays, unlinked.

HTML built here is a :class:`markupsafe.Markup`: escaping it again leaves it as it is, so a
linked title survives :func:`frame` (and pandas' own ``escape="html"``) intact.

The report's sinks and what each uses:

* the briefing (``briefing_html``): :func:`text` and :func:`link`;
* tables in the notebooks (``show.table_html``, ``show.linked_titles``, itables):
  :func:`frame`, which escapes every text cell and label of a DataFrame;
* plotly figures (``charts``): :func:`plot_text`. Plotly draws a subset of HTML (``<b>``,
  ``<br>``, ``<a href>``) in titles, tick labels, legend entries, hover text and annotations,
  and decodes entities, so escaped text reads as typed.
"""

from __future__ import annotations

import datetime as dt
import re
import warnings
from numbers import Number
from urllib.parse import urlsplit

import pandas as pd
from markupsafe import Markup, escape

from digest_utils.errors import UnsafeLinkWarning

__all__ = ["SCHEMES", "frame", "link", "plot_text", "safe_url", "text"]

#: The only URL schemes a page links to.
SCHEMES = frozenset({"http", "https"})

# whitespace or a control character anywhere in a URL: browsers drop some of them silently
# (``java\tscript:``), so such a URL is not trusted whatever its scheme seems to be
_UNSAFE_CHARS = re.compile(r"[\x00-\x20\x7f-\x9f]")


def text(value: object) -> Markup:
    """``value`` as HTML text: ``<``, ``>``, ``&`` and quotes escaped (``Markup`` kept as is).

    >>> str(text('<img src=x onerror="alert(1)">'))
    '&lt;img src=x onerror=&#34;alert(1)&#34;&gt;'
    """
    return escape(value if isinstance(value, Markup) else str(value))


def safe_url(url: object) -> str | None:
    """``url`` when it is an absolute ``http(s)`` URL, else ``None``.

    NA and blank give ``None`` quietly; any other URL that is refused (another scheme, no
    host, whitespace or control characters inside) also issues an :class:`UnsafeLinkWarning`.
    """
    if url is None or (pd.api.types.is_scalar(url) and pd.isna(url)):
        return None
    candidate = str(url).strip()
    if not candidate:
        return None
    try:
        parts = urlsplit(candidate)
        ok = parts.scheme.lower() in SCHEMES and bool(parts.hostname)
    except ValueError:  # e.g. an invalid IPv6 host
        ok = False
    if ok and not _UNSAFE_CHARS.search(candidate):
        return candidate
    warnings.warn(
        UnsafeLinkWarning(
            f"left out a link that is not http(s): {candidate[:80]!r}", url=candidate
        ),
        stacklevel=2,
    )
    return None


def link(label: object, url: object) -> Markup:
    """``label`` as escaped text, linked to ``url`` when that is an http(s) URL.

    A missing URL (NA, None, blank) gives the text alone; any other URL that
    :func:`safe_url` refuses gives the text alone and an :class:`UnsafeLinkWarning`.

    >>> str(link("A <b> title", "https://huggingface.co/papers/2405.00001"))
    '<a href="https://huggingface.co/papers/2405.00001">A &lt;b&gt; title</a>'
    >>> str(link("A title", float("nan")))
    'A title'
    """
    href = safe_url(url)
    if href is None:
        return text(label)
    return Markup('<a href="{}">{}</a>').format(href, text(label))


def plot_text(value: object) -> str:
    """``value`` escaped for a plotly figure's text (a plain ``str``; plotly decodes entities).

    Use it for every string from the data a figure shows: category names on an axis, legend
    entries, hover text, annotations and titles.
    """
    return str(text(value))


def _cell(value: object) -> object:
    """One table cell: text escaped; numbers, dates, NA and ``Markup`` left as they are."""
    if isinstance(value, Markup) or value is None:
        return value
    if isinstance(value, str):
        return escape(value)
    if isinstance(value, Number | dt.date | dt.timedelta | pd.Timestamp | pd.Timedelta):
        return value
    if pd.api.types.is_scalar(value) and pd.isna(value):
        return value
    return escape(str(value))  # a list of keywords, a dict, any other object


def _is_text(column: pd.Series) -> bool:
    """Whether a column may hold text (object, string or categorical dtype)."""
    kind = column.dtype
    return not (
        pd.api.types.is_numeric_dtype(kind)
        or pd.api.types.is_bool_dtype(kind)
        or pd.api.types.is_datetime64_any_dtype(kind)
        or pd.api.types.is_timedelta64_dtype(kind)
        or isinstance(kind, pd.PeriodDtype)
    )


def _labels(index: pd.Index) -> pd.Index:
    """An index (or the columns) with its text labels and names escaped."""
    names = [_cell(n) for n in index.names]
    if isinstance(index, pd.MultiIndex):
        levels = [_labels(level) for level in index.levels]
        return index.set_levels(levels).set_names(names)
    if not _is_text(index.to_series()):
        return index.set_names(names)
    return pd.Index([_cell(v) for v in index], dtype=object, name=names[0])


def frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` ready to render as HTML: every text cell and label escaped.

    Text cells (and lists, dicts, other objects, as their ``str``) become escaped
    ``Markup``; numbers, dates and NA are kept for the table's formatting; ``Markup`` cells
    (a link from :func:`link`) are kept as they are. The index and column labels and their
    names are escaped too. Render the result without escaping again (``Styler`` as is,
    itables with ``allow_html=True``).
    """
    out = df.copy()
    for i in range(out.shape[1]):
        column = out.iloc[:, i]
        if _is_text(column):
            cells = pd.Series([_cell(v) for v in column], index=out.index, dtype=object)
            out.isetitem(i, cells)
    out.columns = _labels(out.columns)
    out.index = _labels(out.index)
    return out
