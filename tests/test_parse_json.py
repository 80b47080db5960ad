"""Tests for Daily Papers API JSON digests (digest_utils.parse.api_json) and JSON/text dedupe."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from digest_utils import DigestParseError, dedupe, load_digest, load_digests, paper_id
from digest_utils.parse import COLUMNS, JSON_COLUMNS

DATA = Path(__file__).parent / "data"


def test_json_array_fills_the_columns_from_the_record():
    """A JSON array of API records fills every column, mapped as documented."""
    df = load_digest(DATA / "api_array.json")
    record = json.loads((DATA / "api_array.json").read_text())[0]["paper"]
    assert df.columns.tolist() == COLUMNS
    first = df.iloc[0]
    assert first["title"] == record["title"]
    assert first["abstract"] == record["summary"]
    assert first["authors"] == len(record["authors"])
    assert first["organization"] == record["organization"]["fullname"]
    assert first["published"] == pd.Timestamp(record["publishedAt"][:10])
    assert first["published_text"] == record["publishedAt"][:10]
    assert first["upvotes"] == record["upvotes"]
    assert first["arxiv_id"] == record["id"]
    assert first["url"] == f"https://huggingface.co/papers/{record['id']}"
    assert first["github"] == record["githubRepo"]
    assert first["keywords"] == record["ai_keywords"]
    assert first["paper_id"] == paper_id(record["title"])
    # the file stem is not a date, so the digest's date comes from submittedOnDailyAt
    assert first["digest_date_text"] == record["submittedOnDailyAt"][:10]
    assert first["digest_label"] == record["submittedOnDailyAt"][:10]
    lines = (DATA / "api_array.json").read_text().splitlines()
    starts = [n for n, line in enumerate(lines, 1) if line == "  {"]
    assert df["line"].tolist() == starts  # where each record starts in the pretty array
    assert df["position"].tolist() == [1, 2]
    assert df.loc[1, "organization"] is pd.NA  # the second record has no organisation


def test_json_lines_and_array_give_the_same_records():
    """One record per line reads as the array does (lines are the record's own line)."""
    lines = load_digest(DATA / "api_lines.jsonl")
    array = load_digest(DATA / "api_array.json")
    same = [c for c in COLUMNS if c not in ("digest", "line")]
    pd.testing.assert_frame_equal(lines[same], array[same])
    assert lines["line"].tolist() == [1, 2]


def test_a_date_named_file_gives_its_date_as_the_digest_date(tmp_path):
    """A file named YYYY-MM-DD (as fetch writes) is labelled by that date."""
    target = tmp_path / "2024-05-18.jsonl"
    shutil.copy(DATA / "api_lines.jsonl", target)
    df = load_digest(target)
    assert set(df["digest_date_text"]) == {"2024-05-18"}
    assert set(df["digest_label"]) == {"2024-05-18"}


def test_text_digests_leave_the_json_columns_empty_and_are_labelled_by_their_date():
    """Text digests: arxiv_id, url, github, keywords NA; label = page date, else the stem."""
    df = load_digests([DATA / "spaced_meta.txt", DATA / "compact.txt"])
    assert df[JSON_COLUMNS].isna().all().all()
    assert df.groupby("digest")["digest_label"].first().to_dict() == {
        "compact": "compact",
        "spaced_meta": "Dec 11",
    }
    assert set(load_digest(DATA / "spaced_meta.txt", year=2021)["digest_label"]) == {"2021-12-11"}


def test_folder_mixes_text_and_json_digests(tmp_path):
    """A folder contributes its .txt, .json and .jsonl files, sorted by name."""
    for name in ["spaced_meta.txt", "api_array.json", "compact.txt"]:
        shutil.copy(DATA / name, tmp_path / name)
    shutil.copy(DATA / "api_lines.jsonl", tmp_path / "2024-05-20.jsonl")
    df = load_digests(tmp_path)
    assert df["digest"].unique().tolist() == ["2024-05-20", "api_array", "compact", "spaced_meta"]


def test_dedupe_merges_a_paper_seen_in_text_and_json_keeping_the_richest_metadata():
    """Same title in a text and a JSON digest: one paper, JSON's metadata, text's filled in."""
    entries = load_digests([DATA / "spaced_meta.txt", DATA / "api_array.json"])
    papers = dedupe(entries)
    assert len(papers) == len(entries) - 1
    alpha = papers.loc[papers["title"] == "Alpha: A First Paper"].iloc[0]
    assert alpha["digests"] == ["spaced_meta", "api_array"]
    assert alpha["arxiv_id"] == "2405.20000"
    assert alpha["url"].endswith("/papers/2405.20000")
    assert alpha["authors"] == 2  # the JSON copy is richer, so its fields win
    assert papers["paper_id"].is_unique


def test_dedupe_matches_by_arxiv_id_before_title(tmp_path):
    """A revised title with the same arXiv id is one paper; two ids with one title are two."""
    record = json.loads((DATA / "api_lines.jsonl").read_text().splitlines()[1])
    revised = json.loads(json.dumps(record))
    revised["paper"]["title"] = revised["title"] = "A Revised Title"
    other = json.loads(json.dumps(record))
    other["paper"]["id"] = "2405.99999"
    (tmp_path / "a.jsonl").write_text(json.dumps(record) + "\n")
    (tmp_path / "b.jsonl").write_text(json.dumps(revised) + "\n" + json.dumps(other) + "\n")
    papers = dedupe(load_digests(tmp_path))
    assert sorted(papers["arxiv_id"]) == ["2405.20001", "2405.99999"]
    assert papers.loc[papers["arxiv_id"] == "2405.20001", "digests"].iloc[0] == ["a", "b"]
    assert papers["paper_id"].is_unique
    assert papers.loc[1, "paper_id"] == paper_id("arxiv 2405.99999")


def test_dedupe_of_text_only_digests_is_unchanged_by_the_new_columns():
    """Seeds: 263 entries, 252 papers, no JSON column filled."""
    papers = dedupe(load_digests(Path(__file__).parents[1] / "seeds"))
    assert len(papers) == 252
    assert papers[JSON_COLUMNS].isna().all().all()


def test_text_file_holding_api_json_is_read_as_json():
    """API JSON saved as .txt is loaded as JSON rather than taken for a page."""
    df = load_digest(DATA / "api_in_text.txt")
    assert df["arxiv_id"].tolist() == ["2405.20000", "2405.20001"]


def test_utf16_page_is_decoded():
    """A page saved as UTF-16 (with BOM, as Windows' 'Unicode') reads like its UTF-8 copy."""
    utf16 = load_digest(DATA / "utf16.txt")
    utf8 = load_digest(DATA / "spaced_meta.txt")
    cols = [c for c in COLUMNS if c not in ("digest", "digest_label")]
    pd.testing.assert_frame_equal(utf16[cols], utf8[cols])


def test_utf16_without_bom_is_decoded(tmp_path):
    """UTF-16 LE without a byte-order mark is recognised by its NUL bytes."""
    path = tmp_path / "x.txt"
    path.write_bytes((DATA / "compact.txt").read_text(encoding="utf-8").encode("utf-16-le"))
    assert (
        load_digest(path)["title"].tolist() == load_digest(DATA / "compact.txt")["title"].tolist()
    )


@pytest.mark.parametrize(
    ("name", "content", "lineno", "needles"),
    [
        ("bad.jsonl", None, 3, ["malformed JSON Lines", "bad.jsonl:3:"]),
        (
            "not.json",
            None,
            2,
            ["expected a Daily Papers record", "found an object with keys 'modelId'"],
        ),
        ("empty.json", "", None, ["file is empty; expected Daily Papers API records"]),
        ("none.json", "[]\n", None, ["found no records"]),
        ("broken.json", '[\n {"a": 1},\n {"b" 2}\n]\n', 3, ["malformed JSON: Expecting ':'"]),
        ("page.json", "Daily Papers\n\nTitle\n", 1, ["found text", "should be named .txt"]),
        ("numbers.json", "[1, 2]\n", 1, ["found a JSON int"]),
        (
            "date.jsonl",
            '{"paper": {"title": "T", "summary": "S", "publishedAt": "yesterday"}}\n',
            1,
            ["expected an ISO date in paper.publishedAt (got 'yesterday')"],
        ),
    ],
)
def test_bad_json_names_file_line_and_what_was_expected(tmp_path, name, content, lineno, needles):
    """Malformed JSON, JSON Lines or non-records: DigestParseError with file, line, expectation."""
    path = tmp_path / name
    if content is None:
        source = {"bad.jsonl": "api_bad_lines.jsonl", "not.json": "api_not_records.json"}[name]
        shutil.copy(DATA / source, path)
    else:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(DigestParseError) as info:
        load_digest(path)
    assert info.value.lineno == lineno
    assert info.value.path == str(path)
    for needle in needles:
        assert needle in str(info.value).replace(str(tmp_path) + "/", "")


def test_bare_paper_objects_read_too(tmp_path):
    """A bare paper object (fields at the top level, no 'paper') reads as a record."""
    path = tmp_path / "bare.json"
    path.write_text(json.dumps({"id": "2401.00001", "title": "T  one", "summary": "S."}, indent=2))
    df = load_digest(path)
    assert df[["title", "arxiv_id", "line"]].values.tolist() == [["T one", "2401.00001", 1]]
