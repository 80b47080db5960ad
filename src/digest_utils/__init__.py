"""digest_utils: what is this pile of new ML papers about?

Load Hugging Face Daily Papers digests saved as text, find topics and named themes, and chart
them. The public API is listed in ``__all__``.
"""

from digest_utils.errors import DigestError, DigestInputError, DigestParseError, DigestWarning
from digest_utils.parse import dedupe, load_digest, load_digests, paper_id

__all__ = [
    "DigestError",
    "DigestInputError",
    "DigestParseError",
    "DigestWarning",
    "dedupe",
    "load_digest",
    "load_digests",
    "paper_id",
]
__version__ = "0.1.0"
