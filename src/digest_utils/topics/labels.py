"""Topic keywords and labels: the shared vectorizer and readable, distinct labels.

:func:`vectorizer` is the one tokenisation of the topic stage: the keywords of
:func:`~digest_utils.topics.fit.fit_topics` and the coherence of
:func:`~digest_utils.topics.evaluate.topic_quality` both use it.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["TOKENS", "topic_labels", "vectorizer"]

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


def topic_labels(keyword_lists: list[list[str]], n_terms: int = 3) -> list[str]:
    """Label topics (largest first) with their first keywords that add something new.

    A keyword is skipped when it shares a word with one already in the label, or when a bigger
    topic's label has it: labels tell topics apart. Words are compared by their first six
    letters, hyphens split and plural s dropped ("captions" ~ "captioning", "pre-trained").

    Example:
        >>> topic_labels([["vision models", "vision", "image"], ["image", "text"]])
        ['vision models / image', 'text']
    """
    labels: list[str] = []
    claimed: set[frozenset[str]] = set()
    for keywords in keyword_lists:
        taken: list[str] = []
        used: set[str] = set()
        for term in keywords:
            words = {re.sub(r"(?<=\w\w\w)s$", "", w)[:6] for w in re.split(r"[\s-]+", term)}
            if not words & used and frozenset(words) not in claimed:
                taken.append(term)
                used |= words
                claimed.add(frozenset(words))
            if len(taken) == n_terms:
                break
        labels.append(" / ".join(taken or keywords[:1]))
    return labels
