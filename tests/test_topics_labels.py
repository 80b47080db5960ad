"""Tests for digest_utils.topics.labels.topic_phrases: phrases that name a cluster."""

from __future__ import annotations

import numpy as np
import pandas as pd

from digest_utils.topics.labels import topic_phrases


def _papers(rows: list[tuple[str, str, list[str] | None]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["title", "abstract", "keywords"])


def _corpus() -> tuple[pd.DataFrame, np.ndarray]:
    """Three clusters of 6 papers; every paper says "tasks", each cluster has its own phrase."""
    subjects = ["KV cache compression", "protein folding", "robot grasping"]
    rows, labels = [], []
    for c, subject in enumerate(subjects):
        for i in range(6):
            title = f"{subject.split()[0]} variant {c}{i}: {subject} for tasks"
            rows.append((title, f"We study {subject} on many tasks. Item {c}{i}.", None))
            labels.append(c)
    return _papers(rows), np.array(labels)


def test_each_cluster_is_named_by_its_own_phrase_as_written():
    """The longest phrase all its papers share leads, in the casing the titles use."""
    papers, labels = _corpus()
    phrases = topic_phrases(papers, labels)
    assert phrases[0][0] == "KV cache compression"
    assert phrases[1][0] == "protein folding"
    assert phrases[2][0] == "robot grasping"


def test_a_word_every_cluster_uses_is_generic_and_never_a_label():
    """'tasks' is in every paper of every cluster: corpus statistics drop it everywhere."""
    papers, labels = _corpus()
    assert not any(
        "tasks" in p.lower() for ps in topic_phrases(papers, labels).values() for p in ps
    )
    kept = topic_phrases(papers, labels, generic_spread=1.0)
    assert not any(p.lower() == "tasks" for ps in kept.values() for p in ps[:3]), (
        "'tasks' is not distinctive either: its score is 0"
    )


def test_keywords_are_candidates_and_outliers_are_left_out():
    """A keyword only the Daily Papers list names a cluster; -1 papers belong to none."""
    rows = [
        (f"Paper {i}", "An abstract.", ["sparse attention"] if i < 3 else ["mixture of experts"])
        for i in range(6)
    ]
    labels = np.array([0, 0, 0, 1, 1, -1])
    phrases = topic_phrases(_papers(rows), labels)
    assert set(phrases) == {0, 1}
    assert phrases[0][0] == "sparse attention"
    assert phrases[1][0] == "mixture of experts"


def test_phrases_never_cross_punctuation():
    """'compression: robot' spans a colon in no title's words, so it is no candidate."""
    papers, labels = _corpus()
    assert not any(":" in p for ps in topic_phrases(papers, labels).values() for p in ps)
    assert not any(
        "compression robot" in p.lower()
        for ps in topic_phrases(papers, labels).values()
        for p in ps
    )


def test_phrases_never_join_a_title_and_a_keyword_or_two_keywords():
    """Title and keywords are separate phrases: no n-gram spans two of them."""
    rows = [
        (f"Study {i} of distillation", "An abstract.", ["on-policy distillation", "teacher"])
        for i in range(4)
    ]
    phrases = topic_phrases(_papers(rows), np.zeros(4, dtype=int), generic_spread=1.0)
    joined = {"distillation on-policy", "distillation teacher", "on-policy distillation teacher"}
    assert not joined & {p.lower() for p in phrases[0]}
    assert "on-policy distillation" in phrases[0]
