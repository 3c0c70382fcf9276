"""The classroom editions and the exercises' self-checks.

The editions are built once into a temporary folder; the student edition is judged by its
content (no solution code, no computed answer anywhere in its notebook or handout), not by
file names.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from pathlib import Path

import nbformat
import papermill
import pytest

from spillover import classroom, exercises
from spillover.errors import InputError, SpilloverError

CHECK = re.compile(r"^(\w+): (correct|not yet right|not yet answered)", re.MULTILINE)
URL_ATTRIBUTE = re.compile(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", re.IGNORECASE)


# --------------------------------------------------------------------------- helpers


def notebook_text(nb: nbformat.NotebookNode) -> str:
    """Every cell source and every output (all MIME types) of a notebook, as one text."""
    parts = []
    for cell in nb.cells:
        parts.append(cell.source)
        for output in cell.get("outputs", []):
            parts.append(output.get("text", ""))
            parts.extend(
                json.dumps(v) if not isinstance(v, str) else v for v in output.get("data", {}).values()
            )
            parts.append(output.get("evalue", ""))
    return "\n".join(parts)


def check_lines(nb: nbformat.NotebookNode) -> list[tuple[str, str]]:
    found = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream":
                found.extend(CHECK.findall(output["text"]))
    return found


def mentions(text: str, answer: str) -> bool:
    """`answer` in `text` as a whole number or word (so 940 is not found in 1940 or 0.940)."""
    return re.search(rf"(?<![\w.,]){re.escape(answer)}(?![\d])", text) is not None


def answer_strings() -> list[str]:
    """The computed answers as a reader would see them printed."""
    data = exercises._default_data()
    e = {name: ex.expected(data) for name, ex in exercises.EXERCISES.items()}
    strings = [f"{e['border_miles']:.1f}", f"{e['border_miles']:.0f}"]
    strings += sorted(e["border_804"] - set(exercises.ARTICLE_COUNTRIES))
    strings += [f"{e['reservists_per_base_soldier']:.2f}", f"{e['base_soldiers_per_fled_soldier']:.2f}"]
    strings += [f"{e['reservists_share_percent']:.3f}", f"{e['reservists_share_later']:.3f}"]
    for name in ("last_monday_week_before", "last_monday_most_recent", "last_wednesday"):
        strings += [day.isoformat() for day in e[name]]
    strings += [f"{km:,.0f}" for km in e["measured_km"].values()]
    strings += [f"{e['shortfall_10m_percent']:.1f}"]
    return sorted(set(strings))


# --------------------------------------------------------------------------- the editions


@pytest.fixture(scope="module")
def editions(tmp_path_factory) -> Path:
    return classroom.build_classroom(tmp_path_factory.mktemp("editions") / "classroom")


@pytest.fixture(scope="module")
def student_runs(editions, tmp_path_factory) -> dict[str, nbformat.NotebookNode]:
    """Each student notebook as shipped, executed top to bottom from an unrelated folder."""
    elsewhere = tmp_path_factory.mktemp("a-student-folder")
    runs = {}
    for path in sorted((editions / "student").glob("*.ipynb")):
        out = elsewhere / path.name
        papermill.execute_notebook(
            str(path), str(out), kernel_name="python3", cwd=str(elsewhere), progress_bar=False
        )
        runs[path.name] = nbformat.read(out, as_version=4)
    return runs


def read(folder: Path, suffix: str) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.glob(f"*{suffix}"))}


@pytest.mark.slow
def test_both_editions_have_the_same_file_names(editions):
    student = {p.name for p in (editions / "student").iterdir()}
    teacher = {p.name for p in (editions / "teacher").iterdir()}
    assert student == teacher - {classroom.GUIDE_HTML}
    assert classroom.GUIDE_HTML in teacher
    for source in classroom.source_notebooks():
        assert {source.name, f"{source.stem}.html"} <= student
    assert sorted(p.name for p in editions.iterdir()) == [".spillover", "student", "teacher"]
    assert list(editions.glob(".spillover/staging-*")) == [], "scratch left behind"


@pytest.mark.slow
def test_teacher_edition_passes_every_self_check(editions):
    checked = []
    for path in sorted((editions / "teacher").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        results = check_lines(nb)
        assert results, f"{path.name} printed no self-check"
        assert all(status == "correct" for _, status in results), results
        assert not [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
        checked += [name for name, _ in results]
    assert set(checked) == set(exercises.EXERCISES), "every exercise is checked in the teacher edition"
    for name, page in read(editions / "teacher", ".html").items():
        if name != classroom.GUIDE_HTML:
            statuses = {status for _, status in CHECK.findall(re.sub(r"<[^>]+>", "\n", page))}
            assert statuses == {"correct"}, name


@pytest.mark.slow
def test_student_edition_runs_and_reports_not_yet_answered(editions, student_runs):
    for name, nb in student_runs.items():
        results = check_lines(nb)
        assert results
        assert {status for _, status in results} == {"not yet answered"}, results
        teacher = nbformat.read(editions / "teacher" / name, as_version=4)
        assert [n for n, _ in results] == [n for n, _ in check_lines(teacher)]
    for page in read(editions / "student", ".html").values():
        statuses = {status for _, status in CHECK.findall(re.sub(r"<[^>]+>", "\n", page))}
        assert statuses == {"not yet answered"}


@pytest.mark.slow
def test_student_notebook_ships_clean(editions):
    for path in sorted((editions / "student").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        assert all(not cell.get("outputs") for cell in nb.cells if cell.cell_type == "code")
        assert not [c for c in nb.cells if classroom.SOLUTION in c.metadata.get("tags", [])]


@pytest.mark.slow
def test_student_edition_holds_no_solution_or_answer(editions, student_runs):
    student_texts = {f"{name} (run)": notebook_text(nb) for name, nb in student_runs.items()}
    for path in sorted((editions / "student").glob("*.ipynb")):
        student_texts[path.name] = notebook_text(nbformat.read(path, as_version=4))
    for name, page in read(editions / "student", ".html").items():
        student_texts[name] = page
        student_texts[f"{name} (as text)"] = html.unescape(re.sub(r"<[^>]+>", "", page))
    teacher_text = "\n".join(read(editions / "teacher", ".html").values())

    solution_lines = set()
    for source in classroom.source_notebooks():
        nb = nbformat.read(source, as_version=4)
        solutions = [c for c in nb.cells if classroom.SOLUTION in c.metadata.get("tags", [])]
        assert solutions, f"{source.name} has no solution cells"
        others = "\n".join(c.source for c in nb.cells if c not in solutions)
        solution_lines |= {
            line.strip()
            for c in solutions
            for line in c.source.splitlines()
            if len(line.strip()) >= 12 and line.strip() not in others
        }
    assert solution_lines
    answers = answer_strings()
    for answer in answers:  # the test would see them: the teacher's handout shows every one
        assert mentions(teacher_text, answer), f"answer {answer!r} missing from the teacher handout"
    for name, text in student_texts.items():
        leaked = [line for line in solution_lines if line in text]
        assert not leaked, f"solution code in student {name}: {leaked[:3]}"
        shown = [answer for answer in answers if mentions(text, answer)]
        assert not shown, f"answers in student {name}: {shown}"


@pytest.mark.slow
def test_handouts_load_nothing_from_the_network(editions):
    for folder in ("student", "teacher"):
        for name, page in read(editions / folder, ".html").items():
            assert not URL_ATTRIBUTE.search(page), f"{folder}/{name} references a URL"
            assert "<script" not in page.lower() and "<link" not in page.lower()
            assert "@import" not in page and "url(" not in page
            assert "Content-Security-Policy" in page


@pytest.mark.slow
def test_teacher_guide_is_rendered_and_agrees_with_the_data(editions):
    page = (editions / "teacher" / classroom.GUIDE_HTML).read_text(encoding="utf-8")
    assert re.search(r"<h2[^>]*>Learning goals", page) and "<table" in page
    guide = classroom.GUIDE.read_text(encoding="utf-8")
    for heading in ("Learning goals", "Timings", "Answers", "Discussion questions", "note on the source"):
        assert heading in guide
    for answer in answer_strings():
        assert mentions(guide, answer), f"the guide does not give {answer!r}"


# --------------------------------------------------------------------------- build errors


def test_out_that_is_a_file_is_an_input_error(tmp_path):
    target = tmp_path / "taken"
    target.write_text("x")
    with pytest.raises(InputError, match="is a file"):
        classroom.build_classroom(target)
    with pytest.raises(InputError):
        classroom.build_classroom(target / "sub")


def test_a_failed_build_leaves_the_previous_editions(tmp_path, monkeypatch):
    from spillover.publish import OutputFolder

    out = tmp_path / "classroom"
    with OutputFolder(out, ("student", "teacher")) as previous:  # editions of an earlier build
        for folder in ("student", "teacher"):
            (previous.staging / folder).mkdir()
            (previous.staging / folder / "old.html").write_text("previous edition")
        previous.publish_versioned()

    def broken(nb, workdir, label):
        raise SpilloverError(f"{label} failed in cell 3: ZeroDivisionError")

    monkeypatch.setattr(classroom, "execute", broken)
    with pytest.raises(SpilloverError, match="failed in cell 3"):
        classroom.build_classroom(out)
    assert sorted(p.name for p in out.iterdir()) == [".spillover", "student", "teacher"]
    for folder in ("student", "teacher"):
        assert [p.name for p in (out / folder).iterdir()] == ["old.html"]
    assert list(out.glob(".spillover/staging-*")) == []


def test_editions_are_made_by_tags():
    source = nbformat.read(classroom.source_notebooks()[0], as_version=4)
    tags = [set(c.metadata.get("tags", [])) for c in source.cells]
    student = classroom.edition(source, classroom.STUDENT)
    teacher = classroom.edition(source, classroom.TEACHER)
    assert len(student.cells) == sum(classroom.SOLUTION not in t for t in tags)
    assert len(teacher.cells) == sum(classroom.STUB not in t for t in tags)
    assert sum(classroom.STUB in c.metadata.get("tags", []) for c in student.cells) >= 6
    with pytest.raises(InputError):
        classroom.edition(source, "parent")


# --------------------------------------------------------------------------- exercises.check


@pytest.fixture(scope="module")
def expected():
    data = exercises._default_data()
    return {name: ex.expected(data) for name, ex in exercises.EXERCISES.items()}


def test_check_right_answer(expected, capsys):
    exercises.check("border_miles", expected["border_miles"])
    assert capsys.readouterr().out == "border_miles: correct\n"
    assert exercises.status("border_804", "Afghanistan–Turkmenistan") == "correct"
    assert exercises.status("border_804", "afghanistan-turkmenistan") == "correct"
    assert exercises.status("last_monday_week_before", dt.date(2021, 7, 5)) == "correct"
    assert exercises.status("last_monday_most_recent", "2021-07-12") == "correct"
    assert exercises.status("remittances_verdict_later", "Not comparable") == "correct"
    assert exercises.status("measured_km", {"1:110m": 940, "50m": 1037, 10: 1172}) == "correct"
    assert exercises.status("sentence_kinds", {str(k): v for k, v in expected["sentence_kinds"].items()}) == (
        "correct"
    )


def test_check_wrong_answer_gives_a_hint_not_the_answer(expected, capsys):
    exercises.check("border_miles", 804)
    out = capsys.readouterr().out
    assert out.startswith("border_miles: not yet right: too low;")
    assert f"{expected['border_miles']:.0f}" not in out
    assert exercises.status("border_804", "Afghanistan–Uzbekistan").startswith("not yet right")
    assert exercises.status("last_monday_week_before", "2021-07-12").startswith("not yet right")
    assert exercises.status("last_wednesday", "13 July").startswith("not yet right: give a date")
    assert exercises.status("border_miles", "about eight hundred") == "not yet right: give a number of miles"
    for name in ("reservists_per_base_soldier", "reservists_share_percent", "shortfall_10m_percent"):
        message = exercises.status(name, expected[name] * 3)
        assert message.startswith("not yet right: too high")
        assert f"{expected[name]:.2f}" not in message


def test_check_unanswered(capsys):
    exercises.check("border_miles", ...)
    assert capsys.readouterr().out == "border_miles: not yet answered\n"
    assert exercises.status("why_scales_differ", None) == "not yet answered"
    assert exercises.status("what_changed", "  ") == "not yet answered"
    assert exercises.status("attributions", dict.fromkeys(exercises.FIGURES_TO_ATTRIBUTE, ...)) == (
        "not yet answered"
    )
    partial = dict.fromkeys(exercises.FIGURES_TO_ATTRIBUTE, ...) | {"tajik_reservists": "Tajik government"}
    assert exercises.status("attributions", partial).startswith("not yet right: name a source for every")


def test_check_tolerance(expected):
    miles = expected["border_miles"]
    assert exercises.status("border_miles", round(miles, 1)) == "correct"
    assert exercises.status("border_miles", round(miles)) == "correct"
    assert exercises.status("border_miles", miles + 2).startswith("not yet right: too high")
    ratio = expected["reservists_per_base_soldier"]
    assert exercises.status("reservists_per_base_soldier", round(ratio, 2)) == "correct"
    assert exercises.status("reservists_per_base_soldier", ratio * 1.05).startswith("not yet right")
    share = expected["reservists_share_percent"]
    assert exercises.status("reservists_share_percent", round(share, 2)) == "correct"
    assert exercises.status("reservists_share_percent", share / 100) == (
        "not yet right: that looks like a fraction; give it in percent"
    )


def test_check_units_and_free_text():
    from spillover.units import ureg

    assert exercises.status("border_miles", ureg.Quantity(1357, "km").to("mi")) == "correct"
    assert exercises.status("border_miles", ureg.Quantity(1357, "km")) == "correct"
    assert exercises.status("why_scales_differ", "maps differ").startswith(
        "not yet right: write a little more"
    )
    vague = "The three maps were drawn by different people at different times, so nobody agrees on it."
    assert exercises.status("why_scales_differ", vague).startswith("not yet right")
    good = (
        "The coarse map is simplified: straight segments cut every bend of the winding river, so it is short."
    )
    assert exercises.status("why_scales_differ", good) == "correct"


def test_check_sources_and_labels(expected):
    right = {
        "afghan_soldiers_fled": "BBC",
        "famine_risk_people": "Foreign Policy",
        "taliban_territory_share": "the Taliban",
        "tajik_reservists": "Tajikistan's government",
        "date_sidorov_statement": "Eurasianet",
        "date_wsj_report": "WSJ",
    }
    assert exercises.status("attributions", right) == "correct"
    wrong = right | {"date_sidorov_statement": "the CSTO", "tajik_reservists": "the Afghan government"}
    message = exercises.status("attributions", wrong)
    assert message.startswith("not yet right: 2 of 6 sources differ")
    assert "Eurasianet" not in message
    flipped = {
        n: "opinion" if k == "figure" else "reported figure" for n, k in expected["sentence_kinds"].items()
    }
    assert exercises.status("sentence_kinds", flipped).startswith("not yet right: 7 of 7 labels differ")


def test_check_unknown_exercise():
    with pytest.raises(InputError, match="no exercise named"):
        exercises.status("border_kilometres", 1)


def test_weekday_readings():
    tuesday = dt.date(2021, 7, 13)
    assert exercises.weekday_readings(tuesday, 0) == (dt.date(2021, 7, 5), dt.date(2021, 7, 12))
    assert exercises.weekday_readings(tuesday, 2) == (dt.date(2021, 7, 7), dt.date(2021, 7, 7))
    assert exercises.weekday_readings(tuesday, 1) == (dt.date(2021, 7, 6), dt.date(2021, 7, 6))
