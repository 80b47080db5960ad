"""Tests for digest_utils.parse: layouts, seeds, robustness and bad input."""

from __future__ import annotations

import shutil
import warnings
from pathlib import Path

import pandas as pd
import pytest

from digest_utils import (
    DigestError,
    DigestInputError,
    DigestParseError,
    DigestWarning,
    dedupe,
    load_digest,
    load_digests,
    paper_id,
)
from digest_utils.parse import COLUMNS, READERS, columns

DATA = Path(__file__).parent / "data"
SEEDS = Path(__file__).parents[1] / "seeds"


# --- layouts ---------------------------------------------------------------------------


def test_compact_layout_strips_glued_subscribe_and_pairs_lines():
    """Compact layout: title/abstract on consecutive lines; 'Subscribe' glued to title 1."""
    df = load_digest(DATA / "compact.txt")
    assert df["title"].tolist() == [
        "Alpha: A First Paper",
        "Beta Paper with Ümlauts and 中文",
        "Gamma: Third",
    ]
    assert df["abstract"].tolist()[0] == "We study alpha. It works well."
    assert df["line"].tolist() == [3, 5, 7]
    assert df["position"].tolist() == [1, 2, 3]
    assert df["authors"].isna().all()
    assert df["published"].isna().all()
    assert df["digest_date_text"].isna().all()
    assert (df["digest"] == "compact").all()


def test_spaced_layout_reads_metadata_blocks_and_entries_without_them():
    """Spaced layout: authors/organisation, '·' and date lines attach to the paper above."""
    df = load_digest(DATA / "spaced_meta.txt")
    assert df["title"].tolist() == [
        "Alpha: A First Paper",
        "Beta Without Metadata",
        "Gamma With Organisation",
        "Delta With Upvotes",
    ]
    assert df["authors"].tolist() == [3, pd.NA, pd.NA, 1]
    assert df["organization"].tolist() == [pd.NA, pd.NA, "ByteDance ByteDance", pd.NA]
    assert df["published_text"].tolist() == ["Dec 13, 2021", pd.NA, "Apr 14", "May 18, 2023"]
    assert df["upvotes"].tolist() == [pd.NA, pd.NA, 3, 5]
    assert df["published"].tolist()[0] == pd.Timestamp("2021-12-13")
    assert pd.isna(df["published"].iloc[2]), "a date without year is never guessed"
    assert df["published"].iloc[3] == pd.Timestamp("2023-05-18")
    assert (df["digest_date_text"] == "Dec 11").all()
    assert df["line"].tolist() == [13, 21, 25, 33]


def test_year_argument_fills_dates_written_without_year_only():
    """year= completes 'Apr 14' but never overrides a year written in the date."""
    df = load_digest(DATA / "spaced_meta.txt", year=2024)
    assert df["published"].iloc[2] == pd.Timestamp("2024-04-14")
    assert df["published"].iloc[0] == pd.Timestamp("2021-12-13")


def test_spaced_layout_without_metadata():
    """Spaced layout with no metadata blocks; the page's date header is kept, not a paper."""
    df = load_digest(DATA / "spaced_plain.txt")
    assert df["title"].tolist() == ["Alpha: A First Paper", "Epsilon"]
    assert (df["digest_date_text"] == "Mar 11").all()


def test_columns_and_dtypes():
    """The frame has the documented columns in order, with nullable dtypes."""
    df = load_digest(DATA / "spaced_meta.txt")
    assert df.columns.tolist() == COLUMNS
    assert str(df["authors"].dtype) == "Int64"
    assert str(df["upvotes"].dtype) == "Int64"
    assert str(df["published"].dtype) == "datetime64[ns]"
    assert str(df["organization"].dtype) == "string"


def test_paper_id_ignores_case_punctuation_and_unicode_forms():
    """paper_id normalises case, punctuation, whitespace and NFKC forms."""
    assert paper_id("CLIP: Learning  Transferable") == paper_id("clip - learning transferable!")
    assert paper_id("ﬁne-tuning") == paper_id("Fine tuning")
    assert paper_id("A") != paper_id("B")
    assert len(paper_id("x")) == 12


# --- the seeds -------------------------------------------------------------------------


def test_seed_counts_per_file_and_unique():
    """The five seeds give 263 entries (35, 49, 83, 50, 46) and 252 unique papers."""
    df = load_digests(SEEDS)
    assert len(df) == 263
    assert df.groupby("digest", sort=True).size().tolist() == [35, 49, 83, 50, 46]
    assert len(dedupe(df)) == 252


def test_seed_entries_are_plausible_papers():
    """No furniture becomes a paper; every abstract is longer than its title."""
    df = load_digests(SEEDS)
    furniture = {"new", "Subscribe", "Daily Papers", "byAK and the research community"}
    assert not set(df["title"]) & furniture
    assert not df["title"].str.startswith("Subscribe").any()
    assert (df["abstract"].str.len() > df["title"].str.len()).all()
    assert df["title"].str.len().max() < 300
    # metadata blocks in the two spaced-with-metadata seeds (one '·' line each)
    for stem, blocks in [("001_36498add99c7ff1f", 46), ("003_90a3487d3c415209", 49)]:
        text = (SEEDS / f"{stem}.txt").read_text(encoding="utf-8")
        assert text.count("\n·\n") == blocks
        assert df.loc[df["digest"] == stem, "published_text"].notna().sum() == blocks


def test_seeds_are_byte_identical_to_shared_copies():
    """seeds/ holds the shared seed files byte for byte."""
    shared = Path(__file__).parents[2] / "shared" / "seeds"
    if not shared.is_dir():
        pytest.skip("../shared/seeds not beside this checkout")
    ours = sorted(p.name for p in SEEDS.glob("*.txt"))
    assert ours == sorted(p.name for p in shared.glob("*.txt"))
    for name in ours:
        assert (SEEDS / name).read_bytes() == (shared / name).read_bytes(), name


def test_dedupe_keeps_richest_row_and_lists_digests(tmp_path):
    """Dedupe keeps the copy with most metadata and lists every digest, in order."""
    a = tmp_path / "a.txt"
    b = tmp_path / "b.txt"
    a.write_text("Same Paper\nAbstract one.\nOther\nOther abstract.\n", encoding="utf-8")
    b.write_text(
        "SAME paper!\n\nAbstract two.\n\n  • 4 authors\n·\nJan 2, 2024 7\n", encoding="utf-8"
    )
    out = dedupe(load_digests([a, b]))
    assert out["title"].tolist() == ["SAME paper!", "Other"]
    assert out["authors"].tolist() == [4, pd.NA]
    assert out["digests"].tolist() == [["a", "b"], ["a"]]
    assert out["n_digests"].tolist() == [2, 1]


# --- robustness ------------------------------------------------------------------------


def _variants(text: str) -> dict[str, bytes]:
    lines = text.split("\n")
    return {
        "crlf": text.replace("\n", "\r\n").encode(),
        "bom": b"\xef\xbb\xbf" + text.encode(),
        "trailing_ws": "\n".join(line + " \t" for line in lines).encode(),
        "blank_runs": "\n\n\n".join(lines).encode(),
        "no_final_newline": text.rstrip("\n").encode(),
        "leading_blank_lines": ("\n\n" + text).encode(),
    }


@pytest.mark.parametrize("fixture", ["compact.txt", "spaced_meta.txt", "spaced_plain.txt"])
def test_whitespace_and_encoding_variants_give_identical_records(fixture, tmp_path):
    """CRLF, BOM, trailing blanks, blank-line runs, no final newline: same records."""
    clean = load_digest(DATA / fixture).drop(columns="line")
    for name, data in _variants((DATA / fixture).read_text(encoding="utf-8")).items():
        path = tmp_path / name / fixture
        path.parent.mkdir()
        path.write_bytes(data)
        got = load_digest(path).drop(columns="line")
        pd.testing.assert_frame_equal(got, clean, obj=name)


# --- bad input -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fixture", "lineno", "needle"),
    [
        ("empty.txt", None, "file is empty"),
        ("blank.txt", None, "file is empty"),
        ("binary.txt", 2, "binary data"),
        ("latin1.txt", 3, "expected UTF-8"),
        ("page.html.txt", 1, "HTML page"),
        ("title_no_abstract.txt", 7, "expected an abstract after this title"),
        ("meta_first.txt", 5, "metadata line with no paper before it"),
        ("meta_as_abstract.txt", 3, "expected an abstract after the title"),
        ("bad_date.txt", 7, "expected a calendar date"),
    ],
)
def test_bad_input_raises_parse_error_naming_file_and_line(fixture, lineno, needle):
    """Each kind of bad input raises DigestParseError with the file, line and a clear message."""
    path = DATA / fixture
    with pytest.raises(DigestParseError) as info:
        load_digest(path)
    err = info.value
    assert isinstance(err, ValueError)
    assert isinstance(err, DigestError)
    assert err.path == str(path)
    assert err.lineno == lineno
    assert needle in str(err)
    where = str(path) if lineno is None else f"{path}:{lineno}: "
    assert str(err).startswith(where)


def test_error_message_quotes_the_offending_line():
    """str() reads 'path:lineno: what was expected (got '...')'."""
    with pytest.raises(DigestParseError) as info:
        load_digest(DATA / "meta_as_abstract.txt")
    assert str(info.value) == (
        f"{DATA / 'meta_as_abstract.txt'}:3: expected an abstract after the title "
        "(got '• 3 authors')"
    )
    assert info.value.line == "• 3 authors"


def test_missing_title_is_reported_not_silently_shifted(tmp_path):
    """An abstract in the title slot (a title line lost) is an error, not a garbled paper."""
    path = tmp_path / "x.txt"
    long_abstract = "We propose a method. " * 40
    path.write_text(f"Alpha\n\n{long_abstract}\n\n{long_abstract}\n\nBeta\n", encoding="utf-8")
    with pytest.raises(DigestParseError, match=r"x.txt:5: expected a title, found a"):
        load_digest(path)


def test_missing_path_and_empty_folder_raise_input_error(tmp_path):
    """A missing path or a folder without .txt files raises DigestInputError naming it."""
    with pytest.raises(DigestInputError, match="no such file"):
        load_digests([tmp_path / "nope.txt"])
    with pytest.raises(DigestInputError, match=r"holds no \.txt"):
        load_digests([tmp_path])
    with pytest.raises(DigestInputError, match="no such file"):
        load_digest(tmp_path / "nope.txt")


def test_on_error_warn_skips_bad_file_and_records_it(tmp_path):
    """on_error='warn' warns with the same message, keeps the good files, records the skip."""
    for name in ["a_good.txt", "b_bad.txt", "c_good.txt"]:
        src = "title_no_abstract.txt" if "bad" in name else "spaced_plain.txt"
        shutil.copy(DATA / src, tmp_path / name)
    with pytest.raises(DigestParseError):
        load_digests(tmp_path)
    with pytest.warns(DigestWarning, match=r"b_bad.txt:7: expected an abstract") as rec:
        df = load_digests(tmp_path, on_error="warn")
    assert len(rec) == 1
    assert df["digest"].unique().tolist() == ["a_good", "c_good"]
    assert df.attrs["skipped"] == [
        {"path": str(tmp_path / "b_bad.txt"), "lineno": 7, "message": str(rec[0].message)}
    ]


def test_on_error_warn_with_only_bad_files_returns_empty_frame(tmp_path):
    """All files bad under on_error='warn': an empty frame with the documented columns."""
    shutil.copy(DATA / "empty.txt", tmp_path / "x.txt")
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        df = load_digests(tmp_path, on_error="warn")
    assert df.empty
    assert df.columns.tolist() == COLUMNS
    assert len(df.attrs["skipped"]) == 1


def test_on_error_rejects_unknown_value():
    """on_error must be 'raise' or 'warn'."""
    with pytest.raises(ValueError, match="on_error"):
        load_digests(DATA / "compact.txt", on_error="ignore")


def test_paths_mix_files_and_folders_in_given_order(tmp_path):
    """A folder expands to its *.txt files sorted by name; a file read twice counts once."""
    folder = tmp_path / "d"
    folder.mkdir()
    shutil.copy(DATA / "spaced_plain.txt", folder / "b.txt")
    shutil.copy(DATA / "compact.txt", folder / "a.txt")
    (folder / "notes.md").write_text("not a digest", encoding="utf-8")
    df = load_digests([DATA / "spaced_meta.txt", folder, folder / "a.txt"])
    assert df["digest"].unique().tolist() == ["spaced_meta", "a", "b"]
    assert len(df) == 4 + 3 + 2


def test_an_abstract_starting_with_a_bullet_is_read_as_the_abstract(tmp_path):
    """Only an authors line ('• 3 authors') is metadata; '• text' after a title is the abstract."""
    path = tmp_path / "bullet.txt"
    path.write_text("A title\n• We list three findings about bullets.\n", encoding="utf-8")
    df = load_digest(path)
    assert df["abstract"].tolist() == ["• We list three findings about bullets."]
    path.write_text("A title\n• 3 authors\n", encoding="utf-8")
    with pytest.raises(DigestParseError, match=r"bullet.txt:2: expected an abstract"):
        load_digest(path)


# --- a new digest format: the README's recipe, followed ---------------------------------


def _read_tsv(path: Path, year: int | None) -> dict[str, list]:
    """A reader as the recipe asks: one 'title<TAB>abstract' line per paper."""
    lines = path.read_text(encoding="utf-8").split("\n")
    entries = [
        {"line": n, "title": title, "abstract": abstract}
        for n, line in enumerate(lines, 1)
        if line
        for title, abstract in [line.split("\t")]
    ]
    return columns(path, entries)


def test_a_new_format_is_a_reader_and_one_registry_line(tmp_path, monkeypatch):
    """A reader registered in READERS is used by extension, in folders too; dedupe joins it."""
    monkeypatch.setitem(READERS, ".tsv", _read_tsv)
    folder = tmp_path / "digests"
    folder.mkdir()
    (folder / "b.tsv").write_text(
        "Alpha: A First Paper\tWe study alpha.\n\nDelta\tNew paper.\n", encoding="utf-8"
    )
    shutil.copy(DATA / "compact.txt", folder / "a.txt")
    entries = load_digests(folder)
    tsv = entries[entries["digest"] == "b"]
    assert tsv[["position", "line", "title"]].values.tolist() == [
        [1, 1, "Alpha: A First Paper"],
        [2, 3, "Delta"],
    ]
    assert list(entries.columns) == COLUMNS
    assert entries.dtypes.equals(load_digest(DATA / "compact.txt").dtypes)
    assert tsv["digest_label"].tolist() == ["b", "b"] and tsv["authors"].isna().all()
    assert tsv["paper_id"].tolist() == [paper_id("Alpha: A First Paper"), paper_id("Delta")]
    papers = dedupe(entries)
    alpha = papers[papers["title"] == "Alpha: A First Paper"]
    assert alpha["digests"].tolist() == [["a", "b"]]  # the same paper as in the text digest


def test_a_reader_missing_columns_is_named(tmp_path, monkeypatch):
    """A reader that returns other names than COLUMNS raises TypeError naming the reader."""
    monkeypatch.setitem(READERS, ".tsv", lambda path, year: {"title": ["x"], "extra": [1]})
    (tmp_path / "x.tsv").write_text("x\ty\n", encoding="utf-8")
    with pytest.raises(TypeError) as info:
        load_digest(tmp_path / "x.tsv")
    message = str(info.value)
    assert "test_parse.test_a_reader_missing_columns_is_named.<locals>.<lambda>" in message
    assert "16 missing ['digest', 'position'" in message and "unexpected ['extra']" in message
