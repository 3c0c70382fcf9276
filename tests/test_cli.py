"""The `spillover` command: output of extract, help, and bad inputs (exit 2, one line, nothing replaced)."""

from __future__ import annotations

import argparse
import io
import shutil
import subprocess
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from spillover import paths
from spillover.cli import build_parser
from spillover.extract import MENTION_COLUMNS

SEED_ARTICLE = paths.DEFAULT_ARTICLE
SEED_ANNOTATIONS = paths.default_annotations(SEED_ARTICLE)


def test_extract_prints_csv_with_a_header(run_cli, seed_mentions: pd.DataFrame):
    result = run_cli("extract", SEED_ARTICLE)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout.splitlines()[0] == ",".join(MENTION_COLUMNS)
    printed = pd.read_csv(io.StringIO(result.stdout), keep_default_na=False)
    assert printed["text"].tolist() == seed_mentions["text"].tolist()
    assert printed["start"].tolist() == seed_mentions["start"].tolist()
    assert len(printed) == 32


def _subcommands() -> list[str]:
    parser = build_parser()
    (commands,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return list(commands.choices)


def test_subcommands_include_the_documented_ones():
    assert {"extract", "tables", "annotate", "render", "classroom"} <= set(_subcommands())


@pytest.mark.parametrize("command", ["", *_subcommands()])
def test_help_exits_zero(run_cli, command: str):
    result = run_cli(*([command] if command else []), "--help")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"usage: spillover{' ' + command if command else ''}")
    assert result.stderr == ""


# --- bad inputs -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """A failing command: its arguments (given the scratch folder) and what the message must name."""

    args: Callable[[Path], list[str | Path]]
    names: Callable[[Path], list[str]]
    tables: bool = False  # a `spillover tables` run, with existing tables in --out


def _write(folder: Path, name: str, content: bytes) -> Path:
    path = folder / name
    path.write_bytes(content)
    return path


def _broken_quote(folder: Path) -> Path:
    text = SEED_ANNOTATIONS.read_text(encoding="utf-8").replace(
        "exact: 1,357 kilometers", "exact: 1,375 kilometers"
    )
    assert "1,375 kilometers" in text
    return _write(folder, "broken_quote.yaml", text.encode("utf-8"))


CASES: dict[str, Case] = {
    "missing file": Case(lambda d: ["extract", d / "nope.txt"], lambda d: [str(d / "nope.txt"), "not found"]),
    "a directory": Case(lambda d: ["extract", d], lambda d: [str(d), "is a directory"]),
    "an empty file": Case(
        lambda d: ["extract", _write(d, "empty.txt", b"")], lambda d: [str(d / "empty.txt"), "is empty"]
    ),
    "a binary file": Case(
        lambda d: ["extract", _write(d, "binary.txt", b"War\x00\x01\x02 in \x00 Afghanistan\n")],
        lambda d: [str(d / "binary.txt"), "binary"],
    ),
    "latin-1 bytes": Case(
        lambda d: ["extract", _write(d, "latin1.txt", "Café: 1 500 réfugiés.\n".encode("latin-1"))],
        lambda d: [str(d / "latin1.txt"), "not UTF-8", "0xe9"],
    ),
    "malformed annotation file": Case(
        lambda d: [
            "tables",
            "--out",
            d / "out",
            "-p",
            "annotations",
            _write(d, "malformed.yaml", b"figures:\n  - id: x\n    quote: [unclosed\n"),
        ],
        lambda d: [str(d / "malformed.yaml"), "line "],
        tables=True,
    ),
    "quote not in the article": Case(
        lambda d: ["tables", "--out", d / "out", "-p", "annotations", _broken_quote(d)],
        lambda d: [
            str(d / "broken_quote.yaml"),
            "('border_af_tj_km')",
            "'1,375 kilometers'",
            "not in the article",
        ],
        tables=True,
    ),
    "unknown parameter": Case(
        lambda d: ["tables", "--out", d / "out", "-p", "foo", "1"],
        lambda d: ["unknown parameter 'foo'", "units"],
        tables=True,
    ),
    "bad parameter value": Case(
        lambda d: ["tables", "--out", d / "out", "-p", "units", "furlongs"],
        lambda d: ["'units'", "'furlongs'", "km, mi"],
        tables=True,
    ),
    "unknown command": Case(lambda d: ["frobnicate"], lambda d: ["frobnicate", "--help"]),
}


@dataclass(frozen=True)
class Outcome:
    folder: Path
    result: subprocess.CompletedProcess[str]
    before: dict[str, bytes]  # the --out folder before the run (tables cases)


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def outcomes(run_cli, seed_tables_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Outcome]:
    """Every failing command, run concurrently (each one starts a Python with pandas)."""
    prepared = {}
    for name, case in CASES.items():
        folder = tmp_path_factory.mktemp("bad")
        args = case.args(folder)
        before = {}
        if case.tables:
            shutil.copytree(seed_tables_dir, folder / "out")
            before = _snapshot(folder / "out")
        prepared[name] = (folder, args, before)
    with ThreadPoolExecutor(max_workers=4) as pool:
        futures = {name: pool.submit(run_cli, *args) for name, (_, args, _) in prepared.items()}
        return {
            name: Outcome(folder, futures[name].result(), before)
            for name, (folder, _, before) in prepared.items()
        }


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_exits_2_with_one_line(outcomes: dict[str, Outcome], case: str):
    outcome = outcomes[case]
    result = outcome.result
    assert result.returncode == 2, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("spillover: error: ")
    for part in CASES[case].names(outcome.folder):
        assert part in lines[0], (part, lines[0])
    assert result.stdout == ""


@pytest.mark.parametrize("case", [name for name, case in CASES.items() if case.tables])
def test_failing_tables_leave_existing_tables_untouched(outcomes: dict[str, Outcome], case: str):
    outcome = outcomes[case]
    assert outcome.result.returncode == 2
    assert len(outcome.before) >= 7  # the tables and datapackage.json of the seed
    assert _snapshot(outcome.folder / "out") == outcome.before
    assert list((outcome.folder / "out").glob(".spillover/staging-*")) == []


def test_library_log_records_add_no_line_to_the_one_line_error(tmp_path: Path):
    """A library's log record on the way to an error (nbclient logs a kernel that died as Ctrl-C
    stopped it) is not printed beside spillover's one line; with --debug it is."""
    script = (
        "import logging, sys\n"
        "from spillover import cli\n"
        "from spillover.errors import InputError\n"
        "def run(args):\n"
        "    logging.getLogger('nbclient').error('Kernel died before replying to kernel_info')\n"
        "    raise InputError('article not found: x (check the path)')\n"
        "cli.run = run\n"
        "sys.exit(cli.main(sys.argv[1:]))\n"
    )
    command = [sys.executable, "-c", script, "render"]
    quiet = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert quiet.returncode == 2
    assert quiet.stderr.splitlines() == ["spillover: error: article not found: x (check the path)"]
    loud = subprocess.run([*command, "--debug"], capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert "Kernel died before replying" in loud.stderr
