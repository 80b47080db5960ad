"""Run the notebook suite and render it as a shareable, offline HTML report.

``build_report`` executes every numbered notebook in a fresh kernel (:func:`execute`:
parameters injected after the cell tagged ``parameters``, papermill-style), exports each to one
HTML page that reads first and shows code on demand (code cells hidden behind a "Show code"
toggle), and writes the briefing, ``index.html`` (:mod:`digest_utils.briefing_html`), in front
of them (:func:`write_report`). plotly.js ships once, as ``plotly.min.js`` beside the pages, so
the folder works offline when zipped; progress bars and other stderr are left out, so a page is
the same whether the cache was cold or warm. :func:`refresh_notebooks` keeps the committed
notebooks' checked outputs (``# NBVAL_CHECK_OUTPUT``) up to date. How one page is made is in
:mod:`digest_utils.report_html`; what the notebooks call to display tables and figures is in
:mod:`digest_utils.show`.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from digest_utils import config
from digest_utils.errors import DigestError
from digest_utils.report_html import PLOTLY_ASSET, exporter, heading, render_page

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


def _check_corpus(notebooks: Path, digests: object) -> None:
    """Fail early, with the loader's or the topic model's own message, on unusable input."""
    from digest_utils.parse import dedupe, load_digests
    from digest_utils.topics import require_papers

    if digests is None:
        return
    path = Path(str(digests))
    require_papers(len(dedupe(load_digests(path if path.is_absolute() else notebooks / path))))


def _has_parameters(nb) -> bool:
    return any("parameters" in c.get("metadata", {}).get("tags", []) for c in nb.cells)


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


def _write_page(out_dir: Path, path: Path, nb, html) -> tuple[str, str, str]:
    """Write one executed notebook's page (and plotly.js); return its entry for the briefing."""
    page, plotly_js = render_page(nb, html)
    if plotly_js is not None:
        (out_dir / PLOTLY_ASSET).write_text(plotly_js, encoding="utf-8")
    target = out_dir / f"{path.stem}.html"
    target.write_text(page, encoding="utf-8")
    title, subtitle = heading(nb)
    return target.name, title or path.stem, subtitle


def write_report(
    out_dir: str | Path,
    executed: Iterable[tuple[Path, Any]],
    *,
    parameters: Mapping[str, object] | None = None,
    notebooks: str | Path = config.NOTEBOOKS_DIR,
    progress: bool = False,
) -> Path:
    """Write the report of executed notebooks (:func:`execute`): one page each, then the briefing.

    :func:`build_report` hands it the notebooks as they run; the tests hand it the session's
    one run of each notebook, whose outputs they also check.

    Args:
        out_dir: Output folder (created).
        executed: ``(path, executed notebook)`` pairs, in the order of the pages.
        parameters: The parameters the notebooks ran with (the briefing analyses the same
            digests, model and seed).
        notebooks: Folder relative ``DIGESTS`` paths are taken from.
        progress: Print one line per page (with the time since the previous one).

    Returns:
        Path of ``index.html``.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    html, pages, started = exporter(), [], time.perf_counter()
    for path, nb in executed:
        pages.append(_write_page(out_dir, path, nb, html))
        if progress:
            took, started = time.perf_counter() - started, time.perf_counter()
            print(f"  {path.name} -> {out_dir / pages[-1][0]} ({took:.1f} s)")
    index = _write_briefing(out_dir, pages, Path(notebooks), parameters or {})
    if progress:
        print(f"  briefing -> {index}")
    return index


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
    executed = (  # one at a time, each page written as soon as its notebook has run
        (path, execute(path, parameters=parameters, timeout=timeout))
        for path in notebook_paths(notebooks)
    )
    return write_report(
        out_dir, executed, parameters=parameters, notebooks=notebooks, progress=progress
    )


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
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = _coalesced(cell.outputs)
    return nb


def _coalesced(outputs: list) -> list:
    """Join consecutive outputs of one stream: how a print arrives in pieces depends on timing.

    The kernel flushes stdout on a timer, so under load one ``print`` can come as two
    messages (its text, then its newline), and a page would differ between builds.
    """
    out: list = []
    for o in outputs:
        last = out[-1] if out else {}
        same = last.get("output_type") == "stream" and last.get("name") == o.get("name")
        if o.output_type == "stream" and same:
            last["text"] += o.text
            continue
        out.append(o)
    return out


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
