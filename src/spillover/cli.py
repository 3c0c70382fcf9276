"""The `spillover` command: extract, tables, annotate, render, classroom, corpus.

Exit status: 0 on success, 2 on bad input or usage, 1 on an internal failure, 130 when
interrupted. Errors are one line on stderr; --debug shows the traceback.
"""

from __future__ import annotations

import argparse
import errno
import logging
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

from spillover import paths
from spillover.errors import InputError, SpilloverError
from spillover.render import CELL_TIMEOUT


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2, as for every other bad input
        raise InputError(f"{message} (see `{self.prog} --help`)")


def _add_article(parser: argparse.ArgumentParser, positional: bool = False) -> None:
    if positional:
        parser.add_argument("article", type=Path, help="plain-text article (UTF-8)")
    else:
        parser.add_argument(
            "--article",
            type=Path,
            default=paths.DEFAULT_ARTICLE,
            help="plain-text article (default: the seed article)",
        )


def _count(minimum: int) -> object:
    """An argparse type: a whole number of at least `minimum` (a bad value is a usage error)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"{value} is less than {minimum}")
        return value

    parse.__name__ = f"whole number >= {minimum}"
    return parse


def _add_force(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--force",
        action="store_true",
        help="write into a non-empty folder that spillover did not write (its files are never replaced)",
    )


def _add_params(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-p",
        "--param",
        nargs=2,
        action="append",
        default=[],
        metavar=("NAME", "VALUE"),
        help="set a parameter (units, reference_snapshot, annotations)",
    )
    parser.add_argument("-f", "--params-file", type=Path, help="YAML file of parameters (-p values win)")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="spillover", description=__doc__.splitlines()[0])
    parser.add_argument("--debug", action="store_true", help="show tracebacks of errors")
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    # --debug is accepted after the subcommand too, where users put it.
    debug = argparse.ArgumentParser(add_help=False)
    debug.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    _add_parser = commands.add_parser
    commands.add_parser = lambda *a, **k: _add_parser(*a, parents=[debug], **k)  # type: ignore[method-assign]

    extract = commands.add_parser("extract", help="print the mentions of an article as CSV")
    _add_article(extract, positional=True)

    tables = commands.add_parser("tables", help="write the tidy tables to data/processed/")
    _add_article(tables)
    tables.add_argument("--out", type=Path, default=paths.PROCESSED, help="output folder")
    _add_force(tables)
    _add_params(tables)

    annotate = commands.add_parser("annotate", help="print an annotation template (YAML)")
    _add_article(annotate, positional=True)

    render = commands.add_parser("render", help="execute the notebooks and render the report")
    _add_article(render)
    render.add_argument("--out", type=Path, default=paths.REPORTS, help="report folder")
    render.add_argument("--jobs", type=_count(0), default=0, help="parallel kernels (0: one per core)")
    render.add_argument("--no-cache", action="store_true", help="rerun every notebook")
    render.add_argument("--tables", type=Path, help="also write the tidy tables to this folder")
    render.add_argument(
        "--cell-timeout",
        type=_count(1),
        default=CELL_TIMEOUT,
        metavar="SECONDS",
        help=f"stop a cell that runs longer than this (default: {CELL_TIMEOUT})",
    )
    render.add_argument(
        "--only", nargs="+", metavar="CHAPTER", help="render only these chapters (04, border-lengths ...)"
    )
    render.add_argument(
        "--refresh", nargs="+", metavar="CHAPTER", help="rerun these chapters even if cached"
    )
    _add_force(render)
    _add_params(render)

    refresh = commands.add_parser("notebooks", help="re-execute notebooks/ in place with default parameters")
    refresh.add_argument("chapters", nargs="*", metavar="CHAPTER", help="only these (04, border-lengths ...)")

    corpus = commands.add_parser(
        "corpus", help="analyse many articles (a folder or a list file) into one comparative report"
    )
    corpus.add_argument("source", type=Path, help="folder of .txt articles, or a file of paths (one a line)")
    corpus.add_argument("--out", type=Path, default=paths.REPORTS / "corpus", help="report folder")
    corpus.add_argument("--workers", type=_count(0), default=0, help="worker processes (0: one per core)")
    corpus.add_argument("--scheduler", metavar="ADDRESS", help="run on this dask.distributed scheduler")
    corpus.add_argument("--reports", action="store_true", help="also render each article's own report")
    corpus.add_argument("--pairs", type=Path, metavar="FILE", help="pairs of versions: OLD<TAB>NEW a line")
    corpus.add_argument("--no-cache", action="store_true", help="recompute every article")
    _add_force(corpus)
    _add_params(corpus)

    classroom = commands.add_parser("classroom", help="write student and teacher editions")
    classroom.add_argument("--out", type=Path, default=paths.REPORTS / "classroom")
    _add_force(classroom)

    grade = commands.add_parser("grade", help="mark student notebooks: marks.csv and feedback")
    grade.add_argument("submissions", nargs="+", type=Path, help="student notebooks, or folders of them")
    grade.add_argument("--out", type=Path, required=True, help="folder for marks.csv, feedback/, to-read.md")
    grade.add_argument("--pack", type=Path, help="the .zip the students had (default: build the pack)")
    _add_force(grade)
    return parser


def run(args: argparse.Namespace) -> int:
    from spillover import params

    # Inputs are read and checked before the heavy imports (pandas), so errors come fast.
    if args.command == "extract":
        from spillover.article import read_article

        article = read_article(args.article)
        from spillover.extract import extract_mentions
        from spillover.tables import to_csv_text

        sys.stdout.write(to_csv_text(extract_mentions(article)))
    elif args.command == "annotate":
        from spillover.article import read_article

        article = read_article(args.article)
        from spillover.annotations import template
        from spillover.extract import extract_mentions

        sys.stdout.write(template(article, extract_mentions(article)))
    elif args.command == "tables":
        from spillover.article import read_text

        values = params.from_cli(args.param, args.params_file)
        read_text(args.article)
        from spillover.pipeline import article_tables
        from spillover.publish import OutputFolder
        from spillover.tables import write_tables

        with OutputFolder(args.out, force=args.force, allowed=[paths.PROCESSED]) as folder:
            write_tables(article_tables(args.article, values), folder.staging)
            folder.publish_files()
        print(f"tables written to {folder.out}", file=sys.stderr)
    elif args.command == "render":
        from spillover.render import render_report

        values = params.from_cli(args.param, args.params_file)
        index = render_report(
            args.article,
            args.out,
            values,
            jobs=args.jobs,
            use_cache=not args.no_cache,
            tables_out=args.tables,
            force=args.force,
            cell_timeout=args.cell_timeout,
            only=args.only,
            refresh=args.refresh,
        )
        print(f"report written to {index}", file=sys.stderr)
    elif args.command == "notebooks":
        from spillover.render import chapters, refresh_notebooks

        for notebook in refresh_notebooks(chapters(args.chapters) if args.chapters else None):
            print(f"executed {notebook.relative_to(paths.ROOT)}", file=sys.stderr)
    elif args.command == "corpus":
        from spillover.corpus import describe, run_corpus

        values = params.from_cli(args.param, args.params_file)
        run = run_corpus(
            args.source,
            args.out,
            values,
            workers=args.workers,
            scheduler=args.scheduler,
            reports=args.reports,
            pairs_file=args.pairs,
            use_cache=not args.no_cache,
            force=args.force,
        )
        print(describe(run), file=sys.stderr)
    elif args.command == "classroom":
        from spillover.classroom import build_classroom

        out = build_classroom(args.out, force=args.force)
        print(f"classroom editions written to {out}", file=sys.stderr)
    elif args.command == "grade":
        from spillover.grade import grade

        out = grade(args.submissions, args.out, pack=args.pack, force=args.force)
        print(f"marks written to {out / 'marks.csv'}, feedback to {out / 'feedback'}", file=sys.stderr)
    return 0


class Terminated(KeyboardInterrupt):
    """SIGTERM, handled like Ctrl-C: clean up, keep the previous report, exit."""


def _terminate(signum: int, frame: object) -> None:
    raise Terminated


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv
    if not debug:
        # Libraries log what the one-line message already says (nbclient: "Kernel died before
        # replying" when Ctrl-C stops a kernel as it starts); their records are dropped, not
        # printed by logging's last-resort handler. --debug lets them through.
        logging.getLogger().addHandler(logging.NullHandler())
    signal.signal(signal.SIGTERM, _terminate)
    try:
        return run(build_parser().parse_args(argv))
    except SpilloverError as error:
        if debug:
            raise
        print(f"spillover: error: {_one_line(str(error))}", file=sys.stderr)
        return error.exit_status
    except KeyboardInterrupt as interrupt:
        # Staging folders are gone and locks released (the `with` blocks have run); exit now
        # rather than wait for worker threads whose kernels were killed.
        print("spillover: interrupted; nothing was replaced", file=sys.stderr, flush=True)
        sys.stdout.flush()
        os._exit(143 if isinstance(interrupt, Terminated) else 130)
    except OSError as error:
        if debug:
            raise
        if error.errno == errno.ENOSPC:
            print(
                f"spillover: error: no space left on the device writing {error.filename or 'a file'}; "
                "free some space or choose another --out (nothing was replaced)",
                file=sys.stderr,
            )
            return 2
        return _internal(error)
    except Exception as error:  # an internal failure: still one line unless asked
        if debug:
            raise
        return _internal(error)


def _one_line(message: str) -> str:
    """A message on one line, whatever a file name in it holds (a newline, a terminal escape)."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in message)


def _internal(error: Exception) -> int:
    print(
        f"spillover: internal error: {type(error).__name__}: {_one_line(str(error))} "
        "(rerun with --debug for the traceback)",
        file=sys.stderr,
    )
    return 1


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("spillover")
    except PackageNotFoundError:
        return "unknown"


if __name__ == "__main__":
    sys.exit(main())
