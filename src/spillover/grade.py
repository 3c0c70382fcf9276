"""`spillover grade`: mark collected student notebooks against the hidden checks.

Each submission runs top to bottom in a real kernel (nbclient; errors are recorded and the
run goes on, a cell stopped after CELL_TIMEOUT seconds) in its own copy of the student pack,
so it reads exactly the data the student had. A last cell, added by the grader, hands the
answer variables to the pack's own ``selfcheck`` (a fresh import of the packed file, not the
student's), which normalises them; the grader then compares them with the *hidden* key: the
plain accepted values computed by the source notebook's solutions from the same data (the
student's checks.json only holds salted hashes of them).

Written to ``--out`` (a manifest-owned folder, published in one rename):

- ``marks.csv``: student, question, points, max_points, status; one row per question.
  Statuses: correct, partial (some items of a dict right: points in proportion), incorrect,
  unanswered (still ``...``), missing (no such variable: cell deleted, or the notebook stopped
  before it), to read (a written answer: points left empty for the teacher);
- ``feedback/<student>.md``: the student's marks, each answer as given, with the hint;
- ``to-read.md``: every written answer, by question, for marking by hand.

The student's code runs with the teacher's rights, as with otter-grader or nbgrader without
a container: grade on a machine or account that holds nothing precious.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from spillover import classroom, exercises
from spillover.errors import InputError

CELL_TIMEOUT = 120
MARKS, FEEDBACK, TO_READ = "marks.csv", "feedback", "to-read.md"
ENTRIES = (MARKS, FEEDBACK, TO_READ)
CORRECT, PARTIAL, INCORRECT = "correct", "partial", "incorrect"
UNANSWERED, MISSING, TO_READ_STATUS = "unanswered", "missing", "to read"
COLUMNS = ["student", "question", "points", "max_points", "status"]
_SAFE_NAME = re.compile(r"[^\w.-]+")


@dataclass
class Submission:
    student: str
    path: Path


@dataclass
class Mark:
    student: str
    question: str
    points: float | None  # None: to read by the teacher
    max_points: float
    status: str
    message: str = ""
    shown: str = ""
    text: str = ""


@dataclass
class Run:
    """What running one submission gave: the exported answers, and notes on what went wrong."""

    answers: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- submissions


def find_submissions(items: Sequence[Path | str], source_stems: set[str]) -> list[Submission]:
    """The notebooks named (folders searched for *.ipynb), each with its student's name: the
    file's stem, or its folder's name when the file kept the pack's notebook name."""
    found: list[Path] = []
    for item in map(Path, items):
        if item.is_dir():
            found += sorted(
                p
                for p in item.rglob("*.ipynb")
                if not any(part.startswith(".") for part in p.relative_to(item).parts)
            )
        elif item.is_file():
            found.append(item)
        else:
            raise InputError(f"submission {item} not found")
    if not found:
        raise InputError("no notebooks (*.ipynb) among the submissions given")
    submissions = []
    for path in found:
        name = path.parent.resolve().name if path.stem in source_stems else path.stem
        submissions.append(Submission(_SAFE_NAME.sub("-", name).strip("-") or "student", path))
    seen: dict[str, Path] = {}
    for s in submissions:
        if s.student in seen:
            raise InputError(
                f"two submissions for student {s.student!r} ({seen[s.student]} and {s.path}); "
                "name each notebook after its student, or put each in a folder named after them"
            )
        seen[s.student] = s.path
    return submissions


def _source_of(nb: nbformat.NotebookNode, pack: classroom.Pack) -> classroom.Source:
    named = nb.metadata.get("spillover", {}).get("classroom", {}).get("source")
    for source in pack.sources:
        if source.path.name == named:
            return source
    if len(pack.sources) == 1:
        return pack.sources[0]
    raise InputError(f"cannot tell which exercise notebook this is (metadata source {named!r})")


# --------------------------------------------------------------------------- running


def run_submission(
    nb: nbformat.NotebookNode, source: classroom.Source, pack: classroom.Pack, scratch: Path
) -> Run:
    """Run one notebook in a fresh copy of the pack; the exported answers."""
    from nbclient import NotebookClient
    from nbclient.exceptions import DeadKernelError

    from spillover.render import KERNEL, KERNEL_ARGUMENTS, KERNEL_SHUTDOWN

    folder = shutil.copytree(pack.folder, Path(tempfile.mkdtemp(prefix="run-", dir=scratch)) / "pack")
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    out = folder / ".answers.json"
    nb.cells.append(classroom.export_cell(classroom.answer_variables(source), out, folder))
    run = Run()
    client = NotebookClient(
        nb,
        timeout=CELL_TIMEOUT,
        kernel_name=KERNEL,
        allow_errors=True,
        interrupt_on_timeout=True,
        resources={"metadata": {"path": str(folder)}},
        extra_arguments=KERNEL_ARGUMENTS,
        shutdown_kernel=KERNEL_SHUTDOWN,
    )
    try:
        client.execute()
    except DeadKernelError:
        run.notes.append("the kernel died while running the notebook (too much memory, or exit())")
    except Exception as error:  # noqa: BLE001 - whatever the student's notebook does, grading goes on
        run.notes.append(f"the notebook could not be run to the end: {type(error).__name__}: {error}")
    for number, cell in enumerate(nb.cells[:-1], start=1):
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            if output.get("output_type") == "error":
                run.notes.append(
                    f"cell {number} raised {output.get('ename')}: {output.get('evalue', '')}"[:300]
                )
    if out.is_file():
        run.answers = json.loads(out.read_text(encoding="utf-8"))
    else:
        run.notes.append("the grader could not read the answers (the last cell did not run)")
    return run


# --------------------------------------------------------------------------- marking


def mark_answers(student: str, source: classroom.Source, pack: classroom.Pack, answers: dict) -> list[Mark]:
    marks = []
    for q in source.questions:
        spec = pack.specs[q.name]
        points = float(spec["points"])
        entry = answers.get(q.name, {"state": "missing"})
        state = entry.get("state")
        shown, text = entry.get("shown") or "", entry.get("text") or ""
        if state == "missing":
            marks.append(
                Mark(
                    student,
                    q.name,
                    0.0,
                    points,
                    MISSING,
                    f"no variable {q.name} in the notebook: was its cell deleted, or did the "
                    "notebook stop before it?",
                )
            )
            continue
        if state == "unanswered":
            marks.append(Mark(student, q.name, 0.0, points, UNANSWERED, "not answered", shown))
            continue
        if state == "problem" and spec["kind"] == "text" and text:  # the teacher decides
            marks.append(
                Mark(
                    student,
                    q.name,
                    None,
                    points,
                    TO_READ_STATUS,
                    f"to be read; flagged: {entry.get('problem', '')}",
                    shown,
                    text,
                )
            )
            continue
        if state == "problem":
            marks.append(Mark(student, q.name, 0.0, points, INCORRECT, entry.get("problem", ""), shown))
            continue
        result, message, share = exercises.judge_normalised(spec, pack.plain_key(q.name), entry["value"])
        if result == exercises.ANSWERED:
            missing = exercises.aspects_missing(spec, text)
            note = "; does not say " + " and ".join(missing) if missing else ""
            marks.append(
                Mark(student, q.name, None, points, TO_READ_STATUS, f"to be read{note}", shown, text)
            )
        elif result == exercises.CORRECT:
            marks.append(Mark(student, q.name, points, points, CORRECT, "", shown))
        else:
            if spec["kind"] == "number" and "fraction" not in message:
                expected = pack.expected[q.name][0]
                direction = "too high" if entry["value"] > expected else "too low"
                message = f"{direction}; {message}"
            status = PARTIAL if share > 0 else INCORRECT
            marks.append(Mark(student, q.name, round(points * share, 2), points, status, message, shown))
    return marks


def _missing_notebook(student: str, source: classroom.Source, pack: classroom.Pack, why: str) -> list[Mark]:
    return [
        Mark(student, q.name, 0.0, float(pack.specs[q.name]["points"]), MISSING, why)
        for q in source.questions
    ]


# --------------------------------------------------------------------------- writing


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:g}"


def marks_csv(marks: list[Mark]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for m in marks:
        writer.writerow([m.student, m.question, _number(m.points), _number(m.max_points), m.status])
    return buffer.getvalue()


def _quote(text: str) -> str:
    return "\n".join(f"> {line}" if line.strip() else ">" for line in text.strip().splitlines())


def feedback_md(student: str, path: Path, marks: list[Mark], notes: list[str]) -> str:
    automatic = [m for m in marks if m.points is not None]
    scored = sum(m.points for m in automatic if m.points is not None)
    possible = sum(m.max_points for m in automatic)
    to_read = sum(m.max_points for m in marks if m.points is None)
    lines = [
        f"# Feedback for {student}",
        "",
        f"Notebook: `{path.name}`. Marked automatically: **{scored:g} of {possible:g} points**"
        + (f"; {to_read:g} more points for written answers, which your teacher reads." if to_read else "."),
        "",
        "| question | points | status |",
        "|---|---|---|",
    ]
    for m in marks:
        got = "to read" if m.points is None else f"{m.points:g}"
        lines.append(f"| {m.question} | {got} / {m.max_points:g} | {m.status} |")
    if notes:
        lines += ["", "## When your notebook ran", ""] + [f"- {note}" for note in notes]
    for m in marks:
        lines += ["", f"## {m.question}: {m.status}", ""]
        if m.text:
            lines += ["Your answer:", "", _quote(m.text), ""]
        elif "\n" in m.shown or "`" in m.shown:
            lines += ["Your answer:", "", "~~~", m.shown.replace("~~~", "~ ~ ~"), "~~~", ""]
        elif m.shown:
            lines += [f"Your answer: `{m.shown}`", ""]
        if m.message:
            lines.append(m.message[:1].upper() + m.message[1:] + ("" if m.message[-1] in ".?!" else "."))
    return "\n".join(lines).rstrip() + "\n"


def to_read_md(marks: list[Mark], sources: list[classroom.Source]) -> str:
    lines = [
        "# Written answers to read",
        "",
        "Each written answer, by question; give the points in marks.csv (column points).",
        "",
    ]
    for source in sources:
        for q in source.questions:
            if q.spec["kind"] != "text":
                continue
            lines += [
                f"## {q.name} ({q.spec['points']:g} points)",
                "",
                f"*Hint given:* {q.spec.get('hint', '')}",
                "",
            ]
            for m in marks:
                if m.question != q.name:
                    continue
                lines.append(f"### {m.student}: {m.status}")
                lines.append("")
                lines.append(_quote(m.text) if m.text else f"({m.message or m.status})")
                if m.text and m.message != "to be read":
                    lines += ["", f"*Note:* {m.message}"]
                lines += ["", "Points: ___", ""]
    return "\n".join(lines).rstrip() + "\n"


# --------------------------------------------------------------------------- the command


def grade(
    submissions: Sequence[Path | str], out: Path | str, pack: Path | str | None = None, force: bool = False
) -> Path:
    """Mark the submissions; marks.csv, feedback/ and to-read.md in `out`."""
    from spillover.publish import OutputFolder

    stems = {p.stem for p in classroom.source_notebooks()}
    found = find_submissions(submissions, stems)
    if pack is not None and not Path(pack).is_file():
        raise InputError(f"student pack {pack} not found; give the .zip that `spillover classroom` wrote")
    with OutputFolder(out, ENTRIES, force=force) as folder:
        scratch = Path(tempfile.mkdtemp(prefix="staging-grading-", dir=folder.staging.parent))
        try:
            if pack is not None:
                the_pack = classroom.open_pack(classroom.unzip_pack(Path(pack), scratch / "pack"))
            else:
                the_pack = classroom.build_pack(scratch / "built" / "pack")
            marks: list[Mark] = []
            feedback = folder.staging / FEEDBACK
            feedback.mkdir()
            for submission in found:
                print(f"spillover: grading {submission.path}", file=sys.stderr, flush=True)
                marks_of, notes = _grade_one(submission, the_pack, scratch)
                marks += marks_of
                text = feedback_md(submission.student, submission.path, marks_of, notes)
                (feedback / f"{submission.student}.md").write_text(text, encoding="utf-8")
            (folder.staging / MARKS).write_text(marks_csv(marks), encoding="utf-8")
            (folder.staging / TO_READ).write_text(to_read_md(marks, the_pack.sources), encoding="utf-8")
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        folder.publish_versioned()
    return folder.out


def _grade_one(submission: Submission, pack: classroom.Pack, scratch: Path) -> tuple[list[Mark], list[str]]:
    try:
        nb = nbformat.read(submission.path, as_version=4)
    except Exception as error:  # noqa: BLE001 - a broken file is marked, not fatal
        why = f"the notebook could not be read ({type(error).__name__}); hand in the .ipynb file itself"
        return _missing_notebook(submission.student, pack.sources[0], pack, why), [why]
    source = _source_of(nb, pack)
    run = run_submission(nb, source, pack, scratch)
    return mark_answers(submission.student, source, pack, run.answers), run.notes
