"""Tests for the project's packaging: public API, dependency lists, CI entry point."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

import digest_utils

ROOT = Path(__file__).parents[1]


def _name(req: str) -> str:
    return re.split(r"[\s<>=!~\[;]", req.strip(), maxsplit=1)[0].lower().replace("_", "-")


# conda-forge names that differ from PyPI's
CONDA_TO_PYPI = {"pytorch": "torch"}


def test_public_api_is_pinned():
    """__all__ lists exactly the public API; every name in it exists."""
    assert sorted(digest_utils.__all__) == sorted(
        [
            "Analysis",
            "CacheWarning",
            "CatalogueError",
            "ColumnsError",
            "CorpusTooSmallError",
            "DateError",
            "DigestError",
            "DigestInputError",
            "DigestParseError",
            "DigestWarning",
            "FetchError",
            "LabelsError",
            "ModelError",
            "OutputError",
            "UnsafeLinkWarning",
            "analyse",
            "assign_themes",
            "build_report",
            "dedupe",
            "digest_summary",
            "embed_papers",
            "fit_topics",
            "load_catalogue",
            "load_digest",
            "load_digests",
            "paper_id",
        ]
    )
    for name in digest_utils.__all__:
        assert hasattr(digest_utils, name), name


def test_every_exception_and_warning_is_exported():
    """The package exports every name of errors.__all__: the two lists cannot drift apart."""
    from digest_utils import errors

    assert set(errors.__all__) <= set(digest_utils.__all__), set(errors.__all__) - set(
        digest_utils.__all__
    )
    public = {
        name
        for name, value in vars(errors).items()
        if isinstance(value, type) and issubclass(value, Exception) and not name.startswith("_")
    }
    assert public == set(errors.__all__)  # and errors.__all__ names every class it defines


def test_environment_yml_lists_the_same_packages_as_pyproject():
    """environment.yml and pyproject.toml (with all extras) name the same packages."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    pyproject = {_name(r) for r in project["dependencies"]}
    for extra in project["optional-dependencies"].values():
        pyproject |= {_name(r) for r in extra}

    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    conda: set[str] = set()
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            conda |= {_name(r) for r in dep["pip"] if not r.startswith("-")}
        else:
            conda.add(CONDA_TO_PYPI.get(_name(dep), _name(dep)))
    conda -= {"python", "pip"}
    assert conda == pyproject


def test_constraints_pin_every_direct_dependency():
    """constraints.txt pins (==) every package pyproject.toml asks for."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = {_name(r) for r in project["dependencies"]}
    for extra in project["optional-dependencies"].values():
        wanted |= {_name(r) for r in extra}
    pins = {
        _name(line): line
        for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    }
    missing = wanted - set(pins)
    assert not missing
    assert all("==" in pins[n] for n in wanted)


def test_ci_runs_make_test_and_nothing_else():
    """.ci/run calls `make test` as its only command."""
    commands = [
        line.strip()
        for line in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    assert commands[-1] == "make test"
    assert all(c.startswith(("set ", "cd ")) for c in commands[:-1])


def test_importing_the_package_loads_no_heavy_library():
    """`import digest_utils` imports neither torch, sentence-transformers nor BERTopic."""
    import subprocess
    import sys

    code = (
        "import sys, digest_utils; "
        "print([m for m in ('torch', 'sentence_transformers', 'bertopic', 'umap') "
        "if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_package_ships_py_typed():
    """src/digest_utils/py.typed exists and is declared as package data."""
    assert (ROOT / "src" / "digest_utils" / "py.typed").exists()
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "py.typed" in project["tool"]["setuptools"]["package-data"]["digest_utils"]


def _functions(tree):
    import ast

    return [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]


def test_no_function_runs_past_60_lines_without_saying_why():
    """Function bodies (docstring aside) stay within 60 lines, or a '# long:' comment says why."""
    import ast

    too_long = []
    for path in sorted((ROOT / "src").rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        lines = source.splitlines()
        for fn in _functions(ast.parse(source)):
            first = fn.body[0]
            has_doc = isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
            start = first.end_lineno + 1 if has_doc and len(fn.body) > 1 else first.lineno
            body = lines[start - 1 : fn.end_lineno]
            if len(body) > 60 and not any("# long:" in line for line in body):
                too_long.append(f"{path.relative_to(ROOT)}:{fn.lineno} {fn.name} ({len(body)})")
    assert not too_long
