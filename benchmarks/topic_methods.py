"""Choose clusters and labels by the reader test's proxy before briefing readers.

For each corpus of ``reader_test.py`` and each clustering method (same number of fine topics,
``n_topics_for(n)``): stability (adjusted Rand index of the fine topics between the fit on all
papers and fits on 5 seeded subsets of 90 %, over the papers they share), the largest topic's
share, and the proxy judge's accuracy (``reader_test.proxy_answers``) on intrusion items and on
label items, averaged over ``DRAWS`` seeded samplings of the items (one sampling has ~30 items
per kind: its accuracy moves by +-0.08 from sampling alone). Label methods are compared on the
same clusters.

The proxy shares the embedding that made the clusters: its figures rank methods, they are not
what readers score.

Run:  .venv/bin/python benchmarks/topic_methods.py [CORPUS ...] > /work/reader/methods.md
(``TOPIC_METHODS=umap+kmeans`` runs a subset of the clusterings, ``PROXY_DRAWS=4`` fewer draws).
"""

from __future__ import annotations

import os
import sys

import numpy as np
import pandas as pd
import reader_test as rt

from digest_utils.config import RANDOM_SEED
from digest_utils.topics.cluster import n_areas_for, n_topics_for, unit, ward_levels
from digest_utils.topics.labels import topic_labels, topic_phrases

DRAWS = int(os.environ.get("PROXY_DRAWS", 8))
SUBSETS = 5


def ward(x: np.ndarray, k: int, seed: int) -> np.ndarray:
    """Version 2: one Ward tree of the unit embeddings."""
    return ward_levels(x, k, n_areas_for(k))[0]


def spherical_kmeans(x: np.ndarray, k: int, seed: int) -> np.ndarray:
    """k-means of the unit embeddings."""
    from sklearn.cluster import KMeans

    return KMeans(k, n_init=10, random_state=seed).fit_predict(unit(x))


def _umap5(x: np.ndarray, seed: int) -> np.ndarray:
    from umap import UMAP

    umap = UMAP(n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine", random_state=seed)
    return umap.fit_transform(x)


def umap_kmeans(x: np.ndarray, k: int, seed: int) -> np.ndarray:
    """k-means of a seeded 5-D UMAP (version 3's fine topics; also the baseline's clusters)."""
    from sklearn.cluster import KMeans

    return KMeans(k, n_init=10, random_state=seed).fit_predict(_umap5(x, seed))


def umap_ward(x: np.ndarray, k: int, seed: int) -> np.ndarray:
    """One Ward tree of a seeded 5-D UMAP."""
    from scipy.cluster.hierarchy import fcluster, linkage

    return fcluster(linkage(_umap5(x, seed), "ward"), k, "maxclust") - 1


CLUSTERERS = {
    "ward (today)": ward,
    "spherical k-means": spherical_kmeans,
    "umap+kmeans": umap_kmeans,
    "umap+ward": umap_ward,
}


def subset_ari(fn, x: np.ndarray, k: int, whole: np.ndarray) -> tuple[float, float]:
    """Mean and min ARI of fits on seeded 90 % subsets against the whole fit."""
    from sklearn.metrics import adjusted_rand_score

    rng = np.random.default_rng(RANDOM_SEED)
    aris = []
    for _ in range(SUBSETS):
        keep = np.sort(rng.choice(len(x), round(0.9 * len(x)), replace=False))
        aris.append(adjusted_rand_score(whole[keep], fn(x[keep], k, RANDOM_SEED)))
    return float(np.mean(aris)), float(min(aris))


def ctfidf_labels(papers: pd.DataFrame, topic: np.ndarray) -> dict[int, str]:
    """BERTopic's default label of a given clustering: top three c-TF-IDF unigrams."""
    from bertopic.vectorizers import ClassTfidfTransformer
    from sklearn.feature_extraction.text import CountVectorizer

    docs = pd.Series(rt.paper_texts(papers)).groupby(topic).agg(" ".join)
    cv = CountVectorizer(stop_words="english")
    weights = ClassTfidfTransformer().fit_transform(cv.fit_transform(docs)).toarray()
    words = cv.get_feature_names_out()
    return {
        int(t): " / ".join(words[np.argsort(-w)[:3]])
        for t, w in zip(docs.index, weights, strict=True)
    }


def phrase_labels(papers, topic, n_terms=2, **kw) -> dict[int, str]:
    """``topic_phrases`` composed by ``topic_labels`` (largest topic first)."""
    phrases = topic_phrases(papers, topic, **kw)
    order = sorted(phrases, key=lambda t: (-int((topic == t).sum()), t))
    return dict(zip(order, topic_labels([phrases[t] for t in order], n_terms), strict=True))


LABELLERS = {
    "c-TF-IDF top 3 words": ctfidf_labels,
    "phrases x2": phrase_labels,
    "phrases x3": lambda p, t: phrase_labels(p, t, n_terms=3),
    "phrases x2, no generic filter": lambda p, t: phrase_labels(p, t, generic_spread=1.0),
    "phrases x2, no longer-phrase rule": lambda p, t: phrase_labels(p, t, longer=9.0),
    "phrases x2, titles only (no keywords)": lambda p, t: phrase_labels(
        p.drop(columns="keywords", errors="ignore"), t
    ),
}


def proxy(papers, emb, topic, labels) -> tuple[float, float]:
    """Mean proxy accuracy on intrusion and on label items over ``DRAWS`` samplings."""
    acc = {"intrusion": [], "label": []}
    for draw in range(DRAWS):
        items = rt.topic_items(papers, emb, topic, labels, np.random.default_rng(draw))
        for n, it in enumerate(items):
            it["id"] = str(n)
        answers = rt.proxy_answers(items)
        for it in items:
            acc[it["kind"]].append(answers[it["id"]]["choice"] == it["answer"])
    return float(np.mean(acc["intrusion"])), float(np.mean(acc["label"]))


def run(corpus: str) -> None:
    """Print the cluster and label tables of one corpus."""
    papers, emb = rt.load_corpus(corpus)
    k = n_topics_for(len(papers))
    print(f"\n## {corpus}: {len(papers)} papers, {k} fine topics\n")
    print(
        "| clusters | 90 % subset ARI mean (min) | largest | proxy intrusion | proxy label "
        "(c-TF-IDF / phrases x2) |\n|---|---|---|---|---|"
    )
    fits = {}
    only = os.environ.get("TOPIC_METHODS")  # e.g. "umap+kmeans": a comma-separated subset
    chosen = {n: f for n, f in CLUSTERERS.items() if not only or n in only.split(",")}
    for name, fn in chosen.items():
        topic = np.asarray(fn(emb, k, RANDOM_SEED))
        fits[name] = topic
        ari, ari_min = subset_ari(fn, emb, k, topic)
        share = np.bincount(topic).max() / len(topic)
        intr, lab_c = proxy(papers, emb, topic, ctfidf_labels(papers, topic))
        _, lab_p = proxy(papers, emb, topic, phrase_labels(papers, topic))
        print(
            f"| {name} | {ari:.2f} ({ari_min:.2f}) | {share:.0%} | {intr:.2f} | "
            f"{lab_c:.2f} / {lab_p:.2f} |",
            flush=True,
        )
    print("\n| labels (on ward clusters) | proxy label |\n|---|---|")
    if "ward (today)" not in fits:
        return
    topic = fits["ward (today)"]
    shipped, labels = rt.ours(papers, emb)  # fit_topics as it is now: clusters and labels
    print(f"| fit_topics as shipped | {proxy(papers, emb, shipped, labels)[1]:.2f} |")
    for name, fn in LABELLERS.items():
        print(f"| {name} | {proxy(papers, emb, topic, fn(papers, topic))[1]:.2f} |", flush=True)


if __name__ == "__main__":
    for corpus in sys.argv[1:] or list(rt.CORPORA):
        run(corpus)
