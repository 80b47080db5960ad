"""Topics of a corpus of abstracts, discovered without predefined themes, at two levels.

The stages, one module each:

* :mod:`~digest_utils.topics.cluster`: one Ward tree of the embeddings cut into broad areas
  and fine topics, by rules of the corpus size; loosely fitting papers flagged as outliers;
* :mod:`~digest_utils.topics.labels`: the shared vectorizer, keywords (BERTopic's c-TF-IDF and
  KeyBERTInspired) and readable, distinct labels;
* :mod:`~digest_utils.topics.fit`: :func:`fit_topics` and :class:`TopicResult`, cached;
* :mod:`~digest_utils.topics.baselines`: BERTopic's defaults and the previous settings;
* :mod:`~digest_utils.topics.evaluate`: coherence, diversity, stability, theme concentration.
"""

from digest_utils.topics.baselines import default_baseline, previous_baseline
from digest_utils.topics.evaluate import quality_table, topic_quality, topic_stability
from digest_utils.topics.fit import TopicResult, fit_topics, require_papers, topic_vectors
from digest_utils.topics.labels import topic_labels, vectorizer

__all__ = [
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
