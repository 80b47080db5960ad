"""Run the notebook suite and render it as a shareable, offline HTML report.

``build_report`` executes every numbered notebook in a fresh kernel (parameters injected after
the cell tagged ``parameters``, papermill-style), exports each to one self-contained HTML page
(plotly.js embedded once per page, no CDN; progress bars and other stderr left out, so a page
is the same whether the cache was cold or warm) and writes an ``index.html`` linking them.
"""

from __future__ import annotations

import html
import re
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from digest_utils import config
from digest_utils.errors import DigestError

__all__ = [
    "build_report",
    "inject_parameters",
    "linked_titles",
    "notebook_paths",
    "refresh_notebooks",
    "setup_notebook",
]

CHECK_MARK = "# NBVAL_CHECK_OUTPUT"

_REMOTE_SCRIPT = re.compile(r"<script[^>]*\ssrc=[\"']https?://[^>]*>\s*</script>\s*", re.IGNORECASE)
_NOTEBOOK_LINK = re.compile(r'href="(\d\d-[\w-]+)\.ipynb"')
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def setup_notebook() -> None:
    """Configure plotly for notebooks that must also render as HTML and pass nbval.

    Figures are emitted both as plotly's JSON mimetype (what JupyterLab renders) and as HTML
    (what nbconvert keeps; plotly.js is embedded once, by the first figure, with no CDN).
    Plotly 6+ defaults to the mimetype alone, whose charts vanish from nbconvert HTML.
    """
    import plotly.io as pio

    pio.renderers.default = "plotly_mimetype+notebook"


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

    from digest_utils._util import require_columns

    require_columns(table, ["title", "url"], where="linked_titles: table")
    shown = table.drop(columns="url").copy()
    links = [
        html.escape(str(t))
        if pd.isna(u)
        else f'<a href="{html.escape(str(u))}">{html.escape(str(t))}</a>'
        for t, u in zip(table["title"], table["url"], strict=True)
    ]
    shown["title"] = links
    other = [c for c in shown.columns if c != "title"]
    styler = shown.style.set_uuid("titles")  # a fixed id: the same page on every run
    return styler.format(escape="html", subset=other).format(escape=None, subset=["title"])


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


def _index(pages: list[tuple[str, str, str]], title: str) -> str:
    items = "\n".join(
        f'  <li><a href="{html.escape(href)}">{html.escape(name)}</a>'
        f"<br><small>{html.escape(summary)}</small></li>"
        for href, name, summary in pages
    )
    return (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title>"
        "<style>body{font-family:system-ui,sans-serif;max-width:48em;margin:2em auto;"
        "line-height:1.5}li{margin:.8em 0}</style></head><body>\n"
        f"<h1>{html.escape(title)}</h1>\n<p>Each page is self-contained and works offline.</p>"
        f"\n<ol>\n{items}\n</ol>\n</body></html>\n"
    )


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
    exporter = HTMLExporter(template_name="lab")
    pages = []
    for path in notebook_paths(notebooks):
        started = time.perf_counter()
        nb = nbformat.read(path, as_version=4)
        if _has_parameters(nb):  # the overview has none: it only links the others
            inject_parameters(nb, parameters or {})
        _execute(nb, path, timeout)
        _drop_stderr(nb)
        body, _ = exporter.from_notebook_node(nb)
        target = out_dir / f"{path.stem}.html"
        target.write_text(_stable_ids(_offline(body)), encoding="utf-8")
        title, subtitle = _heading(nb)
        pages.append((target.name, title or path.stem, subtitle))
        if progress:
            print(f"  {path.name} -> {target} ({time.perf_counter() - started:.1f} s)")
    index = out_dir / "index.html"
    index.write_text(_index(pages, "digest-topics report"), encoding="utf-8")
    return index


def _execute(nb, path: Path, timeout: int) -> None:
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
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
