"""`spillover grade`: three notebooks of our own (all right, some wrong, empty) get the marks
we expect, through the command line, with the pack the students had."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from spillover import classroom, exercises, grade, paths
from spillover.errors import InputError

QUESTIONS = [
    "border_miles",
    "border_804",
    "reservists_per_base_soldier",
    "base_soldiers_per_fled_soldier",
    "reservists_share_percent",
    "last_monday_week_before",
    "last_monday_most_recent",
    "last_wednesday",
    "measured_km",
    "shortfall_10m_percent",
    "why_scales_differ",
    "sentence_kinds",
    "attributions",
    "reservists_share_later",
    "remittances_verdict_later",
    "what_changed",
]
POINTS = {q: 1 for q in QUESTIONS} | {
    "measured_km": 2,
    "why_scales_differ": 2,
    "sentence_kinds": 2,
    "attributions": 3,
    "what_changed": 2,
}


# --------------------------------------------------------------------------- three notebooks


@pytest.fixture(scope="module")
def handed_out(tmp_path_factory) -> tuple[Path, classroom.Pack]:
    """The student pack as handed out (zip), and the teacher's key of it."""
    folder = tmp_path_factory.mktemp("pack")
    pack = classroom.build_pack(folder / "spillover-student-pack")
    archive = classroom.zip_folder(
        pack.folder, folder / "spillover-student-pack.zip", "spillover-student-pack"
    )
    return archive, pack


def _fill(student: nbformat.NotebookNode, source: classroom.Source, answers: dict[str, str]):
    """The student notebook with some answer cells written (by the cell id of the source)."""
    nb = nbformat.from_dict(json.loads(json.dumps(student)))
    by_id = {source.nb.cells[q.answer_cell].id: q.name for q in source.questions}
    for cell in nb.cells:
        name = by_id.get(cell.get("id"))
        if name in answers:
            cell.source = answers[name]
    return nb


@pytest.fixture(scope="module")
def submissions(handed_out, tmp_path_factory) -> Path:
    _, pack = handed_out
    (source,) = pack.sources
    student = nbformat.read(pack.folder / source.path.name, as_version=4)
    solutions = {
        q.name: classroom.teacher_code(source.nb.cells[q.answer_cell].source) for q in source.questions
    }
    folder = tmp_path_factory.mktemp("collected")
    nbformat.write(_fill(student, source, solutions), folder / "ada.ipynb")
    wrong = solutions | {
        "border_miles": 'border_miles = "1,037 km"',  # text: 0, and the next cell fails (no by_id)
        "reservists_share_percent": solutions["reservists_share_percent"].replace("100 * ", ""),  # a fraction
        "last_wednesday": 'last_wednesday = "7 July"',
        "measured_km": solutions["measured_km"] + '\nmeasured_km = measured_km | {"110m": 500}',
        "why_scales_differ": (
            "why_scales_differ = 'say what a less detailed map does to the border line, and why a "
            "winding line measures longer in more detail'"
        ),
        "attributions": solutions["attributions"].replace('"numerous reports, not named"', '"the BBC"'),
        "remittances_verdict_later": 'remittances_verdict_later = "consistent"',
        "what_changed": 'what_changed = "The population changed."',
    }
    nbformat.write(_fill(student, source, wrong), folder / "bob.ipynb")
    (folder / "cy").mkdir()  # handed in as it was shipped, in a folder named after the student
    nbformat.write(student, folder / "cy" / source.path.name)
    return folder


@pytest.fixture(scope="module")
def graded(handed_out, submissions, tmp_path_factory) -> Path:
    archive, _ = handed_out
    out = tmp_path_factory.mktemp("marks") / "marks"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "spillover.cli",
            "grade",
            str(submissions),
            "--out",
            str(out),
            "--pack",
            str(archive),
        ],
        capture_output=True,
        text=True,
        cwd=paths.ROOT,
        timeout=900,
    )
    assert result.returncode == 0, result.stderr
    assert "marks written to" in result.stderr
    return out


def marks(out: Path) -> dict[tuple[str, str], dict]:
    rows = list(csv.DictReader(io.StringIO((out / grade.MARKS).read_text(encoding="utf-8"))))
    assert list(rows[0]) == ["student", "question", "points", "max_points", "status"]
    return {(r["student"], r["question"]): r for r in rows}


# --------------------------------------------------------------------------- the marks


@pytest.mark.slow
def test_all_right(graded):
    table = marks(graded)
    for q in QUESTIONS:
        row = table[("ada", q)]
        assert row["max_points"] == f"{POINTS[q]:g}"
        if q in ("why_scales_differ", "what_changed"):
            assert (row["status"], row["points"]) == ("to read", ""), q  # never "correct" by keyword
        else:
            assert (row["status"], row["points"]) == ("correct", f"{POINTS[q]:g}"), q


@pytest.mark.slow
def test_some_wrong(graded):
    table = marks(graded)
    expected = {
        "border_miles": ("incorrect", "0"),
        "border_804": ("missing", "0"),  # its cell failed: by_id came from the cell replaced
        "reservists_per_base_soldier": ("correct", "1"),
        "base_soldiers_per_fled_soldier": ("correct", "1"),
        "reservists_share_percent": ("incorrect", "0"),
        "last_monday_week_before": ("correct", "1"),
        "last_monday_most_recent": ("correct", "1"),
        "last_wednesday": ("incorrect", "0"),
        "measured_km": ("partial", "1.33"),  # 2 of 3 lengths
        "shortfall_10m_percent": ("correct", "1"),
        "why_scales_differ": ("to read", ""),  # the hint pasted back: flagged, for the teacher
        "sentence_kinds": ("correct", "2"),
        "attributions": ("partial", "2.5"),  # 5 of 6: not the BBC
        "reservists_share_later": ("correct", "1"),
        "remittances_verdict_later": ("incorrect", "0"),
        "what_changed": ("to read", ""),
    }
    assert {q: (table[("bob", q)]["status"], table[("bob", q)]["points"]) for q in QUESTIONS} == expected
    feedback = (graded / grade.FEEDBACK / "bob.md").read_text(encoding="utf-8")
    assert "cell" in feedback and "NameError" in feedback
    assert "'1,037 km' is text with a comma" in feedback
    assert "fraction" in feedback and "'YYYY-MM-DD'" in feedback
    assert "only for what became of the soldiers" in feedback
    assert "repeats the question or the hint" in feedback
    assert "Marked automatically: **11.83 of 18 points**" in feedback


@pytest.mark.slow
def test_empty(graded):
    table = marks(graded)
    assert {table[("cy", q)]["status"] for q in QUESTIONS} == {"unanswered"}
    assert {table[("cy", q)]["points"] for q in QUESTIONS} == {"0"}
    assert sorted(p.name for p in (graded / grade.FEEDBACK).iterdir()) == ["ada.md", "bob.md", "cy.md"]


@pytest.mark.slow
def test_written_answers_go_to_the_teacher(graded):
    to_read = (graded / grade.TO_READ).read_text(encoding="utf-8")
    assert "## why_scales_differ (2 points)" in to_read and "## what_changed (2 points)" in to_read
    assert to_read.count("### ada: to read") == 2
    assert "flagged: that repeats the question or the hint" in to_read
    assert "> The population changed." in to_read
    assert to_read.count("Points: ___") == 6
    assert "flagged: write a little more" in to_read
    assert sorted(p.name for p in graded.iterdir()) == [".spillover", "feedback", "marks.csv", "to-read.md"]


# --------------------------------------------------------------------------- errors


def test_submissions_are_named_by_file_or_folder(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "spillover-exercises.ipynb").write_text("{}")
    (tmp_path / "zoe.ipynb").write_text("{}")
    (tmp_path / ".ipynb_checkpoints").mkdir()
    (tmp_path / ".ipynb_checkpoints" / "zoe-checkpoint.ipynb").write_text("{}")
    found = grade.find_submissions([tmp_path], {"spillover-exercises"})
    assert sorted(s.student for s in found) == ["a", "zoe"]
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "zoe.ipynb").write_text("{}")
    with pytest.raises(InputError, match="two submissions for student 'zoe'"):
        grade.find_submissions([tmp_path], {"spillover-exercises"})
    with pytest.raises(InputError, match="not found"):
        grade.find_submissions([tmp_path / "nobody.ipynb"], set())
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="no notebooks"):
        grade.find_submissions([tmp_path / "empty"], set())


def test_a_missing_or_foreign_pack_is_refused(tmp_path, run_cli):
    notebook = tmp_path / "x.ipynb"
    nbformat.write(nbformat.v4.new_notebook(), notebook)
    result = run_cli("grade", notebook, "--out", tmp_path / "out", "--pack", tmp_path / "nothing.zip")
    assert result.returncode == 2 and "not found" in result.stderr
    folder = tmp_path / "pack"
    folder.mkdir()
    (folder / exercises.CHECKS_FILE).write_text(json.dumps({"source": "another"}))
    with pytest.raises(InputError, match="built from other exercises"):
        classroom.open_pack(folder)


@pytest.mark.slow
def test_an_unreadable_notebook_is_marked_missing(handed_out, tmp_path):
    _, pack = handed_out
    broken = tmp_path / "dan.ipynb"
    broken.write_text("this is not a notebook")
    marks_of, notes = grade._grade_one(grade.Submission("dan", broken), pack, tmp_path)
    assert {m.status for m in marks_of} == {"missing"} and "could not be read" in notes[0]
    assert len(marks_of) == len(QUESTIONS)


def test_the_marks_table_and_feedback_format():
    rows = [
        grade.Mark("ada", "q1", 1.0, 1.0, "correct"),
        grade.Mark("ada", "q2", None, 2.0, "to read", "to be read", text="My words."),
        grade.Mark("ada", "q3", 0.5, 1.5, "partial", "1 of 3 labels differ", shown="{1: 'a'}"),
    ]
    assert grade.marks_csv(rows) == (
        "student,question,points,max_points,status\n"
        "ada,q1,1,1,correct\nada,q2,,2,to read\nada,q3,0.5,1.5,partial\n"
    )
    text = grade.feedback_md("ada", Path("ada.ipynb"), rows, ["cell 3 raised KeyError: 'x'"])
    assert "**1.5 of 2.5 points**; 2 more points for written answers" in text
    assert "| q2 | to read / 2 | to read |" in text and "> My words." in text
    assert "- cell 3 raised KeyError: 'x'" in text
