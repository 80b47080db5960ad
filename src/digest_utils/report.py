"""Run the notebook suite and render it as a shareable, offline HTML report.

``build_report`` executes every numbered notebook in a fresh kernel (:func:`execute`:
parameters injected after the cell tagged ``parameters``, papermill-style), exports each to one
HTML page that reads first and shows code on demand (code cells hidden behind a "Show code"
toggle), and writes the briefing, ``index.html`` (:mod:`digest_utils.briefing_html`), in front
of them (:func:`write_report`). plotly.js ships once, as ``plotly.min.js`` beside the pages, so
the folder works offline when zipped; progress bars and other stderr are left out, so a page is
the same whether the cache was cold or warm. :func:`refresh_notebooks` keeps the committed
notebooks' checked outputs (``# NBVAL_CHECK_OUTPUT``) up to date. What the notebooks call to
display tables and figures is in :mod:`digest_utils.show`.
"""

from __future__ import annotations

import copy
import re
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from digest_utils import config
from digest_utils.errors import DigestError

__all__ = [
    "PLOTLY_ASSET",
    "build_report",
    "execute",
    "inject_parameters",
    "notebook_paths",
    "refresh_notebooks",
    "write_report",
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
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


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
    """One executed notebook as a report page, and its plotly.js (None without charts).

    ``nb`` itself is left as it is (its stderr included): the caller may still check it.
    """
    nb = copy.deepcopy(nb)
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


def _exporter():
    from nbconvert import HTMLExporter

    return HTMLExporter(template_name="lab", exclude_input_prompt=True, exclude_output_prompt=True)


def _write_page(out_dir: Path, path: Path, nb, exporter) -> tuple[str, str, str]:
    """Write one executed notebook's page (and plotly.js); return its entry for the briefing."""
    page, plotly_js = _render(nb, exporter)
    if plotly_js is not None:
        (out_dir / PLOTLY_ASSET).write_text(plotly_js, encoding="utf-8")
    target = out_dir / f"{path.stem}.html"
    target.write_text(page, encoding="utf-8")
    title, subtitle = _heading(nb)
    return target.name, title or path.stem, subtitle


def write_report(
    out_dir: str | Path,
    executed: Sequence[tuple[Path, Any]],
    *,
    parameters: Mapping[str, object] | None = None,
    notebooks: str | Path = config.NOTEBOOKS_DIR,
) -> Path:
    """Write the report of notebooks already executed (:func:`execute`): pages and briefing.

    :func:`build_report` is this after executing the notebooks; the tests call it to check the
    notebooks' outputs and the report from one execution of each notebook.

    Args:
        out_dir: Output folder (created).
        executed: ``(path, executed notebook)`` pairs, in the order of the pages.
        parameters: The parameters the notebooks ran with (the briefing analyses the same
            digests, model and seed).
        notebooks: Folder relative ``DIGESTS`` paths are taken from.

    Returns:
        Path of ``index.html``.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    exporter = _exporter()
    pages = [_write_page(out_dir, path, nb, exporter) for path, nb in executed]
    return _write_briefing(out_dir, pages, Path(notebooks), parameters or {})


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
    _check_corpus(Path(notebooks), (parameters or {}).get("DIGESTS"))
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    exporter = _exporter()
    pages = []
    for path in notebook_paths(notebooks):
        started = time.perf_counter()
        nb = execute(path, parameters=parameters, timeout=timeout)
        pages.append(_write_page(out_dir, path, nb, exporter))
        if progress:
            print(
                f"  {path.name} -> {out_dir / pages[-1][0]} ({time.perf_counter() - started:.1f} s)"
            )
    index = _write_briefing(out_dir, pages, Path(notebooks), parameters or {})
    if progress:
        print(f"  briefing -> {index}")
    return index


def execute(
    path: str | Path, *, parameters: Mapping[str, object] | None = None, timeout: int = 600
):
    """Run one notebook in a fresh kernel, ``parameters`` injected; return it with its outputs.

    Args:
        path: The notebook; it runs in its own folder, as in JupyterLab.
        parameters: Injected after the cell tagged ``parameters`` (:func:`inject_parameters`);
            a notebook without that cell (the overview) runs as it is.
        timeout: Seconds allowed per cell.

    Returns:
        The executed ``nbformat`` notebook (the file is not changed).

    Raises:
        DigestError: A cell failed; names the notebook and the cell's error.
    """
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    if parameters is not None and _has_parameters(nb):
        inject_parameters(nb, parameters)
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
    return nb


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
        nb = execute(path, timeout=timeout)
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
