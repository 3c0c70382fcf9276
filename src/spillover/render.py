"""Execute the notebooks with papermill and render them into one offline HTML page.

The steps: check every input (article, annotations, parameters, output folder) before any
kernel starts; execute the notebooks in parallel, each skipped when a cache entry keyed on
the content of all its inputs exists; assemble index.html; then move the new report into
place item by item, so a failure or an interrupt leaves the previous report as it was.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from spillover import paths
from spillover.article import read_text
from spillover.errors import InputError, SpilloverError

CACHE = paths.ROOT / ".cache" / "render"
PLOTLY_MIME = "application/vnd.plotly.v1+json"
CHART_MIME = "application/vnd.spillover.chart+json"  # a chart's caption, source and alt text
KERNEL = "python3"
# The kernel's own start-up warnings (e.g. about TCP transport) are noise to the user.
KERNEL_ARGUMENTS = ["--log-level=CRITICAL"]
# Metadata that papermill and nbclient stamp with times; removed so outputs are reproducible.
_VOLATILE_CELL_METADATA = ("execution", "papermill")


@dataclass(frozen=True)
class Job:
    notebook: Path
    parameters: dict[str, str]
    key: str


def notebooks() -> list[Path]:
    """The report's chapters, in run order (notebooks/NN-name.ipynb)."""
    return sorted(paths.NOTEBOOKS.glob("[0-9][0-9]-*.ipynb"))


def _read_notebook(path: Path) -> dict:
    """A notebook as plain JSON (nbformat is slow to import; only execution needs it)."""
    return json.loads(path.read_text(encoding="utf-8"))


def _source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def _tags(cell: dict) -> list[str]:
    return cell.get("metadata", {}).get("tags", [])


def declared_parameters(notebook: Path) -> list[str]:
    """Names assigned in the cell tagged 'parameters' (papermill's convention)."""
    for cell in _read_notebook(notebook)["cells"]:
        if "parameters" in _tags(cell):
            names = []
            for line in _source(cell).splitlines():
                head = line.split("#", 1)[0].split("=", 1)[0].split(":", 1)[0].strip()
                if head.isidentifier() and "=" in line:
                    names.append(head)
            return names
    raise InputError(f"notebook {notebook.name} has no cell tagged 'parameters'")


def used_parameters(notebook: Path) -> list[str]:
    """The declared parameters that the notebook's code uses outside its parameters cell: only
    these are passed to it and key its cache entry, so changing a parameter reruns only the
    notebooks it touches."""
    declared = declared_parameters(notebook)
    code = "\n".join(
        _source(cell)
        for cell in _read_notebook(notebook)["cells"]
        if cell["cell_type"] == "code" and not {"parameters", "injected-parameters"} & set(_tags(cell))
    )
    words = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", code))
    return [name for name in declared if name in words]


def _digest(items: Iterable[bytes]) -> str:
    h = hashlib.sha256()
    for item in items:
        h.update(hashlib.sha256(item).digest())
    return h.hexdigest()


def _tree_digest(root: Path, pattern: str = "*") -> bytes:
    files = sorted(p for p in root.rglob(pattern) if p.is_file() and "__pycache__" not in p.parts)
    return _digest(p.relative_to(root).as_posix().encode() + p.read_bytes() for p in files).encode()


def _relative(path: Path) -> str:
    """A path as a notebook parameter: relative to the project root when inside it."""
    path = path.resolve()
    try:
        return path.relative_to(paths.ROOT).as_posix()
    except ValueError:
        return str(path)


def annotations_for(article: Path, values: dict[str, str]) -> Path | None:
    """The annotation file a render uses: the parameter, else the article's curated file."""
    if values.get("annotations"):
        return Path(values["annotations"])
    default = paths.default_annotations(article)
    return default if default.is_file() else None


def _shared_inputs(article: Path, values: dict[str, str]) -> list[bytes]:
    """The bytes every output depends on: article, annotations, reference data, code, lock."""
    text, _ = read_text(article)
    annotations = annotations_for(article, values)
    return [
        text.encode(),
        read_text(annotations, "annotation file")[1] if annotations else b"",
        _tree_digest(paths.REFERENCE),
        _tree_digest(Path(__file__).parent),
        (paths.ROOT / "requirements.lock").read_bytes(),
    ]


def input_digest(article: Path, values: dict[str, str]) -> str:
    """The key of the tables of an article under some parameters."""
    # The annotation file counts by its content (in the shared inputs), not by how its path
    # was spelled, so the renderer and its notebooks share one entry.
    snapshot = values.get("reference_snapshot", "").encode()
    return _digest([*_shared_inputs(article, values), snapshot])


def plan(article: Path, values: dict[str, str]) -> tuple[list[Job], str]:
    """One job per notebook, with its parameters and the cache key of all its inputs, and the
    key of the tables. Keys are computed from raw bytes: nothing is parsed yet."""
    annotations = annotations_for(article, values)
    shared = _shared_inputs(article, values)
    given = {
        "article_path": _relative(article),
        "annotations_path": _relative(annotations) if annotations else "",
        "figures_dir": "figures",
        "units": values["units"],
        "reference_snapshot": values["reference_snapshot"],
    }
    jobs = []
    for notebook in notebooks():
        chosen = {name: given[name] for name in used_parameters(notebook) if name in given}
        key = _digest([*shared, notebook.read_bytes(), json.dumps(chosen, sort_keys=True).encode()])
        jobs.append(Job(notebook, chosen, key))
    tables_key = "csv-" + _digest([*shared, json.dumps(values, sort_keys=True).encode()])
    return jobs, tables_key


def scrub(nb: dict) -> dict:
    """Remove run times and durations, so the same inputs give the same notebook bytes."""
    papermill = nb["metadata"].get("papermill", {})
    for name in ("start_time", "end_time", "duration", "exception", "input_path", "output_path"):
        papermill.pop(name, None)
    for cell in nb["cells"]:
        for name in _VOLATILE_CELL_METADATA:
            cell["metadata"].pop(name, None)
    return nb


def run_notebook(source: Path, output: Path, cwd: Path, parameters: dict, label: str) -> None:
    """Execute a notebook with papermill on the project's kernel; a failing cell becomes one
    line naming the notebook (the label), the cell and the error."""
    import papermill

    try:
        papermill.execute_notebook(
            str(source),
            str(output),
            parameters=parameters,
            kernel_name=KERNEL,
            cwd=str(cwd),
            progress_bar=False,
            log_output=False,
            extra_arguments=KERNEL_ARGUMENTS,
        )
    except papermill.PapermillExecutionError as error:
        raise SpilloverError(
            f"{label} failed in cell {error.exec_count}: {error.ename}: {error.evalue}"
        ) from None


def _execute(job: Job, workdir: Path) -> Path:
    """Run one notebook with papermill in `workdir`; the executed copy is cached."""
    entry = CACHE / job.key
    if (entry / "notebook.ipynb").is_file():
        return entry

    scratch = _folder(f".{job.notebook.stem}-", workdir)
    output = scratch / "notebook.ipynb"
    parameters = dict(job.parameters)
    if "figures_dir" in parameters:
        parameters["figures_dir"] = str(scratch / "figures")
    run_notebook(job.notebook, output, paths.ROOT, parameters, f"notebook {job.notebook.name}")
    import nbformat

    nb = scrub(nbformat.read(output, as_version=4))
    _restore_parameters(nb, job.parameters)
    nbformat.write(nb, output)
    CACHE.mkdir(parents=True, exist_ok=True)
    try:
        os.replace(scratch, entry)
    except OSError:  # another render stored the same entry first
        shutil.rmtree(scratch, ignore_errors=True)
    return entry


def _restore_parameters(nb: dict, parameters: dict[str, str]) -> None:
    """Record the job's parameters (the figures folder project-relative, not the scratch path)
    and give the injected cell a fixed id in place of papermill's random one."""
    nb["metadata"].setdefault("papermill", {})["parameters"] = dict(parameters)
    for cell in nb["cells"]:
        if "injected-parameters" in _tags(cell):
            cell["id"] = "injected-parameters"
            lines = [line for line in _source(cell).splitlines() if not line.startswith("figures_dir")]
            if "figures_dir" in parameters:
                lines.append(f'figures_dir = "{parameters["figures_dir"]}"')
            cell["source"] = "\n".join(lines)


def execute_all(jobs: list[Job], workdir: Path, max_workers: int = 0) -> list[Path]:
    """Execute the jobs on parallel kernels (one per core by default); cache entries back."""
    workers = max_workers or os.cpu_count() or 1
    with ThreadPoolExecutor(max_workers=min(workers, max(len(jobs), 1))) as pool:
        return list(pool.map(lambda job: _execute(job, workdir), jobs))


# --- HTML ------------------------------------------------------------------------------------


def _plotly_js() -> str:
    return (resources.files("plotly") / "package_data" / "plotly.min.js").read_text(encoding="utf-8")


def _script_json(data: object) -> str:
    """JSON safe inside a <script> element."""
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return text.replace("</", "<\\/").replace("<!--", "<\\!--")


def _markdown(text: str) -> str:
    """Markdown of our own notebooks (trusted) to HTML; mistune is what nbconvert uses."""
    import mistune

    return mistune.html(text)


def slug(text: str) -> str:
    return "-".join("".join(c.lower() if c.isalnum() else " " for c in text).split())


def _joined(value: object) -> object:
    """Notebook JSON stores multi-line text as a list of lines."""
    return "".join(value) if isinstance(value, list) else value


def _output_html(output: dict, chart_ids: set[str]) -> str:
    kind = output.get("output_type")
    if kind == "stream":
        return f'<pre class="stream">{html.escape(_joined(output.get("text", "")))}</pre>'
    if kind == "error":
        return f'<pre class="error">{html.escape(output.get("ename", ""))}</pre>'
    data = {mime: _joined(value) for mime, value in output.get("data", {}).items()}
    if PLOTLY_MIME in data and CHART_MIME in data:
        meta = data[CHART_MIME]
        name = slug(meta["name"])
        if name in chart_ids:
            raise SpilloverError(f"two charts are named {meta['name']!r}; chart names must be unique")
        chart_ids.add(name)
        return (
            f'<figure class="chart" id="chart-{name}">'
            f'<div class="plot" id="plot-{name}" role="img" aria-label="{html.escape(meta["alt"])}"></div>'
            f'<script type="application/json" class="plot-data" data-target="plot-{name}">'
            f"{_script_json(data[PLOTLY_MIME])}</script>"
            f"<figcaption>{html.escape(meta['caption'])}"
            f'<span class="source">Source: {html.escape(meta["source"])}</span></figcaption></figure>'
        )
    if "text/html" in data:
        return f'<div class="output">{data["text/html"]}</div>'
    if "text/markdown" in data:
        return f'<div class="output">{_markdown(data["text/markdown"])}</div>'
    if "image/png" in data:
        return f'<img alt="" src="data:image/png;base64,{data["image/png"].strip()}">'
    if "text/plain" in data:
        return f'<pre class="stream">{html.escape(data["text/plain"])}</pre>'
    return ""


def _markdown_with_anchors(source: str, index: int) -> tuple[str, list]:
    """Markdown as HTML whose level-1 and level-2 headings carry ids for the contents."""
    rendered, headings = _markdown(source), []
    for line in source.splitlines():
        if line.startswith(("# ", "## ")):
            level = 1 if line.startswith("# ") else 2
            text = line.lstrip("# ").strip()
            anchor = f"s{index}-{slug(text)}"
            headings.append((level, anchor, text))
            tag = f"h{level}"
            rendered = rendered.replace(f"<{tag}>", f'<{tag} id="{anchor}">', 1)
    return rendered, headings


def _chapter_html(nb: dict, index: int, chart_ids: set[str]) -> tuple[str, list]:
    """A notebook as a section; returns its HTML and its headings (level, id, text)."""
    parts, headings = [], []
    for cell in nb["cells"]:
        tags, source = _tags(cell), _source(cell)
        if cell["cell_type"] == "markdown":
            rendered, found = _markdown_with_anchors(source, index)
            headings.extend(found)
            parts.append(rendered)
        elif cell["cell_type"] == "code":
            label = (
                "Default parameters"
                if "parameters" in tags
                else "Parameters of this run"
                if "injected-parameters" in tags
                else "Code"
            )
            parts.append(
                f'<details class="code"><summary>{label}</summary>'
                f"<pre><code>{html.escape(source)}</code></pre></details>"
            )
            parts.extend(_output_html(o, chart_ids) for o in cell.get("outputs", []))
    return f'<section class="chapter">{"".join(parts)}</section>', headings


def _downloads(tables_dir: Path) -> str:
    links = []
    for csv in sorted(tables_dir.glob("*.csv")):
        payload = base64.b64encode(csv.read_bytes()).decode()
        links.append(
            f'<li><a download="{csv.name}" href="data:text/csv;base64,{payload}">{csv.name}</a></li>'
        )
    return "".join(links)


def _guide_without_answers(guide: str) -> str:
    """The teacher's guide for the report's readers: the 'Answers' section stays in the teacher
    edition (make classroom), so a student reading the report does not see them."""
    kept, skipping = [], False
    for line in guide.splitlines():
        if line.startswith("## "):
            skipping = line.strip().lower() == "## answers"
            if skipping:
                kept.append(
                    "## Answers\n\nThe answers are in the teacher edition: run `make classroom` and "
                    "open `reports/classroom/teacher/`.\n"
                )
        if not skipping:
            kept.append(line)
    return "\n".join(kept) + "\n"


def assemble(executed: list[Path], tables_dir: Path, title: str, with_guide: bool = False) -> str:
    """The whole report as one self-contained HTML page."""
    chapters, toc, chart_ids = [], [], set()
    for index, entry in enumerate(executed, start=1):
        nb = _read_notebook(entry / "notebook.ipynb")
        body, headings = _chapter_html(nb, index, chart_ids)
        chapters.append(body)
        toc.extend(headings)
    guide = paths.CLASSROOM / "teacher-guide.md"
    if with_guide and guide.is_file():  # the classroom guide (seed article only), last chapter
        text = _guide_without_answers(guide.read_text(encoding="utf-8"))
        body, headings = _markdown_with_anchors(text, len(chapters) + 1)
        chapters.append(f'<section class="chapter guide">{body}</section>')
        toc.extend(headings)
    toc_html = "".join(
        f'<li class="toc-{level}"><a href="#{anchor}">{html.escape(text)}</a></li>'
        for level, anchor, text in toc
    )
    template = (resources.files("spillover") / "templates" / "report.html").read_text(encoding="utf-8")
    page = (
        template.replace("{{title}}", html.escape(title))
        .replace("{{toc}}", toc_html)
        .replace("{{downloads}}", _downloads(tables_dir))
        .replace("{{plotly_js}}", _plotly_js().replace("</script", "<\\/script"))
    )
    # Only the page's own scripts may run (their hashes in the Content-Security-Policy): a
    # script smuggled in through an article would be blocked even if escaping failed.
    hashes = " ".join(f"'{_csp_hash(s)}'" for s in _inline_scripts(page))
    page = page.replace("{{script_hashes}}", hashes)
    return page.replace("{{chapters}}", "\n".join(chapters))


def _inline_scripts(page: str) -> list[str]:
    return re.findall(r"<script>(.*?)</script>", page, flags=re.DOTALL)


def _csp_hash(script: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()


# --- the render --------------------------------------------------------------------------------


def _read_umask() -> int:
    # Read once, at import, before any worker thread exists: os.umask can only be read by
    # setting it, and the setting is process-wide.
    umask = os.umask(0o022)
    os.umask(umask)
    return umask


_UMASK = _read_umask()


def _folder(prefix: str, parent: Path) -> Path:
    """A new private-named folder with the modes any new folder gets (mkdtemp's are 0o700,
    which would make the report's tables unreadable to a web server)."""
    folder = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
    folder.chmod(0o777 & ~_UMASK)
    return folder


def writable_parent(out: Path) -> Path:
    out = out.resolve()
    parent = out if out.is_dir() else out.parent
    if out.exists() and not out.is_dir():
        raise InputError(f"output {out} is a file, not a folder; choose a folder")
    blocking = next((p for p in [parent, *parent.parents] if p.exists()), None)
    if blocking is not None and not blocking.is_dir():
        raise InputError(f"output {out} is inside {blocking}, which is a file; choose a folder")
    if not parent.exists():
        try:
            parent.mkdir(parents=True)
        except OSError as error:
            raise InputError(f"cannot create output folder {parent}: {error.strerror}") from None
    if not os.access(parent, os.W_OK):
        raise InputError(f"output folder {parent} is not writable; choose another with --out")
    return out


def swap_in(staging: Path, out: Path) -> None:
    """Move each new item into `out`, replacing its old version; index.html goes last."""
    out.mkdir(parents=True, exist_ok=True)
    items = sorted(staging.iterdir(), key=lambda p: p.name == "index.html")
    for item in items:
        target = out / item.name
        if target.is_dir() and not target.is_symlink():
            trash = _folder(".old-", out)
            os.replace(target, trash / item.name)
            os.replace(item, target)
            shutil.rmtree(trash, ignore_errors=True)
        else:
            os.replace(item, target)


def render_report(
    article: Path | str = paths.DEFAULT_ARTICLE,
    out: Path | str = paths.REPORTS,
    values: dict[str, str] | None = None,
    jobs: int = 0,
    use_cache: bool = True,
    tables_out: Path | str | None = None,
) -> Path:
    """Render the report of an article into `out` (and, if given, its tables into
    `tables_out`); returns the path of index.html."""
    from spillover import params

    article = Path(article)
    values = params.validate(values or {})
    out = writable_parent(Path(out))
    job_list, tables_key = plan(article, values)
    entries = [CACHE / job.key for job in job_list] + [CACHE / tables_key]
    if not use_cache:
        for entry in entries:
            shutil.rmtree(entry, ignore_errors=True)
        (CACHE / f"tables-{input_digest(article, values)}.pickle").unlink(missing_ok=True)
    if not all(entry.is_dir() for entry in entries):
        _check_inputs(article, values)  # one-line errors before any kernel starts
    try:
        staging = _folder(".render-", out.parent)
    except OSError as error:
        raise InputError(f"cannot write beside {out}: {error.strerror}; choose another --out") from None
    try:
        tables_dir = _tables(article, values, tables_key, staging)
        executed = execute_all(job_list, staging, jobs)
        for scratch in staging.glob(".*"):
            shutil.rmtree(scratch, ignore_errors=True)
        shutil.copytree(tables_dir, staging / "data")
        (staging / "notebooks").mkdir()
        (staging / "figures").mkdir()
        for job, entry in zip(job_list, executed, strict=True):
            shutil.copyfile(entry / "notebook.ipynb", staging / "notebooks" / job.notebook.name)
            if (entry / "figures").is_dir():
                shutil.copytree(entry / "figures", staging / "figures", dirs_exist_ok=True)
        seed = read_text(article)[1] == read_text(paths.DEFAULT_ARTICLE)[1]
        page = assemble(executed, staging / "data", _title(article), with_guide=seed)
        (staging / "index.html").write_text(page, encoding="utf-8")
        if tables_out is not None:
            _publish_tables(staging / "data", writable_parent(Path(tables_out)))
        swap_in(staging, out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return out / "index.html"


def _publish_tables(source: Path, target: Path) -> None:
    """Copy the render's tables into a folder (data/processed for `make report`), file by file
    through a staging folder, as the report itself."""
    target.mkdir(parents=True, exist_ok=True)
    staging = _folder(".tables-", target)
    try:
        for item in sorted(source.iterdir()):
            shutil.copyfile(item, staging / item.name)
        swap_in(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _check_inputs(article: Path, values: dict[str, str]) -> None:
    from spillover.tables import load

    load(article, values.get("annotations") or None)


def _tables(article: Path, values: dict[str, str], key: str, workdir: Path) -> Path:
    """The tidy tables of the render (cached like the notebooks)."""
    entry = CACHE / key
    if not entry.is_dir():
        from spillover.report import cached_tables
        from spillover.tables import write_tables

        scratch = _folder(".tables-", workdir)
        write_tables(cached_tables(article, values), scratch)  # computed once, for the notebooks too
        CACHE.mkdir(parents=True, exist_ok=True)
        try:
            os.replace(scratch, entry)
        except OSError:
            shutil.rmtree(scratch, ignore_errors=True)
    return entry


def _title(article: Path) -> str:
    from spillover.article import read_article

    parsed = read_article(article)
    return parsed.title.text if parsed.title else article.name


def refresh_notebooks(selected: list[Path] | None = None) -> list[Path]:
    """Execute the notebooks in place with their default parameters, so the committed outputs
    are those of the default run (what nbval compares against)."""
    import nbformat

    done = []
    for notebook in selected or notebooks():
        run_notebook(notebook, notebook, paths.ROOT, {}, f"notebook {notebook.name}")
        nb = scrub(nbformat.read(notebook, as_version=4))
        nb.metadata.pop("papermill", None)
        nbformat.write(nb, notebook)
        done.append(notebook)
    return done
