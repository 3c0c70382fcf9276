"""Execute the notebooks with papermill and render them into one offline HTML page.

The steps: check every input (article, annotations, parameters, output folder) before any
kernel starts; execute the notebooks in parallel, each skipped when a verified cache entry
keyed on the content of all its inputs exists; assemble index.html in a staging folder; then
publish it in one rename (spillover.publish), so a failure or an interrupt at any point
leaves the previous report as it was.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import html
import itertools
import json
import os
import re
import secrets
import shutil
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from spillover import cache, keys, paths
from spillover.article import Article, materialize, read_article, read_text
from spillover.errors import InputError, SpilloverError
from spillover.page import (
    ARTICLE_MIME,
    CHART_MIME,
    PLOTLY_MIME,
    article_folded,
    article_html,
    linked_quotes,
    slug,
)
from spillover.publish import OutputFolder

CACHE = cache.CACHE
REPORT_ENTRIES = ("index.html", "data", "figures", "notebooks")
# Seconds a cell may run before the render stops with an error naming it (a hung cell would
# otherwise hang the render for ever); the seed's slowest cell takes a few seconds.
CELL_TIMEOUT = 600
FAILED = paths.ROOT / ".cache" / "failed"
KERNEL = "python3"
# The kernel's own start-up warnings (e.g. about TCP transport) are noise to the user.
# No IPython history: many kernels at once would contend for one history.sqlite, for nothing.
KERNEL_ARGUMENTS = ["--log-level=CRITICAL", "--HistoryManager.enabled=False"]
# A kernel is killed once its last cell has replied (every output is in by then): a graceful
# shutdown waited about 0.8 s a notebook for nothing (benchmarks/README.md).
KERNEL_SHUTDOWN = "immediate"
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
    words = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", _code(notebook)))
    return [name for name in declared if name in words]


def _code(notebook: Path) -> str:
    """The notebook's code outside its parameters cells."""
    return "\n".join(
        _source(cell)
        for cell in _read_notebook(notebook)["cells"]
        if cell["cell_type"] == "code" and not {"parameters", "injected-parameters"} & set(_tags(cell))
    )


def _relative(path: Path) -> str:
    """A path as a notebook parameter: relative to the project root when inside it."""
    path = path.resolve()
    try:
        return path.relative_to(paths.ROOT).as_posix()
    except ValueError:
        return str(path)


def plan(article: Path, values: dict[str, str]) -> tuple[list[Job], str]:
    """One job per notebook, with its parameters and the cache key of all its inputs, and the
    key of the tables. Keys are computed from raw bytes: nothing is parsed yet."""
    annotations = keys.annotations_for(article, values)
    shared = keys.article_inputs(article, values)
    tables_key = keys.tables_key(article, values)
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
        code = keys.code_digest(keys.imports_of_code(_code(notebook)))
        chosen_bytes = json.dumps(chosen, sort_keys=True).encode()
        # Not the tables' key: a chapter reruns for a parameter only if its code uses it.
        key = keys.digest([*shared, code, notebook.read_bytes(), chosen_bytes])
        jobs.append(Job(notebook, chosen, key))
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


def run_notebook(
    source: Path, output: Path, cwd: Path, parameters: dict, label: str, timeout: int = CELL_TIMEOUT
) -> None:
    """Execute a notebook with papermill on the project's kernel; a failing or timed-out cell
    becomes one line naming the notebook (the label), the cell and the error, and the executed
    notebook is kept in .cache/failed/ for a look at the cell."""
    import papermill
    from nbclient.exceptions import CellTimeoutError

    try:
        papermill.execute_notebook(
            str(source),
            str(output),
            parameters=parameters,
            kernel_name=KERNEL,
            cwd=str(cwd),
            progress_bar=False,
            log_output=False,
            execution_timeout=timeout,
            extra_arguments=KERNEL_ARGUMENTS,
            shutdown_kernel=KERNEL_SHUTDOWN,
        )
    except papermill.PapermillExecutionError as error:
        kept = _keep_failed(output, source)
        raise SpilloverError(
            f"{label} failed in cell {error.exec_count}: {error.ename}: {error.evalue} "
            f"(the executed notebook is {kept})"
        ) from None
    except CellTimeoutError:
        kept = _keep_failed(output, source)
        raise SpilloverError(
            f"{label}: cell {_running_cell(output)} ran longer than {timeout} s and was stopped; "
            f"fix the cell or raise the limit with --cell-timeout (the executed notebook is {kept})"
        ) from None


def _keep_failed(output: Path, source: Path) -> Path:
    """Copy a failed run's notebook where the user can open it (papermill wrote it as it ran)."""
    FAILED.mkdir(parents=True, exist_ok=True)
    kept = FAILED / source.name
    if output.is_file():
        shutil.copyfile(output, kept)
    return kept


def _running_cell(output: Path) -> str:
    """The execution count of the cell the timeout stopped: the last one that was started."""
    try:
        nb = _read_notebook(output)
    except (OSError, ValueError):
        return "?"
    started = [c.get("execution_count") for c in nb["cells"] if c.get("execution_count")]
    return str(started[-1]) if started else "?"


def _execute(job: Job, timeout: int = CELL_TIMEOUT) -> Path:
    """Run one notebook with papermill in a scratch folder of the cache; the executed copy
    (and its figures) becomes a verified cache entry."""
    entry = cache.lookup(job.key)
    if entry is not None:
        return entry

    scratch = cache.scratch(job.notebook.stem)
    try:
        output = scratch / "notebook.ipynb"
        parameters = dict(job.parameters)
        if "figures_dir" in parameters:
            parameters["figures_dir"] = str(scratch / "figures")
        run_notebook(job.notebook, output, paths.ROOT, parameters, f"notebook {job.notebook.name}", timeout)
        import nbformat

        nb = scrub(nbformat.read(output, as_version=4))
        _restore_parameters(nb, job.parameters)
        nbformat.write(nb, output)
        return cache.store(job.key, scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


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


def execute_all(jobs: list[Job], max_workers: int = 0, timeout: int = CELL_TIMEOUT) -> list[Path]:
    """Execute the jobs on parallel kernels (one per core by default); cache entries back.
    On an interrupt the kernels are killed at once, so Ctrl-C ends a render in a moment."""
    workers = max_workers or os.cpu_count() or 1
    pool = ThreadPoolExecutor(max_workers=min(workers, max(len(jobs), 1)))
    futures = [pool.submit(_execute, job, timeout) for job in jobs]
    try:
        results = [future.result() for future in futures]
    except KeyboardInterrupt:
        pool.shutdown(wait=False, cancel_futures=True)
        _kill_kernels()
        raise
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown()
    return results


def _kill_kernels() -> None:
    """Kill the Jupyter kernels this process started (they would run their cells to the end)."""
    import psutil

    for child in psutil.Process().children(recursive=True):
        try:
            if any("ipykernel" in part for part in child.cmdline()):
                child.kill()
        except psutil.Error:
            pass


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
    if ARTICLE_MIME in data and "text/html" in data:
        # the article's text: written by assemble once the whole page's quote links are known
        return f'<div class="output">{ARTICLE_PLACEHOLDER}{data["text/html"]}{ARTICLE_PLACEHOLDER}</div>'
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


# Around the notebook's copy of the article's text, which assemble replaces (a comment no
# article can guess, so no text put in the page can be taken for it).
ARTICLE_PLACEHOLDER = f"<!--article-{secrets.token_hex(16)}-->"


def _with_article(chapters: str, article: Article | None, tables_dir: Path, lede: str) -> str:
    """The chapters with the article's text written in where a notebook showed it (with the
    quotes the chapters and the lede link to highlighted), or the notebook's copy kept when no
    article is given."""
    parts = chapters.split(ARTICLE_PLACEHOLDER)
    if len(parts) == 1:
        return chapters
    if article is not None:
        section = _article_section(article, tables_dir, "".join(parts[0::2]) + lede)
        parts[1::2] = [section] * len(parts[1::2])
    return "".join(parts)


def _article_section(article: Article, tables_dir: Path, page_html: str) -> str:
    """The article's text, folded, with its annotated figures, the quotes the page links to and
    the first of its other numbers highlighted (spillover.page.article_html). The tables are read
    with the csv module: the renderer need not import pandas for this."""

    def rows(name: str) -> list[dict]:
        path = tables_dir / f"{name}.csv"
        if not path.is_file():
            return []
        with path.open(encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(handle))

    figure_rows, mention_rows = rows("figures"), rows("mentions")
    figures = {(int(r["start"]), int(r["end"])): f"{r['measure']} ({r['subject']})" for r in figure_rows}
    mentions = {(int(r["start"]), int(r["end"])): r["kind"] or "number" for r in mention_rows}
    body = article_html(article, figures, mentions, linked=linked_quotes(page_html))
    return article_folded(article, body, len(figure_rows), len(mention_rows))


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


# A markdown cell tagged so starts a section shown folded, its heading as the summary; the
# section runs to the next heading of its level or above, or to the chapter's end.
COLLAPSED = "collapsed"


def _heading_level(source: str) -> int:
    """1 or 2 for a markdown cell that opens with a level-1 or level-2 heading, else 0."""
    first = source.lstrip().split("\n", 1)[0]
    return 1 if first.startswith("# ") else 2 if first.startswith("## ") else 0


def _code_html(source: str, tags: list[str]) -> str:
    """A code cell, hidden until the reader asks for all code with the page's one button."""
    label = (
        "Default parameters"
        if "parameters" in tags
        else "Parameters of this run"
        if "injected-parameters" in tags
        else "Code"
    )
    return (
        f'<div class="code"><p class="code-label">{label}</p>'
        f"<pre><code>{html.escape(source)}</code></pre></div>"
    )


def _shown_cells(cells: list[dict]) -> list[dict]:
    """The cells of a chapter less its level-2 sections whose code shows nothing: an article
    with nothing for a section (no border lengths, say) gets no heading over an empty space."""
    sections: list[list[dict]] = [[]]
    for cell in cells:
        if cell["cell_type"] == "markdown" and _heading_level(_source(cell)) == 2:
            sections.append([])
        sections[-1].append(cell)
    shown = [sections[0], *(s for s in sections[1:] if any(c.get("outputs") for c in s))]
    return [cell for section in shown for cell in section]


def _chapter_html(nb: dict, index: int, chart_ids: set[str]) -> tuple[str, list]:
    """A notebook as a section; returns its HTML and its headings (level, id, text)."""
    parts, headings = [], []
    folded_at = 0  # the heading level of the folded section we are in (0: none)
    for cell in _shown_cells(nb["cells"]):
        tags, source = _tags(cell), _source(cell)
        if cell["cell_type"] == "markdown":
            rendered, found = _markdown_with_anchors(source, index)
            headings.extend(found)
            level = _heading_level(source)
            if folded_at and level and level <= folded_at:
                parts.append("</details>")
                folded_at = 0
            if COLLAPSED in tags and level:
                # the heading becomes the summary, the rest of the cell the section's first words
                heading_end = rendered.index(f"</h{level}>") + len(f"</h{level}>")
                parts.append(
                    f'<details class="section"><summary>{rendered[:heading_end]}</summary>'
                    f"{rendered[heading_end:]}"
                )
                folded_at = level
            else:
                parts.append(rendered)
        elif cell["cell_type"] == "code":
            parts.append(_code_html(source, tags))
            parts.extend(_output_html(o, chart_ids) for o in cell.get("outputs", []))
    if folded_at:
        parts.append("</details>")
    # a stable id from the chapter's title ("chapter-findings"), whatever its place in the report
    title = next((text for level, _, text in headings if level == 1), "")
    anchor = f' id="chapter-{slug(title)}"' if title else ""
    return f'<section class="chapter"{anchor}>{"".join(parts)}</section>', headings


# CSV files embedded in the page as data URIs up to this many bytes in all (the smallest
# first); a larger one is a link to the copy in data/ beside index.html, so a long article's
# tables (tens of MB as base64) do not swell the page.
EMBEDDED_CSV_BYTES = 300_000


def _downloads(tables_dir: Path, budget: int = EMBEDDED_CSV_BYTES) -> str:
    links = []
    for table in sorted(tables_dir.glob("*.csv"), key=lambda p: (p.stat().st_size, p.name)):
        size = table.stat().st_size
        if size <= budget:
            budget -= size
            payload = base64.b64encode(table.read_bytes()).decode()
            links.append(
                (
                    table.name,
                    f'<li><a download="{table.name}" href="data:text/csv;base64,{payload}">'
                    f"{table.name}</a></li>",
                )
            )
        else:
            links.append(
                (
                    table.name,
                    f'<li><a href="data/{table.name}">{table.name}</a> '
                    f"<small>({_size(size)}, in the folder data/ beside this page)</small></li>",
                )
            )
    return "".join(link for _, link in sorted(links))


def _size(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB" if size >= 1_000_000 else f"{max(1, round(size / 1000))} kB"


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


def chapter_title(notebook: Path) -> str:
    """A chapter's title: the first level-1 heading of its notebook."""
    for cell in _read_notebook(notebook)["cells"]:
        if cell["cell_type"] == "markdown":
            for line in _source(cell).splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return notebook.stem


def needed_tables(notebook: Path) -> list[str]:
    """The tables a chapter shows (its notebook's metadata 'spillover.needs'): the chapter is
    left out of a report when all of them are empty. None declared: always shown."""
    return list(_read_notebook(notebook)["metadata"].get("spillover", {}).get("needs", []))


def has_rows(tables_dir: Path, name: str) -> bool:
    """Whether a written table has at least one row (its CSV more than a header line)."""
    path = tables_dir / f"{name}.csv"
    if not path.is_file():
        return False
    with path.open(encoding="utf-8") as handle:
        return len(list(itertools.islice(handle, 2))) > 1


def shows_anything(notebook: Path, tables_dir: Path) -> bool:
    needs = needed_tables(notebook)
    return not needs or any(has_rows(tables_dir, name) for name in needs)


def left_out_notice(titles: list[str]) -> str:
    """One line at the top of a report that leaves chapters out, saying how to get them."""
    if not titles:
        return ""
    names = ", ".join(html.escape(t) for t in titles)
    return (
        f'<p class="notice">Not in this report, because the article has no annotated figures for '
        f"them: {names}. To add them, write an annotation file with <code>spillover annotate "
        f"ARTICLE &gt; FILE</code>, fill it in, and render with <code>-p annotations FILE</code>.</p>"
    )


def assemble(
    executed: list[Path],
    tables_dir: Path,
    title: str,
    with_guide: bool = False,
    notice: str = "",
    lede: str = "",
    masthead: str = "",
    article: Article | None = None,
) -> str:
    """The whole report as one self-contained HTML page: what it found and the article's masthead
    first (spillover.lede, computed from the tables), then the chapters, the article's text
    written in where a notebook shows it (see _with_article)."""
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
        # folded: a reader of the report opens it, a teacher has it in full in the teacher edition
        heading_end = body.index("</h1>") + len("</h1>") if "</h1>" in body else 0
        chapters.append(
            f'<section class="chapter guide"><details class="section">'
            f"<summary>{body[:heading_end] or 'Teacher' + chr(39) + 's guide'}</summary>"
            f"{body[heading_end:]}</details></section>"
        )
        toc.extend(headings)
    toc_html = "".join(
        f'<li class="toc-{level}"><a href="#{anchor}">{html.escape(text)}</a></li>'
        for level, anchor, text in toc
    )
    template = (resources.files("spillover") / "templates" / "report.html").read_text(encoding="utf-8")
    values = {
        "title": html.escape(title),
        "toc": toc_html,
        "downloads": _downloads(tables_dir),
        "plotly_js": _plotly_js().replace("</script", "<\\/script"),
        "chapters": _with_article("\n".join(chapters), article, tables_dir, lede),
        "notice": notice,
        "lede": lede or f'<h1 class="headline">{html.escape(title)}</h1>',
        "masthead": masthead,
    }
    # Only the page's own scripts may run (their hashes in the Content-Security-Policy): a
    # script smuggled in through an article would be blocked even if escaping failed. They
    # are the template's, with plotly.js in its place.
    own_scripts = _inline_scripts(template.replace("{{plotly_js}}", values["plotly_js"]))
    values["script_hashes"] = " ".join(f"'{_csp_hash(s)}'" for s in own_scripts)
    # One pass over the template: text put in (an article's "{{chapters}}", say) is never
    # read again as a placeholder.
    return _PLACEHOLDER.sub(lambda match: values[match.group(1)], template)


_PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")


def _inline_scripts(page: str) -> list[str]:
    return re.findall(r"<script>(.*?)</script>", page, flags=re.DOTALL)


def _csp_hash(script: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()


# --- the render --------------------------------------------------------------------------------


def render_report(
    article: Path | str = paths.DEFAULT_ARTICLE,
    out: Path | str = paths.REPORTS,
    values: dict[str, str] | None = None,
    jobs: int = 0,
    use_cache: bool = True,
    tables_out: Path | str | None = None,
    force: bool = False,
    cell_timeout: int = CELL_TIMEOUT,
    only: list[str] | None = None,
    refresh: list[str] | None = None,
) -> Path:
    """Render the report of an article into `out` (and, if given, its tables into
    `tables_out`); returns the path of index.html. `only` limits the report to some chapters;
    `refresh` reruns some chapters whatever their cache holds; without `use_cache` the render
    runs cold in a cache of its own (the shared entries are neither used nor removed)."""
    if not use_cache:
        with cache.private():
            return render_report(
                article, out, values, jobs, True, tables_out, force, cell_timeout, only, refresh
            )
    from spillover import params

    article = materialize(article)  # standard input ("-") becomes a file the kernels can read
    values = params.validate(values or {})
    job_list, tables_key = plan(article, values)
    if only:
        chosen = set(chapters(only))
        job_list = [job for job in job_list if job.notebook in chosen]
    stale = [job.key for job in job_list if job.notebook in set(chapters(refresh or []))]
    entry_keys = [job.key for job in job_list] + [tables_key]
    for key in stale:
        cache.remove(key)
    if not all(cache.lookup(key) for key in entry_keys):
        _check_inputs(article, values)  # one-line errors before any kernel starts
    tables_folder = None
    if tables_out is not None:  # checked (not yet claimed) before the long part
        tables_folder = OutputFolder(tables_out, force=force, allowed=[paths.PROCESSED])
    cache.remove_scratch_of_dead_processes()
    with OutputFolder(out, REPORT_ENTRIES, force=force) as folder:
        # pandas and the rest are imported once the inputs are known good: a bad one fails at once
        from spillover.lede import lede_html, masthead_html
        from spillover.report import tables_entry

        staging = folder.staging
        tables_dir = tables_entry(article, values)
        # A chapter with nothing to show for this article is left out, and the page says so.
        empty = [job for job in job_list if not shows_anything(job.notebook, tables_dir)]
        job_list = [job for job in job_list if job not in empty]
        notice = left_out_notice([chapter_title(job.notebook) for job in empty])
        executed = execute_all(job_list, jobs, cell_timeout)
        shutil.copytree(tables_dir, staging / "data", ignore=shutil.ignore_patterns(cache.CHECKSUMS))
        (staging / "notebooks").mkdir()
        (staging / "figures").mkdir()
        for index, (job, entry) in enumerate(zip(job_list, executed, strict=True)):
            try:
                _copy_entry(job, entry, staging)
            except FileNotFoundError:  # another run removed the entry (--no-cache): make it again
                executed[index] = _execute(job, cell_timeout)
                _copy_entry(job, executed[index], staging)
        seed = read_text(article)[1] == read_text(paths.DEFAULT_ARTICLE)[1]
        parsed = read_article(article)
        page = assemble(
            executed,
            staging / "data",
            parsed.title.text if parsed.title else article.name,
            with_guide=seed,
            notice=notice,
            lede=lede_html(staging / "data", parsed),
            masthead=masthead_html(parsed),
            article=parsed,
        )
        (staging / "index.html").write_text(page, encoding="utf-8")
        if tables_folder is not None:
            with tables_folder as tables:
                for item in sorted((staging / "data").iterdir()):
                    shutil.copyfile(item, tables.staging / item.name)
                tables.publish_files()
        folder.publish_versioned()
    cache.evict(keep=set(entry_keys))
    return folder.out / "index.html"


def _copy_entry(job: Job, entry: Path, staging: Path) -> None:
    """A chapter's executed notebook and figures, from its cache entry into the report."""
    shutil.copyfile(entry / "notebook.ipynb", staging / "notebooks" / job.notebook.name)
    if (entry / "figures").is_dir():
        shutil.copytree(entry / "figures", staging / "figures", dirs_exist_ok=True)


def chapters(names: list[str]) -> list[Path]:
    """The notebooks named by number ("04"), name ("border-lengths") or file stem."""
    found = []
    for name in names:
        matches = [
            nb
            for nb in notebooks()
            if name in (nb.stem, nb.stem[:2], nb.stem[3:], nb.name) or nb.stem.startswith(f"{name}-")
        ]
        if not matches:
            known = ", ".join(nb.stem for nb in notebooks())
            raise InputError(f"no chapter {name!r}; chapters: {known}")
        found.extend(matches)
    return found


def _check_inputs(article: Path, values: dict[str, str]) -> None:
    """Read and check every input by building the article's tables (one-line errors), before
    any kernel starts or the output folder is claimed; the render then finds them in the cache
    (reading the inputs only to check them would parse and extract a long article twice)."""
    from spillover.report import tables_entry

    tables_entry(article, values)


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
