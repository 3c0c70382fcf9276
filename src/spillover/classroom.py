"""The classroom editions: a student pack to hand out, a teacher's edition with the worked
answers, and a paper edition, all from one source per question.

The source is ``classroom/*.ipynb`` in otter-grader's assign format (v1: raw boundary cells),
and ``classroom/exercises.yaml`` for the data the exercises read (see classroom/README.md):

- a raw cell ``# BEGIN QUESTION`` with YAML (``name``, ``points``, ``manual`` as in otter, and
  ``check:``, the declarative check, ``hint``, ``also_accept``) opens a question, a raw cell
  ``# END QUESTION`` closes it; inside are the prompt (Markdown) and one answer cell;
- in the answer cell, ``# BEGIN SOLUTION`` ... ``# END SOLUTION`` blocks are the worked answer
  (replaced by ``...``, or dropped with ``NO PROMPT``), and a line ending in ``# SOLUTION``
  becomes ``name = ...`` (an assignment), ``"key": ...,`` (a dict entry) or disappears;
- cells between raw ``# BEGIN SOLUTION`` and ``# END SOLUTION`` cells (teacher's notes) are
  left out of the student edition;
- in Markdown, a paragraph starting with ``*Notebook:*`` is left out of the paper edition, one
  starting with ``*Paper:*`` out of the notebooks.

The build writes, through a manifest-owned output folder (spillover.publish):

- ``student/``: the student pack's files, and ``<pack>.zip``, the same files in one archive:
  the student notebook (no solution, no output), the data as CSV files taken from the article's
  published tables (no answer column), ``selfcheck.py`` (a copy of spillover.exercises) with
  ``checks.json`` (salted hashes of the accepted answers: no expected value), START-HERE.md
  and requirements.txt;
- ``teacher/``: the same files with the teacher's notebook, executed (every self-check says
  "correct", or "answered" for a written answer, or the build fails), its HTML handout and the
  teacher's guide;
- ``paper/``: the paper edition, HTML and an A4 PDF printed by Chromium.

The expected answers are the values the solutions compute from the pack's own data, so the
pack provably holds enough data to answer every question.
"""

from __future__ import annotations

import calendar
import copy
import datetime as dt
import hashlib
import html
import json
import random
import re
import shutil
import sys
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import pandas as pd
import yaml

from spillover import exercises, paths
from spillover.errors import InputError, SpilloverError

SOURCE = paths.CLASSROOM
GUIDE = SOURCE / "teacher-guide.md"
CONFIG = SOURCE / "exercises.yaml"
START_HERE = "START-HERE.md"
REQUIREMENTS = "requirements.txt"
HELPER = "selfcheck.py"
GUIDE_HTML = "teacher-guide.html"
STUDENT, TEACHER, PAPER = "student", "teacher", "paper"
EDITIONS = (STUDENT, TEACHER)
KERNEL_NAME, KERNEL_DISPLAY = "spillover", "Spillover"
#: The students' own copy for `make lab`: made once, never overwritten, never cleaned.
WORK = paths.ROOT / "classroom-work"
CHECK_LINE = exercises.CHECK_LINE
SOLUTION = "solution"  # tag of the teacher-only cells in the teacher edition
ANSWER = "answer"  # tag of the answer cells
_KERNELSPEC = {"display_name": KERNEL_DISPLAY, "language": "python", "name": KERNEL_NAME}
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)

# Nothing on a handout is fetched: no scripts at all, styles and images only from the page itself.
_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
_CSS = """
body { font: 16px/1.5 system-ui, sans-serif; color: #1d1d1f; background: #fff; margin: 0; }
main { max-width: 60rem; margin: 0 auto; padding: 1rem 1.5rem 4rem; }
.edition { font-size: .85rem; text-transform: uppercase; letter-spacing: .08em; color: #6b6b70; }
h1, h2, h3 { line-height: 1.25; } h2 { margin-top: 2.5rem; border-top: 1px solid #ddd; padding-top: 1rem; }
a.anchor-link { display: none; }
pre, code { font: 14px/1.45 ui-monospace, Menlo, Consolas, monospace; }
pre { background: #f6f6f8; padding: .6rem .8rem; overflow-x: auto; white-space: pre-wrap; }
.input_prompt, .output_prompt, .prompt { display: none; }
.output_area pre, .output_subarea pre { background: #eef6ee; }
table { border-collapse: collapse; font-size: .9rem; margin: .5rem 0; }
th, td { border: 1px solid #ccc; padding: .25rem .5rem; text-align: left; vertical-align: top; }
blockquote { border-left: 3px solid #bbb; margin-left: 0; padding-left: 1rem; color: #444; }
.celltag_solution, .celltag_answer { border-left: 4px solid #3a8f5c; padding-left: .8rem; margin: 1rem 0; }
.celltag_solution::before { font-size: .8rem; font-weight: 600; color: #555; }
.celltag_solution.code_cell::before { content: "Worked answer"; }
.celltag_solution.text_cell::before { content: "For the teacher"; }
"""


# --------------------------------------------------------------------------- the source


@dataclass
class Question:
    """One question of a source notebook: its config, its check spec and its cells."""

    name: str
    spec: dict
    answer_cell: int
    prompt_cells: list[int]
    also_accept: list[str] = field(default_factory=list)
    on_paper: bool = True


@dataclass
class Source:
    """A parsed source notebook: each cell's role, and the questions."""

    path: Path
    nb: nbformat.NotebookNode
    roles: list[str]  # boundary, solution (teacher-only), answer, plain
    questions: list[Question]

    def question_at(self, index: int) -> Question | None:
        return next((q for q in self.questions if q.answer_cell == index), None)

    def prompt_of(self, index: int) -> Question | None:
        return next((q for q in self.questions if q.prompt_cells and q.prompt_cells[-1] == index), None)


def source_notebooks() -> list[Path]:
    """The exercise notebooks, in order (classroom/*.ipynb)."""
    found = sorted(SOURCE.glob("*.ipynb"))
    if not found:
        raise InputError(f"no exercise notebooks in {SOURCE}")
    return found


def _first_line(cell: nbformat.NotebookNode) -> str:
    lines = cell.source.strip().splitlines()
    return lines[0].strip() if lines else ""


_BOUNDARY = re.compile(r"^#\s*(BEGIN|END)\s+(QUESTION|SOLUTION)\b")
_MARKER = re.compile(r"^\s*#+\s*(BEGIN|END) SOLUTION\b")
_LINE_SOLUTION = re.compile(r"\s*#\s*SOLUTION\s*$")
_ASSIGNMENT = re.compile(r"^(\s*)([A-Za-z_]\w*)\s*=(?!=)")
_DICT_ENTRY = re.compile(r"""^(\s*)((?:"[^"]*"|'[^']*'|\d+)\s*:)""")


def parse_source(path: Path) -> Source:
    """Read a source notebook in the assign format; InputError names the cell at fault."""
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception as error:  # noqa: BLE001 - any unreadable notebook is bad input
        raise InputError(f"exercise notebook {path}: cannot read it ({error})") from None
    roles: list[str] = []
    questions: list[Question] = []
    current: dict | None = None
    in_solution = False

    def fail(index: int, problem: str) -> InputError:
        return InputError(f"exercise notebook {path.name}, cell {index + 1}: {problem}")

    for index, cell in enumerate(nb.cells):
        boundary = _BOUNDARY.match(_first_line(cell)) if cell.cell_type == "raw" else None
        if boundary:
            roles.append("boundary")
            edge, what = boundary.groups()
            if what == "SOLUTION":
                if (edge == "BEGIN") == in_solution:
                    raise fail(index, f"{edge} SOLUTION without its {'END' if in_solution else 'BEGIN'}")
                in_solution = edge == "BEGIN"
            elif edge == "BEGIN":
                if current is not None:
                    raise fail(index, "BEGIN QUESTION inside another question; close it with END QUESTION")
                current = {
                    "config": _question_config(cell, fail(index, "")),
                    "start": index,
                    "answer": None,
                    "prompts": [],
                }
            else:
                if current is None:
                    raise fail(index, "END QUESTION without BEGIN QUESTION")
                questions.append(_question(current, path, questions, fail(index, "")))
                current = None
            continue
        if in_solution:
            roles.append(SOLUTION)
            continue
        if current is not None and cell.cell_type == "code" and _has_markers(cell.source):
            if current["answer"] is not None:
                raise fail(index, "a second answer cell in one question; split the question")
            current["answer"] = index
            roles.append(ANSWER)
            continue
        if current is not None and cell.cell_type == "markdown" and current["answer"] is None:
            current["prompts"].append(index)
        roles.append("plain")
    if current is not None or in_solution:
        raise InputError(f"exercise notebook {path.name}: a question or solution block is not closed")
    if not questions:
        raise InputError(f"exercise notebook {path.name} has no question (# BEGIN QUESTION cells)")
    return Source(path, nb, roles, questions)


def _has_markers(source: str) -> bool:
    return any(_MARKER.match(line) or _LINE_SOLUTION.search(line) for line in source.splitlines())


def _question_config(cell: nbformat.NotebookNode, error: InputError) -> dict:
    body = cell.source.strip().split("\n", 1)
    try:
        config = yaml.safe_load(body[1]) if len(body) > 1 else None
    except yaml.YAMLError as problem:
        raise InputError(f"{error}the question's YAML does not parse: {problem}") from None
    if not isinstance(config, dict):
        raise InputError(f"{error}a question needs YAML with at least name and check")
    return config


def _question(current: dict, path: Path, done: list[Question], error: InputError) -> Question:
    config = current["config"]
    name = str(config.get("name", ""))
    if not name.isidentifier():
        raise InputError(f"{error}question name {name!r} must be a Python name (it is the answer's variable)")
    if any(q.name == name for q in done):
        raise InputError(f"{error}two questions named {name!r}")
    check = config.get("check")
    if not isinstance(check, dict) or check.get("kind") not in exercises.KINDS:
        raise InputError(f"{error}question {name}: check.kind must be one of {', '.join(exercises.KINDS)}")
    if current["answer"] is None:
        raise InputError(f"{error}question {name} has no answer cell (a code cell with # SOLUTION markers)")
    points = config.get("points", 1)
    if not isinstance(points, int | float) or points <= 0:
        raise InputError(f"{error}question {name}: points must be a number above 0")
    spec = {**check, "name": name, "points": points, "hint": str(config.get("hint", ""))}
    if spec["kind"] == "text":
        spec["manual"] = True
    return Question(
        name=name,
        spec=spec,
        answer_cell=current["answer"],
        prompt_cells=current["prompts"],
        also_accept=[str(v) for v in config.get("also_accept", [])],
        on_paper=bool(config.get("paper", True)),
    )


def student_code(source: str) -> str:
    """An answer cell as the student gets it: solutions replaced by ``...`` (otter's rules)."""
    out: list[str] = []
    skipping = False
    for line in source.splitlines():
        marker = _MARKER.match(line)
        if marker:
            skipping = marker.group(1) == "BEGIN"
            if skipping and "NO PROMPT" not in line:
                out.append(line[: len(line) - len(line.lstrip())] + "...")
            continue
        if skipping:
            continue
        if _LINE_SOLUTION.search(line):
            code = _LINE_SOLUTION.sub("", line)
            assignment, entry = _ASSIGNMENT.match(code), _DICT_ENTRY.match(code)
            if assignment:
                out.append(f"{assignment.group(1)}{assignment.group(2)} = ...")
            elif entry:
                out.append(f"{entry.group(1)}{entry.group(2)} ...,")
            continue
        out.append(line)
    return "\n".join(out)


def teacher_code(source: str) -> str:
    """An answer cell with its worked answer: the markers removed."""
    lines = [_LINE_SOLUTION.sub("", line) for line in source.splitlines() if not _MARKER.match(line)]
    return "\n".join(lines)


def _paragraphs(text: str) -> list[str]:
    """Markdown paragraphs; a fenced code block belongs to the paragraph before it."""
    parts: list[str] = []
    for block in re.split(r"\n\s*\n", text.strip()):
        if parts and (block.lstrip().startswith("```") or parts[-1].count("```") % 2):
            parts[-1] += "\n\n" + block
        else:
            parts.append(block)
    return parts


def for_medium(text: str, medium: str) -> str:
    """Markdown for the notebook or for paper: the other medium's paragraphs left out."""
    keep, drop = ("*Notebook:*", "*Paper:*") if medium == "notebook" else ("*Paper:*", "*Notebook:*")
    kept = []
    for block in _paragraphs(text):
        stripped = block.lstrip()
        if stripped.startswith(drop):
            continue
        if stripped.startswith(keep):
            block = stripped[len(keep) :].lstrip()
            block = block[:1].upper() + block[1:]
        kept.append(block)
    return "\n\n".join(kept)


def accepted_text(spec: dict, medium: str = "notebook") -> str:
    """What a question accepts (format and tolerance), as the prompt states it."""
    kind = spec["kind"]
    if kind == "number":
        text = exercises.accepted_number_text(spec)
        if medium == "paper":
            text = re.sub(r", as an int or float \([^)]*\); accepted", ",", text)
            return text[:1].upper() + text[1:]
        return text
    if kind == "number_map":
        keys = ", ".join(f'"{k}": ...' for k in spec["keys"])
        return f"a dict {{{keys}}}; each value {exercises.accepted_number_text(spec)}"
    if kind == "date":
        return "a date: a datetime.date, or text 'YYYY-MM-DD'" if medium == "notebook" else "a date"
    if kind == "choice":
        options = ", ".join(f'"{o}"' for o in spec["options"])
        return f"one of {options}, as text"
    if kind == "names":
        return "the names, as text (for two countries: 'Country–Country')"
    if kind == "labels":
        options = " or ".join(f'"{o}"' for o in spec["options"])
        return f"a dict {{number: {options}}} with every number"
    if kind == "sources":
        return (
            f"a dict {{figure_id: source}}; each source in a few words (at most "
            f"{spec.get('max_words', 12)}), or \"not named\" when the article names nobody"
        )
    if kind == "text":
        return (
            f"text of {spec.get('min_words', 10)} words or more, in your own words; the self-check only "
            "says whether it is written, your teacher reads and marks it"
        )
    return ""


def _markdown_cell(text: str, cell_id: str) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_markdown_cell(text)
    cell.id = cell_id
    return cell


def _code_cell(text: str, cell_id: str, tags: list[str] | None = None) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell(text, metadata={"tags": tags} if tags else {})
    cell.id = cell_id
    return cell


def edition(
    source: Source, which: str, specs: dict[str, dict] | None = None, checks: bool = True
) -> nbformat.NotebookNode:
    """The student or teacher edition of a source notebook, without outputs. `specs` (final,
    with grid steps) add the accepted format to each prompt; `checks` adds the check cells."""
    if which not in EDITIONS:
        raise InputError(f"unknown edition {which!r}; choose {STUDENT} or {TEACHER}")
    cells = []
    for index, cell in enumerate(source.nb.cells):
        role = source.roles[index]
        if role == "boundary" or (role == SOLUTION and which == STUDENT):
            continue
        new = copy.deepcopy(cell)
        if new.cell_type == "code":
            new.outputs, new.execution_count = [], None
        if new.cell_type == "markdown":
            new.source = for_medium(new.source, "notebook")
            question = source.prompt_of(index)
            if question and specs:
                new.source += f"\n\n*Accepted:* {accepted_text(specs[question.name])}."
        if role == SOLUTION:
            new.metadata["tags"] = sorted(set(new.metadata.get("tags", [])) | {SOLUTION})
        if role == ANSWER:
            question = source.question_at(index)
            assert question is not None
            new.source = student_code(new.source) if which == STUDENT else teacher_code(new.source)
            new.metadata["tags"] = [ANSWER] if which == STUDENT else [ANSWER, SOLUTION]
            cells.append(new)
            if checks:
                cells.append(
                    _code_cell(f'check("{question.name}", {question.name})', f"check-{question.name}")
                )
            continue
        cells.append(new)
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata = {
        "kernelspec": dict(_KERNELSPEC),
        "language_info": {"name": "python"},
        "spillover": {"classroom": {"source": source.path.name, "edition": which}},
    }
    return nb


def source_digest(sources: list[Path], config: Path = CONFIG) -> str:
    """What identifies the questions a pack was built from (its notebooks and exercises.yaml)."""
    digest = hashlib.sha256()
    for path in [*sources, config]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


# --------------------------------------------------------------------------- the pack's data


def load_config(path: Path = CONFIG) -> dict:
    from spillover.article import read_mapping

    if not path.is_file():
        raise InputError(f"classroom configuration not found: {path}")
    config = read_mapping(path, "classroom configuration")
    for key in ("article", "pack", "paper"):
        if key not in config:
            raise InputError(f"classroom configuration {path}: '{key}' is missing")
    return config


def _rows(frame: pd.DataFrame, rows: dict | None, where: str) -> pd.DataFrame:
    mask = pd.Series(True, index=frame.index)
    for column, wanted in (rows or {}).items():
        if column not in frame.columns:
            raise InputError(f"{where}: no column {column!r} to select rows by")
        values = frame[column].astype(str)
        if isinstance(wanted, dict) and "startswith" in wanted:
            mask &= values.str.startswith(tuple(str(w) for w in wanted["startswith"]))
        else:
            mask &= values.isin([str(w) for w in (wanted if isinstance(wanted, list) else [wanted])])
    return frame[mask]


def _columns(frame: pd.DataFrame, columns: list | None, where: str) -> pd.DataFrame:
    if not columns:
        return frame
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputError(
            f"{where}: no column {', '.join(missing)}; the columns are {', '.join(frame.columns)}"
        )
    return frame[list(columns)]


@dataclass
class Published:
    """The article and its published tables under each snapshot the exercises use."""

    article_path: Path
    article: object
    by_snapshot: dict[str, dict[str, pd.DataFrame]]

    @property
    def default(self) -> dict[str, pd.DataFrame]:
        return next(iter(self.by_snapshot.values()))


def published_tables(config: dict) -> Published:
    from spillover.article import read_article
    from spillover.pipeline import DEFAULT_SNAPSHOT, article_tables

    article_path = paths.ROOT / str(config["article"])
    snapshots = [str(s) for s in config.get("snapshots") or [DEFAULT_SNAPSHOT]]
    tables = {s: article_tables(article_path, {"reference_snapshot": s}) for s in snapshots}
    return Published(article_path, read_article(article_path), tables)


def _article_row(article) -> pd.DataFrame:  # noqa: ANN001 - spillover.article.Article
    meta = article.metadata
    row = {
        "title": meta.get("title") or (article.title.clean if article.title else ""),
        "author": meta.get("author") or (article.byline.clean if article.byline else ""),
        "publisher": meta.get("publisher", ""),
        "published": article.published.isoformat() if article.published else "",
        "genre": meta.get("genre", ""),
        "language": meta.get("language", ""),
    }
    return pd.DataFrame([row])


def _outline(spec: dict) -> pd.DataFrame:
    from spillover import geo

    a, b = sorted(str(c) for c in spec["countries"])
    rows = []
    for scale in spec.get("scales", ["110m", "50m", "10m"]):
        for part, line in enumerate(geo._flatten(geo.shared_border(a, b, str(scale))), start=1):
            for point, (lon, lat) in enumerate(line.coords, start=1):
                rows.append(
                    {
                        "scale": str(scale),
                        "part": part,
                        "point": point,
                        "longitude": round(lon, 6),
                        "latitude": round(lat, 6),
                    }
                )
    if not rows:
        raise InputError(f"no shared border of {a} and {b} on the Natural Earth maps")
    return pd.DataFrame(rows)


def _sentences(spec: dict, article) -> pd.DataFrame:  # noqa: ANN001
    found = []
    for opening in spec["openings"]:
        matches = [s.clean for s in article.sentences if s.clean.startswith(str(opening))]
        if len(matches) != 1:
            raise InputError(f"{len(matches)} sentences of the article open with {opening!r}; need exactly 1")
        found.append(matches[0])
    order = list(range(len(found)))
    random.Random(int(spec.get("shuffle_seed", 0))).shuffle(order)
    return pd.DataFrame({"number": range(1, len(found) + 1), "sentence": [found[i] for i in order]})


def pack_tables(config: dict, published: Published) -> dict[str, pd.DataFrame]:
    """The tables of the pack's data/ folder; a table with an answer column is refused."""
    forbidden = set(config["pack"].get("answer_columns", []))
    tables: dict[str, pd.DataFrame] = {}
    for name, spec in config["pack"]["tables"].items():
        where = f"exercises.yaml, pack table {name}"
        kind = spec.get("kind", "table")
        if kind == "article":
            frame = _article_row(published.article)
        elif kind == "border_outline":
            frame = _outline(spec)
        elif kind == "sentences":
            frame = _sentences(spec, published.article)
        else:
            snapshots = (
                published.by_snapshot.values() if spec.get("snapshots") == "all" else [published.default]
            )
            frames = []
            for tables_of_snapshot in snapshots:
                if spec["from"] not in tables_of_snapshot:
                    raise InputError(f"{where}: no published table {spec['from']!r}")
                frames.append(tables_of_snapshot[spec["from"]])
            frame = pd.concat(frames, ignore_index=True).drop_duplicates()
            frame = _columns(_rows(frame, spec.get("rows"), where), spec.get("columns"), where)
        leaked = sorted(forbidden & set(frame.columns))
        if leaked:
            raise InputError(f"{where} would carry the answer column(s) {', '.join(leaked)}; leave them out")
        tables[name] = frame.reset_index(drop=True)
    return tables


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    frame.to_csv(path, index=False, lineterminator="\n")


# --------------------------------------------------------------------------- running notebooks


def execute(nb: nbformat.NotebookNode, workdir: Path, label: str) -> nbformat.NotebookNode:
    """Run a notebook with papermill in `workdir`; the executed copy, scrubbed of run times."""
    from spillover.render import run_notebook, scrub

    scratch = Path(tempfile.mkdtemp(prefix=".run-", dir=workdir))
    try:
        nbformat.write(nb, scratch / "input.ipynb")
        run_notebook(scratch / "input.ipynb", scratch / "output.ipynb", workdir, {}, label)
        return scrub(nbformat.read(scratch / "output.ipynb", as_version=4))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def export_cell(variables: dict[str, str], path: Path, folder: Path) -> nbformat.NotebookNode:
    """A last cell that writes the answers (normalised by the pack's own selfcheck) to `path`."""
    code = (
        "import sys as _sys\n"
        f"_sys.path.insert(0, {str(folder)!r})\n"
        "_sys.modules.pop('selfcheck', None)\n"
        "import selfcheck as _grading_selfcheck\n"
        f"_grading_selfcheck.export_answers(globals(), {variables!r}, {str(path)!r})\n"
    )
    return _code_cell(code, "export-answers")


def answer_variables(source: Source) -> dict[str, str]:
    """Every variable the grader reads, with the question whose spec normalises it."""
    variables = {q.name: q.name for q in source.questions}
    for q in source.questions:
        variables |= {alt: q.name for alt in q.also_accept}
    return variables


def check_results(nb: nbformat.NotebookNode) -> list[tuple[str, str]]:
    """Every self-check line an executed notebook printed: (question, status)."""
    results = []
    for cell in nb.cells:
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            if output.get("output_type") == "stream":
                results.extend(CHECK_LINE.findall(output.get("text", "")))
    return results


def check_messages(nb: nbformat.NotebookNode) -> dict[str, str]:
    """Every self-check line an executed notebook printed, by question."""
    found = {}
    for cell in nb.cells:
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            if output.get("output_type") == "stream":
                for line in output.get("text", "").splitlines():
                    if CHECK_LINE.match(line):
                        name, _, rest = line.partition(": ")
                        found[name] = rest
    return found


# --------------------------------------------------------------------------- the pack


@dataclass
class Pack:
    """A built student pack and what the teacher's side knows about it."""

    folder: Path
    name: str
    digest: str
    sources: list[Source]
    specs: dict[str, dict]  # final specs by question (with grid steps and keys)
    expected: dict[str, list]  # normalised expected values by question (the solution's first)
    published: Published | None = None
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)

    def plain_key(self, name: str) -> exercises.Key:
        return exercises.Key.plain(self.specs[name], self.expected[name])


def _salt(digest: str, name: str) -> str:
    return hashlib.sha256(f"{digest}:{name}".encode()).hexdigest()[:16]


def _public_spec(spec: dict) -> dict:
    return {k: v for k, v in spec.items() if k in exercises.PUBLIC_FIELDS}


def _resolve_keys(spec: dict, tables: dict[str, pd.DataFrame]) -> dict:
    source = spec.pop("keys_from", None)
    if source:
        frame = tables[source["table"]]
        spec["keys"] = [str(v) for v in frame[source["column"]].tolist()]
    if "keys" in spec:
        spec["keys"] = [str(k) for k in spec["keys"]]
    return spec


def _given_texts(source: Source, question: Question) -> list[str]:
    prompts = [for_medium(source.nb.cells[i].source, "notebook") for i in question.prompt_cells]
    return [*prompts, question.spec.get("hint", "")]


def write_checks(folder: Path, digest: str, specs: dict[str, dict], expected: dict[str, list] | None) -> None:
    """checks.json: public specs, salts and (once the expected values are known) hashes."""
    questions = {}
    for name, spec in specs.items():
        if expected is None:  # before the solutions ran: specs only, nothing accepted
            questions[name] = {"spec": _public_spec(spec), "salt": "", "accepted": []}
        else:
            key = exercises.Key.plain(spec, expected[name])
            questions[name] = key.public(_salt(digest, name))
    data = {"format": 1, "source": digest, "questions": questions}
    (folder / exercises.CHECKS_FILE).write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", "utf-8")


def _copy_pack(pack_folder: Path, target: Path) -> Path:
    shutil.copytree(pack_folder, target, symlinks=False)
    return target


def solution_answers(sources: list[Source], pack_folder: Path, scratch: Path) -> dict[str, dict]:
    """Run each teacher edition (no check cells) in a copy of the pack; the exported answers."""
    answers: dict[str, dict] = {}
    for source in sources:
        folder = _copy_pack(pack_folder, Path(tempfile.mkdtemp(prefix="solutions-", dir=scratch)) / "pack")
        nb = edition(source, TEACHER, checks=False)
        out = folder / ".answers.json"
        nb.cells.append(export_cell(answer_variables(source), out, folder))
        execute(nb, folder, f"solutions of {source.path.name}")
        answers |= json.loads(out.read_text(encoding="utf-8"))
    return answers


def _expected(source_list: list[Source], answers: dict[str, dict], specs: dict[str, dict]) -> dict[str, list]:
    expected: dict[str, list] = {}
    for source in source_list:
        for q in source.questions:
            values = []
            for variable in [q.name, *q.also_accept]:
                entry = answers.get(variable, {})
                if entry.get("state") != "answered":
                    why = entry.get("problem") or entry.get("state", "missing")
                    raise SpilloverError(
                        f"{source.path.name}: the solution of {q.name} gives no answer in {variable} ({why})"
                    )
                values.append(entry["value"])
            spec = specs[q.name]
            if spec["kind"] == "text":
                missing = exercises.aspects_missing(spec, values[0])
                if missing:
                    raise SpilloverError(
                        f"{source.path.name}: the solution of {q.name} does not say {' and '.join(missing)}"
                    )
            if spec["kind"] in ("number", "number_map"):
                numbers = [
                    v for value in values for v in (value.values() if isinstance(value, dict) else [value])
                ]
                spec["step"] = exercises.step_exponent(min(exercises.tolerance(spec, v) for v in numbers))
            expected[q.name] = values
    return expected


def question_specs(sources: list[Source], tables: dict[str, pd.DataFrame]) -> dict[str, dict]:
    """Each question's spec with its keys resolved from the pack's tables (before the grid
    steps, which need the expected values)."""
    specs: dict[str, dict] = {}
    for source in sources:
        for q in source.questions:
            if q.name in specs:
                raise InputError(f"two questions named {q.name!r} in {SOURCE}")
            spec = _resolve_keys(copy.deepcopy(q.spec), tables)
            if spec["kind"] == "text":
                spec["given_texts"] = _given_texts(source, q)
            specs[q.name] = spec
    return specs


def expected_answers(sources: list[Source], pack_folder: Path, specs: dict[str, dict]) -> dict[str, list]:
    """The solutions' answers, computed from the pack's own data in a scratch copy of it
    (completes `specs` with the grid steps of numeric questions)."""
    scratch = Path(tempfile.mkdtemp(prefix=".solutions-", dir=pack_folder.parent))
    try:
        answers = solution_answers(sources, pack_folder, scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return _expected(sources, answers, specs)


def read_pack_tables(folder: Path) -> dict[str, pd.DataFrame]:
    data = folder / exercises.DATA_FOLDER
    return {p.stem: pd.read_csv(p, keep_default_na=False, na_values=[""]) for p in sorted(data.glob("*.csv"))}


def build_pack(folder: Path, config: dict | None = None, published: Published | None = None) -> Pack:
    """Write the student pack's files into `folder` (new or empty) and compute the key."""
    config = config or load_config()
    paths_ = source_notebooks()
    sources = [parse_source(p) for p in paths_]
    digest = source_digest(paths_)
    published = published or published_tables(config)
    tables = pack_tables(config, published)
    folder.mkdir(parents=True, exist_ok=True)
    data = folder / exercises.DATA_FOLDER
    data.mkdir()
    for name, frame in tables.items():
        _write_csv(frame, data / f"{name}.csv")
    (data / "article.txt").write_text(published.article.text, encoding="utf-8")
    shutil.copyfile(Path(exercises.__file__), folder / HELPER)
    for extra in (START_HERE, REQUIREMENTS):
        if not (SOURCE / extra).is_file():
            raise InputError(f"{SOURCE / extra} is missing; the pack needs it")
        shutil.copyfile(SOURCE / extra, folder / extra)
    specs = question_specs(sources, read_pack_tables(folder))
    write_checks(folder, digest, specs, None)
    expected = expected_answers(sources, folder, specs)
    write_checks(folder, digest, specs, expected)
    for source in sources:
        nbformat.write(edition(source, STUDENT, specs), folder / source.path.name)
    name = str(config["pack"].get("name", "student-pack"))
    return Pack(folder, name, digest, sources, specs, expected, published, tables)


def open_pack(folder: Path) -> Pack:
    """An existing (unpacked) student pack, with the teacher's key recomputed from the source
    notebooks and the pack's own data; InputError if the pack was built from other questions."""
    paths_ = source_notebooks()
    sources = [parse_source(p) for p in paths_]
    digest = source_digest(paths_)
    try:
        recorded = json.loads((folder / exercises.CHECKS_FILE).read_text(encoding="utf-8")).get("source")
    except (OSError, ValueError, AttributeError):
        recorded = None
    if recorded != digest:
        raise InputError(
            f"the student pack in {folder} was built from other exercises than those in {SOURCE} "
            "(they changed since); grade with the pack the students had and the classroom/ folder "
            "it was built from, or leave out --pack to grade against the current exercises"
        )
    tables = read_pack_tables(folder)
    specs = question_specs(sources, tables)
    expected = expected_answers(sources, folder, specs)
    return Pack(folder, folder.name, digest, sources, specs, expected, None, tables)


def zip_folder(folder: Path, archive: Path, top: str) -> Path:
    """A zip of `folder` under the top folder `top`, byte for byte the same for the same files."""
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as handle:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            info = zipfile.ZipInfo(f"{top}/{path.relative_to(folder).as_posix()}", date_time=_ZIP_TIME)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            handle.writestr(info, path.read_bytes())
    return archive


def unzip_pack(archive: Path, target: Path) -> Path:
    """Unpack a student pack (refusing names that leave the target); its folder."""
    try:
        handle = zipfile.ZipFile(archive)
    except (OSError, zipfile.BadZipFile) as error:
        raise InputError(f"student pack {archive}: not a zip archive ({error})") from None
    with handle:
        root = target.resolve()
        for info in handle.infolist():
            destination = (target / info.filename).resolve()
            if root not in destination.parents:
                raise InputError(
                    f"student pack {archive}: {info.filename!r} lies outside the archive's folder"
                )
        handle.extractall(target)
    tops = [p for p in target.iterdir() if p.is_dir()]
    if len(tops) != 1 or not (tops[0] / exercises.CHECKS_FILE).is_file():
        raise InputError(f"student pack {archive}: expected one folder with {exercises.CHECKS_FILE} inside")
    return tops[0]


# --------------------------------------------------------------------------- handouts


def _title(nb: nbformat.NotebookNode, default: str) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return default


def page(title: str, label: str, body: str, css: str = _CSS) -> str:
    """A self-contained HTML page: inline styles, no scripts, nothing loaded from elsewhere."""
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)} ({html.escape(label)})</title>\n<style>{css}</style>\n</head>\n"
        f'<body>\n<main>\n<p class="edition">{html.escape(label)}</p>\n{body}\n</main>\n</body>\n</html>\n'
    )


def handout(nb: nbformat.NotebookNode, label: str, default_title: str = "Exercises") -> str:
    """A notebook as an offline HTML page (nbconvert's 'basic' template: no CDN scripts)."""
    from nbconvert import HTMLExporter

    body, _ = HTMLExporter(template_name="basic").from_notebook_node(nb)
    return page(_title(nb, default_title), label, body)


def _markdown(text: str) -> str:
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    return markdown2html_mistune(text)


def guide_html(guide: Path = GUIDE) -> str:
    """The teacher's guide (Markdown) as an offline HTML page."""
    if not guide.is_file():
        raise InputError(f"teacher's guide not found: {guide}")
    text = guide.read_text(encoding="utf-8")
    title = next((line[2:].strip() for line in text.splitlines() if line.startswith("# ")), "Teacher's guide")
    return page(title, "Teacher's guide", _markdown(text))


# --------------------------------------------------------------------------- the paper edition

_PAPER_CSS = """
@page { size: A4; margin: 14mm 15mm 16mm; }
* { -webkit-print-color-adjust: exact; print-color-adjust: exact; box-sizing: border-box; }
body { font: 10.5pt/1.45 "DejaVu Serif", "Times New Roman", serif; color: #111; margin: 0; background: #fff; }
main { max-width: 180mm; margin: 0 auto; }
h1 { font: 700 17pt/1.2 "DejaVu Sans", system-ui, sans-serif; margin: 0 0 4mm; }
h2 { font: 700 13.5pt/1.25 "DejaVu Sans", system-ui, sans-serif; margin: 0 0 3mm;
     border-bottom: 1.5pt solid #1f5f8b; padding-bottom: 1.5mm; }
h3 { font: 700 11pt/1.3 "DejaVu Sans", system-ui, sans-serif; margin: 5mm 0 2mm; color: #1f5f8b; }
.edition { font: 8pt "DejaVu Sans", sans-serif; text-transform: uppercase; letter-spacing: .08em;
           color: #666; }
.name-line { font: 10pt "DejaVu Sans", sans-serif; margin: 3mm 0 5mm; }
.name-line span { display: inline-block; border-bottom: .6pt solid #444; width: 55mm; margin-right: 6mm; }
section.exercise { break-before: page; page-break-before: always; }
.article p { margin: 0 0 2.2mm; text-align: justify; hyphens: auto; }
.article .number { font: 700 8pt "DejaVu Sans", sans-serif; color: #1f5f8b; margin-right: 1.5mm; }
mark { background: #ffe066; color: inherit; padding: 0 .4mm; border-radius: .6mm; }
table { border-collapse: collapse; margin: 1.5mm 0 3mm; font: 9pt/1.35 "DejaVu Sans", sans-serif;
        width: 100%; }
th, td { border: .5pt solid #999; padding: 1mm 1.6mm; text-align: left; vertical-align: top; }
th { background: #e4eef6; }
td.number { text-align: right; white-space: nowrap; }
td.answer { background: #f3f8fc; min-width: 38mm; height: 11mm; }
.data { break-inside: avoid; }
.data .caption { font: 700 9pt "DejaVu Sans", sans-serif; margin-top: 3mm; }
.facts { font: 9.5pt "DejaVu Sans", sans-serif; background: #e4eef6; padding: 2mm 3mm; margin: 2mm 0; }
.question { break-inside: avoid; margin-top: 4mm; }
.accepted { font: italic 8.5pt "DejaVu Sans", sans-serif; color: #444; margin: 1mm 0; }
.box { border: .8pt solid #1f5f8b; background: #f3f8fc; border-radius: 1.2mm; margin: 1.5mm 0 3mm;
       background-image: repeating-linear-gradient(to bottom, transparent 0, transparent 7.5mm,
       #b9cfe0 7.5mm, #b9cfe0 7.8mm); }
.box-label { font: 8pt "DejaVu Sans", sans-serif; color: #1f5f8b; padding: 1mm 2mm 0; }
.discuss { font-size: 9.5pt; color: #333; border-left: 2pt solid #bbb; padding-left: 3mm; }
.calendar { width: auto; display: inline-table; margin-right: 6mm; }
.calendar td, .calendar th { text-align: center; width: 8mm; padding: .8mm; }
.calendar caption { font: 700 9pt "DejaVu Sans", sans-serif; text-align: left; }
svg { width: 100%; height: auto; }
a.anchor-link { display: none; }
code { font: 8.5pt "DejaVu Sans Mono", monospace; }
"""
_BOX_LINES = {"text": 7, "names": 2, "choice": 1, "date": 1, "number": 1, "number_map": 3}


def _cell_html(value: object, decimals: int | None, column: str = "") -> tuple[str, bool]:
    if isinstance(value, float) and pd.isna(value):
        return "", False
    if isinstance(value, int | float) and not isinstance(value, bool) and column.endswith("year"):
        return f"{value:.0f}", True
    if isinstance(value, int | float) and not isinstance(value, bool):
        if decimals is not None:
            return f"{value:,.{decimals}f}", True
        if float(value).is_integer():
            return f"{value:,.0f}", True
        return f"{value:,}", True
    return html.escape(str(value)), False


def _marked(text: str, quote: str) -> str:
    escaped, needle = html.escape(text), html.escape(quote)
    return escaped.replace(needle, f"<mark>{needle}</mark>", 1) if needle and needle in escaped else escaped


def _data_table(spec: dict, tables: dict[str, pd.DataFrame], published: Published) -> str:
    where = f"exercises.yaml, paper table {spec.get('title', '')!r}"
    frame = published.default[spec["published"]] if "published" in spec else tables[spec["table"]]
    frame = _rows(frame, spec.get("rows"), where)
    highlight_in = spec.get("highlight_in")
    columns = list(spec.get("columns") or frame.columns)
    _columns(frame, columns, where)
    answer = spec.get("answer_column")
    headers = spec.get("headers") or {}
    head = "".join(f"<th>{html.escape(str(headers.get(c, c)))}</th>" for c in columns)
    head += f"<th>{html.escape(answer)}</th>" if answer else ""
    body = []
    for _, row in frame.iterrows():
        cells = []
        for column in columns:
            if highlight_in and column == highlight_in["column"]:
                text, numeric = _marked(str(row[column]), str(row[highlight_in["quote"]])), False
            else:
                text, numeric = _cell_html(row[column], spec.get("decimals"), column)
                if spec.get("highlight") == column:
                    text = f"<mark>{text}</mark>"
            cells.append(f'<td class="number">{text}</td>' if numeric else f"<td>{text}</td>")
        if answer:
            cells.append('<td class="answer"></td>')
        body.append("<tr>" + "".join(cells) + "</tr>")
    caption = f'<p class="caption">{html.escape(spec.get("title", ""))}</p>'
    return f'<div class="data">{caption}<table><tr>{head}</tr>{"".join(body)}</table></div>'


def _calendar(months: list[str], marked: dt.date | None) -> str:
    parts = []
    for month in months:
        year, number = (int(x) for x in str(month).split("-"))
        rows = [
            "<tr>"
            + "".join(
                "<td></td>"
                if day == 0
                else (
                    f"<td><mark>{day}</mark></td>"
                    if marked == dt.date(year, number, day)
                    else f"<td>{day}</td>"
                )
                for day in week
            )
            + "</tr>"
            for week in calendar.Calendar(firstweekday=0).monthdayscalendar(year, number)
        ]
        head = "".join(f"<th>{d}</th>" for d in ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"))
        caption = f"{calendar.month_name[number]} {year}"
        parts.append(
            f'<table class="calendar"><caption>{caption}</caption><tr>{head}</tr>{"".join(rows)}</table>'
        )
    return '<div class="data">' + "".join(parts) + "</div>"


_OUTLINE_COLOURS = ("#d1495b", "#edae49", "#00798c", "#30638e")


def _outline_svg(frame: pd.DataFrame) -> str:
    """The shared line on each map, drawn side by side (equirectangular, same scale)."""
    import math

    scales = list(dict.fromkeys(frame["scale"]))
    lat0 = math.radians(frame["latitude"].mean())
    xs = frame["longitude"] * math.cos(lat0)
    ys = -frame["latitude"]
    width, height = xs.max() - xs.min(), ys.max() - ys.min()
    pad, gap = 0.1 * width, 0.15 * width
    panels = []
    for i, scale in enumerate(scales):
        dx = i * (width + gap) - xs.min() + pad
        lines = []
        for _, part in frame[frame["scale"] == scale].groupby("part"):
            px = (part["longitude"] * math.cos(lat0) + dx).round(4)
            py = (-part["latitude"] - ys.min() + pad).round(4)
            points = " ".join(f"{x},{y}" for x, y in zip(px, py, strict=True))
            lines.append(
                f'<polyline points="{points}" fill="none" stroke="{_OUTLINE_COLOURS[i % 4]}" '
                f'stroke-width="{width / 160:.4f}" stroke-linejoin="round"/>'
            )
        label_x, label_y = dx + xs.min() + width / 2, height + 2 * pad + 0.06 * width
        lines.append(
            f'<text x="{label_x:.4f}" y="{label_y:.4f}" font-size="{width / 14:.4f}" '
            f'text-anchor="middle" font-family="DejaVu Sans, sans-serif">1:{html.escape(scale)}</text>'
        )
        panels.append("".join(lines))
    total_w = len(scales) * (width + gap) - gap + 2 * pad
    total_h = height + 2 * pad + 0.12 * width
    return (
        f'<div class="data"><p class="caption">The shared border on the three maps (same scale)</p>'
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {total_w:.4f} {total_h:.4f}" role="img" '
        f'aria-label="the border line at three map scales">{"".join(panels)}</svg></div>'
    )


def _answer_box(spec: dict) -> str:
    lines = _BOX_LINES.get(spec["kind"], 2)
    return (
        f'<div class="box" style="height: {lines * 7.8 + 6:.1f}mm">'
        f'<div class="box-label">Your answer ({html.escape(spec["name"])})</div></div>'
    )


def paper_html(pack: Pack, config: dict) -> str:
    """The paper edition: the article with numbered paragraphs, then each exercise on its own
    page with the data it needs and a box for each answer."""
    paper = config["paper"]
    by_heading = {str(e["heading"]): e for e in paper.get("exercises", [])}
    article = pack.published.article  # type: ignore[union-attr]
    sections: list[list[str]] = [[]]
    kinds: list[str] = ["intro"]
    exercise: dict | None = None
    for source in pack.sources:
        for index, cell in enumerate(source.nb.cells):
            role = source.roles[index]
            if cell.cell_type != "markdown" or role in ("boundary", SOLUTION):
                continue
            text = for_medium(cell.source, "paper")
            heading = text.lstrip().split("\n", 1)[0] if text.lstrip().startswith("## ") else ""
            if heading:
                exercise = next((e for h, e in by_heading.items() if heading[3:].startswith(h)), None)
                sections.append([])
                kinds.append(
                    "exercise" if exercise else ("article" if "article" in heading.lower() else "plain")
                )
                title, _, rest = text.lstrip().partition("\n")
                sections[-1].append(f"<h2>{html.escape(title[3:].strip())}</h2>")
                if rest.strip():
                    sections[-1].append(_markdown(rest))
                if kinds[-1] == "article":
                    sections[-1].append(_article_html(article))
                if exercise:
                    sections[-1].append(_exercise_data(exercise, pack, article))
                continue
            question = source.prompt_of(index)
            is_discussion = text.lstrip().startswith("**Discuss")
            block = _markdown(text)
            if is_discussion:
                sections[-1].append(f'<div class="discuss">{block}</div>')
            elif question:
                spec = pack.specs[question.name]
                parts = [block]
                parts += [
                    _data_table(data, pack.tables, pack.published)  # type: ignore[arg-type]
                    for data in (exercise or {}).get("data", [])
                    if data.get("with_question") == question.name
                ]
                if question.on_paper:
                    accepted = accepted_text(spec, "paper")
                    parts.append(
                        f'<p class="accepted">{html.escape(accepted[:1].upper() + accepted[1:])}.</p>'
                    )
                    parts.append(_answer_box(spec))
                sections[-1].append(f'<div class="question">{"".join(parts)}</div>')
            else:
                sections[-1].append(block)
    body = []
    for kind, parts in zip(kinds, sections, strict=True):
        if kind == "intro":
            name_line = '<p class="name-line">Name <span></span> Class <span></span></p>'
            body.append(
                f'<section class="intro">{"".join(parts[:1])}{name_line}{"".join(parts[1:])}</section>'
            )
        else:
            body.append(f'<section class="{kind}">{"".join(parts)}</section>')
    return page(str(paper.get("title", "Paper edition")), "Paper edition", "\n".join(body), css=_PAPER_CSS)


def _article_html(article) -> str:  # noqa: ANN001
    parts = ['<div class="article">']
    if article.title:
        parts.append(f"<h3>{html.escape(article.title.clean)}</h3>")
    meta = article.metadata
    byline = ", ".join(str(x) for x in (meta.get("author"), meta.get("publisher"), article.published) if x)
    if byline:
        parts.append(f"<p><em>{html.escape(byline)}</em></p>")
    for number, paragraph in enumerate(article.paragraphs, start=1):
        parts.append(f'<p><span class="number">¶{number}</span>{html.escape(paragraph.clean)}</p>')
    parts.append("</div>")
    return "".join(parts)


def _exercise_data(exercise: dict, pack: Pack, article) -> str:  # noqa: ANN001
    parts = []
    if exercise.get("facts"):
        items = "".join(f"<li>{html.escape(str(f))}</li>" for f in exercise["facts"])
        parts.append(f'<div class="facts"><ul>{items}</ul></div>')
    for spec in exercise.get("data", []):
        if not spec.get("with_question"):
            parts.append(_data_table(spec, pack.tables, pack.published))  # type: ignore[arg-type]
    if exercise.get("calendar"):
        parts.append(_calendar(exercise["calendar"], article.published))
    if exercise.get("outline"):
        parts.append(_outline_svg(pack.tables[exercise["outline"]]))
    return "".join(parts)


def chromium_path() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


# A hang guard, not a speed limit: Playwright's default of 30 s is too short on a busy machine.
BROWSER_TIMEOUT_MS = 300_000


def print_pdf(html_path: Path, pdf_path: Path) -> bool:
    """Print an HTML page to an A4 PDF with Chromium (page.pdf); False when no Chromium runs."""
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError:
        return False
    executable = chromium_path()
    try:
        with sync_playwright() as p:
            options = {"executable_path": executable} if executable else {}
            browser = p.chromium.launch(args=CHROMIUM_FLAGS, timeout=BROWSER_TIMEOUT_MS, **options)
            try:
                tab = browser.new_page()
                tab.set_default_timeout(BROWSER_TIMEOUT_MS)
                tab.route(
                    "**/*",
                    lambda route: (
                        route.continue_() if route.request.url.startswith("file:") else route.abort()
                    ),
                )
                tab.goto(html_path.resolve().as_uri())
                tab.emulate_media(media="print")
                tab.pdf(path=str(pdf_path), format="A4", print_background=True, prefer_css_page_size=True)
            finally:
                browser.close()
    except PlaywrightError:
        return False
    return True


# --------------------------------------------------------------------------- the build


def build_classroom(out: Path | str = paths.REPORTS / "classroom", force: bool = False) -> Path:
    """Write the student pack (folder and zip), the teacher's edition and the paper edition
    into `out`. All appear at once, and nothing in `out` that the project did not write is
    touched; a failure leaves the previous editions as they were."""
    from spillover.publish import OutputFolder

    config = load_config()
    guide = guide_html()
    name = str(config["pack"].get("name", "student-pack"))
    archive = f"{name}.zip"
    with OutputFolder(out, (STUDENT, TEACHER, PAPER, archive), force=force) as folder:
        staging = folder.staging
        pack = build_pack(staging / STUDENT, config)
        _require_student_runs(pack, staging)
        zip_folder(pack.folder, staging / archive, name)
        _teacher_edition(pack, staging / TEACHER, guide)
        _paper_edition(pack, config, staging / PAPER)
        folder.publish_versioned()
    return folder.out


def _require_student_runs(pack: Pack, staging: Path) -> None:
    """The student notebook as shipped runs top to bottom in a copy of the pack and every
    self-check says "not yet answered"."""
    scratch = Path(tempfile.mkdtemp(prefix=".student-run-", dir=staging))
    try:
        folder = _copy_pack(pack.folder, scratch / "pack")
        for source in pack.sources:
            nb = nbformat.read(folder / source.path.name, as_version=4)
            ran = execute(nb, folder, f"student edition of {source.path.name}")
            statuses = {status for _, status in check_results(ran)}
            if statuses != {exercises.NOT_ANSWERED}:
                raise SpilloverError(
                    f"student edition of {source.path.name}: self-checks say {sorted(statuses)}, "
                    "expected only 'not yet answered'"
                )
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _teacher_edition(pack: Pack, folder: Path, guide: str) -> None:
    _copy_pack(pack.folder, folder)
    for source in pack.sources:
        nb = edition(source, TEACHER, pack.specs)
        (folder / source.path.name).unlink()
        ran = execute(nb, folder, f"teacher edition of {source.path.name}")
        _require_all_correct(ran, source)
        nbformat.write(ran, folder / source.path.name)
        (folder / f"{source.path.stem}.html").write_text(handout(ran, "Teacher edition"), encoding="utf-8")
    (folder / GUIDE_HTML).write_text(guide, encoding="utf-8")


def _require_all_correct(nb: nbformat.NotebookNode, source: Source) -> None:
    """The teacher's answers must pass their own checks; otherwise the source is wrong."""
    messages = check_messages(nb)
    wanted = [q.name for q in source.questions]
    if sorted(messages) != sorted(wanted):
        raise SpilloverError(
            f"teacher edition of {source.path.name}: self-checks missing for "
            f"{', '.join(sorted(set(wanted) - set(messages)))}"
        )
    failing = [
        f"{name} ({message})"
        for name, message in messages.items()
        if not (
            message == exercises.CORRECT
            or (message.startswith(exercises.ANSWERED) and "check that" not in message)
        )
    ]
    if failing:
        raise SpilloverError(
            f"teacher edition of {source.path.name}: self-checks not correct: {', '.join(failing)}"
        )


def _paper_edition(pack: Pack, config: dict, folder: Path) -> None:
    folder.mkdir()
    stem = f"{pack.sources[0].path.stem}-paper"
    page_html = folder / f"{stem}.html"
    page_html.write_text(paper_html(pack, config), encoding="utf-8")
    if not print_pdf(page_html, folder / f"{stem}.pdf"):
        print(
            "spillover: no Chromium found to print the paper edition as PDF; print "
            f"{page_html.name} from a browser (A4, backgrounds on) instead",
            file=sys.stderr,
        )


# --------------------------------------------------------------------------- make lab


def install_kernel(prefix: Path | str = sys.prefix) -> Path:
    """The "Spillover" kernel (this Python) for JupyterLab: PREFIX/share/jupyter/kernels/."""
    folder = Path(prefix) / "share" / "jupyter" / "kernels" / KERNEL_NAME
    folder.mkdir(parents=True, exist_ok=True)
    spec = {
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": KERNEL_DISPLAY,
        "language": "python",
        "metadata": {"debugger": True},
    }
    (folder / "kernel.json").write_text(json.dumps(spec, indent=1) + "\n", encoding="utf-8")
    return folder


def start_work(work: Path = WORK, built: Path = paths.REPORTS / "classroom" / STUDENT) -> str:
    """Copy the student pack into the students' work folder once; never over their work."""
    if work.exists():
        return f"your work is in {work} (kept as it is; delete the folder to start again)"
    if not built.is_dir():
        return f"no student pack yet: run `make classroom` first, then `make lab` again to get {work.name}/"
    shutil.copytree(built, work, symlinks=False)
    return f"copied the student pack to {work}: open it in JupyterLab and work there"


def main(argv: list[str] | None = None) -> int:
    """`python -m spillover.classroom lab`: the kernel and the work folder, for `make lab`."""
    argv = sys.argv[1:] if argv is None else argv
    if argv != ["lab"]:
        print("usage: python -m spillover.classroom lab", file=sys.stderr)
        return 2
    install_kernel()
    print(f"spillover: {start_work()}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
