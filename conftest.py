"""Root pytest configuration, for the tests and for nbval run by hand on the notebooks.

* Every test session gets its own temporary cache (``DIGEST_CACHE_DIR``), set before anything
  is collected, so no test reads or writes the checkout's ``.cache/`` or a cache the user
  exported; notebook kernels and subprocesses inherit it. A test that needs an empty cache of
  its own still takes the ``cache`` fixture (``tests/conftest.py``). Hypothesis keeps its
  folder there too (it would write ``.hypothesis/`` into the checkout).
* Committed notebooks carry no execution counts (they are noise in diffs). nbval, though, only
  compares a cell's outputs when the stored cell has an execution count, and refuses stored
  outputs without one ("Unrun reference cell has outputs"). The cells we check are marked
  ``# NBVAL_CHECK_OUTPUT`` and hold the expected output, so mark them as run, in memory only
  (``make test`` checks them itself, from the one run of each notebook; see
  ``tests/test_notebooks.py``; ``pytest --nbval-lax --nbval-current-env notebooks`` still works).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from digest_utils.config import CACHE_ENV
from digest_utils.report import CHECK_MARK

_TMP = pytest.StashKey[Path]()


def pytest_configure(config):
    """Point the caches at a fresh temporary folder for the whole session."""
    folder = Path(tempfile.mkdtemp(prefix="digest-tests-"))
    config.stash[_TMP] = folder
    os.environ[CACHE_ENV] = str(folder / "cache")
    try:
        from hypothesis.configuration import set_hypothesis_home_dir
    except ImportError:  # pragma: no cover - hypothesis is a dev dependency
        return
    set_hypothesis_home_dir(str(folder / "hypothesis"))  # its examples and constants


def pytest_unconfigure(config):
    """Remove the session's temporary cache."""
    folder = config.stash.get(_TMP, None)
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)


def pytest_collection_modifyitems(items):
    """Give nbval's checked cells a nominal execution count (in memory, not on disk)."""
    for item in items:
        cell = getattr(item, "cell", None)
        if cell is None or cell.get("cell_type") != "code":
            continue
        if cell.source.startswith(CHECK_MARK) and cell.get("outputs"):
            cell.execution_count = cell.execution_count or 1
