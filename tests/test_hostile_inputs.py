"""Hostile inputs: nothing lost, nothing run, nothing unbounded.

Every input file is read once, with a byte limit, and only if it is a regular file (a FIFO or
/dev/zero must not hang); standard input (`-`) is read once and remembered; UTF-16 and UTF-32
are named as such; YAML anchors, aliases, deep nesting and impossible values are one line;
a footer-like paragraph in the middle of an article does not end it, and what is left out is
listed; a backquote in a file name given to `make` runs nothing.

The CLI cases run in subprocesses (the subprocess timeout is only a guard against a hang).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import math
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
import yaml

from spillover import article as article_module
from spillover import paths, report, schema
from spillover.article import MAX_YAML_DEPTH, materialize, read_article, read_bytes, read_mapping, read_text
from spillover.errors import InputError
from spillover.extract import extract_mentions
from spillover.tables import build_tables, load

SEED_ANNOTATIONS = paths.default_annotations(paths.DEFAULT_ARTICLE)
SMALL_ARTICLE = "A Title\n\nJane Doe\n13 July 2021\n\nSome 300 people crossed the border. More followed.\n"
HUGE_NUMBER = "9" * 5000

# A billion laughs: nine levels of nine aliases, 9**9 strings if anything expanded it.
ALIAS_BOMB = "\n".join(
    [
        'a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]',
        *(f"{b}: &{b} [{', '.join([f'*{a}'] * 9)}]" for a, b in zip("abcdefgh", "bcdefghi", strict=True)),
        "figures: *i",
    ]
)


def run_with_stdin(*args: str | Path, stdin: bytes | Path) -> subprocess.CompletedProcess[str]:
    """`python -m spillover.cli ARGS` with the given bytes, or the given file, as standard input."""
    command = [sys.executable, "-m", "spillover.cli", *map(str, args)]
    if isinstance(stdin, Path):
        with stdin.open("rb") as stream:
            return subprocess.run(
                command, stdin=stream, capture_output=True, cwd=paths.ROOT, timeout=120, text=True
            )
    result = subprocess.run(command, input=stdin, capture_output=True, cwd=paths.ROOT, timeout=120)
    return subprocess.CompletedProcess(
        result.args, result.returncode, result.stdout.decode("utf-8"), result.stderr.decode("utf-8")
    )


def _write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def _fifo(folder: Path) -> Path:
    path = folder / "article.fifo"
    os.mkfifo(path)  # nobody ever writes to it: opening it for reading would block forever
    return path


def _socket(folder: Path) -> Path:
    path = folder / "s.sock"
    if len(str(path)) > 100:  # AF_UNIX paths are limited to about 108 bytes
        path = Path(tempfile.mkdtemp(prefix="sock", dir="/tmp")) / "s.sock"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    server.close()  # the socket file stays
    return path


def _seed_annotations_with(folder: Path, change: Callable[[dict], None]) -> Path:
    data = yaml.safe_load(SEED_ANNOTATIONS.read_text(encoding="utf-8"))
    change(data)
    return _write(folder, "changed.yaml", yaml.safe_dump(data, sort_keys=False, allow_unicode=True))


def _figure(data: dict, figure_id: str) -> dict:
    return next(f for f in data["figures"] if f["id"] == figure_id)


def _float_offset(data: dict) -> None:
    figure = _figure(data, "tajik_reservists")
    figure["start"] = float(figure["start"])  # dumped as 91.0-style


def _record_of_wrong_type(data: dict) -> None:
    _figure(data, "tajik_reservists")["record"] = {"timeline": "x"}


def _unknown_unit(data: dict) -> None:
    _figure(data, "border_af_tj_km")["unit"] = "furlongs"


def _huge_offset(folder: Path) -> Path:
    text = SEED_ANNOTATIONS.read_text(encoding="utf-8")
    assert "  start: 533\n" in text
    return _write(folder, "changed.yaml", text.replace("  start: 533\n", f"  start: {HUGE_NUMBER}\n", 1))


def _article_with_meta(folder: Path, meta: str) -> Path:
    _write(folder, "story.meta.yaml", meta)
    return _write(folder, "story.txt", SMALL_ARTICLE)


def _tables(folder: Path, *more: str | Path) -> list[str | Path]:
    return ["tables", "--out", folder / "out", *more]


@dataclass(frozen=True)
class Case:
    """A failing command: its arguments (given a scratch folder), what the one line must name,
    and optionally what is piped into it."""

    args: Callable[[Path], list[str | Path]]
    names: Callable[[Path], list[str]]
    stdin: bytes | Path | None = None


CASES: dict[str, Case] = {
    # --- files that are not regular files: refused before they are opened -------------------
    "FIFO article": Case(
        lambda d: ["extract", _fifo(d)],
        lambda d: [str(d / "article.fifo"), "not a regular file", "named pipe", "pipe it in with `-`"],
    ),
    "/dev/zero article": Case(
        lambda d: ["extract", "/dev/zero"],
        lambda d: ["/dev/zero", "not a regular file", "character device", "save the article to a file"],
    ),
    "socket article": Case(
        lambda d: ["extract", _socket(d)],
        lambda d: ["s.sock", "not a regular file (it is a socket)"],
    ),
    "FIFO annotation file": Case(
        lambda d: _tables(d, "-p", "annotations", _fifo(d)),
        lambda d: [str(d / "article.fifo"), "not a regular file", "'annotations'"],
    ),
    "FIFO parameters file": Case(
        lambda d: _tables(d, "-f", _fifo(d)),
        lambda d: ["parameters file", str(d / "article.fifo"), "not a regular file"],
    ),
    "/dev/zero on standard input": Case(
        lambda d: ["extract", "-"],
        lambda d: ["standard input", "too large", "50,000,000 bytes"],
        stdin=Path("/dev/zero"),
    ),
    "empty standard input": Case(
        lambda d: ["extract", "-"], lambda d: ["standard input", "is empty"], stdin=b""
    ),
    "oversized annotation file": Case(
        lambda d: _tables(d, "-p", "annotations", _write(d, "big.yaml", "figures: []\n#" + "x" * 2_000_001)),
        lambda d: [str(d / "big.yaml"), "too large", "2,000,000 bytes"],
    ),
    # --- wide encodings ----------------------------------------------------------------------
    "UTF-16 with a byte-order mark": Case(
        lambda d: ["extract", _write(d, "wide.txt", SMALL_ARTICLE.encode("utf-16"))],
        lambda d: [str(d / "wide.txt"), "is UTF-16 text", "save it as UTF-8"],
    ),
    "UTF-16 without a byte-order mark": Case(
        lambda d: ["extract", _write(d, "wide.txt", SMALL_ARTICLE.encode("utf-16-le"))],
        lambda d: [str(d / "wide.txt"), "is UTF-16 text", "save it as UTF-8"],
    ),
    "UTF-32 big-endian": Case(
        lambda d: ["extract", _write(d, "wide.txt", SMALL_ARTICLE.encode("utf-32-be"))],
        lambda d: [str(d / "wide.txt"), "is UTF-32 text", "save it as UTF-8"],
    ),
    # --- YAML: refused while composing, before any object is built --------------------------
    "alias bomb in annotations": Case(
        lambda d: _tables(d, "-p", "annotations", _write(d, "bomb.yaml", ALIAS_BOMB)),
        lambda d: [f"annotations {d / 'bomb.yaml'}: line 1:", "anchors and aliases (&a)", "write each value"],
    ),
    "alias bomb in a parameters file": Case(
        lambda d: _tables(d, "-f", _write(d, "bomb.yaml", "units: &u km\nother: *u\n")),
        lambda d: [f"parameters file {d / 'bomb.yaml'}: line 1:", "anchors and aliases (&u)"],
    ),
    "alias bomb in metadata": Case(
        lambda d: ["extract", _article_with_meta(d, ALIAS_BOMB)],
        lambda d: [str(d / "story.meta.yaml"), "anchors and aliases", "not allowed"],
    ),
    "deeply nested YAML": Case(
        lambda d: _tables(d, "-p", "annotations", _write(d, "deep.yaml", "figures: " + "[" * 100_000)),
        lambda d: [str(d / "deep.yaml"), f"nested more than {MAX_YAML_DEPTH} levels", "flatten"],
    ),
    "5,000-digit offset in annotations": Case(
        lambda d: _tables(d, "-p", "annotations", _huge_offset(d)),
        lambda d: [str(d / "changed.yaml"), "line ", "a number with more than 30 digits"],
    ),
    "float offset in annotations": Case(
        lambda d: _tables(d, "-p", "annotations", _seed_annotations_with(d, _float_offset)),
        lambda d: ["('tajik_reservists') start: must be integer", "not 91.0"],
    ),
    "record of the wrong type": Case(
        lambda d: _tables(d, "-p", "annotations", _seed_annotations_with(d, _record_of_wrong_type)),
        lambda d: ["('tajik_reservists') record.timeline: must be object", "README.md"],
    ),
    "unknown unit on a length": Case(
        lambda d: _tables(d, "-p", "annotations", _seed_annotations_with(d, _unknown_unit)),
        lambda d: ["('border_af_tj_km')", "unit 'furlongs'", "kilometer", "remove the unit line"],
    ),
    "impossible publication date": Case(
        lambda d: ["extract", _article_with_meta(d, "published: 2021-02-30\n")],
        lambda d: [
            str(d / "story.meta.yaml"),
            "line 1",
            "'2021-02-30' is not a valid date",
            "day is out of range",
        ],
    ),
    "metadata field of the wrong type": Case(
        lambda d: ["extract", _article_with_meta(d, "author: [A, B]\n")],
        lambda d: [str(d / "story.meta.yaml"), "'author' must be text, not list"],
    ),
}


@dataclass(frozen=True)
class Outcome:
    folder: Path
    result: subprocess.CompletedProcess[str]


@pytest.fixture(scope="module")
def outcomes(run_cli, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Outcome]:
    """Every failing command, run concurrently (each one starts a Python)."""
    prepared = {}
    for name, case in CASES.items():
        folder = tmp_path_factory.mktemp("hostile")
        prepared[name] = (folder, case.args(folder), case.stdin)

    def run(args: list[str | Path], stdin: bytes | Path | None) -> subprocess.CompletedProcess[str]:
        try:
            return run_cli(*args) if stdin is None else run_with_stdin(*args, stdin=stdin)
        except subprocess.TimeoutExpired:  # a hang fails its own case, not every case
            return subprocess.CompletedProcess(args, -1, "", "timed out: the command hung\n")

    with ThreadPoolExecutor(max_workers=4) as pool:
        futures = {name: pool.submit(run, args, stdin) for name, (_, args, stdin) in prepared.items()}
        return {name: Outcome(prepared[name][0], future.result()) for name, future in futures.items()}


@pytest.mark.parametrize("case", list(CASES))
def test_hostile_input_exits_2_with_one_line(outcomes: dict[str, Outcome], case: str):
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


# --- standard input ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["-", "/dev/stdin"])
def test_extract_reads_standard_input(name: str):
    result = run_with_stdin("extract", name, stdin=SMALL_ARTICLE.encode("utf-8"))
    assert result.returncode == 0, result.stderr
    mentions = pd.read_csv(io.StringIO(result.stdout), keep_default_na=False)
    assert mentions["text"].tolist() == ["13 July 2021", "Some 300"]
    start, end = mentions.loc[1, ["start", "end"]]
    assert SMALL_ARTICLE[start:end] == "Some 300"


@pytest.mark.parametrize("name", ["-", "/dev/stdin"])
def test_tables_read_standard_input_twice(name: str, tmp_path: Path):
    """`tables` checks the article, then builds the tables from it: two reads of one pipe."""
    result = run_with_stdin(
        "tables", "--article", name, "--out", tmp_path, stdin=SMALL_ARTICLE.encode("utf-8")
    )
    assert result.returncode == 0, result.stderr
    mentions = pd.read_csv(tmp_path / "mentions.csv", dtype=str, keep_default_na=False)
    assert mentions["text"].tolist() == ["13 July 2021", "Some 300"]


def test_annotate_reads_standard_input():
    result = run_with_stdin("annotate", "-", stdin=SMALL_ARTICLE.encode("utf-8"))
    assert result.returncode == 0, result.stderr
    template = yaml.safe_load(result.stdout)
    assert [f["quote"]["exact"] for f in template["figures"]] == ["13 July 2021", "Some 300"]
    assert template["sha256"] == hashlib.sha256(SMALL_ARTICLE.encode("utf-8")).hexdigest()


@pytest.fixture
def stdin(monkeypatch: pytest.MonkeyPatch) -> Callable[[bytes], io.BytesIO]:
    """stdin(data) makes `data` this process's standard input, not yet read."""

    def give(data: bytes) -> io.BytesIO:
        raw = io.BytesIO(data)
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(raw))
        monkeypatch.setattr(article_module, "_stdin", None)
        return raw

    return give


def test_standard_input_is_read_once_and_remembered(stdin):
    raw = stdin(SMALL_ARTICLE.encode("utf-8"))
    first = read_text("-")
    assert raw.read() == b""  # consumed: a second read of the stream would find nothing
    assert read_text("-") == first == (SMALL_ARTICLE, SMALL_ARTICLE.encode("utf-8"))
    assert read_text("/dev/stdin") == first
    article = read_article("-")
    assert article.text == SMALL_ARTICLE
    assert article.published == dt.date(2021, 7, 13)
    assert article.metadata == {}  # no `-.meta.yaml` is looked for


def test_materialize_saves_standard_input_once(stdin, monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    monkeypatch.setattr(paths, "ROOT", tmp_path)
    data = SMALL_ARTICLE.encode("utf-8")
    stdin(data)
    saved = materialize("-")
    assert saved == tmp_path / ".cache" / "stdin" / f"{hashlib.sha256(data).hexdigest()}.txt"
    assert saved.read_bytes() == data
    assert materialize(Path("/dev/stdin")) == saved
    assert [p.name for p in saved.parent.iterdir()] == [saved.name]  # no temporary file left
    assert read_article(saved).text == read_article("-").text
    other = tmp_path / "story.txt"
    assert materialize(other) == other  # any other path is returned as it is, unread


def test_materialize_refuses_bad_standard_input_before_writing(
    stdin, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
):
    monkeypatch.setattr(paths, "ROOT", tmp_path)
    stdin("War in Afghanistan".encode("utf-16"))
    with pytest.raises(InputError, match="standard input; save it as UTF-8"):
        materialize("-")
    assert not (tmp_path / ".cache").exists()


def test_read_limit_counts_what_is_read(tmp_path: Path):
    path = _write(tmp_path, "ten.txt", b"0123456789")
    assert read_bytes(path, limit=10) == b"0123456789"
    with pytest.raises(InputError, match=r"too large: .*ten\.txt has more than 9 bytes"):
        read_bytes(path, limit=9)


@pytest.mark.parametrize(
    ("encoding", "name"),
    [
        ("utf-16", "UTF-16"),
        ("utf-16-le", "UTF-16"),
        ("utf-16-be", "UTF-16"),
        ("utf-32", "UTF-32"),
        ("utf-32-le", "UTF-32"),
        ("utf-32-be", "UTF-32"),
    ],
)
def test_wide_encodings_are_named(tmp_article, encoding: str, name: str):
    path = tmp_article(SMALL_ARTICLE.encode(encoding))
    with pytest.raises(InputError, match=f"article is {name} text, not UTF-8: .*; save it as UTF-8"):
        read_article(path)


def test_nul_bytes_without_a_pattern_are_still_binary(tmp_article):
    with pytest.raises(InputError, match="binary file"):
        read_article(tmp_article(b"War\x00\x01\x02 in \x00 Afghanistan, 300 people.\n"))


# --- YAML ---------------------------------------------------------------------------------------


def test_alias_bomb_fails_before_anything_is_built(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    def construct(self, node):  # noqa: ANN001, ANN202
        raise AssertionError("an object was built from a file with aliases")

    monkeypatch.setattr(article_module._Loader, "construct_document", construct)
    path = _write(tmp_path, "bomb.yaml", ALIAS_BOMB)
    with pytest.raises(InputError, match=r"line 1: anchors and aliases \(&a\) are not allowed"):
        read_mapping(path, "annotation file")


def test_alias_without_anchor_is_refused(tmp_path: Path):
    path = _write(tmp_path, "alias.yaml", "figures: *nowhere\n")
    with pytest.raises(InputError, match=r"anchors and aliases \(\*nowhere\) are not allowed"):
        read_mapping(path, "annotation file")


def test_nesting_up_to_the_limit_is_read(tmp_path: Path):
    levels = MAX_YAML_DEPTH - 1  # the top-level mapping is one level
    path = _write(tmp_path, "nested.yaml", "a: " + "[" * levels + "]" * levels + "\n")
    assert read_mapping(path, "parameters file")["a"] == [[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]
    path = _write(tmp_path, "deeper.yaml", "a: " + "[" * (levels + 1) + "]" * (levels + 1) + "\n")
    with pytest.raises(InputError, match=f"nested more than {MAX_YAML_DEPTH} levels"):
        read_mapping(path, "parameters file")


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("published: 2021-02-30\n", "line 1: '2021-02-30' is not a valid date"),
        ("when: !!timestamp soon\n", "line 1: 'soon' is not a valid date"),
        ("n: !!int twelve\n", "line 1: 'twelve' is not a valid integer"),
        (f"n: {HUGE_NUMBER}\n", "line 1: a number with more than 30 digits"),
    ],
)
def test_values_yaml_cannot_convert_are_one_line(tmp_path: Path, content: str, problem: str):
    path = _write(tmp_path, "values.yaml", content)
    with pytest.raises(InputError, match=re.escape(problem)) as raised:
        read_mapping(path, "parameters file")
    assert "\n" not in str(raised.value)


# --- silent truncation: footers ----------------------------------------------------------------

FOOTER = "To contact the WSWS and the Socialist Equality Party visit:\n\n[wsws.org/contact](https://www.wsws.org/contact)\n"


def test_footer_like_paragraphs_in_the_middle_do_not_end_the_article(tmp_article):
    text = (
        "A Title\n\nFirst paragraph. It has 300 people.\n\nShare this\n\n"
        "To contact the reporters, call the desk.\n\nThe last real paragraph names 1,357 kilometers.\n\n"
        + FOOTER
    )
    article = read_article(tmp_article(text))
    assert [p.text for p in article.paragraphs] == [
        "First paragraph. It has 300 people.",
        "Share this",
        "To contact the reporters, call the desk.",
        "The last real paragraph names 1,357 kilometers.",
    ]
    assert article.footer is not None and article.footer.text == FOOTER.strip()
    assert [(o.start, o.end, o.reason) for o in article.omitted] == [
        (text.index("To contact the WSWS"), len(text.rstrip()), "footer")
    ]
    assert "1,357 kilometers" in extract_mentions(article)["text"].tolist()


def test_a_long_paragraph_is_never_a_footer(tmp_article):
    last = "Share this view or not: " + "the border is long and the war is near. " * 10
    article = read_article(tmp_article(f"A Title\n\nFirst paragraph. More.\n\n{last.strip()}\n"))
    assert article.footer is None and article.omitted == []
    assert article.paragraphs[-1].text == last.strip()


def test_a_body_of_only_footer_lines_keeps_its_first(tmp_article):
    article = read_article(tmp_article("A Title\n\nShare this article.\n\nFollow us on social media.\n"))
    assert [p.text for p in article.paragraphs] == ["Share this article."]
    assert article.footer is not None and article.footer.text == "Follow us on social media."


def test_omitted_text_table_lists_the_footer(tmp_article):
    text = "A Title\n\nSome 300 people crossed. More.\n\n" + FOOTER
    tables = build_tables(load(tmp_article(text, "story_with_footer.txt")))
    omitted = tables["omitted_text"]
    assert list(omitted.columns) == schema.columns("omitted_text")
    assert len(omitted) == 1
    row = omitted.iloc[0]
    assert text[row["start"] : row["end"]] == FOOTER.strip()
    assert row["characters"] == len(FOOTER.strip())
    assert row["first_words"] == "To contact the WSWS and the Socialist Equality"
    assert row["reason"] == "footer"
    note = report.omitted_note(tables)
    assert note == (
        f"The last {len(FOOTER.strip())} characters (“To contact the WSWS and the Socialist Equality …”) "
        "were left out as a footer; it is in the `omitted_text` table."
    )


def test_omitted_note_of_the_seed_and_of_an_article_without_footer(seed, tmp_article):
    seed_tables = build_tables(load(paths.DEFAULT_ARTICLE))
    row = seed_tables["omitted_text"].iloc[0]
    assert (row["start"], row["end"]) == (seed.footer.start, seed.footer.end)
    assert report.omitted_note(seed_tables).startswith(
        f"The last {seed.footer.end - seed.footer.start} characters (“To contact the WSWWS"
    )
    plain = build_tables(load(tmp_article("A Title\n\nSome 300 people crossed. More.\n", "no_footer.txt")))
    assert plain["omitted_text"].empty
    assert report.omitted_note(plain) == ""


def test_omitted_note_escapes_article_text():
    omitted = pd.DataFrame(
        [
            {
                "start": 10,
                "end": 40,
                "characters": 30,
                "first_words": "Share <b>this</b> *now*",
                "reason": "footer",
            }
        ]
    )
    note = report.omitted_note({"omitted_text": omitted})
    assert "<b>" not in note and "*now*" not in note
    assert "&#60;b&#62;" in note


# --- absurd numbers in an article ---------------------------------------------------------------


def test_huge_digit_string_is_not_a_figure(run_cli, tmp_article):
    path = tmp_article(f"A Title\n\nSome {HUGE_NUMBER} people and 300 more crossed. More.\n")
    result = run_cli("extract", path)
    assert result.returncode == 0, result.stderr
    mentions = pd.read_csv(io.StringIO(result.stdout), dtype=str, keep_default_na=False)
    assert mentions["text"].tolist() == ["300"]
    article = read_article(path)
    assert HUGE_NUMBER in article.paragraphs[0].text  # the text is kept; only not read as a number
    values = extract_mentions(article)["value"]
    assert all(math.isfinite(v) for v in values)


def test_fifteen_digits_are_still_a_figure(tmp_article):
    article = read_article(tmp_article("A Title\n\nIt cost $100,000,000,000,000 in all. More.\n"))
    mentions = extract_mentions(article)
    assert mentions["text"].tolist() == ["$100,000,000,000,000"]
    assert mentions["value"].tolist() == [1e14]


# --- make: file names are data, never shell code -----------------------------------------------


def _make(*args: str) -> subprocess.CompletedProcess[str]:
    # -o: the environment is taken as up to date (the test must not reinstall .venv).
    return subprocess.run(
        ["make", "--no-print-directory", "-o", ".venv/.installed", *args],
        capture_output=True,
        text=True,
        cwd=paths.ROOT,
        timeout=300,
    )


needs_make = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


@needs_make
def test_make_passes_file_names_without_running_them(tmp_path: Path):
    proof = tmp_path / "ran"
    article = f"{tmp_path}/x`touch {proof}-backquote`$(touch {proof}-dollar)y;touch {proof}-semicolon.txt"
    out = f"{tmp_path}/out$(shell touch {proof}-make)"
    result = _make("report", f"ARTICLE={article}", f"OUT={out}")
    assert result.returncode != 0
    assert f"spillover: error: article not found: {article} (check the path)\n" in result.stderr
    assert list(tmp_path.iterdir()) == []  # nothing ran, no output folder either


@needs_make
def test_make_help_and_the_seed_tables_option():
    assert _make("help").returncode == 0
    assert "make report" in _make("help").stdout
    seed = _make("-n", "report").stdout
    assert '--article "$ARTICLE" --out "$OUT" --tables data/processed' in seed
    assert "--tables" not in _make("-n", "report", "ARTICLE=other.txt").stdout
    spaced = _make("-n", "report", f"ARTICLE={paths.DEFAULT_ARTICLE.relative_to(paths.ROOT)} x").stdout
    assert "--tables" not in spaced
