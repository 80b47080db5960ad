"""digest_utils: what is this pile of new ML papers about?

Load Hugging Face Daily Papers digests saved as text, find topics and named themes, and chart
them. :func:`analyse` runs every stage once and joins them on ``paper_id``; the public API is
listed in ``__all__``. The stages, one module or package each:

* ``parse/``: digests -> one row per paper entry (``load_digests``, ``dedupe``); it reads pages
  saved as text and Daily Papers API JSON, which ``fetch`` downloads (the only network use);
* ``embed``: sentence embeddings, cached on disk;
* ``themes/``: the catalogue, evidence features, the scoring method, evaluation;
* ``topics/``: the topic fit, keywords and labels, evaluation;
* ``analysis``: the stages joined on ``paper_id``; ``describe``: one-line summaries;
* ``charts/``: one plotly figure per function; ``show``: tables and figures in the notebooks;
  ``report``: the notebooks executed into the HTML report; ``cli``;
* ``config`` (every default and environment variable) and ``errors`` (every exception).

Importing the package loads neither torch nor BERTopic: they are imported only when something
is computed.
"""

from digest_utils.analysis import Analysis, analyse, assign_themes
from digest_utils.embed import embed_papers
from digest_utils.errors import (
    CacheWarning,
    CatalogueError,
    ColumnsError,
    CorpusTooSmallError,
    DateError,
    DigestError,
    DigestInputError,
    DigestParseError,
    DigestWarning,
    FetchError,
    LabelsError,
    ModelError,
    OutputError,
    UnsafeLinkWarning,
)
from digest_utils.parse import dedupe, digest_summary, load_digest, load_digests, paper_id
from digest_utils.report import build_report
from digest_utils.themes import load_catalogue
from digest_utils.topics import fit_topics

__all__ = [
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
__version__ = "0.1.0"
