"""Topic keywords and labels: the shared vectorizer, phrases that name a topic, distinct labels.

:func:`topic_phrases` gives the keywords of :func:`~digest_utils.topics.fit.fit_topics`:
phrases of the papers' titles and Daily Papers keywords, ranked by how much more the topic's
papers use them than the others, generic words dropped by corpus statistics.
:func:`topic_labels` joins a topic's best phrases into a label distinct from the other topics'.
:func:`extract_keywords` (BERTopic's c-TF-IDF re-ranked by KeyBERTInspired) is what the
previous settings' baseline keeps. :func:`vectorizer` is the tokenisation of
:func:`~digest_utils.topics.evaluate.topic_quality`'s coherence.

Why phrases and not KeyBERTInspired keywords (measured with ``benchmarks/topic_methods.py``):
see the README's "Reader test" section.
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
    """A term's words by their first six letters, lower case, hyphens split and plural s dropped."""
    words = re.split(r"[\s-]+", term.lower())
    return frozenset(re.sub(r"(?<=\w\w\w)s$", "", w)[:6] for w in words)


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


#: Where a phrase ends: n-grams never cross a line (one title or keyword per line),
#: punctuation or a dash between spaces.
_BREAKS = re.compile(r"[\n:;,.!?()\[\]{}\"|/]+|\s[-\u2013\u2014]+\s")
_WORD = re.compile(r"\w[\w-]*\w|\w")


def _grams(text: str, max_n: int, stop: frozenset[str]) -> list[tuple[str, str]]:
    """``(lower, as written)`` n-grams of ``text`` within its phrases, no stop word at an edge."""
    out = []
    for piece in _BREAKS.split(text):
        words = _WORD.findall(piece)
        lower = [w.lower() for w in words]
        for n in range(1, max_n + 1):
            for i in range(len(words) - n + 1):
                gram = lower[i : i + n]
                if gram[0] in stop or gram[-1] in stop or not gram[0][0].isalpha():
                    continue
                out.append((" ".join(gram), " ".join(words[i : i + n])))
    return out


def _display(forms) -> str:
    """A phrase as most often written, lower case except words with inner capitals.

    "KV Cache" gives "KV cache", "ConvNet" and "VLMs" stay; "Tuning" in a title is "tuning".
    """
    written = forms.most_common(1)[0][0].split()
    return " ".join(w if w[1:].lower() != w[1:] else w.lower() for w in written)


def topic_phrases(
    papers,
    labels: np.ndarray,
    *,
    min_df: int = 2,
    top_n: int = 10,
    max_n: int = 3,
    generic_cover: float = 0.1,
    generic_spread: float = 0.25,
    longer: float = 0.6,
) -> dict[int, list[str]]:
    """Phrases that name each cluster: from its titles and keywords, ranked by how distinct.

    Candidates are the 1- to ``max_n``-word phrases of the papers' titles and ``keywords``
    (the Daily Papers' ``ai_keywords``, where present) used by at least ``min_df`` papers. A
    paper *uses* a phrase when its title, keywords or abstract contains it. A phrase scores
    ``c * log((c + e) / (o + e))`` in a cluster, where ``c`` is the share of the cluster's
    papers using it, ``o`` the share of the other papers and ``e = 1 / n``.

    Generic words are dropped by corpus statistics, never by a list: a phrase used by at least
    ``generic_cover`` of the papers in more than ``generic_spread`` of the clusters, and in
    more than two ("tasks",
    "end-to-end", "existing benchmarks" on real corpora) names none of them, nor does a phrase
    that starts or ends with a generic word ("compression for tasks"). A phrase is left
    out where a longer phrase containing it covers at least ``longer`` as many of the
    cluster's papers ("cache" gives way to "kv cache").

    Args:
        papers: ``title`` and ``abstract`` per paper, optionally ``keywords`` (list of str).
        labels: Cluster per paper, rows aligned with ``papers`` (-1 papers are left out).
        min_df: Fewest papers whose title or keywords hold a candidate phrase.
        top_n: Phrases kept per cluster.
        max_n: Longest phrase, in words.
        generic_cover: Share of a cluster's papers that counts as "used by" the cluster.
        generic_spread: Share of the clusters above which a phrase is generic.
        longer: Coverage ratio at which a longer phrase replaces a phrase it contains.

    Returns:
        Cluster -> up to ``top_n`` phrases, best first, as most often written.
    """
    from collections import Counter

    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    stop = frozenset(ENGLISH_STOP_WORDS)
    labels = np.asarray(labels)
    keep = np.flatnonzero(labels >= 0)
    titles = papers["title"].astype(str).to_numpy()[keep]
    abstracts = papers["abstract"].astype(str).to_numpy()[keep]
    keywords = papers["keywords"].to_numpy()[keep] if "keywords" in papers else [None] * len(keep)
    written: dict[str, Counter] = {}
    named: list[set[str]] = []
    for title, words in zip(titles, keywords, strict=True):
        pieces = [title, *(words if isinstance(words, (list, tuple, np.ndarray)) else [])]
        grams = _grams("\n".join(str(p) for p in pieces), max_n, stop)
        for low, as_written in grams:
            written.setdefault(low, Counter())[as_written] += 1
        named.append({low for low, _ in grams})
    df = Counter(g for s in named for g in s)
    vocab = {g for g, c in df.items() if c >= min_df}
    used = [
        (s | {g for g, _ in _grams(a, max_n, stop)}) & vocab
        for s, a in zip(named, abstracts, strict=True)
    ]
    return _rank(used, labels[keep], written, top_n, generic_cover, generic_spread, longer)


def _rank(used, labels, written, top_n, generic_cover, generic_spread, longer):
    """Score every phrase in every cluster and keep the best (see :func:`topic_phrases`)."""
    from scipy.sparse import csr_matrix

    vocab = sorted({g for s in used for g in s})
    index = {g: i for i, g in enumerate(vocab)}
    rows = np.repeat(np.arange(len(used)), [len(s) for s in used])
    cols = np.fromiter((index[g] for s in used for g in s), dtype=np.int64, count=len(rows))
    m = csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(used), len(vocab)))
    ids, inverse = np.unique(labels, return_inverse=True)
    member = csr_matrix((np.ones(len(labels)), (inverse, np.arange(len(labels)))))
    counts = np.asarray((member @ m).todense())  # clusters x phrases
    sizes = np.bincount(inverse).astype(float)[:, None]
    n = len(labels)
    cover = counts / sizes
    other = (counts.sum(axis=0) - counts) / np.maximum(n - sizes, 1)
    eps = 1.0 / n
    score = cover * np.log((cover + eps) / (other + eps))
    generic = (cover >= generic_cover).sum(axis=0) > max(2.0, generic_spread * len(ids))
    generic_words = {vocab[j] for j in np.flatnonzero(generic) if " " not in vocab[j]}
    generic |= np.array(
        [g.split()[0] in generic_words or g.split()[-1] in generic_words for g in vocab]
    )
    score[:, generic] = -np.inf
    out = {}
    for row, t in enumerate(ids.tolist()):
        order = [j for j in np.argsort(-score[row], kind="stable")[: 5 * top_n + 20]]
        best = [vocab[j] for j in order if score[row, j] > 0]
        cov = {vocab[j]: cover[row, j] for j in order}
        kept = [
            g
            for g in best
            if not any(g != h and f" {g} " in f" {h} " and cov[h] >= longer * cov[g] for h in best)
        ]
        out[int(t)] = [_display(written[g]) for g in kept[:top_n]]
    return out
