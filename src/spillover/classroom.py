"""The classroom editions: exercise notebooks for students and, from the same source, a teacher's
version with the worked answers; each as a notebook and as an offline HTML handout.

The source is classroom/*.ipynb. A cell tagged ``solution`` holds a worked answer, and the cell
tagged ``stub`` next to it the student's placeholder (``answer = ...  # your answer here``).
nbconvert's TagRemovePreprocessor makes the two editions, so nobody edits a notebook by hand:

- ``student/``: the ``solution`` cells removed. The notebook ships without outputs, ready to be
  filled in; its handout shows it executed, every self-check saying "not yet answered".
- ``teacher/``: the ``stub`` cells removed. Executed, so the notebook and the handout show the
  answers; every self-check must say "correct" or the build fails. The teacher's guide
  (classroom/teacher-guide.md) is added as teacher-guide.html.

The notebooks run with papermill in a scratch folder inside the output folder, not in the
project, which shows they find the data from anywhere. Run times are scrubbed (render.scrub),
so the same inputs give the same files. Everything is written to a temporary folder first and
moved into place at the end: a failure leaves the previous editions as they were.
"""

from __future__ import annotations

import html
import re
import shutil
import tempfile
from pathlib import Path

import nbformat

from spillover import paths
from spillover.errors import InputError, SpilloverError

SOURCE = paths.CLASSROOM
GUIDE = SOURCE / "teacher-guide.md"
GUIDE_HTML = "teacher-guide.html"
SOLUTION, STUB = "solution", "stub"
STUDENT, TEACHER = "student", "teacher"
#: Which tagged cells each edition drops.
REMOVED_TAGS = {STUDENT: {SOLUTION}, TEACHER: {STUB}}
#: A self-check's printed line: "<exercise>: <status>".
CHECK_LINE = re.compile(r"^(\w+): (correct|not yet right|not yet answered)\b", re.MULTILINE)

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
.celltag_solution, .celltag_stub { border-left: 4px solid #3a8f5c; padding-left: .8rem; margin: 1rem 0; }
.celltag_stub { border-left-color: #c98a1b; }
.celltag_solution::before, .celltag_stub::before { font-size: .8rem; font-weight: 600; color: #555; }
.celltag_solution.code_cell::before { content: "Worked answer"; }
.celltag_solution.text_cell::before { content: "For the teacher"; }
.celltag_stub::before { content: "Your answer"; }
"""


def source_notebooks() -> list[Path]:
    """The exercise notebooks, in order (classroom/*.ipynb)."""
    found = sorted(SOURCE.glob("*.ipynb"))
    if not found:
        raise InputError(f"no exercise notebooks in {SOURCE}")
    return found


def edition(source: nbformat.NotebookNode, which: str) -> nbformat.NotebookNode:
    """The student or teacher edition of a source notebook, without outputs."""
    from nbconvert.preprocessors import ClearOutputPreprocessor, TagRemovePreprocessor

    if which not in REMOVED_TAGS:
        raise InputError(f"unknown edition {which!r}; choose {STUDENT} or {TEACHER}")
    nb = nbformat.from_dict(source)  # a copy
    nb, _ = ClearOutputPreprocessor().preprocess(nb, {})
    remover = TagRemovePreprocessor(remove_cell_tags=REMOVED_TAGS[which], enabled=True)
    nb, _ = remover.preprocess(nb, {})
    return nb


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


def check_results(nb: nbformat.NotebookNode) -> list[tuple[str, str]]:
    """Every self-check line an executed notebook printed: (exercise, status)."""
    results = []
    for cell in nb.cells:
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            if output.get("output_type") == "stream":
                results.extend(CHECK_LINE.findall(output.get("text", "")))
    return results


def _title(nb: nbformat.NotebookNode, default: str) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return default


def page(title: str, label: str, body: str) -> str:
    """A self-contained HTML page: inline styles, no scripts, nothing loaded from elsewhere."""
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)} ({html.escape(label)})</title>\n<style>{_CSS}</style>\n</head>\n"
        f'<body>\n<main>\n<p class="edition">{html.escape(label)}</p>\n{body}\n</main>\n</body>\n</html>\n'
    )


def handout(nb: nbformat.NotebookNode, label: str, default_title: str = "Exercises") -> str:
    """A notebook as an offline HTML page (nbconvert's 'basic' template: no CDN scripts)."""
    from nbconvert import HTMLExporter

    body, _ = HTMLExporter(template_name="basic").from_notebook_node(nb)
    return page(_title(nb, default_title), label, body)


def guide_html(guide: Path = GUIDE) -> str:
    """The teacher's guide (Markdown) as an offline HTML page."""
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    if not guide.is_file():
        raise InputError(f"teacher's guide not found: {guide}")
    text = guide.read_text(encoding="utf-8")
    title = next((line[2:].strip() for line in text.splitlines() if line.startswith("# ")), "Teacher's guide")
    return page(title, "Teacher's guide", markdown2html_mistune(text))


def build_classroom(out: Path | str = paths.REPORTS / "classroom", force: bool = False) -> Path:
    """Write the student and teacher editions (notebooks and HTML handouts) to out/student/
    and out/teacher/ (same file names in both; the teacher's guide only in teacher/). Both
    appear at once, and nothing in `out` that the project did not write is touched."""
    from spillover.publish import OutputFolder

    sources = source_notebooks()
    guide = guide_html()
    with OutputFolder(out, (STUDENT, TEACHER), force=force) as folder:
        folders = {which: folder.staging / which for which in (STUDENT, TEACHER)}
        for edition_folder in folders.values():
            edition_folder.mkdir()
        for path in sources:
            source = nbformat.read(path, as_version=4)
            student = edition(source, STUDENT)
            teacher = execute(edition(source, TEACHER), folder.staging, f"teacher edition of {path.name}")
            _require_all_correct(teacher, path.name)
            student_run = execute(student, folder.staging, f"student edition of {path.name}")
            nbformat.write(student, folders[STUDENT] / path.name)
            nbformat.write(teacher, folders[TEACHER] / path.name)
            html_name = f"{path.stem}.html"
            (folders[STUDENT] / html_name).write_text(handout(student_run, "Student edition"), "utf-8")
            (folders[TEACHER] / html_name).write_text(handout(teacher, "Teacher edition"), "utf-8")
        (folders[TEACHER] / GUIDE_HTML).write_text(guide, encoding="utf-8")
        folder.publish_versioned()
    return folder.out


def _require_all_correct(nb: nbformat.NotebookNode, name: str) -> None:
    """The teacher's answers must pass their own checks; otherwise the source is wrong."""
    results = check_results(nb)
    if not results:
        raise SpilloverError(f"teacher edition of {name} printed no self-check")
    failing = [f"{exercise} ({status})" for exercise, status in results if status != "correct"]
    if failing:
        raise SpilloverError(f"teacher edition of {name}: self-checks not correct: {', '.join(failing)}")
