"""The classroom editions: the student pack, the teacher's edition, the paper edition, and the
self-checks.

The editions are built once for this module (``built``). The student pack is judged by its
content: it is unpacked into an empty folder, run top to bottom in an environment made only
from what the pack says (its requirements.txt and kernel name), and searched, file by file,
for every expected answer in every format it could be written in. The paper edition's pages
are written to .cache/test-artifacts/classroom-paper/ (PDF, HTML and one PNG per page) for a
look.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import json
import os
import re
import shutil
import subprocess
import sys
import warnings
import zipfile
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from spillover import classroom, exercises, paths
from spillover.errors import InputError, SpilloverError

PAPER_ARTIFACTS = paths.ROOT / ".cache" / "test-artifacts" / "classroom-paper"
URL_ATTRIBUTE = re.compile(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", re.IGNORECASE)
PACK_FILES = {"START-HERE.md", "requirements.txt", "selfcheck.py", "checks.json", "spillover-exercises.ipynb"}


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    return classroom.build_classroom(tmp_path_factory.mktemp("editions") / "classroom")


@pytest.fixture(scope="module")
def archive(built) -> Path:
    (zipped,) = built.glob("*.zip")
    return zipped


@pytest.fixture(scope="module")
def pack(built, tmp_path_factory) -> classroom.Pack:
    """The built pack with the teacher's key (recomputed from a copy of student/)."""
    copy = shutil.copytree(built / "student", tmp_path_factory.mktemp("key") / "pack")
    return classroom.open_pack(copy)


@pytest.fixture(scope="module")
def checks_folder(built) -> Path:
    return built / "student"


def leaves(value: object) -> list[str]:
    """The strings of a JSON value, not its keys."""
    if isinstance(value, dict):
        return [leaf for v in value.values() for leaf in leaves(v)]
    if isinstance(value, list):
        return [leaf for v in value for leaf in leaves(v)]
    return [value] if isinstance(value, str) else []


def significant(form: str) -> int:
    return len(re.sub(r"[^\d]", "", form).lstrip("0"))


def pack_texts(archive: Path) -> dict[str, str]:
    with zipfile.ZipFile(archive) as handle:
        return {info.filename: handle.read(info).decode("utf-8") for info in handle.infolist()}


# --------------------------------------------------------------------------- the answers in every form


def number_forms(value: float, spec: dict) -> set[str]:
    """How a number could be written and still be (nearly) the answer."""
    tol = exercises.tolerance(spec, value)
    forms = set()
    for decimals in range(0, 6):
        if abs(round(value, decimals) - value) > tol:
            continue
        plain, grouped = f"{value:.{decimals}f}", f"{value:,.{decimals}f}"
        forms |= {plain, grouped}
        if decimals:
            forms.add(plain.replace(".", ","))
            forms.add(grouped.translate(str.maketrans(",.", ".,")))
    forms.add(repr(value))
    # a number written with fewer than 3 significant digits (2.9, 0.19) is any number: not searched
    return {f for f in forms if significant(f) >= 3}


def date_forms(iso: str) -> set[str]:
    day = dt.date.fromisoformat(iso)
    return {
        iso,
        f"{day.day} {day:%B} {day.year}",
        f"{day:%B} {day.day}, {day.year}",
        f"{day:%d/%m/%Y}",
        f"{day:%m/%d/%Y}",
        f"{day.day}.{day.month}.{day.year}",
        f"{day:%Y/%m/%d}",
        repr(day),
    }


def answer_forms(pack: classroom.Pack, skip: tuple[str, ...] = ()) -> dict[str, set[str]]:
    """Every computed answer (numbers, dates) of the key, in every format, by question."""
    forms: dict[str, set[str]] = {}
    for name, values in pack.expected.items():
        spec = pack.specs[name]
        if name in skip:
            continue
        if spec["kind"] == "number":
            forms[name] = set().union(*(number_forms(v, spec) for v in values))
        elif spec["kind"] == "number_map":
            forms[name] = set().union(*(number_forms(v, spec) for value in values for v in value.values()))
        elif spec["kind"] == "date":
            forms[name] = set().union(*(date_forms(v) for v in values))
    return forms


def found(text: str, form: str) -> bool:
    """`form` in `text` as a whole number or date (not the middle of a longer number)."""
    return re.search(rf"(?<![\d.]){re.escape(form)}(?!\d)", text) is not None


# --------------------------------------------------------------------------- the student pack


@pytest.mark.slow
def test_the_pack_holds_what_start_here_lists_and_nothing_of_the_teachers(archive, built):
    names = set(pack_texts(archive))
    top = {n.split("/", 1)[0] for n in names}
    assert top == {"spillover-student-pack"}
    inside = {n.split("/", 1)[1] for n in names}
    assert {n for n in inside if "/" not in n} == PACK_FILES
    data = {n.split("/", 1)[1] for n in inside if n.startswith("data/")}
    assert data == {
        "article.txt",
        "article.csv",
        "figures.csv",
        "borders.csv",
        "factbook.csv",
        "border_outline.csv",
        "sentences.csv",
        "attribute.csv",
    }
    assert not [n for n in names if re.search(r"teacher|guide|solution|answer|key", n, re.IGNORECASE)]
    start_here = pack_texts(archive)["spillover-student-pack/START-HERE.md"]
    for listed in ("spillover-exercises.ipynb", "data/", "selfcheck.py", "requirements.txt", "Spillover"):
        assert listed in start_here
    # student/ is the pack, unpacked; the zip is the same bytes whenever it is rebuilt
    for name, text in pack_texts(archive).items():
        assert (built / "student" / name.split("/", 1)[1]).read_text(encoding="utf-8") == text
    again = archive.parent / "again.zip"
    try:
        classroom.zip_folder(built / "student", again, "spillover-student-pack")
        assert again.read_bytes() == archive.read_bytes()
    finally:
        again.unlink()


@pytest.mark.slow
def test_the_pack_holds_no_expected_value_in_any_file(archive, pack):
    texts = pack_texts(archive)
    forms = answer_forms(pack)
    assert len(forms) == 10 and all(forms.values())
    for name, text in texts.items():
        # in a CSV file, within each cell (a comma between two cells is no decimal comma)
        parts = [c for row in csv.reader(io.StringIO(text)) for c in row] if name.endswith(".csv") else [text]
        shown = {q: sorted(f for f in fs for part in parts if found(part, f)) for q, fs in forms.items()}
        assert not {q: f for q, f in shown.items() if f}, f"answers in {name}"
    for name, text in texts.items():  # by value too: no CSV cell is the answer at the cell's precision
        if not name.endswith(".csv"):
            continue
        cells = [c for row in csv.reader(io.StringIO(text)) for c in row]
        numbers = [c for c in cells if re.fullmatch(r"-?\d+(\.\d+)?", c) and significant(c) >= 3]
        for q, values in pack.expected.items():
            spec = pack.specs[q]
            if spec["kind"] not in ("number", "number_map"):
                continue
            flat = [v for value in values for v in (value.values() if isinstance(value, dict) else [value])]
            close = [
                c
                for c in numbers
                for v in flat
                if round(v, len(c.partition(".")[2])) == float(c)
                and abs(float(c) - v) <= exercises.tolerance(spec, v)
            ]
            assert not close, f"{name} holds {close[:3]}, the answer to {q}"


@pytest.mark.slow
def test_the_pack_holds_no_answer_column_solution_or_readable_key(archive, pack):
    texts = pack_texts(archive)
    config = classroom.load_config()
    forbidden = set(config["pack"]["answer_columns"])
    for name, text in texts.items():
        if name.endswith(".csv"):
            header = next(csv.reader(io.StringIO(text)))
            assert not forbidden & set(header), name
    checks = json.loads(texts["spillover-student-pack/checks.json"])
    for entry in checks["questions"].values():
        assert set(entry["spec"]) <= exercises.PUBLIC_FIELDS
        for leaf in leaves(entry["accepted"]):  # hashes; and the message shown for a rejected word
            assert re.fullmatch(r"[a-p]{24}", leaf) or leaf.startswith(("the article cites", "which")), leaf
    # what a question is about may be in the data (the Factbook lists Turkmenistan, the article
    # names Eurasianet), but never in the checks or the helper
    secrets = {
        "turkmenistan",
        "eurasianet",
        "wall street",
        "foreign policy",
        "not comparable",
        "bbc",
        "sidorov",
        "taliban",
    }
    hashes = " ".join(h for e in checks["questions"].values() for h in leaves(e["accepted"]) if " " not in h)
    helper = texts["spillover-student-pack/selfcheck.py"].casefold()
    assert not [s for s in secrets if s in hashes or s in helper]
    for name, entry in checks["questions"].items():  # a hint may name a wrong source, never a right one
        shown = json.dumps({k: v for k, v in entry["spec"].items() if k != "keys"}).casefold()
        assert not [s for s in secrets - {"bbc", "not comparable"} if s in shown], name
    checks_text = texts["spillover-student-pack/checks.json"]
    assert '"not comparable"' in checks_text  # only as one of the choices shown to everybody
    source = classroom.parse_source(classroom.source_notebooks()[0])
    notebook = texts["spillover-student-pack/spillover-exercises.ipynb"]
    student_lines = "\n".join(
        classroom.student_code(source.nb.cells[q.answer_cell].source) for q in source.questions
    )
    solution_lines = {
        line.strip()
        for q in source.questions
        for line in classroom.teacher_code(source.nb.cells[q.answer_cell].source).splitlines()
        if len(line.strip()) >= 12 and line.strip() not in student_lines
    }
    solution_lines |= {
        line.strip()
        for i, cell in enumerate(source.nb.cells)
        if source.roles[i] == classroom.SOLUTION
        for line in cell.source.splitlines()
        if len(line.strip()) >= 20
    }
    assert len(solution_lines) > 40
    leaked = [line for line in solution_lines if line in notebook]
    assert not leaked, leaked[:3]
    nb = nbformat.reads(notebook, as_version=4)
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")
    assert not [c for c in nb.cells if classroom.SOLUTION in c.metadata.get("tags", [])]
    assert nb.metadata["kernelspec"]["name"] == classroom.KERNEL_NAME
    assert nb.metadata["kernelspec"]["display_name"] == "Spillover"
    assert "import spillover" not in notebook and "from spillover" not in notebook


def _fresh_environment(pack_folder: Path, scratch: Path) -> tuple[Path, dict] | None:
    """A virtual environment with only what the pack's requirements.txt lists, and the named
    kernel installed where JUPYTER_PATH points; None when it cannot be built here (offline)."""
    uv = Path(sys.executable).with_name("uv")
    env_dir, kernels = scratch / "env", scratch / "kernels"
    base = shutil.which("python3.11") or sys.executable
    steps = [
        [str(uv), "venv", "--quiet", "--python", base, str(env_dir)],
        [
            str(uv),
            "pip",
            "install",
            "--quiet",
            "--python",
            str(env_dir / "bin" / "python"),
            "-r",
            str(pack_folder / "requirements.txt"),
        ],
        [
            str(env_dir / "bin" / "python"),
            "-m",
            "ipykernel",
            "install",
            "--prefix",
            str(kernels),
            "--name",
            "spillover",
            "--display-name",
            "Spillover",
        ],
    ]
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PYTHONPATH", "VIRTUAL_ENV") and not k.startswith("JUPYTER")
    }
    env |= {"JUPYTER_PATH": str(kernels / "share" / "jupyter"), "PYTHONNOUSERSITE": "1"}
    for step in steps:
        try:
            result = subprocess.run(step, capture_output=True, text=True, timeout=900, env=env, cwd=scratch)
        except (OSError, subprocess.TimeoutExpired) as error:
            warnings.warn(
                f"no fresh environment ({error}); the notebook runs on the project's kernel", stacklevel=2
            )
            return None
        if result.returncode != 0:
            warnings.warn(f"no fresh environment: {' '.join(step[:3])}: {result.stderr[-500:]}", stacklevel=2)
            return None
    return env_dir, env


@pytest.mark.slow
def test_the_unpacked_pack_runs_top_to_bottom_in_a_fresh_environment(archive, tmp_path):
    folder = tmp_path / "empty"
    folder.mkdir()
    unpacked = classroom.unzip_pack(archive, folder)
    fresh = _fresh_environment(unpacked, tmp_path)
    if fresh is not None:
        env_dir, env = fresh
        kernel = json.loads((tmp_path / "kernels/share/jupyter/kernels/spillover/kernel.json").read_text())
        assert kernel["argv"][0].startswith(str(env_dir)) and kernel["display_name"] == "Spillover"
        assert (
            subprocess.run(
                [str(env_dir / "bin" / "python"), "-c", "import spillover"],
                env=env,
                capture_output=True,
                cwd=tmp_path,
            ).returncode
            != 0
        ), "the project leaked in"
        result = subprocess.run(
            [
                str(env_dir / "bin" / "jupyter"),
                "nbconvert",
                "--to",
                "notebook",
                "--execute",
                "--ExecutePreprocessor.timeout=300",
                "--output",
                "ran.ipynb",
                "spillover-exercises.ipynb",
            ],
            capture_output=True,
            text=True,
            cwd=unpacked,
            env=env,
            timeout=600,
        )
        assert result.returncode == 0, result.stderr[-2000:]
    else:  # offline: the project's kernel, but with nothing but the pack on the path
        import papermill

        os.environ["PYTHONPATH"] = str(unpacked)
        try:
            papermill.execute_notebook(
                str(unpacked / "spillover-exercises.ipynb"),
                str(unpacked / "ran.ipynb"),
                kernel_name="python3",
                cwd=str(unpacked),
                progress_bar=False,
            )
        finally:
            del os.environ["PYTHONPATH"]
    ran = nbformat.read(unpacked / "ran.ipynb", as_version=4)
    assert not [o for c in ran.cells for o in c.get("outputs", []) if o.output_type == "error"]
    results = classroom.check_results(ran)
    source = classroom.parse_source(classroom.source_notebooks()[0])
    assert [name for name, _ in results] == [q.name for q in source.questions]
    assert {status for _, status in results} == {exercises.NOT_ANSWERED}


# --------------------------------------------------------------------------- the teacher's edition


@pytest.mark.slow
def test_the_teacher_edition_passes_every_check_with_the_hashed_key(built):
    teacher = built / "teacher"
    assert {p.name for p in teacher.iterdir()} >= PACK_FILES | {
        "spillover-exercises.html",
        classroom.GUIDE_HTML,
    }
    nb = nbformat.read(teacher / "spillover-exercises.ipynb", as_version=4)
    messages = classroom.check_messages(nb)
    source = classroom.parse_source(classroom.source_notebooks()[0])
    assert sorted(messages) == sorted(q.name for q in source.questions)
    for q in source.questions:
        if q.spec["kind"] == "text":
            assert messages[q.name].startswith("answered: your teacher will read it"), messages[q.name]
            assert "check that" not in messages[q.name]
        else:
            assert messages[q.name] == "correct", (q.name, messages[q.name])
    assert not [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert sorted(p.name for p in built.iterdir()) == sorted(
        [".spillover", "paper", "spillover-student-pack.zip", "student", "teacher"]
    )
    assert list(built.glob(".spillover/staging-*")) == [], "scratch left behind"


@pytest.mark.slow
def test_the_key_agrees_with_the_published_tables(pack):
    """The worked answers (from the pack's data) against the pipeline's own computations."""
    from spillover.article import read_article
    from spillover.pipeline import article_tables

    config = classroom.load_config()
    article = paths.ROOT / config["article"]
    first, later = (article_tables(article, {"reference_snapshot": s}) for s in config["snapshots"])
    e = {name: values[0] for name, values in pack.expected.items()}
    borders = first["border_lengths"]
    km_row = borders[(borders["source"] == "article") & (borders["stated_unit"] == "kilometer")].iloc[0]
    assert e["border_miles"] == pytest.approx(km_row["length_mi"])
    for scale, km in e["measured_km"].items():
        measured = borders[
            (borders["border"] == km_row["border"]) & (borders["source"] == f"Natural Earth 1:{scale}")
        ]
        assert km == pytest.approx(measured["length_km"].iloc[0], rel=0.002)
    geodesic = borders[(borders["border"] == km_row["border"]) & (borders["source"] == "Natural Earth 1:10m")]
    shortfall = 100 * (km_row["length_km"] - geodesic["length_km"].iloc[0]) / km_row["length_km"]
    assert e["shortfall_10m_percent"] == pytest.approx(shortfall, abs=0.1)
    findings = later["findings"].set_index("finding_id")
    assert e["remittances_verdict_later"] == findings.at["remittances_vs_factbook", "verdict"]
    timeline = first["timeline"].set_index("figure_id")
    assert e["last_monday_week_before"] == str(timeline.at["date_soldiers_fled", "date"])
    # a figure sentence holds an annotated figure (by offsets in the article's text)
    seed = read_article(article)
    figures = first["figures"]
    sentences = pack.tables["sentences"]
    for number, text in zip(sentences["number"], sentences["sentence"], strict=True):
        (span,) = [s for s in seed.sentences if s.clean == text]
        inside = ((figures["start"] >= span.start) & (figures["end"] <= span.end)).any()
        assert e["sentence_kinds"][str(number)] == ("figure" if inside else "commentary"), text
    labels = list(e["sentence_kinds"].values())
    assert labels != sorted(labels) and any(a == b for a, b in zip(labels, labels[1:], strict=False)), (
        "shuffled"
    )


# --------------------------------------------------------------------------- the paper edition


def _render_pages(pdf: Path, html_page: Path, folder: Path, browser) -> list[Path]:  # noqa: ANN001
    """One PNG per page: pdftoppm when installed, else Chromium's screenshot of the HTML."""
    if shutil.which("pdftoppm"):
        subprocess.run(
            ["pdftoppm", "-r", "60", "-png", str(pdf), str(folder / "page")], check=True, timeout=120
        )
        return sorted(folder.glob("page-*.png"))
    tab = browser.new_page(viewport={"width": 794, "height": 1123})
    tab.set_default_timeout(classroom.BROWSER_TIMEOUT_MS)
    tab.goto(html_page.resolve().as_uri())
    tab.emulate_media(media="print")
    tab.screenshot(path=str(folder / "page-all.png"), full_page=True)
    tab.close()
    return [folder / "page-all.png"]


@pytest.mark.slow
def test_the_paper_edition(built, pack, browser):  # noqa: ANN001
    (pdf,) = (built / "paper").glob("*.pdf")
    (page_html,) = (built / "paper").glob("*.html")
    shutil.rmtree(PAPER_ARTIFACTS, ignore_errors=True)
    PAPER_ARTIFACTS.mkdir(parents=True)
    shutil.copy(pdf, PAPER_ARTIFACTS)
    shutil.copy(page_html, PAPER_ARTIFACTS)
    pages = _render_pages(pdf, page_html, PAPER_ARTIFACTS, browser)
    assert pages and all(p.stat().st_size > 1000 for p in pages)

    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    boxes = {
        tuple(round(float(x)) for x in m)
        for m in re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", data)
    }
    assert boxes == {(595, 842)}, "A4"
    text = page_html.read_text(encoding="utf-8")
    assert "print-color-adjust: exact" in text and "<mark>" in text
    assert "section.exercise { break-before: page" in text
    sections = re.findall(r'<section class="exercise">(.*?)</section>', text, re.S)
    assert len(sections) == 6
    assert "Afghanistan–Turkmenistan" in sections[0] and ">804<" in sections[0]  # the data of exercise 1
    assert "8,990,874" in sections[1]
    assert 'class="calendar"' in sections[2] and "<mark>13</mark>" in sections[2]
    assert "<svg" in sections[3] and "1,172" in sections[3]  # the map lengths are given on paper
    assert sections[4].count('class="answer"') == 7 + 6
    assert "10,593,876" in sections[5]
    assert text.count('class="box"') == sum(q.on_paper for s in pack.sources for q in s.questions)
    assert not URL_ATTRIBUTE.search(text) and "<script" not in text.lower()
    plain = html.unescape(re.sub(r"<[^>]+>", " ", text))
    for question, forms in answer_forms(pack, skip=("measured_km",)).items():
        assert not [f for f in forms if found(plain, f)], f"the answer to {question} on paper"
    if shutil.which("pdftotext"):  # each exercise starts at the top of a page
        pages_text = subprocess.run(
            ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout.split("\f")
        for number in range(1, 7):
            (where,) = [t for t in pages_text if f"Exercise {number}:" in t]
            assert where.strip().startswith(f"Exercise {number}:"), where[:80]


# --------------------------------------------------------------------------- the self-checks


@pytest.fixture(scope="module")
def status(checks_folder):
    def run(name: str, answer: object) -> str:
        return exercises.status(name, answer, folder=checks_folder)

    return run


@pytest.mark.slow
def test_right_answers_in_every_accepted_format(status, pack):
    e = {name: values[0] for name, values in pack.expected.items()}
    assert status("border_miles", e["border_miles"]) == "correct"
    assert status("border_miles", round(e["border_miles"], 1)) == "correct"
    assert status("border_miles", round(e["border_miles"])) == "correct"
    from pint import UnitRegistry

    ureg = UnitRegistry()
    assert status("border_miles", ureg.Quantity(1357, "km").to("mi")) == "correct"
    assert status("border_miles", ureg.Quantity(1357, "km")) == "correct"  # converted to miles
    import numpy as np

    assert status("reservists_per_base_soldier", np.float64(e["reservists_per_base_soldier"])) == "correct"
    assert status("border_804", "Afghanistan–Turkmenistan") == "correct"
    assert status("border_804", "turkmenistan - afghanistan") == "correct"
    assert status("border_804", "the border between Afghanistan and Turkmenistan") == "correct"
    assert status("border_804", "Turkmenistan") == "correct"
    assert status("last_monday_week_before", dt.date(2021, 7, 5)) == "correct"
    assert status("last_monday_week_before", pd.Timestamp("2021-07-05")) == "correct"
    assert status("last_monday_most_recent", "2021-07-12") == "correct"
    assert status("last_wednesday", "2021-07-07") == "correct"
    assert status("measured_km", {"1:110m": 939, "50m": 1037, "10m": 1172}) == "correct"
    assert status("remittances_verdict_later", "Not comparable") == "correct"
    assert status("remittances_verdict_later", "not_comparable") == "correct"
    assert status("sentence_kinds", {str(k): v for k, v in e["sentence_kinds"].items()}) == "correct"
    assert status("reservists_share_percent", round(e["reservists_share_percent"], 3)) == "correct"


@pytest.mark.slow
def test_wrong_types_get_a_specific_message(status, pack):
    series = pd.Series([1.0, 2.0, 3.0])
    message = status("border_miles", series)
    assert message.startswith("not yet right: that is a pandas Series (a column of 3 values)")
    assert ".iloc[0]" in status("border_miles", pd.Series([843.2]))
    assert "DataFrame" in status("border_miles", pd.DataFrame({"a": [1]}))
    message = status("measured_km", {"110m": "1,037 km", "50m": 1, "10m": 1})
    assert "thousands separator" in message and "1037" in message and "(km)" in message
    message = status("border_miles", "1,037 km")
    assert message.startswith("not yet right: '1,037 km' is text with a comma, not a number")
    assert "1037" in message and "1.037 if the comma was a decimal comma" in message
    assert "decimal comma" in status("reservists_share_percent", "0,222")
    assert "0.222" in status("reservists_share_percent", "0,222")
    tuple_message = status("reservists_share_percent", (0, 222))  # what `x = 0,222` gives
    assert "tuple" in tuple_message and "0.222" in tuple_message
    assert "in quotes" in status("border_miles", "843.2")
    assert "NaN" in status("border_miles", float("nan"))
    assert "True or False" in status("border_miles", True)
    assert "'YYYY-MM-DD'" in status("last_wednesday", "7 July")
    assert "not a date of the calendar" in status("last_wednesday", "2021-02-30")
    assert "one of the choices" in status("remittances_verdict_later", "maybe")
    assert "Series" in status("remittances_verdict_later", pd.Series(["a", "b"]))
    assert "fraction" in status(
        "reservists_share_percent", pack.expected["reservists_share_percent"][0] / 100
    )


@pytest.mark.slow
def test_wrong_answers_get_a_hint_never_the_answer(status, pack):
    forms = answer_forms(pack)
    for name, answer in [
        ("border_miles", 804),
        ("reservists_per_base_soldier", 3.5),
        ("reservists_share_percent", 2.5),
        ("shortfall_10m_percent", 30),
        ("last_monday_week_before", "2021-07-12"),
        ("measured_km", {"110m": 1000, "50m": 1100, "10m": 1200}),
        ("border_804", "Afghanistan–Uzbekistan"),
        ("remittances_verdict_later", "consistent"),
    ]:
        message = status(name, answer)
        assert message.startswith("not yet right"), (name, message)
        assert not [f for fs in forms.values() for f in fs if found(message, f)], message
    assert "accepted: a number in mi" in status("border_miles", 804)
    assert "within 0.5 mi or 0.1 %" in status("border_miles", 804)
    assert status("measured_km", {"110m": 939, "50m": 1037, "10m": 1300}).startswith(
        "not yet right: 1 of 3 values are not yet right (10m)"
    )


@pytest.mark.slow
def test_free_text_is_never_correct_and_nonsense_is_not_an_answer(status, pack):
    spec = pack.specs["why_scales_differ"]
    good = (
        "A coarse map is simplified: it keeps fewer points and joins them with straight "
        "segments, so every bend of the winding river is cut off and the line gets shorter."
    )
    assert status("why_scales_differ", good).startswith("answered: your teacher will read it")
    assert "check that" not in status("why_scales_differ", good)
    window = (
        "The window of the classroom shows the map, and the windows of the building face the "
        "windowsill where the map hangs on the wall of the classroom today."
    )
    message = status("why_scales_differ", window)
    assert message.startswith("answered") and "the shape of the line" in message  # 'window' is not 'wind'
    assert exercises.aspects_missing(spec, "the windows") == [a["about"] for a in spec["aspects"]]
    assert exercises.aspects_missing(spec, "the river winds") == [spec["aspects"][0]["about"]]
    assert "repeats the question or the hint" in status("why_scales_differ", spec["hint"])
    prompt = spec["given_texts"][0]
    assert "repeats the question or the hint" in status("why_scales_differ", prompt)
    assert "repeats the same few words" in status("why_scales_differ", "river bend " * 15)
    assert "mostly numbers" in status("why_scales_differ", " ".join(str(n) for n in range(30)))
    assert status("why_scales_differ", "too short") == (
        "not yet right: write a little more: 2 words, at least 20 are needed"
    )
    assert status("what_changed", "  ") == "not yet answered"


@pytest.mark.slow
def test_sources_follow_the_article(status):
    right = {
        "afghan_soldiers_fled": "numerous reports, not named",
        "famine_risk_people": "Foreign Policy",
        "taliban_territory_share": "the Taliban",
        "tajik_reservists": "Tajikistan's government",
        "date_sidorov_statement": "Eurasianet",
        "date_wsj_report": "WSJ",
    }
    assert status("attributions", right) == "correct"
    # the CSTO's official said it: accepted, as is Eurasianet, which reported it
    assert status("attributions", right | {"date_sidorov_statement": "the CSTO"}) == "correct"
    assert status("attributions", right | {"date_sidorov_statement": "Anatoly Sidorov"}) == "correct"
    for unnamed in ("not named", "unnamed reports", "no source is given", "numerous reports"):
        assert status("attributions", right | {"afghan_soldiers_fled": unnamed}) == "correct", unnamed
    # the BBC is cited only for what became of the soldiers
    message = status("attributions", right | {"afghan_soldiers_fled": "the BBC"})
    assert message.startswith("not yet right: 1 of 6 sources are not yet right (afghan_soldiers_fled)")
    assert "only for what became of the soldiers" in message
    assert status(
        "attributions", right | {"afghan_soldiers_fled": "numerous reports and the BBC"}
    ).startswith("not yet right")
    wrong = status("attributions", right | {"tajik_reservists": "the Afghan government"})
    assert "which government" in wrong and "Tajik" not in wrong
    long = right | {
        "famine_risk_people": "One commentator in Foreign Policy warned that millions of people "
        "could face famine"
    }
    assert "at most 12" in status("attributions", long)
    partial = dict.fromkeys(right, ...) | {"tajik_reservists": "Tajik government"}
    assert status("attributions", partial).startswith(
        "not yet right: name a source for every item; still open"
    )
    assert status("attributions", dict.fromkeys(right, ...)) == "not yet answered"


@pytest.mark.slow
def test_labels_and_unknown_questions(status, pack):
    e = pack.expected["sentence_kinds"][0]
    flipped = {k: "commentary" if v == "figure" else "opinion is not a label" for k, v in e.items()}
    assert "is not one of the choices" in status("sentence_kinds", flipped)
    swapped = {k: "commentary" if v == "figure" else "figure" for k, v in e.items()}
    assert status("sentence_kinds", swapped).startswith("not yet right: 7 of 7 labels differ")
    assert status("sentence_kinds", {1: "figure"}).startswith("not yet right: give a label for every item")
    with pytest.raises(KeyError, match="no question named"):
        status("border_kilometres", 1)


# --------------------------------------------------------------------------- the guide and set-up


@pytest.mark.slow
def test_the_guide_gives_every_answer_and_the_set_up(pack):
    guide = classroom.GUIDE.read_text(encoding="utf-8")
    for heading in (
        "Learning goals",
        "Before the lesson",
        "Timings",
        "Answers",
        "Marking",
        "Discussion questions",
        "note on the source",
        "another article",
    ):
        assert heading in guide, heading
    answers = guide.split("## Answers", 1)[1].split("\n## ", 1)[0]
    for name, values in pack.expected.items():
        spec = pack.specs[name]
        if spec["kind"] == "number":
            assert any(found(answers, f"{values[0]:,.{d}f}") for d in (1, 2, 3)), name
        elif spec["kind"] == "date":
            assert all(v in answers for v in values), name
        elif spec["kind"] == "number_map":
            assert all(found(answers, f"{v:,.1f}") for v in values[0].values()), name
    assert "Afghanistan–Turkmenistan" in answers and '"not comparable"' in answers
    before = guide.split("## Before the lesson", 1)[1].split("\n## ", 1)[0]
    for needed in (
        "Windows",
        "conda",
        "make",
        "70 MB",
        "300 MB",
        "minutes",
        "--allow-root",
        "Spillover",
        "classroom-work/",
        "make clean",
        "JupyterLite",
        "pip download jupyterlite-core",
    ):
        assert needed in before, needed
    timings = guide.split("## Timings", 1)[1].split("\n## ", 1)[0]
    assert timings.count("| 0–") == 2 and timings.count("set-up") >= 2


def test_requirements_are_the_locks_versions_without_geospatial_or_test_tools():
    from importlib.metadata import distribution

    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    lock = {}
    for line in (paths.ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, version = line.split("==")
            lock[canonicalize_name(name)] = version.strip()
    pinned = {}
    for line in (paths.CLASSROOM / "requirements.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            requirement = Requirement(line)
            (spec,) = requirement.specifier
            assert spec.operator == "==", line
            pinned[canonicalize_name(requirement.name)] = spec.version
    assert {"pandas", "pint", "jupyterlab", "ipykernel"} <= set(pinned)
    assert not {"geopandas", "shapely", "pyproj", "pyogrio", "pytest", "nbval", "playwright", "ruff"} & set(
        pinned
    )
    assert {n: v for n, v in pinned.items() if lock.get(n) != v} == {}
    for name in pinned:  # complete: everything they need on this system is pinned too
        for text in distribution(name).requires or []:
            requirement = Requirement(text)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                assert canonicalize_name(requirement.name) in pinned, f"{name} needs {requirement.name}"


def test_make_lab_keeps_the_students_work_and_runs_as_root(tmp_path):
    makefile = (paths.ROOT / "Makefile").read_text(encoding="utf-8")
    lab = makefile.split("\nlab:", 1)[1].split("\n\n", 1)[0]
    assert "--allow-root" in lab and "id -u" in lab and "spillover.classroom lab" in lab
    clean = makefile.split("\nclean:", 1)[1].split("\n\n", 1)[0]
    assert "classroom-work" not in clean
    built = tmp_path / "student"
    built.mkdir()
    (built / "spillover-exercises.ipynb").write_text("{}", encoding="utf-8")
    work = tmp_path / "classroom-work"
    assert "copied" in classroom.start_work(work, built)
    (work / "spillover-exercises.ipynb").write_text("my answers", encoding="utf-8")
    (built / "spillover-exercises.ipynb").write_text("a newer build", encoding="utf-8")
    assert "kept" in classroom.start_work(work, built)
    assert (work / "spillover-exercises.ipynb").read_text(encoding="utf-8") == "my answers"
    assert "make classroom" in classroom.start_work(tmp_path / "other", tmp_path / "missing")
    kernel = classroom.install_kernel(tmp_path / "prefix")
    spec = json.loads((kernel / "kernel.json").read_text(encoding="utf-8"))
    assert spec["display_name"] == "Spillover" and kernel.name == "spillover"


# --------------------------------------------------------------------------- the source format


def _notebook(tmp_path: Path, cells: list[tuple[str, str]]) -> Path:
    make = {
        "raw": nbformat.v4.new_raw_cell,
        "md": nbformat.v4.new_markdown_cell,
        "code": nbformat.v4.new_code_cell,
    }
    nb = nbformat.v4.new_notebook(cells=[make[kind](text) for kind, text in cells])
    path = tmp_path / "exercise.ipynb"
    nbformat.write(nb, path)
    return path


def test_solutions_are_replaced_as_in_otter_assign():
    source = (
        "# a comment stays\n"
        "# BEGIN SOLUTION NO PROMPT\n"
        "hidden = 1\n"
        "# END SOLUTION\n"
        "answer = hidden + 1  # SOLUTION\n"
        "    # BEGIN SOLUTION\n"
        "    inner = 2\n"
        "    # END SOLUTION\n"
        "choices = {\n"
        '    "a": "first",  # SOLUTION\n'
        "    1: 2,  # SOLUTION\n"
        "}\n"
        "print('gone')  # SOLUTION"
    )
    assert classroom.student_code(source) == (
        '# a comment stays\nanswer = ...\n    ...\nchoices = {\n    "a": ...,\n    1: ...,\n}'
    )
    teacher = classroom.teacher_code(source)
    assert "SOLUTION" not in teacher and "hidden = 1" in teacher and teacher.endswith("print('gone')")


def test_editions_and_media(tmp_path):
    path = _notebook(
        tmp_path,
        [
            ("md", "# Title\n\n*Notebook:* run the cells.\n\n*Paper:* write in the boxes."),
            ("raw", "# BEGIN QUESTION\nname: x\npoints: 2\ncheck: {kind: number, abs_tol: 1}\nhint: add"),
            ("md", "**a)** What is 1 + 1?"),
            ("code", "x = 1 + 1  # SOLUTION"),
            ("raw", "# END QUESTION"),
            ("raw", "# BEGIN SOLUTION"),
            ("md", "**Teacher's note.** Two."),
            ("raw", "# END SOLUTION"),
        ],
    )
    source = classroom.parse_source(path)
    (question,) = source.questions
    assert question.spec == {"kind": "number", "abs_tol": 1, "name": "x", "points": 2, "hint": "add"}
    student = classroom.edition(source, classroom.STUDENT, {"x": {**question.spec, "step": -1}})
    assert [c.cell_type for c in student.cells] == ["markdown", "markdown", "code", "code"]
    assert student.cells[0].source == "# Title\n\nRun the cells."
    assert "*Accepted:* a number, as an int or float" in student.cells[1].source
    assert student.cells[2].source == "x = ..." and student.cells[3].source == 'check("x", x)'
    teacher = classroom.edition(source, classroom.TEACHER)
    assert [c.source for c in teacher.cells][2:] == ["x = 1 + 1", 'check("x", x)', "**Teacher's note.** Two."]
    assert classroom.SOLUTION in teacher.cells[-1].metadata["tags"]
    assert classroom.for_medium("*Notebook:* a\n\n*Paper:* b\n\nc", "paper") == "B\n\nc"
    with pytest.raises(InputError):
        classroom.edition(source, "parent")


@pytest.mark.parametrize(
    ("cells", "problem"),
    [
        (
            [
                ("raw", "# BEGIN QUESTION\nname: 1x\ncheck: {kind: number}"),
                ("code", "y = 1  # SOLUTION"),
                ("raw", "# END QUESTION"),
            ],
            "must be a Python name",
        ),
        (
            [
                ("raw", "# BEGIN QUESTION\nname: x\ncheck: {kind: guess}"),
                ("code", "x = 1  # SOLUTION"),
                ("raw", "# END QUESTION"),
            ],
            "check.kind must be one of",
        ),
        (
            [
                ("raw", "# BEGIN QUESTION\nname: x\ncheck: {kind: number}"),
                ("code", "x = 1"),
                ("raw", "# END QUESTION"),
            ],
            "no answer cell",
        ),
        (
            [("raw", "# BEGIN QUESTION\nname: x\ncheck: {kind: number}"), ("code", "x = 1  # SOLUTION")],
            "not closed",
        ),
        ([("raw", "# END SOLUTION")], "END SOLUTION without its BEGIN"),
        ([("md", "# nothing to ask")], "has no question"),
        ([("raw", "# BEGIN QUESTION\nname: [x"), ("raw", "# END QUESTION")], "YAML does not parse"),
    ],
)
def test_a_malformed_source_is_one_clear_error(tmp_path, cells, problem):
    with pytest.raises(InputError, match=re.escape(problem)):
        classroom.parse_source(_notebook(tmp_path, cells))


def test_the_real_source_parses_with_a_check_for_every_question():
    (path,) = classroom.source_notebooks()
    source = classroom.parse_source(path)
    names = [q.name for q in source.questions]
    assert len(names) == 16 and len(set(names)) == 16
    assert {q.spec["kind"] for q in source.questions} == set(exercises.KINDS)
    texts = [q for q in source.questions if q.spec["kind"] == "text"]
    assert texts and all(q.spec.get("manual") for q in texts)
    assert sum(q.spec["points"] for q in source.questions) == 22


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
    entries = ("student", "teacher", "paper", "spillover-student-pack.zip")
    with OutputFolder(out, entries) as previous:  # editions of an earlier build
        for folder in ("student", "teacher"):
            (previous.staging / folder).mkdir()
            (previous.staging / folder / "old.html").write_text("previous edition")
        previous.publish_versioned()

    def broken(config):
        raise SpilloverError("solutions of spillover-exercises.ipynb failed in cell 3: ZeroDivisionError")

    monkeypatch.setattr(classroom, "published_tables", broken)
    with pytest.raises(SpilloverError, match="failed in cell 3"):
        classroom.build_classroom(out)
    assert sorted(p.name for p in out.iterdir()) == [".spillover", "student", "teacher"]
    for folder in ("student", "teacher"):
        assert [p.name for p in (out / folder).iterdir()] == ["old.html"]
    assert list(out.glob(".spillover/staging-*")) == []


def test_unzip_refuses_names_outside_the_folder(tmp_path):
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        handle.writestr("../outside.txt", "x")
    with pytest.raises(InputError, match="outside"):
        classroom.unzip_pack(archive, tmp_path / "here")
    (tmp_path / "not-a-zip.zip").write_text("hello")
    with pytest.raises(InputError, match="not a zip"):
        classroom.unzip_pack(tmp_path / "not-a-zip.zip", tmp_path / "there")


def test_a_table_with_an_answer_column_is_refused():
    config = classroom.load_config()
    config["pack"]["tables"] = {"figures": {"from": "figures", "columns": ["figure_id", "attributed_to"]}}
    tables = {"figures": pd.DataFrame({"figure_id": ["a"], "attributed_to": ["b"]})}
    published = classroom.Published(Path("x"), None, {"2021-07-01": tables})
    with pytest.raises(InputError, match="answer column"):
        classroom.pack_tables(config, published)
