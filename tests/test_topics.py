"""Tests for digest_utils.topics on planted topics: 4 blobs of 30 synthetic abstracts.

The embeddings are Gaussian blobs in 384-d (the size of the default model's vectors); the
abstracts are built from each blob's phrases plus shared filler, so every blob is a topic with
its own words. Label keywords are embedded by the local default model (no download).
One cold fit runs in this process while a second runs in a fresh process, side by side.
The quality measures of :mod:`digest_utils.topics.evaluate` are tested here too, on the same fit.
"""

from __future__ import annotations

import os
import pickle
import re
import subprocess
import sys
import textwrap

import numpy as np
import pandas as pd
import pytest
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS
from sklearn.metrics import adjusted_rand_score

from digest_utils import topics
from digest_utils.embed import embed_texts
from digest_utils.errors import CorpusTooSmallError, DigestError
from digest_utils.topics import TopicResult, fit_topics, store
from digest_utils.topics import fit as topic_fit
from digest_utils.topics.evaluate import topic_quality, topic_stability

PHRASES = {
    "diffusion": "diffusion models, image generation, denoising steps, text-to-image synthesis, "
    "latent diffusion, guidance scale, noise schedule, pixel space",
    "rl": "reinforcement learning, reward model, policy optimization, agent exploration, "
    "offline rl, value function, robot control, sparse rewards",
    "speech": "speech recognition, audio encoder, speaker verification, acoustic model, "
    "text-to-speech, raw waveform, mel spectrogram, voice conversion",
    "graphs": "graph neural networks, message passing, node classification, molecule graphs, "
    "link prediction, graph transformer, adjacency matrix, subgraph sampling",
}
TEMPLATES = [
    "We propose {a} for {b}.",
    "Our method uses {a} and {b}.",
    "Results show that {a} helps {b} on {c}.",
    "This paper is about {a}, {b} and {c}.",
    "We study how {a} can be made better with {b}.",
]


def planted(
    n_per: int = 30, centres: np.ndarray | None = None, seed: int = 0
) -> tuple[pd.DataFrame, np.ndarray]:
    """Papers with a ``theme`` column, and unit embeddings: one Gaussian blob per theme.

    ``centres`` (one row per theme) default to random 384-d points; the fixture passes the
    model's embeddings of the themes' phrases, so that blobs sit where such papers would.
    """
    rng = np.random.default_rng(seed)
    if centres is None:
        centres = rng.normal(size=(len(PHRASES), 384))
    rows, vectors = [], []
    for k, (theme, text) in enumerate(PHRASES.items()):
        phrases = text.split(", ")
        for i in range(n_per):
            fill = [
                dict(zip("abc", rng.choice(phrases, 3, replace=False), strict=True))
                for _ in range(3)
            ]
            templates = rng.choice(TEMPLATES, 3)
            sentences = [t.format(**f) for t, f in zip(templates, fill, strict=True)]
            title = f"{fill[0]['a'].capitalize()} with {fill[0]['b']}"
            rows.append((f"{theme}-{i:02d}", title, " ".join(sentences), theme))
            unit = centres[k] / np.linalg.norm(centres[k])
            vectors.append(unit + rng.normal(scale=0.5 / np.sqrt(len(unit)), size=len(unit)))
    papers = pd.DataFrame(rows, columns=["paper_id", "title", "abstract", "theme"])
    vectors = np.asarray(vectors, dtype=np.float32)
    return papers, vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


COLD_FIT = textwrap.dedent(
    """
    import pickle, sys
    import numpy as np
    from digest_utils.topics import fit_topics
    folder, cache, out = sys.argv[1:4]
    papers = pickle.load(open(folder + "/papers.pkl", "rb"))
    emb = np.load(folder + "/emb.npy")
    result = fit_topics(papers, emb, n_topics=4, n_areas=2, cache_dir=cache, progress=False)
    libs = ("bertopic", "umap", "hdbscan", "torch", "scipy.cluster")
    heavy = sorted(m for m in libs if m in sys.modules)
    pickle.dump((result, heavy), open(out, "wb"))
    """
)


def _run_fit(folder, cache, out) -> subprocess.Popen:
    env = dict(os.environ, HF_HUB_OFFLINE="1", TOKENIZERS_PARALLELISM="false")
    args = [sys.executable, "-c", COLD_FIT, str(folder), str(cache), str(out)]
    return subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _load(out) -> tuple[TopicResult, list[str]]:
    with open(out, "rb") as f:
        return pickle.load(f)


#: The planted corpus has 4 topics; the fixture asks for them, grouped into 2 areas.
PLANTED = {"n_topics": 4, "n_areas": 2}


@pytest.fixture(scope="module")
def fitted(tmp_path_factory):
    """One cold fit in this process while another runs in a fresh process."""
    folder = tmp_path_factory.mktemp("topics")
    descriptions = list(PHRASES.values())
    papers, emb = planted(centres=embed_texts(descriptions, cache_dir=folder, progress=False))
    papers.to_pickle(folder / "papers.pkl")
    np.save(folder / "emb.npy", emb)
    other = _run_fit(folder, folder / "cache-b", folder / "b.pkl")
    result = fit_topics(papers, emb, **PLANTED, cache_dir=folder / "cache-a", progress=False)
    _, err = other.communicate(timeout=300)
    assert other.returncode == 0, err.decode()[-2000:]
    return papers, emb, result, folder


def _assert_same(a: TopicResult, b: TopicResult) -> None:
    pd.testing.assert_frame_equal(a.assignments, b.assignments)
    pd.testing.assert_frame_equal(a.topics, b.topics)
    np.testing.assert_array_equal(a.vectors, b.vectors)
    assert a.params == b.params


def test_fit_finds_the_planted_topics(fitted):
    """Each blob becomes one topic; few outliers, all reassigned; documented columns and dtypes."""
    papers, _, result, _ = fitted
    a, t = result.assignments, result.topics
    assert adjusted_rand_score(papers["theme"], a["assigned_topic"]) == 1.0
    outliers = a["topic"] == -1
    assert outliers.mean() < 0.1
    assert (a.loc[~outliers, "topic"] == a.loc[~outliers, "assigned_topic"]).all()
    assert (a.loc[outliers, "topic_label"] == "outliers").all()
    assert list(a.columns) == [
        "paper_id",
        "topic",
        "topic_label",
        "assigned_topic",
        "area",
        "area_label",
        "x",
        "y",
    ]
    assert a.dtypes.astype(str).tolist() == [
        "string",
        "int64",
        "string",
        "int64",
        "int64",
        "string",
        "float64",
        "float64",
    ]
    assert a["paper_id"].tolist() == papers["paper_id"].tolist()
    assert np.isfinite(a[["x", "y"]].to_numpy()).all()
    assert t["topic"].tolist() == [0, 1, 2, 3] and t["size"].tolist() == [30] * 4
    assert t.dtypes[["topic", "size", "label", "cohesion"]].astype(str).tolist() == [
        "int64",
        "int64",
        "string",
        "float64",
    ]
    assert result.vectors.shape == (4, 384)
    np.testing.assert_allclose(np.linalg.norm(result.vectors, axis=1), 1, rtol=1e-5)
    assert result.params["n_topics"] == 4 and result.params["n_neighbors"] == 15


def test_areas_nest_the_topics(fitted):
    """Two areas holding the 4 topics; every paper's area is the area of its assigned topic."""
    _, _, result, _ = fitted
    a, t, areas = result.assignments, result.topics, result.areas
    assert areas["level"].tolist() == ["area", "area"] and t["level"].unique().tolist() == ["topic"]
    assert areas["n_topics"].sum() == 4 and areas["n_topics"].min() >= 1
    assert areas["size"].sum() == len(a)
    area_of_topic = dict(zip(t["topic"], t["area"], strict=True))
    assert (a["area"] == a["assigned_topic"].map(area_of_topic)).all()
    assert areas["label"].is_unique
    table = result.table()
    assert table["level"].tolist() == ["area"] * 2 + ["topic"] * 4


def test_labels_are_readable_and_name_their_topic(fitted):
    """Labels are built from the topic's own phrases, never from stop words, and all differ."""
    papers, _, result, _ = fitted
    theme_of = papers.groupby(result.assignments["assigned_topic"].to_numpy())["theme"].first()
    words = {t: set(re.split(r"[\s,-]+", text)) for t, text in PHRASES.items()}
    table = result.topics[["topic", "label", "keywords"]]
    for topic, label, keywords in table.itertuples(index=False):
        own = words[theme_of[topic]]
        others = set().union(*words.values()) - own
        assert len(keywords) == 10
        assert not any(set(k.split()) <= ENGLISH_STOP_WORDS for k in keywords)
        for term in label.split(" / "):
            term_words = set(re.split(r"[\s-]+", term))
            assert term_words & own and not term_words & others, (label, theme_of[topic])
    assert result.topics["label"].is_unique
    assert set(result.assignments["topic_label"]) - {"outliers"} == set(result.topics["label"])


def test_a_fresh_process_finds_identical_topics(fitted):
    """A cold fit in another process (own cache) gives the same assignments, labels, vectors."""
    _, _, result, folder = fitted
    other, _ = _load(folder / "b.pkl")
    _assert_same(result, other)


def test_warm_call_reads_the_cache_without_importing_bertopic(fitted):
    """A second call, in a fresh process, returns identical frames and imports no topic library."""
    papers, emb, result, folder = fitted
    run = _run_fit(folder, folder / "cache-a", folder / "warm.pkl")
    _, err = run.communicate(timeout=120)
    assert run.returncode == 0, err.decode()[-2000:]
    warm, heavy = _load(folder / "warm.pkl")
    assert heavy == []
    _assert_same(result, warm)
    again = fit_topics(papers, emb, **PLANTED, cache_dir=folder / "cache-a", progress=False)
    _assert_same(result, again)
    assert len(list((folder / "cache-a" / "topics").glob("*.pkl"))) == 1


def test_cache_key_changes_with_what_the_result_depends_on(fitted):
    """Seed, topic size, embeddings and texts each change the cache key; a copy does not."""
    papers, emb, _, _ = fitted

    def key(p=papers, e=emb, **kwargs):
        settings = {"seed": 42, "n_topics": None, "n_areas": None, "model": None} | kwargs
        return store.cache_key(p, e, topic_fit._settings(len(p), **settings))

    edited = papers.copy()
    edited.loc[0, "abstract"] += " More."
    nudged = emb.copy()
    nudged[0, 0] += 1e-3
    keys = [key(), key(seed=1), key(n_topics=6), key(e=nudged), key(p=edited)]
    assert len(set(keys)) == len(keys)
    assert key(p=papers.copy(), e=emb.copy()) == keys[0]


def test_size_dependent_settings_scale_with_the_corpus():
    """Topics grow like sqrt(n); areas stay within 5..12; neighbours and min_df have caps."""
    sizes = (20, 252, 395, 10**4, 2 * 10**4)
    none = {"n_topics": None, "n_areas": None}
    got = {n: topic_fit._settings(n, seed=0, model=None, **none) for n in sizes}
    assert [got[n]["n_topics"] for n in got] == [5, 13, 16, 80, 113]
    assert [got[n]["n_areas"] for n in got] == [4, 6, 8, 12, 12]
    assert [got[n]["n_neighbors"] for n in got] == [15, 16, 20, 50, 50]
    assert [got[n]["min_df"] for n in got] == [2, 2, 2, 10, 20]
    fixed = topic_fit._settings(252, seed=0, model=None, n_topics=20, n_areas=None)
    assert (fixed["n_topics"], fixed["n_areas"]) == (20, 10)
    with pytest.raises(DigestError, match="n_areas <= n_topics"):
        topic_fit._settings(252, seed=0, model=None, n_topics=3, n_areas=4)


@pytest.mark.parametrize(
    "fit", [topics.fit_topics, topics.default_baseline, topics.previous_baseline]
)
def test_too_small_corpus_raises_a_clear_error_first(fit):
    """Three papers raise CorpusTooSmallError (also a ValueError) before anything else is read."""
    papers, _ = planted(n_per=1)
    with pytest.raises(CorpusTooSmallError) as info:
        fit(papers.head(3), None)
    assert str(info.value) == ("need at least 15 papers to find topics, got 3; add more digests")
    assert isinstance(info.value, ValueError) and isinstance(info.value, DigestError)
    assert (info.value.n_papers, info.value.needed) == (3, 15)


def test_embeddings_must_match_the_papers():
    """Embeddings with the wrong number of rows raise DigestError stating both sizes."""
    papers, emb = planted(n_per=5)
    with pytest.raises(DigestError, match=r"one embedding row per paper \(20\), got \(19, 384\)"):
        fit_topics(papers, emb[:19])


def test_topic_quality_values_are_in_range(fitted):
    """Coherence, diversity and shares fall in their ranges; every planted topic is scored."""
    papers, _, result, _ = fitted
    q = topic_quality(papers, result)
    assert (q["n_topics"], q["npmi_topics"]) == (4, 4)
    assert q["outlier_share"] == (result.assignments["topic"] == -1).mean() < 0.1
    assert 0 < q["npmi"] <= 1
    assert 0.5 < q["diversity"] <= 1
    assert q["stop_word_share"] == 0.0


def test_topic_quality_counts_stop_word_keywords_and_outliers():
    """Stop-word keywords and topic -1 papers show up in stop_word_share and outlier_share."""
    papers, _ = planted(n_per=5)
    assignments = pd.DataFrame({"paper_id": papers["paper_id"], "topic": [-1] * 5 + [0] * 15})
    table = pd.DataFrame(
        {"keywords": [["the", "and", "diffusion models", "guidance scale"]], "topic": [0]}
    )
    result = TopicResult(assignments, table, np.zeros((1, 384), dtype=np.float32))
    q = topic_quality(papers, result)
    assert (q["stop_word_share"], q["outlier_share"], q["diversity"]) == (0.5, 0.25, 1.0)
    assert q["npmi_topics"] == 1 and -1 <= q["npmi"] <= 1


def test_topic_stability_is_the_pairwise_adjusted_rand_index():
    """Same partitions under other names give ARI 1; one different partition lowers the min."""
    labels = {0: [0, 0, 1, 1, 2, 2], 1: [2, 2, 0, 0, 1, 1], 2: [0, 1, 0, 1, 0, 1]}

    def fake_fit(papers, embeddings, *, seed, cache_dir, progress):
        frame = pd.DataFrame({"topic": labels[seed]})
        return TopicResult(frame, pd.DataFrame({"topic": sorted(set(labels[seed]))}), None)

    assert topic_stability(None, None, seeds=(0, 1), fit=fake_fit)["ari_mean"] == 1.0
    got = topic_stability(None, None, seeds=(0, 1, 2), fit=fake_fit)
    assert got["ari_min"] < 0 < got["ari_mean"] < 1 and got["n_topics_per_seed"] == [3, 3, 2]
    with pytest.raises(ValueError, match="at least two seeds"):
        topic_stability(None, None, seeds=(0,), fit=fake_fit)


def test_ward_levels_nest_and_need_no_seed():
    """Both cuts come from one tree: each topic sits in one area; two runs agree exactly."""
    from digest_utils.topics.cluster import ward_levels

    emb = np.random.default_rng(3).normal(size=(200, 16))
    topic, area = ward_levels(emb, 12, 5)
    assert sorted(set(topic)) == list(range(12)) and sorted(set(area)) == list(range(5))
    pairs = pd.DataFrame({"topic": topic, "area": area}).drop_duplicates()
    assert pairs["topic"].is_unique  # one area per topic
    again = ward_levels(emb, 12, 5)
    np.testing.assert_array_equal(topic, again[0])
    np.testing.assert_array_equal(area, again[1])


def test_loose_fit_flags_a_paper_far_from_its_topic():
    """A paper pointing away from its topic's centroid is loose; the tight ones are not."""
    from digest_utils.topics.cluster import loose_fit

    rng = np.random.default_rng(0)
    tight = np.array([1.0, 0, 0]) + rng.normal(scale=0.05, size=(30, 3))
    stray = np.array([[0.2, 1.0, 0.0]])
    loose = loose_fit(np.vstack([tight, stray]), np.zeros(31, dtype=int))
    assert loose[-1] and loose[:-1].sum() <= 2


def test_default_rules_split_the_planted_blobs_into_pure_topics(fitted):
    """With the size rules (9 topics for 120 papers), every fine topic holds one planted blob."""
    papers, emb, _, folder = fitted
    result = fit_topics(papers, emb, cache_dir=folder / "cache-rules", progress=False)
    assert result.params["n_topics"] == 9 and len(result.topics) == 9
    blobs = papers.groupby(result.assignments["assigned_topic"].to_numpy())["theme"].nunique()
    assert (blobs == 1).all()


def test_table_keeps_integer_columns_integer(fitted):
    """In the two-level table, a topic's area and an area's topic count stay integers (NA else)."""
    table = fitted[2].table()
    assert str(table["area"].dtype) == "Int64" and str(table["n_topics"].dtype) == "Int64"
    assert table.loc[table["level"] == "area", "area"].isna().all()
    assert table.loc[table["level"] == "topic", "area"].notna().all()


def test_labels_lead_with_the_best_free_keyword_and_prefer_fresh_words():
    """No term is in two labels; a bigger topic's words are used only when nothing else is left."""
    from digest_utils.topics.labels import topic_labels

    keywords = [
        ["vision-language models", "image captioning", "visual grounding"],
        ["vision-language models", "vision-language tasks", "medical reports", "radiology"],
        ["image", "captioning", "vision"],
    ]
    labels = topic_labels(keywords)
    assert labels[0] == "vision-language models / image captioning / visual grounding"
    # the shared best keyword is taken: the next leads; fresh words come before used ones
    assert labels[1] == "vision-language tasks / medical reports / radiology"
    assert labels[2] == "image / captioning / vision"  # only used words left: taken, distinct
    terms = [t for label in labels for t in label.split(" / ")]
    assert len(terms) == len(set(terms))
