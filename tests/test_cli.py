"""Tests for the command line (digest_utils.cli)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from digest_utils.cli import main

DATA = Path(__file__).parent / "data"
SEEDS = Path(__file__).parents[1] / "seeds"


def test_parse_prints_per_digest_summary(capsys):
    """Without -o, parse prints one summary row per digest and the totals."""
    assert main(["parse", str(SEEDS)]) == 0
    out = capsys.readouterr().out
    for stem in ["000_e37948cce5af0e1e", "004_2433f0034d9b3f05"]:
        assert stem in out
    assert "263 entries, 252 unique papers" in out


@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".parquet"])
def test_parse_writes_format_by_extension(tmp_path, suffix):
    """-o writes CSV, JSON Lines or Parquet by extension, one row per entry."""
    out = tmp_path / f"papers{suffix}"
    assert main(["parse", str(DATA / "spaced_meta.txt"), "-o", str(out)]) == 0
    if suffix == ".csv":
        df = pd.read_csv(out)
    elif suffix == ".jsonl":
        df = pd.DataFrame([json.loads(line) for line in out.read_text().splitlines()])
    else:
        df = pd.read_parquet(out)
    assert df["title"].tolist()[0] == "Alpha: A First Paper"
    assert len(df) == 4
    assert df["upvotes"].tolist()[3] == 5


def test_parse_dedupe_writes_digest_lists_as_json_in_csv(tmp_path):
    """--dedupe adds digests/n_digests; CSV stores the list as a JSON array."""
    out = tmp_path / "p.csv"
    assert main(["parse", str(SEEDS), "--dedupe", "-o", str(out)]) == 0
    df = pd.read_csv(out)
    assert len(df) == 252
    assert json.loads(df.loc[df["n_digests"] == 2, "digests"].iloc[0])[0].startswith("00")


def test_unknown_output_extension_is_an_error(tmp_path, capsys):
    """An unknown extension exits 2 and names the supported ones."""
    assert main(["parse", str(DATA / "compact.txt"), "-o", str(tmp_path / "x.xlsx")]) == 2
    assert ".csv, .jsonl, .parquet" in capsys.readouterr().err


def test_parse_error_exits_2_with_one_line_and_no_traceback():
    """A bad digest: exit status 2, 'path:line: message' on stderr, no traceback."""
    bad = DATA / "title_no_abstract.txt"
    proc = subprocess.run(
        [sys.executable, "-m", "digest_utils", "parse", str(bad)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert proc.stderr.startswith(f"{bad}:7: expected an abstract after this title")
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_on_error_warn_goes_on_and_reports_skipped(tmp_path, capsys):
    """--on-error warn parses the good files and names the bad one on stderr."""
    with pytest.warns(Warning):
        code = main(
            ["parse", str(DATA / "compact.txt"), str(DATA / "empty.txt"), "--on-error", "warn"]
        )
    assert code == 0
    captured = capsys.readouterr()
    assert "3 entries" in captured.out
    assert f"skipped: {DATA / 'empty.txt'}: file is empty" in captured.err


def test_help_explains_every_option(capsys):
    """Parse --help documents each option."""
    with pytest.raises(SystemExit) as info:
        main(["parse", "--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    for option in ["--output", "--year", "--dedupe", "--on-error", "PATH"]:
        assert option in out


def test_console_script_is_declared():
    """The console script digest-topics points at cli.main."""
    text = (Path(__file__).parents[1] / "pyproject.toml").read_text(encoding="utf-8")
    assert 'digest-topics = "digest_utils.cli:main"' in text


THEME_IDS = ["peft", "clip", "quantization", "medical_vlm"]


def test_themes_writes_the_documented_columns(fake_model, tmp_path, capsys):
    """themes: paper_id, title, 0/1 and score per theme, topic, area and their labels."""
    out = tmp_path / "themes.csv"
    assert main(["themes", str(DATA / "spaced_meta.txt"), "-q", "-o", str(out)]) == 0
    df = pd.read_csv(out)
    assert df.columns.tolist() == [
        "paper_id",
        "title",
        *THEME_IDS,
        *(f"score_{t}" for t in THEME_IDS),
        "topic",
        "topic_label",
        "assigned_topic",
        "area",
        "area_label",
    ]
    assert len(df) == 4
    assert set(df[THEME_IDS].stack()) <= {0, 1}
    # four papers are too few to cluster: said clearly, topic columns left empty
    assert "need at least 15 papers to find topics, got 4" in capsys.readouterr().err
    assert df[["topic", "topic_label", "assigned_topic", "area", "area_label"]].isna().all().all()


def test_topics_and_themes_give_both_levels_joined_on_paper_id(fake_model, tmp_path):
    """topics: areas then topics with a level column; themes: each paper's topic and area."""
    topics_out, themes_out = tmp_path / "topics.csv", tmp_path / "themes.csv"
    assert main(["topics", str(SEEDS), "-q", "-o", str(topics_out)]) == 0
    assert main(["themes", str(SEEDS), "-q", "-o", str(themes_out)]) == 0
    table, papers = pd.read_csv(topics_out), pd.read_csv(themes_out)
    assert table.columns.tolist() == [
        "level",
        "topic",
        "size",
        "label",
        "keywords",
        "area",
        "theme",
    ]
    areas, fine = table[table["level"] == "area"], table[table["level"] == "topic"]
    assert table["level"].tolist() == ["area"] * len(areas) + ["topic"] * len(fine)
    assert (len(fine), len(areas)) == (13, 6)  # the size rules at 252 papers
    assert areas["size"].sum() == fine["size"].sum() == len(papers) == 252
    assert papers["assigned_topic"].value_counts().sort_index().tolist() == (
        fine.sort_values("topic")["size"].tolist()
    )
    outliers = papers["topic"] == -1
    assert (papers.loc[outliers, "topic_label"] == "outliers").all()
    assert (papers.loc[~outliers, "topic"] == papers.loc[~outliers, "assigned_topic"]).all()
    area_of = dict(zip(fine["topic"], fine["area"], strict=True))
    assert (papers["area"] == papers["assigned_topic"].map(area_of)).all()


def test_themes_evidence_flag_and_jsonl(fake_model, tmp_path):
    """--evidence adds evidence_<id> columns; .jsonl output is one JSON object per paper."""
    out = tmp_path / "themes.jsonl"
    assert main(["themes", str(DATA / "compact.txt"), "-q", "--evidence", "-o", str(out)]) == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 3
    assert all(f"evidence_{t}" in rows[0] for t in THEME_IDS)


def test_topics_on_a_too_small_corpus_exits_2_with_a_clear_message(fake_model, capsys):
    """Topics on 4 papers: exit 2 and say how many papers are needed, no traceback."""
    assert main(["topics", str(DATA / "spaced_meta.txt"), "-q"]) == 2
    err = capsys.readouterr().err
    assert "need at least 15 papers to find topics, got 4" in err
    assert "Traceback" not in err


def test_evaluate_prints_per_theme_scores(fake_model, capsys):
    """Evaluate prints precision/recall/F1 per theme for the labelled seed papers."""
    labels = Path(__file__).parent / "data" / "theme_labels.csv"
    assert main(["evaluate", str(SEEDS), "--labels", str(labels), "-q", "--folds", "3"]) == 0
    out = capsys.readouterr().out
    assert "digest-topics (cross-validated)" in out
    for tid in THEME_IDS:
        assert tid in out
    assert "macro-F1" in out


def test_evaluate_repeats_and_by_digest_print_their_tables(fake_model, capsys):
    """--repeats prints mean/min/max F1 over splits; --by-digest a leave-one-digest-out table."""
    labels = Path(__file__).parent / "data" / "theme_labels.csv"
    args = ["evaluate", str(SEEDS), "--labels", str(labels), "-q", "--repeats", "3"]
    assert main([*args, "--by-digest"]) == 0
    out = capsys.readouterr().out
    assert "over 3 fold splits (seeds 42..)" in out
    assert re.search(r"^mean +[0-9.]+ +[0-9.]+ +[0-9.]+ +[0-9.]+ +[0-9.]+$", out, re.MULTILINE)
    assert "Leave one digest out (5 digests" in out


def test_topics_places_a_new_digest_and_refits_on_request(fake_model, tmp_path, capsys):
    """`topics` names its fit: a new digest is placed into the last fit; --refit refits."""
    folder = tmp_path / "digests"
    folder.mkdir()
    digests = sorted(SEEDS.glob("*.txt"))
    for path in digests:
        (folder / path.name).write_bytes(path.read_bytes())
    small = tmp_path / "small.txt"  # 3 new papers: under 10 % of the 252 seed papers
    lines = (DATA / "compact.txt").read_text(encoding="utf-8")
    small.write_text(lines, encoding="utf-8")
    assert main(["topics", str(folder), "-o", str(tmp_path / "a.csv")]) == 0
    assert "topics fitted on 252 papers (" in capsys.readouterr().err
    assert main(["topics", str(folder), str(small), "-o", str(tmp_path / "b.csv")]) == 0
    err = capsys.readouterr().err
    assert "topics fitted on 252 papers (" in err
    assert "papers added since placed into that fit" in err
    args = ["topics", str(folder), str(small), "--refit", "-o", str(tmp_path / "c.csv")]
    assert main(args) == 0
    assert "placed" not in capsys.readouterr().err


def test_device_is_checked_by_the_parser(capsys):
    """An unknown --device is a usage error (exit 2) listing the choices."""
    with pytest.raises(SystemExit) as info:
        main(["themes", str(SEEDS), "--device", "tpu"])
    assert info.value.code == 2
    assert "choose from 'auto', 'cpu', 'cuda'" in capsys.readouterr().err


def _commands() -> dict[str, list[str]]:
    """Every command, with the least it needs to parse (a path where it takes one)."""
    import argparse

    from digest_utils.cli import build_parser

    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    needs = {
        "evaluate": ["PATH", "--labels", "labels.csv"],
        "report": ["--digests", "PATH"],
        "fetch": ["--date", "2024-05-13"],
        "cache": ["info", "--cache-dir", "PATH"],
        "review": ["peft", "PATH"],
    }
    return {name: needs.get(name, ["PATH"]) for name in sub.choices}


COMMANDS = _commands()


def _exit(args: list[str], capsys) -> tuple[int, str, str]:
    """Run the CLI in-process: its exit status (parse errors exit), stdout and stderr."""
    try:
        code = main(args)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 2
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_answers_help(command, capsys):
    """--help prints each command's usage and exits 0 (a '%' in a help string once broke it)."""
    code, out, err = _exit([command, "--help"], capsys)
    assert (code, err) == (0, "")
    assert out.startswith(f"usage: digest-topics {command}")


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_an_unknown_option_is_one_line_and_exit_2(command, tmp_path, capsys):
    """An option no command knows: exit 2, one line naming it and pointing at --help."""
    args = [a.replace("PATH", str(tmp_path)) for a in COMMANDS[command]]
    code, _, err = _exit([command, *args, "--no-such-option"], capsys)
    assert code == 2
    assert err.strip() == (
        f"digest-topics {command}: unrecognized arguments: --no-such-option "
        f"(see 'digest-topics {command} --help')"
    )


def test_a_missing_command_is_one_line_and_exit_2(capsys):
    """No command at all: the usage error is one line too."""
    code, _, err = _exit([], capsys)
    assert code == 2
    assert err.startswith("digest-topics: the following arguments are required: COMMAND")
    assert len(err.strip().splitlines()) == 1


READS_A_PATH = sorted(c for c, args in COMMANDS.items() if "PATH" in args and c != "cache")


@pytest.mark.parametrize("command", READS_A_PATH)
@pytest.mark.parametrize("kind", ["missing", "empty folder"])
def test_a_missing_path_or_empty_folder_is_one_line_and_exit_2(command, kind, tmp_path, capsys):
    """A path that does not exist, or a folder with no digest: exit 2, one line naming it."""
    path = tmp_path / "digests"
    if kind == "empty folder":
        path.mkdir()
    args = [a.replace("PATH", str(path)) for a in COMMANDS[command]]
    code, out, err = _exit([command, *args], capsys)
    assert code == 2, (out, err)
    assert "Traceback" not in err
    lines = [ln for ln in err.strip().splitlines() if not ln.startswith("building the report")]
    assert len(lines) == 1, err
    assert str(path) in lines[0]


def test_the_cache_of_a_missing_folder_is_reported_empty(tmp_path, capsys):
    """`cache info` of a folder that does not exist says there is no cache there (exit 0)."""
    code, out, err = _exit(["cache", "info", "--cache-dir", str(tmp_path / "nothing")], capsys)
    assert (code, err) == (0, "")
    assert out.strip().startswith("no cache at")
    assert not (tmp_path / "nothing").exists()


def test_help_with_a_percent_runs_in_a_fresh_process():
    """`themes --help` (whose help says '10%') exits 0 in a real process, no traceback."""
    proc = subprocess.run(
        [sys.executable, "-m", "digest_utils", "themes", "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (proc.returncode, proc.stderr) == (0, "")
    from digest_utils import config

    assert f"pass {config.REFIT_SHARE:.0%} of the fitted ones" in " ".join(proc.stdout.split())


def test_an_output_path_that_cannot_be_written_is_one_line_and_exit_2(tmp_path, capsys):
    """-o under a file (not a folder): exit 2, one line naming the path, no traceback."""
    blocker = tmp_path / "file.txt"
    blocker.write_text("x")
    code, _, err = _exit(["parse", str(DATA / "compact.txt"), "-o", str(blocker / "p.csv")], capsys)
    assert code == 2
    assert len(err.strip().splitlines()) == 1
    assert err.startswith(str(blocker))
