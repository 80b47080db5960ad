"""Topic keywords and labels: the shared vectorizer, keyword extraction, distinct labels.

:func:`vectorizer` is the one tokenisation of the topic stage: the keywords of
:func:`~digest_utils.topics.fit.fit_topics` and the coherence of
:func:`~digest_utils.topics.evaluate.topic_quality` both use it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["TOKENS", "extract_keywords", "topic_labels", "vectorizer"]

#: Words of 2+ characters; a hyphenated word such as "vision-language" stays whole.
TOKENS = r"(?u)\b\w[\w-]*\w\b"


def vectorizer(
    ngram_range: tuple[int, int] = (1, 2), *, token_pattern: str = TOKENS, **kwargs: Any
):
    """The topic stage's CountVectorizer: English stop words out, hyphenated words kept whole.

    Args:
        ngram_range: Smallest and largest n-gram.
        token_pattern: Regular expression of a token (default :data:`TOKENS`).
        **kwargs: Passed to :class:`sklearn.feature_extraction.text.CountVectorizer`
            (e.g. ``min_df``, ``vocabulary``).
    """
    from sklearn.feature_extraction.text import CountVectorizer

    kwargs |= {"stop_words": "english", "token_pattern": token_pattern}
    return CountVectorizer(ngram_range=ngram_range, **kwargs)


def _stems(term: str) -> frozenset[str]:
    """A term's words by their first six letters, hyphens split and plural s dropped."""
    return frozenset(re.sub(r"(?<=\w\w\w)s$", "", w)[:6] for w in re.split(r"[\s-]+", term))


def topic_labels(keyword_lists: list[list[str]], n_terms: int = 3) -> list[str]:
    """Label topics (largest first) with keywords that tell them apart.

    A label starts with the topic's best keyword that no bigger topic's label has taken, then
    adds the next keywords that share no word with the label so far, preferring words that no
    bigger topic's label uses ("fresh" words), then any. Words are compared by their first six
    letters, hyphens split and plural s dropped ("captions" ~ "captioning", "pre-trained").
    So no two labels share a term, and repeated words are kept to where the keywords leave no
    choice.

    Example:
        >>> topic_labels([["vision models", "vision", "image"], ["image", "text", "vision data"]])
        ['vision models / image', 'text / vision data']
    """
    labels: list[str] = []
    claimed: set[frozenset[str]] = set()  # terms taken by bigger topics
    seen: set[str] = set()  # words used by bigger topics' labels
    for keywords in keyword_lists:
        candidates = [(t, _stems(t)) for t in keywords if _stems(t) not in claimed]
        taken: list[str] = []
        used: set[str] = set()
        for fresh_only in (True, False):
            for term, words in candidates:
                if len(taken) == n_terms:
                    break
                first = not taken  # the best unclaimed keyword always leads
                if term in taken or words & used or (fresh_only and not first and words & seen):
                    continue
                taken.append(term)
                used |= words
        claimed |= {_stems(t) for t in taken}
        seen |= used
        labels.append(" / ".join(sorted(taken, key=keywords.index) or keywords[:1]))
    return labels


def extract_keywords(
    docs: list[str],
    labels: np.ndarray,
    embeddings: np.ndarray,
    *,
    seed: int,
    model: str,
    cache_root: Path,
    min_df: int,
) -> dict[int, list[str]]:
    """Top keywords of each cluster of ``labels``: BERTopic's c-TF-IDF and KeyBERTInspired.

    The clusters are given (BERTopic's "manual topic modeling": no dimensionality reduction,
    no clustering of its own). Candidate keywords are the :func:`vectorizer`'s unigrams and
    bigrams occurring in at least ``min_df`` papers; KeyBERTInspired re-ranks them by their
    embedding's similarity to the cluster, through the embedding cache.

    Args:
        docs: One text per paper.
        labels: One int cluster per paper (-1 papers are left out).
        embeddings: Paper embeddings, rows aligned with ``docs``.
        seed: Seed of KeyBERTInspired's sampling of representative papers.
        model: Embedding model id for candidate keywords (the one that made ``embeddings``).
        cache_root: Cache folder for keyword embeddings.
        min_df: Fewest papers a candidate keyword must occur in.

    Returns:
        Cluster -> up to 10 keywords, best first.
    """
    from bertopic import BERTopic
    from bertopic.backend import BaseEmbedder
    from bertopic.cluster import BaseCluster
    from bertopic.dimensionality import BaseDimensionalityReduction
    from bertopic.representation import KeyBERTInspired
    from bertopic.vectorizers import ClassTfidfTransformer

    from digest_utils.embed import embed_texts

    class CachedEmbedder(BaseEmbedder):
        """Embeds candidate keywords through the embedding cache."""

        def embed(self, documents, verbose=False):
            return embed_texts(list(documents), model=model, cache_dir=cache_root, progress=False)

    keep = np.flatnonzero(np.asarray(labels) >= 0)
    kept_docs = [docs[i] for i in keep]
    vocabulary = vectorizer(min_df=min(min_df, len(keep))).fit(kept_docs).get_feature_names_out()
    topic_model = BERTopic(
        embedding_model=CachedEmbedder(),
        umap_model=BaseDimensionalityReduction(),
        hdbscan_model=BaseCluster(),
        vectorizer_model=vectorizer(vocabulary=vocabulary),
        ctfidf_model=ClassTfidfTransformer(reduce_frequent_words=True),
        representation_model=KeyBERTInspired(random_state=seed),
        top_n_words=10,
    )
    ours = np.asarray(labels)[keep]
    topic_model.fit_transform(kept_docs, np.asarray(embeddings)[keep], y=ours)
    # BERTopic renumbers clusters by size: map each of ours to its id through a member paper
    theirs = dict(zip(ours.tolist(), topic_model.topics_, strict=True))
    return {t: [w for w, _ in topic_model.get_topic(theirs[t]) or []] for t in sorted(theirs)}
