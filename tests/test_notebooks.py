"""Tests for the committed notebooks: structure, hygiene, parameters, and their checked outputs.

The checked outputs are compared on the session's one run of each notebook (``seeds_run`` in
``tests/conftest.py``), which the report tests share: ``make test`` executes each notebook once.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

import nbformat
import pytest

from digest_utils.report import CHECK_MARK, inject_parameters, notebook_paths

NOTEBOOKS = sorted((Path(__file__).parents[1] / "notebooks").glob("*.ipynb"))
NUMBERED = notebook_paths()


def test_the_suite_has_the_five_numbered_notebooks():
    """00-explore-digests ... 04-track-trends exist, each named NN-verb-noun."""
    assert [p.stem for p in NUMBERED] == [
        "00-explore-digests",
        "01-load-digests",
        "02-discover-topics",
        "03-assign-themes",
        "04-track-trends",
    ]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_notebook_is_clean(path):
    """No execution counts or timestamps, no memory addresses, no plotly.js, no HTML outputs."""
    nb = nbformat.read(path, as_version=4)
    raw = path.read_text(encoding="utf-8")
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        assert cell.execution_count is None
        assert "execution" not in cell.metadata, "no run timestamps"
        for out in cell.get("outputs", []):
            assert out.get("execution_count") is None
            assert "text/html" not in out.get("data", {})
            assert "application/vnd.plotly.v1+json" not in out.get("data", {})
    assert " at 0x" not in raw
    assert "plotly.js v" not in raw and "Plotly.newPlot" not in raw


@pytest.mark.parametrize("path", NUMBERED, ids=lambda p: p.stem)
def test_notebook_reads_as_narrative(path):
    """H1 title and '>' subtitle first; one 'parameters' cell; no def/class; short cells."""
    nb = nbformat.read(path, as_version=4)
    first = nb.cells[0]
    assert first.cell_type == "markdown"
    assert first.source.startswith("# ")
    assert any(line.startswith(">") for line in first.source.splitlines())
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == (0 if path.stem.startswith("00-") else 1)
    for cell in nb.cells:
        if cell.cell_type == "code":
            tree = ast.parse(cell.source)
            assert not [
                n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.ClassDef)
            ], "functions and classes belong in digest_utils"
            assert len(cell.source.splitlines()) <= 8, cell.source


def test_inject_parameters_adds_a_cell_after_the_parameters_cell():
    """Injected values land right after the tagged cell, papermill-style."""
    nb = nbformat.read(NUMBERED[2], as_version=4)
    n = len(nb.cells)
    inject_parameters(nb, {"DIGESTS": "/data/x", "SEED": 7})
    assert len(nb.cells) == n + 1
    i = next(i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", []))
    assert nb.cells[i + 1].source.endswith("DIGESTS = '/data/x'\nSEED = 7")
    json.dumps(nb)  # still serialisable


def test_inject_parameters_skips_names_the_notebook_does_not_use():
    """01-load-digests has no SEED or MODEL parameter, so none is injected into it."""
    nb = nbformat.read(NUMBERED[1], as_version=4)
    inject_parameters(nb, {"DIGESTS": "/data/x", "SEED": 7, "MODEL": "m"})
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert [c.source.splitlines()[1:] for c in injected] == [["DIGESTS = '/data/x'"]]


def _parameters(nb) -> set[str]:
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    tree = ast.parse(cell.source)
    return {t.id for n in tree.body if isinstance(n, ast.Assign) for t in n.targets}


@pytest.mark.parametrize("path", NUMBERED[1:], ids=lambda p: p.stem)
def test_every_parameter_is_used(path):
    """Each name in the parameters cell is read by a later code cell."""
    nb = nbformat.read(path, as_version=4)
    later = "\n".join(
        c.source
        for c in nb.cells
        if c.cell_type == "code" and "parameters" not in c.metadata.get("tags", [])
    )
    names = {n.id for n in ast.walk(ast.parse(later)) if isinstance(n, ast.Name)}
    assert _parameters(nb) <= names


@pytest.mark.parametrize("path", NUMBERED[1:], ids=lambda p: p.stem)
def test_notebook_ends_with_what_we_found(path):
    """The last two cells: a '## What we found' heading and one printed summary."""
    nb = nbformat.read(path, as_version=4)
    heading, summary = nb.cells[-2:]
    assert heading.cell_type == "markdown" and heading.source.strip() == "## What we found"
    assert summary.cell_type == "code" and "describe." in summary.source


def _streams(cell) -> dict[str, str]:
    """A code cell's printed output per stream (``stdout``, ``stderr``), as one text each."""
    out: dict[str, str] = {}
    for o in cell.get("outputs", []):
        if o.get("output_type") == "stream":
            out[o["name"]] = out.get(o["name"], "") + o["text"]
    return out


@pytest.mark.slow
@pytest.mark.parametrize("path", NUMBERED, ids=lambda p: p.stem)
def test_checked_cells_print_what_the_notebook_stores(path, seeds_run):
    """Every cell ran; each '# NBVAL_CHECK_OUTPUT' cell printed exactly its stored output.

    What ``pytest --nbval-lax`` checks, read from the session's one run of the notebook; a
    checked cell must store an output (nbval would skip one that has none).
    """
    stored = nbformat.read(path, as_version=4)
    ran = {c.get("id"): c for c in seeds_run.executed[path].cells}
    checked = [c for c in stored.cells if c.cell_type == "code" and c.source.startswith(CHECK_MARK)]
    for cell in checked:
        assert _streams(cell), f"{cell.id}: a checked cell without a stored output"
        assert _streams(ran[cell.id]) == _streams(cell), cell.id
    assert all(o.get("output_type") != "error" for c in ran.values() for o in c.get("outputs", []))
