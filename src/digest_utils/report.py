"""Run the notebook suite and render it as a shareable, offline HTML report.

``build_report`` executes every numbered notebook in a fresh kernel (parameters injected after
the cell tagged ``parameters``, papermill-style), exports each to one HTML page that reads
first and shows code on demand (code cells hidden behind a "Show code" toggle), and writes the
briefing, ``index.html`` (:mod:`digest_utils.briefing_html`), in front of them. plotly.js ships
once, as ``plotly.min.js`` beside the pages, so the folder works offline when zipped; progress
bars and other stderr are left out, so a page is the same whether the cache was cold or warm.
"""

from __future__ import annotations

import itertools
import re
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from digest_utils import config
from digest_utils.errors import DigestError

__all__ = [
    "PLOTLY_ASSET",
    "build_report",
    "inject_parameters",
    "interactive_table",
    "linked_titles",
    "notebook_paths",
    "refresh_notebooks",
    "setup_notebook",
]

CHECK_MARK = "# NBVAL_CHECK_OUTPUT"

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
_SHARE = re.compile(r"(^|_)share$")
_TABLES = itertools.count(1)

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


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
    if shares:
        styler = styler.format(shares, na_rep="")
    text = [c for c in df.columns if not pd.api.types.is_numeric_dtype(df[c])]
    if text:  # titles and labels read left to right; numbers stay right-aligned
        styler = styler.set_properties(subset=text, **{"text-align": "left"})
    return styler.to_html()


def interactive_table(df, **options) -> None:
    """Show ``df`` as a searchable, sortable table (itables, offline: no network needed).

    Every text cell is escaped; only links built by :func:`digest_utils._html.link` (a linked
    title) stay HTML. Options go to :func:`itables.show`.
    """
    from itables import init_notebook_mode, show

    from digest_utils import _html

    init_notebook_mode(all_interactive=False, connected=False)
    defaults = {
        "pageLength": 10,
        "classes": "display compact",
        "table_id": f"itables_{next(_TABLES)}",
    }
    show(_html.frame(df), allow_html=True, **{**defaults, **options})


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


def notebook_paths(folder: str | Path = config.NOTEBOOKS_DIR) -> list[Path]:
    """Return the numbered notebooks (``NN-*.ipynb``) of a folder, in order."""
    paths = sorted(Path(folder).glob("[0-9][0-9]-*.ipynb"))
    if not paths:
        raise DigestError("no numbered notebooks (NN-name.ipynb) found", path=folder)
    return paths


def inject_parameters(nb, parameters: Mapping[str, object]):
    """Insert a cell assigning ``parameters`` right after the cell tagged ``parameters``.

    Only the names the ``parameters`` cell itself assigns are injected: a notebook gets the
    inputs it uses, and no others.

    Args:
        nb: An ``nbformat`` notebook (modified in place and returned).
        parameters: Names and values (``repr`` must round-trip: str, int, float, None).

    Raises:
        DigestError: The notebook has no cell tagged ``parameters``.
    """
    import ast

    import nbformat

    for i, cell in enumerate(nb.cells):
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            tree = ast.parse(cell.source)
            own = {
                t.id
                for n in tree.body
                if isinstance(n, ast.Assign)
                for t in n.targets
                if isinstance(t, ast.Name)
            }
            used = {k: v for k, v in parameters.items() if k in own}
            if not used:
                return nb
            source = "# Parameters injected by digest_utils.report\n" + "\n".join(
                f"{k} = {v!r}" for k, v in used.items()
            )
            new = nbformat.v4.new_code_cell(source)
            new.metadata["tags"] = ["injected-parameters"]
            new["id"] = "injected-parameters"
            nb.cells.insert(i + 1, new)
            return nb
    raise DigestError("notebook has no cell tagged 'parameters' to inject into")


def _offline(page: str) -> str:
    """Drop the template's CDN scripts (require.js, MathJax) and point notebook links at pages.

    The report's pages need neither script: plotly.js is embedded inline by the first figure.
    A link to ``01-load-digests.ipynb`` becomes ``01-load-digests.html``.
    """
    return _NOTEBOOK_LINK.sub(r'href="\1.html"', _REMOTE_SCRIPT.sub("", page))


def _check_corpus(notebooks: Path, digests: object) -> None:
    """Fail early, with the loader's or the topic model's own message, on unusable input."""
    from digest_utils.parse import dedupe, load_digests
    from digest_utils.topics import require_papers

    if digests is None:
        return
    path = Path(str(digests))
    require_papers(len(dedupe(load_digests(path if path.is_absolute() else notebooks / path))))


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


def _has_parameters(nb) -> bool:
    return any("parameters" in c.get("metadata", {}).get("tags", []) for c in nb.cells)


def _stable_ids(page: str) -> str:
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


def _render(nb, exporter) -> tuple[str, str | None]:
    """One executed notebook as a report page, and its plotly.js (None without charts)."""
    _drop_stderr(nb)
    body, _ = exporter.from_notebook_node(nb)
    page, plotly_js = _shared_plotly(_stable_ids(_offline(body)))
    return _chrome(page), plotly_js


def _write_briefing(out_dir: Path, pages: list, notebooks: Path, parameters: Mapping) -> Path:
    """Analyse the report's digests (cached by the notebooks' run) and write ``index.html``."""
    from digest_utils.analysis import analyse
    from digest_utils.briefing_html import SUGGESTED_TOML, briefing_page

    digests = Path(str(parameters.get("DIGESTS") or config.SEEDS_DIR))
    digests = digests if digests.is_absolute() else notebooks / digests
    seed = parameters.get("SEED")
    a = analyse(
        digests,
        model=parameters.get("MODEL"),
        seed=config.RANDOM_SEED if seed is None else int(seed),
        progress=False,
    )
    page, toml = briefing_page(a, pages)
    (out_dir / SUGGESTED_TOML).write_text(toml, encoding="utf-8")
    index = out_dir / "index.html"
    index.write_text(page, encoding="utf-8")
    return index


def _heading(nb) -> tuple[str, str]:
    """The notebook's H1 title and its one-line '>' subtitle."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            lines = cell.source.splitlines()
            title = next((ln[2:].strip() for ln in lines if ln.startswith("# ")), "")
            subtitle = next((ln[1:].strip() for ln in lines if ln.startswith(">")), "")
            return title, subtitle
    return "", ""


def build_report(
    out_dir: str | Path = config.REPORTS_DIR,
    *,
    parameters: Mapping[str, object] | None = None,
    notebooks: str | Path = config.NOTEBOOKS_DIR,
    timeout: int = 600,
    progress: bool = True,
) -> Path:
    """Execute the notebooks and write one HTML page each plus ``index.html``.

    Args:
        out_dir: Output folder (created).
        parameters: Values injected after each notebook's ``parameters`` cell, e.g.
            ``{"DIGESTS": "/data/my-digests"}``; relative paths are taken from the notebooks
            folder, like in JupyterLab.
        notebooks: Folder with the numbered notebooks.
        timeout: Seconds allowed per cell.
        progress: Print one line per notebook.

    Returns:
        Path of ``index.html``.

    Raises:
        CorpusTooSmallError: The digests hold too few papers to find topics (checked before
            any notebook runs).
        DigestParseError: A digest does not parse (file and line named).
        DigestError: A notebook failed; names it and the error of the failing cell.
    """
    import nbformat
    from nbconvert import HTMLExporter

    _check_corpus(Path(notebooks), (parameters or {}).get("DIGESTS"))

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    exporter = HTMLExporter(
        template_name="lab", exclude_input_prompt=True, exclude_output_prompt=True
    )
    pages = []
    for path in notebook_paths(notebooks):
        started = time.perf_counter()
        nb = nbformat.read(path, as_version=4)
        if _has_parameters(nb):  # the overview has none: it only links the others
            inject_parameters(nb, parameters or {})
        _execute(nb, path, timeout)
        page, plotly_js = _render(nb, exporter)
        if plotly_js is not None:
            (out_dir / PLOTLY_ASSET).write_text(plotly_js, encoding="utf-8")
        target = out_dir / f"{path.stem}.html"
        target.write_text(page, encoding="utf-8")
        title, subtitle = _heading(nb)
        pages.append((target.name, title or path.stem, subtitle))
        if progress:
            print(f"  {path.name} -> {target} ({time.perf_counter() - started:.1f} s)")
    index = _write_briefing(out_dir, pages, Path(notebooks), parameters or {})
    if progress:
        print(f"  briefing -> {index}")
    return index


def _execute(nb, path: Path, timeout: int) -> None:
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        # the kernel's own log (a "running over TCP without encryption" warning at start, now
        # and then "KeyboardInterrupt caught" at shutdown) is noise in the build's output; a
        # failing cell still fails the build with its error (CellExecutionError)
        extra_arguments=["--log-level=CRITICAL"],
        resources={"metadata": {"path": str(path.parent)}},
    )
    try:
        client.execute()
    except CellExecutionError as exc:
        last = str(exc).strip().splitlines()[-1] if str(exc).strip() else "error"
        raise DigestError(f"a cell failed: {last}", path=path) from None


def refresh_notebooks(
    folder: str | Path = config.NOTEBOOKS_DIR, *, timeout: int = 600
) -> list[Path]:
    """Re-execute the notebooks in place and keep only the outputs nbval checks.

    Cells starting with ``# NBVAL_CHECK_OUTPUT`` keep their (text) outputs: they are the
    expected results ``pytest --nbval-lax`` compares against. Every other output and every
    execution count is removed, so committed notebooks carry no plotly.js, no memory addresses
    and no run-specific noise. Run it (``make notebooks``) after changing what a checked
    cell prints.

    Returns:
        The notebooks rewritten.
    """
    import nbformat

    paths = notebook_paths(folder)
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        _execute(nb, path, timeout)
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            cell.execution_count = None
            cell.metadata.pop("execution", None)  # nbclient's timestamps: noise in diffs
            if cell.source.startswith(CHECK_MARK):
                cell.outputs = [o for o in cell.outputs if o.output_type == "stream"]
                for out in cell.outputs:
                    out.pop("execution_count", None)
            else:
                cell.outputs = []
        nb.metadata.pop("widgets", None)
        nbformat.write(nb, path)
    return paths
