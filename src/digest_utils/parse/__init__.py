"""Read Hugging Face Daily Papers digests into a DataFrame: pages saved as text, or API JSON.

The modules import downward only:

* :mod:`~digest_utils.parse.schema`: the :data:`COLUMNS` every reader fills, :func:`paper_id`
  and :func:`~digest_utils.parse.schema.decode_file` (UTF-8 or UTF-16 text);
* :mod:`~digest_utils.parse.text` (pages saved as ``.txt``) and
  :mod:`~digest_utils.parse.api_json` (Daily Papers API records, ``.json``/``.jsonl``): one
  reader each, a file -> column lists;
* :mod:`~digest_utils.parse.load`: :data:`READERS` (extension -> reader), :func:`load_digest`,
  :func:`load_digests` and :func:`digest_summary`;
* :mod:`~digest_utils.parse.dedupe`: :func:`dedupe` merges the copies of each paper.

A new digest format is a module with a reader beside ``text.py`` and one line in
:data:`READERS`.
"""

from digest_utils.parse.dedupe import dedupe
from digest_utils.parse.load import READERS, Reader, digest_summary, load_digest, load_digests
from digest_utils.parse.schema import COLUMNS, JSON_COLUMNS, columns, decode_file, paper_id

__all__ = [
    "COLUMNS",
    "JSON_COLUMNS",
    "READERS",
    "Reader",
    "columns",
    "decode_file",
    "dedupe",
    "digest_summary",
    "load_digest",
    "load_digests",
    "paper_id",
]
