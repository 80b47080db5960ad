"""The one home of paths, defaults and the random seed."""

from __future__ import annotations

import os
from pathlib import Path

#: Repository root (the folder holding ``pyproject.toml``) when run from a checkout.
REPO_ROOT = Path(__file__).resolve().parents[2]

#: The digests shipped with the repository.
SEEDS_DIR = REPO_ROOT / "seeds"

#: Where rendered output goes (git-ignored).
REPORTS_DIR = REPO_ROOT / "reports"

#: Seed for every stochastic step (UMAP, HDBSCAN tie-breaks, sampling in benchmarks).
RANDOM_SEED = 42


def cache_dir() -> Path:
    """Return the on-disk cache folder: ``$DIGEST_CACHE_DIR`` or ``.cache/`` in the repository."""
    return Path(os.environ.get("DIGEST_CACHE_DIR") or REPO_ROOT / ".cache")
