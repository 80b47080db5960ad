"""What each command of :mod:`digest_utils.cli` does, once its arguments are parsed.

``cli`` builds the parser and turns errors into one line; the ``_cmd_*`` functions here take the
parsed :class:`argparse.Namespace` and return the exit status.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from digest_utils import config
from digest_utils.errors import (
    CorpusTooSmallError,
    DigestError,
    OutputError,
)

if TYPE_CHECKING:
    from digest_utils.analysis import Analysis

OUTPUT_FORMATS = {".csv": "CSV", ".jsonl": "JSON Lines", ".parquet": "Parquet"}


def _csv_ready(df: pd.DataFrame) -> pd.DataFrame:
    """Copy of ``df`` with list columns as JSON arrays (CSV has no lists)."""
    out = df.copy()
    for col in out.columns:
        if out[col].map(lambda v: isinstance(v, list | tuple)).any():
            out[col] = out[col].map(
                lambda v: (
                    json.dumps(list(v), ensure_ascii=False) if isinstance(v, list | tuple) else v
                )
            )
    return out


def write_table(df: pd.DataFrame, path: str | Path) -> Path:
    """Write ``df`` as CSV, JSON Lines or Parquet, chosen by the file extension.

    List columns are written as JSON arrays in CSV. Parent folders are created.

    Raises:
        OutputError: The extension is not one of ``.csv``, ``.jsonl``, ``.parquet``.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in OUTPUT_FORMATS:
        raise OutputError(
            f"unknown output format {suffix or '(no extension)'!r}; "
            f"use one of {', '.join(OUTPUT_FORMATS)}",
            path=path,
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".csv":
        _csv_ready(df).to_csv(path, index=False, date_format="%Y-%m-%d")
    elif suffix == ".jsonl":
        df.to_json(path, orient="records", lines=True, date_format="iso", force_ascii=False)
    else:
        df.to_parquet(path, index=False)
    return path


def _cmd_parse(args: argparse.Namespace) -> int:
    from digest_utils.parse import dedupe, digest_summary, load_digests

    df = load_digests(args.paths, year=args.year, on_error=args.on_error)
    if args.dedupe:
        df = dedupe(df)
    if args.output:
        _emit(df, args.output)
    else:
        print(digest_summary(df).to_string())
        print(f"{len(df)} entries, {df['paper_id'].nunique()} unique papers")
    _print_skipped(df)
    return 0


def _print_skipped(df: pd.DataFrame) -> None:
    """Name on stderr each file that on_error='warn' skipped."""
    for skip in df.attrs.get("skipped", []):
        print(f"skipped: {skip['message']}", file=sys.stderr)


def _emit(df: pd.DataFrame, output: str | None) -> None:
    if output:
        path = write_table(df, output)
        print(f"wrote {len(df)} rows to {path}", file=sys.stderr)
    else:
        _csv_ready(df).to_csv(sys.stdout, index=False, date_format="%Y-%m-%d")


def _load_papers(args: argparse.Namespace) -> pd.DataFrame:
    """Load and dedupe the digests, naming skipped files; fail when no paper is left."""
    from digest_utils.parse import dedupe, load_digests

    papers = dedupe(load_digests(args.paths, on_error=args.on_error))
    _print_skipped(papers)
    if papers.empty:
        raise DigestError("no papers to analyse: every input file was skipped")
    return papers


def _analyse(args: argparse.Namespace, papers: pd.DataFrame | None = None) -> Analysis:
    """The one analysis behind the themes, topics and evaluate commands."""
    from digest_utils.analysis import analyse

    return analyse(
        _load_papers(args) if papers is None else papers,
        catalogue=args.themes,
        model=args.model,
        seed=args.seed,
        progress=not args.quiet,
        device=args.device,
        refit=args.refit,
        labels=getattr(args, "example_labels", None) or (),
    )


def _cmd_themes(args: argparse.Namespace) -> int:
    a = _analyse(args)
    topic_columns = ["topic", "topic_label", "assigned_topic", "area", "area_label"]
    try:
        placed = a.topics.assignments[["paper_id", *topic_columns]]
        out = a.flags.merge(placed, on="paper_id", how="left", validate="one_to_one")
    except CorpusTooSmallError as exc:
        print(f"note: {exc}; topic columns left empty", file=sys.stderr)
        empty = {"Int64": pd.array([pd.NA] * len(a.flags), dtype="Int64")}
        empty["string"] = pd.array([pd.NA] * len(a.flags), dtype="string")
        out = a.flags.assign(
            **{c: empty["string" if c.endswith("label") else "Int64"] for c in topic_columns}
        )
    ids = a.catalogue.ids
    columns = ["paper_id", "title", *ids, *(f"score_{t}" for t in ids), *topic_columns]
    if args.evidence:
        columns += [f"evidence_{t}" for t in ids]
    _emit(out[columns], args.output)
    return 0


def _cmd_topics(args: argparse.Namespace) -> int:
    from digest_utils.topics import require_papers

    papers = _load_papers(args)
    require_papers(len(papers))  # say so before loading the model and embedding anything
    a = _analyse(args, papers)
    table = a.topics.table().merge(
        a.topic_themes[["level", "topic", "theme"]], on=["level", "topic"], how="left"
    )
    _emit(table[["level", "topic", "size", "label", "keywords", "area", "theme"]], args.output)
    if not args.quiet:
        print(a.topics.fit_note(), file=sys.stderr)  # which fit: full, or papers placed into one
    return 0


def _cmd_evaluate(args: argparse.Namespace) -> int:
    from digest_utils.themes.labels import read_labels
    from digest_utils.themes.scorecard import scorecard

    a = _analyse(args)
    labels = read_labels(args.labels, a.catalogue.ids)
    fit_source = f"{', '.join(args.paths)} labelled by {args.labels}" if args.fit else None
    text = scorecard(
        a.features,
        labels,
        a.catalogue,
        papers=a.papers,
        embeddings=a.embeddings,
        folds=args.folds,
        seed=args.seed,
        repeats=args.repeats,
        by_digest=args.by_digest,
        fit_source=fit_source,
    )
    print(text)
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    from digest_utils.report import build_report

    params: dict[str, object] = {}
    if args.digests:
        params["DIGESTS"] = str(Path(args.digests).resolve())
    if args.model:
        params["MODEL"] = args.model
    if args.seed is not None:
        params["SEED"] = args.seed
    print(f"building the report in {args.output}/ ...", file=sys.stderr)
    index = build_report(args.output, parameters=params)
    print(f"open {index}")
    return 0


def _cmd_fetch(args: argparse.Namespace) -> int:
    from digest_utils.fetch import days_of, fetch_digests

    days = days_of(dates=args.date or (), week=args.week, month=args.month)
    done = fetch_digests(days, args.output, force=args.force, progress=not args.quiet)
    print(f"wrote {len(done.written)} digest(s), {done.papers} papers, to {args.output}/")
    if done.on_disk:
        print(f"{len(done.on_disk)} day(s) already on disk, skipped (--force fetches them again)")
    if done.empty:
        listed = ", ".join(d.isoformat() for d in done.empty)
        print(f"no papers on {listed}; no file written for them", file=sys.stderr)
    return 0


def _cmd_suggest_themes(args: argparse.Namespace) -> int:
    from digest_utils.suggest import suggest_themes, themes_toml
    from digest_utils.topics import require_papers

    papers = _load_papers(args)
    require_papers(len(papers))  # say so before loading the model and embedding anything
    suggestions = suggest_themes(_analyse(args, papers))
    if suggestions.empty:
        print("every topic is mostly one catalogue theme: nothing to suggest", file=sys.stderr)
        return 0
    text = themes_toml(suggestions)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"wrote {len(suggestions)} suggested themes to {args.output}", file=sys.stderr)
    else:
        print(text, end="")
    return 0


def _cmd_cache(args: argparse.Namespace) -> int:
    from digest_utils import cache

    folder = args.cache_dir or config.cache_dir()
    if args.action == "clear":
        removed = cache.clear(folder)
        print(f"cleared {removed} cached entries from {cache.store_path(folder)}")
        return 0
    rows = cache.info(folder)
    if not rows:
        print(f"no cache at {cache.store_path(folder)}")
    for row in rows:
        mib = int(row["bytes"]) / 2**20  # type: ignore[call-overload]
        print(f"{row['model']}\t{row['vectors']} vectors\t{mib:.1f} MiB")
    if rows:
        total = int(rows[0]["file_bytes"]) / 2**20  # type: ignore[call-overload]
        print(f"file: {cache.store_path(folder)} ({total:.1f} MiB on disk)")
    return 0


def _cmd_review(args: argparse.Namespace) -> int:
    from digest_utils.themes import read_labels
    from digest_utils.themes.review import review_candidates, write_review
    from digest_utils.themes.untuned import THRESHOLD

    a = _analyse(args)
    cat = a.catalogue
    if args.theme not in cat.ids:
        raise DigestError(
            f"expected a theme id of the catalogue ({', '.join(cat.ids)}) (got {args.theme!r})"
        )
    judged = []
    for path in args.example_labels or ():
        known = read_labels(path, cat.ids)
        judged += list(known.loc[known["theme"] == args.theme, "paper_id"])
    flags = a.flags
    row = {p: i for i, p in enumerate(a.papers["paper_id"])}
    embeddings = a.embeddings[[row[p] for p in flags["paper_id"]]]
    fitted = next(t for t in cat.themes if t.id == args.theme).fitted
    picked = review_candidates(
        flags,
        args.theme,
        embeddings,
        n=args.n,
        threshold=cat.threshold if fitted else THRESHOLD,
        judged=judged,
        seed=args.seed,
    )
    path = write_review(picked, args.output)
    print(
        f"wrote {len(picked)} papers to judge for {args.theme!r} to {path}: put 1 (belongs) or "
        f"0 (does not) in 'label', then rerun with --labels {path}",
        file=sys.stderr,
    )
    return 0


def _cmd_check_themes(args: argparse.Namespace) -> int:
    from digest_utils.themes.terms import broad_flags, term_check

    a = _analyse(args)
    ids = [args.theme] if args.theme else None
    table = term_check(a.papers, a.flags, a.catalogue, themes=ids)
    lean = broad_flags(a.papers, a.flags, a.catalogue, themes=ids)
    for tid, part in table.groupby("theme", sort=False):
        flagged = table.attrs["flagged"][tid]
        print(f"{tid}: {flagged} of {len(a.papers)} papers flagged")
        print(part.drop(columns="theme").to_string(index=False))
        rest = lean[lean["theme"] == tid]
        if len(rest):
            print(f"  {len(rest)} flagged papers rest on a single broad term:")
            for term, title in zip(rest["term"], rest["title"], strict=True):
                print(f"    [{term}] {title}")
        print()
    return 0
