"""Topics of a corpus of abstracts, discovered without predefined themes, at two levels.

The modules, each importing only those listed before it:

* :mod:`~digest_utils.topics.cluster`: one Ward tree of the embeddings cut into broad areas
  and fine topics, by rules of the corpus size; loosely fitting papers flagged as outliers;
* :mod:`~digest_utils.topics.labels`: the shared vectorizer, keywords (BERTopic's c-TF-IDF and
  KeyBERTInspired) and readable, distinct labels;
* :mod:`~digest_utils.topics.result`: the types, :class:`TopicResult` and its
  :class:`~digest_utils.topics.result.FitRecord` (which fit it shows), at the bottom;
* :mod:`~digest_utils.topics.tables`: clusters packaged into a result (tables, centroids);
* :mod:`~digest_utils.topics.store`: cache keys, saved results, the remembered fits;
* :mod:`~digest_utils.topics.place`: new papers placed into an earlier fit (pure);
* :mod:`~digest_utils.topics.libraries`: UMAP and BERTopic set up alike for every fit;
* :mod:`~digest_utils.topics.fit`: :func:`fit_topics`, and ``reusable_fit``, the one answer
  to "when does a rerun refit?";
* :mod:`~digest_utils.topics.baselines`: BERTopic's defaults and the previous settings;
* :mod:`~digest_utils.topics.evaluate`: coherence, diversity, stability, theme concentration.
"""

from digest_utils.topics.baselines import default_baseline, previous_baseline
from digest_utils.topics.evaluate import quality_table, topic_quality, topic_stability
from digest_utils.topics.fit import fit_topics, require_papers
from digest_utils.topics.labels import topic_labels, vectorizer
from digest_utils.topics.result import FitRecord, TopicResult, topic_vectors

__all__ = [
    "FitRecord",
    "TopicResult",
    "default_baseline",
    "fit_topics",
    "previous_baseline",
    "quality_table",
    "require_papers",
    "topic_labels",
    "topic_quality",
    "topic_stability",
    "topic_vectors",
    "vectorizer",
]
