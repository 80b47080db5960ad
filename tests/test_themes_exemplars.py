"""Tests for digest_utils.themes.exemplars: the exemplar feature, and teaching by labels."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from digest_utils import CatalogueError, assign_themes, paper_id
from digest_utils.themes import Exemplars, load_catalogue, read_labels, scoring
from digest_utils.themes.evaluate import fit_and_score, learning_curve
from digest_utils.themes.exemplars import exemplar_scores, with_exemplars

ROOT = Path(__file__).parents[1]
IDS = ["peft", "clip", "quantization", "medical_vlm"]


def _bare_catalogue():
    """The shipped catalogue without its [examples] (so tests choose the examples)."""
    return replace(load_catalogue(ROOT / "themes.toml"), example_labels=(), example_digests=())


def test_exemplar_scores_compare_nearest_positives_and_negatives_never_self():
    """Closer to the positives gives a positive value; a paper is never its own example."""
    emb = np.array([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0], [0.1, 0.9]])
    emb = emb / np.linalg.norm(emb, axis=1, keepdims=True)
    ids = ["p1", "p2", "n1", "n2"]
    pos = np.array([True, True, False, False])
    vals = exemplar_scores(emb, ids, emb, ids, pos, ~pos, k=1)
    assert vals[0] > 0 and vals[1] > 0 and vals[2] < 0 and vals[3] < 0
    alone = exemplar_scores(emb[:1], ["p1"], emb[:1], ["p1"], np.array([True]), np.array([False]))
    assert np.isnan(alone[0])  # its own label is no evidence


def test_a_theme_without_labels_picks_its_own_examples_or_gives_no_evidence():
    """Fewer than 3 papers whose title names the theme: exemplar is 0 for every paper."""
    feats = pd.DataFrame(
        {
            "paper_id": ["a", "b", "c"],
            "theme": "t",
            "title_hit": [1.0, 0.0, 0.0],
            "distinct_terms": [1.0, 0.0, 0.0],
            "concept_hit": 0.0,
            "exclude_hit": 0.0,
            "gate": True,
            "exemplar": 9.0,
        }
    )
    out = with_exemplars(feats, np.eye(3), ["a", "b", "c"], None)
    assert out["exemplar"].tolist() == [0.0, 0.0, 0.0]


def _papers():
    """Three look-alike papers that name no theme term, and two clearly different ones."""
    titles = ["Alpha method", "Beta method", "Gamma method", "Delta study", "Epsilon study"]
    return pd.DataFrame(
        {
            "paper_id": [paper_id(t) for t in titles],
            "title": titles,
            "abstract": ["We study things."] * 5,
        }
    )


def test_a_users_labels_file_teaches_the_next_run(fake_model, tmp_path):
    """Confirmed papers raise the clip score of papers like them; rejected ones lower it."""
    papers = _papers()
    near = [[1, 0.1, 0], [1, 0, 0.1], [1, 0.1, 0.1], [0, 1, 0], [0, 1, 0.1]]
    emb = np.zeros((5, 16), dtype=np.float32)  # the fake encoder's dimension
    emb[:, :3] = near
    emb /= np.linalg.norm(emb, axis=1, keepdims=True)
    cat = _bare_catalogue()
    before = assign_themes(papers, cat, embeddings=emb).set_index("title")
    confirm = tmp_path / "confirm.csv"
    confirm.write_text("title,theme,label\nAlpha method,clip,1\nBeta method,clip,1\n")
    taught = assign_themes(papers, cat, embeddings=emb, labels=[confirm]).set_index("title")
    assert taught.loc["Gamma method", "score_clip"] > before.loc["Gamma method", "score_clip"]
    assert "examples +" in taught.loc["Gamma method", "evidence_clip"]
    reject = tmp_path / "reject.csv"
    reject.write_text(
        "title,theme,label\nDelta study,clip,1\nAlpha method,clip,0\nBeta method,clip,0\n"
    )
    against = assign_themes(papers, cat, embeddings=emb, labels=[reject]).set_index("title")
    assert against.loc["Gamma method", "score_clip"] < before.loc["Gamma method", "score_clip"]


def test_a_later_labels_file_corrects_an_earlier_one(tmp_path):
    """The same (paper, theme) judged twice: the later file wins."""
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_text("paper_id,theme,label\nx,clip,1\n")
    second.write_text("paper_id,theme,label\nx,clip,0\n")
    long = pd.concat([read_labels(first, IDS), read_labels(second, IDS)])
    ex = Exemplars.from_labels(long, ["x"], np.ones((1, 2)))
    assert ex.labels["clip"].tolist() == [0.0]


def test_catalogue_reads_examples_and_concept_sets(tmp_path):
    """[examples] paths resolve against the file; concepts may be several sets; bad ones fail."""
    cat = load_catalogue(ROOT / "themes.toml")
    assert cat.example_labels == ((ROOT / "tests" / "data" / "theme_labels.csv").resolve(),)
    clip = next(t for t in cat.themes if t.id == "clip")
    assert len(clip.concepts) > 1
    assert clip.concept_matches("A text encoder and an image encoder.") == [
        "~text encoder*+image encoder*"
    ]
    text = (ROOT / "themes.toml").read_text(encoding="utf-8")
    bad = tmp_path / "themes.toml"
    bad.write_text(text.replace('digests = ["seeds"]', 'digests = "seeds"'), encoding="utf-8")
    with pytest.raises(CatalogueError, match="must be a list of paths"):
        load_catalogue(bad)
    bad.write_text(text.replace('concepts = [\n    [["tun*"', "concepts = [\n    [[1"))
    with pytest.raises(CatalogueError, match="'concepts' must be"):
        load_catalogue(bad)


def _design(n: int, seed: int) -> pd.DataFrame:
    """Synthetic design rows of one theme whose label follows title_hit and exemplar."""
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.3).astype(int)
    rows = {f: rng.random(n) * 0.1 for f in scoring.FEATURES}
    rows["title_hit"] = np.where(rng.random(n) < 0.9, y, 1 - y).astype(float)
    rows["exemplar"] = y - 0.5 + 0.3 * rng.standard_normal(n)
    return pd.DataFrame({"paper_id": [f"s{seed}-{i}" for i in range(n)], "theme": "clip", **rows})


def test_fit_and_score_scores_only_the_other_set():
    """Weights fitted on one set score the other; the scores are per theme with support."""
    train = _design(200, 0).assign(gate=True)
    test = _design(100, 1).assign(gate=True)
    train["y"] = (train["title_hit"] > 0).astype(int)
    test["y"] = (test["title_hit"] > 0).astype(int)
    result, fitted = fit_and_score(train, test, ["clip"])
    assert result.scores["support"].tolist() == [int(test["y"].sum())]
    assert result.scores["f1"].iloc[0] > 0.9
    assert len(result.predictions) == len(test)
    assert fitted.weights["title_hit"] > 0


def test_learning_curve_caps_k_and_scores_the_rest(fake_model):
    """The number of examples is capped so `keep` positives remain; one row per k and theme."""
    papers = _papers()
    emb = np.eye(5, 16, dtype=np.float32)
    cat = _bare_catalogue()
    from digest_utils.themes import theme_features

    feats = theme_features(papers, cat, embeddings=emb)
    labels = pd.DataFrame({"paper_id": papers["paper_id"], "theme": "clip", "y": [1, 1, 1, 0, 0]})
    curve = learning_curve(
        feats, labels, cat.scoring, embeddings=emb, paper_ids=papers["paper_id"], ks=(0, 5), keep=1
    )
    assert curve["k"].tolist() == [0, 5]
    assert curve["k_used"].tolist() == [0, 2]
    assert curve["f1"].between(0, 1).all()
