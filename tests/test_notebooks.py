"""Tests for the committed notebooks: structure, hygiene and parameters (no execution)."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import nbformat
import pytest

from digest_utils.report import inject_parameters, notebook_paths

NOTEBOOKS = sorted((Path(__file__).parents[1] / "notebooks").glob("*.ipynb"))
NUMBERED = notebook_paths()


def test_the_suite_has_the_five_numbered_notebooks():
    """00-overview, 01-load-digests, 02-topics, 03-themes and 04-trends exist."""
    assert [p.stem for p in NUMBERED] == [
        "00-overview",
        "01-load-digests",
        "02-topics",
        "03-themes",
        "04-trends",
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
    assert len(tagged) == (0 if path.stem == "00-overview" else 1)
    for cell in nb.cells:
        if cell.cell_type == "code":
            tree = ast.parse(cell.source)
            assert not [
                n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.ClassDef)
            ], "functions and classes belong in digest_utils"
            assert len(cell.source.splitlines()) <= 8, cell.source


def test_inject_parameters_adds_a_cell_after_the_parameters_cell():
    """Injected values land right after the tagged cell, papermill-style."""
    nb = nbformat.read(NUMBERED[1], as_version=4)
    n = len(nb.cells)
    inject_parameters(nb, {"DIGESTS": "/data/x", "SEED": 7})
    assert len(nb.cells) == n + 1
    i = next(i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", []))
    assert nb.cells[i + 1].source.endswith("DIGESTS = '/data/x'\nSEED = 7")
    json.dumps(nb)  # still serialisable
