"""Command line: ``python -m digest_utils`` or ``digest-topics``.

Every :class:`~digest_utils.errors.DigestError` becomes one line on stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from digest_utils.errors import DigestError

OUTPUT_FORMATS = {".csv": "CSV", ".jsonl": "JSON Lines", ".parquet": "Parquet"}


def write_table(df: pd.DataFrame, path: str | Path) -> Path:
    """Write ``df`` as CSV, JSON Lines or Parquet, chosen by the file extension.

    List columns are written as JSON arrays in CSV. Parent folders are created.

    Raises:
        DigestError: The extension is not one of ``.csv``, ``.jsonl``, ``.parquet``.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in OUTPUT_FORMATS:
        raise DigestError(
            f"{path}: unknown output format {suffix or '(no extension)'!r}; "
            f"use one of {', '.join(OUTPUT_FORMATS)}"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".csv":
        out = df.copy()
        for col in out.columns:
            if out[col].map(lambda v: isinstance(v, list)).any():
                out[col] = out[col].map(lambda v: pd.io.json.ujson_dumps(v, ensure_ascii=False))
        out.to_csv(path, index=False, date_format="%Y-%m-%d")
    elif suffix == ".jsonl":
        df.to_json(path, orient="records", lines=True, date_format="iso", force_ascii=False)
    else:
        df.to_parquet(path, index=False)
    return path


def _summary(df: pd.DataFrame) -> pd.DataFrame:
    """Per-digest counts: entries, with metadata, dated, with upvotes, page date."""
    g = df.groupby("digest", sort=False)
    table = pd.DataFrame(
        {
            "entries": g.size(),
            "with_authors": g["authors"].count(),
            "with_date": g["published_text"].count(),
            "with_year": g["published"].count(),
            "with_upvotes": g["upvotes"].count(),
            "page_date": g["digest_date_text"].first().fillna("-"),
        }
    )
    table.loc["total"] = [*table.drop(columns="page_date").sum(), ""]
    return table


def _cmd_parse(args: argparse.Namespace) -> int:
    from digest_utils.parse import dedupe, load_digests

    df = load_digests(args.paths, year=args.year, on_error=args.on_error)
    if args.dedupe:
        df = dedupe(df)
    if args.output:
        path = write_table(df, args.output)
        print(f"wrote {len(df)} rows to {path}", file=sys.stderr)
    else:
        print(_summary(df).to_string())
        print(f"{len(df)} entries, {df['paper_id'].nunique()} unique papers")
    for skip in df.attrs.get("skipped", []):
        print(f"skipped: {skip['message']}", file=sys.stderr)
    return 0


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser (also used to document the CLI)."""
    parser = argparse.ArgumentParser(
        prog="digest-topics",
        description="What is this pile of new ML papers about? Load Hugging Face Daily "
        "Papers digests saved as text, and find their topics and themes.",
        epilog="Errors in the input are reported as 'path:line: message' with exit status 2.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser(
        "parse",
        help="parse digests into one row per paper entry",
        description="Parse digests into a table, one row per paper entry in file order. "
        "Without -o, print a per-digest summary.",
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="digest .txt files or folders of them")
    p.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="write the table here; format by extension: "
        + ", ".join(f"{k} ({v})" for k, v in OUTPUT_FORMATS.items()),
    )
    p.add_argument(
        "--year",
        type=int,
        help="year to assume for dates written without one (default: leave them empty)",
    )
    p.add_argument(
        "--dedupe",
        action="store_true",
        help="one row per unique paper (adds 'digests' and 'n_digests' columns)",
    )
    p.add_argument(
        "--on-error",
        choices=["raise", "warn"],
        default="raise",
        help="'raise' (default): stop at the first bad file with exit status 2; "
        "'warn': report bad files on stderr and go on",
    )
    p.set_defaults(func=_cmd_parse)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; return the exit status (0 ok, 2 bad input or usage)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except DigestError as exc:
        print(exc, file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
