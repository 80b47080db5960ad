"""Tests for digest_utils.suggest: suggested themes for topics no catalogue theme covers."""

from __future__ import annotations

import tomllib

import pandas as pd
import pytest

from digest_utils import analyse, config
from digest_utils.cli import main
from digest_utils.suggest import distinct_terms, themes_toml
from digest_utils.themes import load_catalogue

TOPICS = pd.DataFrame(
    {
        "topic": [0, 1, 2],
        "keywords": [
            ["Attention", "vision tasks", "cnn", "imagenet"],
            ["attention", "imagenet", "deep"],
            ["language models", "bert", "language models"],
        ],
    }
)


def test_distinct_terms_leave_out_keywords_another_topic_lists():
    """Shared keywords are dropped (case-insensitively); a topic left with one keeps its own."""
    terms = distinct_terms(TOPICS)
    assert terms[0] == ["vision tasks", "cnn"]
    assert terms[1] == ["attention", "imagenet", "deep"]  # only "deep" is its own: keeps all
    assert terms[2] == ["language models", "bert"]  # duplicates removed
    assert distinct_terms(TOPICS, max_terms=1)[0] == ["vision tasks"]


def test_themes_toml_is_valid_toml_with_every_field():
    """The blocks parse as TOML, with quotes and backslashes escaped."""
    suggestions = pd.DataFrame(
        {
            "topic": [3],
            "size": [12],
            "id": ["odd_terms"],
            "name": ['Quotes "and" \\ backslashes'],
            "description": ["Research on a, b."],
            "terms": [['a "b"', "c"]],
        }
    )
    text = themes_toml(suggestions)
    assert text.startswith("# suggested from topic 3 (12 papers)\n[[theme]]\n")
    (theme,) = tomllib.loads(text)["theme"]
    assert theme == {
        "id": "odd_terms",
        "name": 'Quotes "and" \\ backslashes',
        "description": "Research on a, b.",
        "terms": ['a "b"', "c"],
        "bias": 0.0,  # scored like the default themes, as measured for suggestions
    }


@pytest.fixture(scope="module")
def seeds():
    return analyse(config.SEEDS_DIR, progress=False)


@pytest.mark.slow
def test_a_pasted_suggestion_finds_its_topics_papers(seeds, tmp_path, capsys):
    """A suggested block pasted into a catalogue makes a theme that finds its topic's papers.

    The block of the largest uncovered topic, added to a copy of the shipped catalogue, flags
    that topic's papers far more often than chance and leaves the other themes unchanged.
    """
    assert main(["suggest-themes", str(config.SEEDS_DIR), "-q"]) == 0
    printed = capsys.readouterr().out
    blocks = tomllib.loads(printed)["theme"]
    table = seeds.topic_themes
    uncovered = table[(table["level"] == "topic") & table["theme"].isna()]
    assert len(blocks) == len(uncovered) > 0
    first = printed.split("\n\n# suggested")[0]  # the largest uncovered topic's block
    topic = int(first.split("topic ")[1].split(" ")[0])
    assert topic == int(uncovered.sort_values("size", ascending=False)["topic"].iloc[0])

    shipped = config.themes_path().read_text(encoding="utf-8")
    root = config.REPO_ROOT.as_posix()
    shipped = shipped.replace('"tests/data/', f'"{root}/tests/data/').replace(
        'digests = ["seeds"]', f'digests = ["{root}/seeds"]'
    )
    catalogue = tmp_path / "themes.toml"
    catalogue.write_text(shipped + "\n" + first, encoding="utf-8")
    cat = load_catalogue(catalogue)
    new = blocks[0]["id"]
    assert cat.ids[-1] == new

    a = analyse(seeds.papers, catalogue=cat, progress=False)
    members = set(
        seeds.topics.assignments.loc[
            seeds.topics.assignments["assigned_topic"] == topic, "paper_id"
        ]
    )
    flagged = set(a.flags.loc[a.flags[new] == 1, "paper_id"])
    found = len(flagged & members)
    assert found >= 5, (found, len(members))
    chance = len(members) / len(seeds.papers)
    assert found / len(flagged) >= 2 * chance, (found, len(flagged), chance)
    old = seeds.catalogue.ids
    pd.testing.assert_frame_equal(
        a.flags[["paper_id", *old]].reset_index(drop=True),
        seeds.flags[["paper_id", *old]].reset_index(drop=True),
    )


def test_suggest_themes_on_a_corpus_too_small_fails_clearly(capsys):
    """Too few papers for topics: one line, exit 2, before anything is embedded."""
    tiny = config.REPO_ROOT / "tests" / "data" / "spaced_meta.txt"
    assert main(["suggest-themes", str(tiny), "-q"]) == 2
    err = capsys.readouterr().err
    assert "need at least 15 papers to find topics, got 4" in err
    assert "Traceback" not in err


def test_precise_terms_keep_terms_that_mostly_find_their_topic():
    """A term most of whose papers lie in other topics is dropped; two terms always remain."""
    from digest_utils.suggest import precise_terms

    titles = ["KV cache eviction", "KV cache merging", "KV cache quantization", "a benchmark"]
    titles += ["protein benchmark", "benchmark suite", "protein folding benchmark"]
    papers = pd.DataFrame(
        {"paper_id": [f"p{i}" for i in range(7)], "title": titles, "abstract": ["."] * 7}
    )
    topics = [0] * 4 + [1] * 3
    assignments = pd.DataFrame({"paper_id": papers["paper_id"], "assigned_topic": topics})
    candidates = {0: ["benchmark", "kv cache", "eviction"], 1: ["kv cache", "benchmark"]}
    got = precise_terms(papers, assignments, candidates)
    assert got[0] == ["kv cache", "eviction"]  # "benchmark": 1 of its 4 papers is topic 0's
    assert got[1] == ["benchmark", "kv cache"]  # only one precise term: the two most precise
