"""Evaluate topics: coherence, diversity and stability, next to BERTopic's defaults.

:func:`quality_table` is what notebooks and ``benchmarks/eval_topics.py`` show: our topics
(:func:`digest_utils.topics.fit_topics`) and BERTopic with default settings
(:func:`digest_utils.topics.default_baseline`) on the same papers, scored by
:func:`topic_quality` (NPMI, diversity, stop-word keywords, outliers) and
:func:`topic_stability` (adjusted Rand index across seeds).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import combinations
from pathlib import Path

import numpy as np
import pandas as pd

from digest_utils import config
from digest_utils.embed import paper_texts
from digest_utils.topics.baselines import default_baseline
from digest_utils.topics.fit import fit_topics
from digest_utils.topics.labels import vectorizer
from digest_utils.topics.result import TopicResult

__all__ = [
    "quality_table",
    "theme_concentration",
    "topic_quality",
    "topic_robustness",
    "topic_stability",
]


def topic_quality(papers: pd.DataFrame, result: TopicResult, *, top_n: int = 10) -> dict:
    """Score topics: coherence, diversity, number of topics, outliers, stop-word keywords.

    NPMI is gensim's ``c_npmi`` (sliding window of 10) over the papers' title + abstract split
    into lower-case words without English stop words. Keywords count as their words
    (``"vision-language models"`` -> vision, language, models); words outside that vocabulary
    (stop words) are dropped, and a topic left with fewer than 2 words is not scored.

    Args:
        papers: The papers the topics were fitted on (``title``, ``abstract``).
        result: From :func:`fit_topics` or :func:`default_baseline`.
        top_n: Keywords (and words) per topic to score.

    Returns:
        ``n_topics`` (int), ``largest_share`` (papers in the largest topic, 0-1), ``n_areas``
        and ``largest_area_share`` (0 without areas), ``outlier_share`` (papers in topic -1
        before reassignment, 0-1), ``npmi`` (mean over
        scored topics, -1-1), ``npmi_topics`` (topics scored), ``diversity`` (unique keywords
        / keywords, 0-1) and ``stop_word_share`` (keywords that are stop words, 0-1).
    """
    from gensim.corpora import Dictionary
    from gensim.models.coherencemodel import CoherenceModel
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    analyze = vectorizer((1, 1), token_pattern=r"(?u)\b\w\w+\b").build_analyzer()
    texts = [analyze(doc) for doc in paper_texts(papers)]
    dictionary = Dictionary(texts)
    keywords = [list(kw)[:top_n] for kw in result.topics["keywords"]]
    scored = []
    for kw in keywords:
        words = list(dict.fromkeys(w for t in kw for w in analyze(t) if w in dictionary.token2id))
        if len(words) >= 2:
            scored.append(words[:top_n])
    npmi = float("nan")
    if scored:
        cm = CoherenceModel(topics=scored, texts=texts, dictionary=dictionary, coherence="c_npmi")
        npmi = float(np.mean(cm.get_coherence_per_topic()))
    terms = [t for kw in keywords for t in kw]
    sizes = result.topics["size"] if "size" in result.topics else pd.Series(dtype=float)
    return {
        "n_topics": len(result.topics),
        "largest_share": float(sizes.max() / len(result.assignments)) if len(sizes) else 0.0,
        "n_areas": len(result.areas),
        "largest_area_share": (
            float(result.areas["size"].max() / len(result.assignments))
            if len(result.areas)
            else 0.0
        ),
        "outlier_share": float((result.assignments["topic"] == -1).mean()),
        "npmi": npmi,
        "npmi_topics": len(scored),
        "diversity": len(set(terms)) / len(terms) if terms else float("nan"),
        "stop_word_share": float(np.mean([t in ENGLISH_STOP_WORDS for t in terms or [""]])),
    }


def topic_stability(
    papers: pd.DataFrame,
    embeddings: np.ndarray,
    *,
    seeds: Sequence[int] = config.STABILITY_SEEDS,
    fit: Callable[..., TopicResult] = fit_topics,
    cache_dir: str | Path | None = None,
    progress: bool = False,
) -> dict:
    """How much topic assignments agree across seeds: pairwise adjusted Rand index (ARI).

    Args:
        papers: As in :func:`fit_topics`.
        embeddings: As in :func:`fit_topics`.
        seeds: Seeds to fit with, at least two (default ``config.STABILITY_SEEDS``).
        fit: :func:`fit_topics` (default) or :func:`default_baseline`.
        cache_dir: Passed to ``fit``; each seed's result is cached.
        progress: Passed to ``fit``.

    Returns:
        ``ari_mean`` and ``ari_min`` over pairs of seeds of the topics after reassignment
        (1 = same partition, ~0 = chance; a method that keeps outliers counts them as one more
        cluster), ``area_ari_mean`` and ``area_ari_min`` when the method has areas, and
        ``n_topics_per_seed`` (list).

    Raises:
        ValueError: Fewer than two seeds.
    """
    if len(seeds) < 2:
        raise ValueError(f"need at least two seeds to compare (got {list(seeds)!r})")
    from sklearn.metrics import adjusted_rand_score

    runs = [fit(papers, embeddings, seed=s, cache_dir=cache_dir, progress=progress) for s in seeds]
    aris = [adjusted_rand_score(_partition(a), _partition(b)) for a, b in combinations(runs, 2)]
    out = {"ari_mean": float(np.mean(aris)), "ari_min": float(min(aris))}
    if all(len(r.areas) for r in runs):
        area = [
            adjusted_rand_score(a.assignments["area"], b.assignments["area"])
            for a, b in combinations(runs, 2)
        ]
        out |= {"area_ari_mean": float(np.mean(area)), "area_ari_min": float(min(area))}
    return out | {"n_topics_per_seed": [len(r.topics) for r in runs]}


def _partition(result: TopicResult) -> pd.Series:
    """Each paper's topic after reassignment (``topic`` where a result has no such column)."""
    a = result.assignments
    return a["assigned_topic"] if "assigned_topic" in a else a["topic"]


def topic_robustness(
    papers: pd.DataFrame,
    embeddings: np.ndarray,
    *,
    fit: Callable[..., TopicResult] = fit_topics,
    frac: float = 0.9,
    repeats: int = 5,
    seed: int = config.RANDOM_SEED,
    cache_dir: str | Path | None = None,
) -> dict:
    """How much topics move when the corpus changes: refit on subsets, compare with the whole.

    Seed stability says nothing about a method with no random step; this does. Each of
    ``repeats`` seeded subsets keeps ``frac`` of the papers; the fit on the subset is compared
    with the fit on all papers over the papers they share (adjusted Rand index of the topics
    after reassignment, and of the areas where the method has them).

    Returns:
        ``sub_ari_mean`` and ``sub_ari_min`` (and ``sub_area_ari_mean``/``_min``).
    """
    from sklearn.metrics import adjusted_rand_score

    whole = fit(papers, embeddings, seed=seed, cache_dir=cache_dir, progress=False)
    rng = np.random.default_rng(seed)
    fine, area = [], []
    for _ in range(repeats):
        keep = np.sort(rng.choice(len(papers), round(frac * len(papers)), replace=False))
        part = fit(
            papers.iloc[keep], embeddings[keep], seed=seed, cache_dir=cache_dir, progress=False
        )
        fine.append(adjusted_rand_score(_partition(whole).iloc[keep], _partition(part)))
        if len(whole.areas):
            area.append(
                adjusted_rand_score(whole.assignments["area"].iloc[keep], part.assignments["area"])
            )
    out = {"sub_ari_mean": float(np.mean(fine)), "sub_ari_min": float(min(fine))}
    if area:
        out |= {"sub_area_ari_mean": float(np.mean(area)), "sub_area_ari_min": float(min(area))}
    return out


def theme_concentration(
    result: TopicResult, labels: pd.DataFrame, theme_ids: Sequence[str]
) -> dict[str, float]:
    """Per theme, the share of its labelled papers that sit in its two biggest fine topics.

    A theme whose papers scatter over many topics is one the topics do not see; the issue's
    target is at least 0.6.

    Args:
        result: A fit.
        labels: ``paper_id`` and a 0/1 column per theme (papers outside ``result`` ignored).
        theme_ids: Themes to score; a theme with no labelled paper in the corpus gets NaN.
    """
    placed = result.assignments.assign(t=_partition(result).to_numpy())[["paper_id", "t"]]
    joined = placed.merge(labels.astype({"paper_id": "string"}), on="paper_id", how="inner")
    out = {}
    for tid in theme_ids:
        members = joined.loc[joined[tid] == 1, "t"]
        top2 = members.value_counts().head(2).sum()
        out[tid] = float(top2 / len(members)) if len(members) else float("nan")
    return out


def quality_table(
    papers: pd.DataFrame,
    embeddings: np.ndarray,
    result: TopicResult | None = None,
    *,
    seed: int = config.RANDOM_SEED,
    cache_dir: str | Path | None = None,
) -> pd.DataFrame:
    """Quality of our topics next to BERTopic's default settings on the same papers.

    Args:
        papers: As in :func:`fit_topics`.
        embeddings: As in :func:`fit_topics`.
        result: Our fitted topics (default: :func:`fit_topics` with ``seed``).
        seed: Seed of our fit and of the baseline's UMAP.
        cache_dir: Cache folder; every fit (5 seeds each for stability) is cached.

    Returns:
        One row per setting (``digest-topics``, ``BERTopic defaults``) with the measures of
        :func:`topic_quality` and :func:`topic_stability` (over ``config.STABILITY_SEEDS``),
        rounded to 3; ``NaN`` where a measure does not apply (areas of the baseline).
    """
    ours = result or fit_topics(papers, embeddings, seed=seed, cache_dir=cache_dir)
    base = default_baseline(papers, embeddings, seed=seed, cache_dir=cache_dir)
    rows = {}
    for name, res, fit in [
        ("digest-topics", ours, fit_topics),
        ("BERTopic defaults", base, default_baseline),
    ]:
        stability = topic_stability(papers, embeddings, fit=fit, cache_dir=cache_dir)
        stability.pop("n_topics_per_seed")
        rows[name] = {**topic_quality(papers, res), **stability}
    return pd.DataFrame.from_dict(rows, orient="index").round(3)
