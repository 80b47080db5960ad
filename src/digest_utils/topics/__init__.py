"""Topics of a corpus of abstracts, discovered without predefined themes.

The stages, one module each:

* :mod:`~digest_utils.topics.fit`: BERTopic with seeded UMAP and HDBSCAN, cached
  (:func:`fit_topics`, :class:`TopicResult`), and BERTopic's defaults for comparison;
* :mod:`~digest_utils.topics.labels`: the shared vectorizer and readable, distinct labels;
* :mod:`~digest_utils.topics.evaluate`: coherence, diversity and stability.
"""

from digest_utils.topics.evaluate import quality_table, topic_quality, topic_stability
from digest_utils.topics.fit import (
    TopicResult,
    default_baseline,
    fit_topics,
    require_papers,
    topic_vectors,
)
from digest_utils.topics.labels import topic_labels, vectorizer

__all__ = [
    "TopicResult",
    "default_baseline",
    "fit_topics",
    "quality_table",
    "require_papers",
    "topic_labels",
    "topic_quality",
    "topic_stability",
    "topic_vectors",
    "vectorizer",
]
