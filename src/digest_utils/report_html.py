"""One executed notebook as one page of the report: offline, reproducible, code on demand.

:func:`render_page` exports a notebook with nbconvert's ``lab`` template, then: drops stderr
(progress bars differ between a cold and a warm cache), the template's CDN scripts and
``.ipynb`` links (pointed at the pages), replaces plotly's random element ids by sequential
ones, moves the inline plotly.js out (written once beside the pages, :data:`PLOTLY_ASSET`),
and adds the bar linking the briefing with a "Show code" toggle. :mod:`digest_utils.report`
runs the notebooks and writes the pages.
"""

from __future__ import annotations

import copy
import re

__all__ = ["PLOTLY_ASSET", "exporter", "heading", "render_page", "stable_ids"]

_REMOTE_SCRIPT = re.compile(r"<script[^>]*\ssrc=[\"']https?://[^>]*>\s*</script>\s*", re.IGNORECASE)
_NOTEBOOK_LINK = re.compile(r'href="(\d\d-[\w-]+)\.ipynb"')
_PLOTLY_JS = re.compile(r"<script>(/\*\*\s*\* plotly\.js v.*?)</script>", re.DOTALL)

#: plotly.js, written once beside the pages; every page with a chart loads it.
PLOTLY_ASSET = "plotly.min.js"

#: Shown on every detailed page: code hidden until the toggle shows it, tables wrapped.
_PAGE_CSS = """<style>
body:not(.show-code) .jp-CodeCell .jp-Cell-inputWrapper{display:none}
body:not(.show-code) .jp-CodeCell:not(:has(.jp-OutputArea-child)){display:none}
.report-bar{position:sticky;top:0;z-index:10;display:flex;gap:1em;align-items:center;
 justify-content:space-between;padding:.5em 1em;background:#fff;border-bottom:1px solid #e6e6e6;
 font-family:system-ui,sans-serif}
.report-bar button{font:inherit;padding:.2em .8em;cursor:pointer}
.jp-OutputArea-output{overflow-x:auto;max-width:100%}
.jp-OutputArea-output pre{white-space:pre-wrap;overflow-wrap:anywhere}
.jp-RenderedHTMLCommon td,.jp-RenderedHTMLCommon th{white-space:normal;max-width:40em}
.jp-RenderedMarkdown{overflow-wrap:anywhere}
@media (max-width:600px){.jp-Notebook{padding:4px}.jp-Cell{padding:2px}
 .jp-RenderedHTMLCommon{padding-right:4px}}
</style>
"""
_PAGE_BAR = """<div class="report-bar"><a href="index.html">&larr; Briefing</a>
<button id="toggle-code" type="button" aria-pressed="false">Show code</button></div>
"""
_PAGE_JS = """<script>
document.getElementById("toggle-code").addEventListener("click", function () {
  var on = document.body.classList.toggle("show-code");
  this.textContent = on ? "Hide code" : "Show code";
  this.setAttribute("aria-pressed", String(on));
  window.dispatchEvent(new Event("resize"));
});
</script>
"""
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def exporter():
    """Nbconvert's HTML exporter as the report uses it (``lab`` template, no prompts)."""
    from nbconvert import HTMLExporter

    return HTMLExporter(template_name="lab", exclude_input_prompt=True, exclude_output_prompt=True)


def _offline(page: str) -> str:
    """Drop the template's CDN scripts (require.js, MathJax) and point notebook links at pages.

    The report's pages need neither script: plotly.js is embedded inline by the first figure.
    A link to ``01-load-digests.ipynb`` becomes ``01-load-digests.html``.
    """
    return _NOTEBOOK_LINK.sub(r'href="\1.html"', _REMOTE_SCRIPT.sub("", page))


def _drop_stderr(nb) -> None:
    """Remove stderr streams (progress bars, library chatter) from a notebook's outputs.

    They depend on what the cache already held, so a page would differ between a cold and a
    warm run; errors are kept (they are ``error`` outputs, and fail the build anyway).
    """
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = [
                o for o in cell.outputs if not (o.output_type == "stream" and o.name == "stderr")
            ]


def stable_ids(page: str) -> str:
    """Replace plotly's random element ids by sequential ones, so pages are reproducible."""
    mapping: dict[str, str] = {}
    return _UUID.sub(lambda m: mapping.setdefault(m.group(0), f"plot-{len(mapping) + 1}"), page)


def _shared_plotly(page: str) -> tuple[str, str | None]:
    """Move the page's inline plotly.js out: ``(page loading PLOTLY_ASSET, the script)``."""
    found = _PLOTLY_JS.search(page)
    if not found:
        return page, None
    tag = f'<script src="{PLOTLY_ASSET}"></script>'
    return page[: found.start()] + tag + page[found.end() :], found.group(1)


def _chrome(page: str) -> str:
    """Add the bar (link to the briefing, code toggle) and the CSS hiding code by default."""
    page = page.replace("</head>", _PAGE_CSS + "</head>", 1)
    body = re.search(r"<body[^>]*>", page)
    if body:
        page = page[: body.end()] + "\n" + _PAGE_BAR + page[body.end() :]
    return page.replace("</body>", _PAGE_JS + "</body>", 1)


def render_page(nb, exporter) -> tuple[str, str | None]:
    """One executed notebook as a report page, and its plotly.js (None without charts).

    ``nb`` itself is left as it is (its stderr included): the caller may still check it.
    """
    nb = copy.deepcopy(nb)
    _drop_stderr(nb)
    body, _ = exporter.from_notebook_node(nb)
    page, plotly_js = _shared_plotly(stable_ids(_offline(body)))
    return _chrome(page), plotly_js


def heading(nb) -> tuple[str, str]:
    """The notebook's H1 title and its one-line '>' subtitle."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            lines = cell.source.splitlines()
            title = next((ln[2:].strip() for ln in lines if ln.startswith("# ")), "")
            subtitle = next((ln[1:].strip() for ln in lines if ln.startswith(">")), "")
            return title, subtitle
    return "", ""
