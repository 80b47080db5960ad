"""digest_utils: what is this pile of new ML papers about?

Load Hugging Face Daily Papers digests saved as text, find topics and named themes, and chart
them. The public API is listed in ``__all__``; the stage modules (``parse``, ``embed``,
``topics``, ``topic_eval``, ``themes``, ``evaluate``, ``charts``, ``report``) hold the rest.
Importing the package loads neither torch nor BERTopic: they are imported only when something
is computed.
"""

from digest_utils.embed import embed_papers
from digest_utils.errors import DigestError, DigestInputError, DigestParseError, DigestWarning
from digest_utils.parse import dedupe, digest_summary, load_digest, load_digests, paper_id
from digest_utils.report import build_report
from digest_utils.themes import assign_themes, load_catalogue
from digest_utils.topics import CorpusTooSmallError, fit_topics

__all__ = [
    "CorpusTooSmallError",
    "DigestError",
    "DigestInputError",
    "DigestParseError",
    "DigestWarning",
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
