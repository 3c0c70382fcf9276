"""Read an article faithfully: title, byline, date, paragraphs and sentences.

Every span carries character offsets into the original file's text (decoded as UTF-8), so
``article.text[span.start:span.end] == span.text`` holds everywhere. Repairs of what text
extraction broke (paragraphs split mid-sentence by blank lines, a contact footer) change
which spans exist, never their offsets.
"""

from __future__ import annotations

import codecs
import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import yaml
from dateutil import parser as dateparser

from spillover import paths
from spillover.errors import InputError

MAX_BYTES = 50_000_000  # an article is text; anything larger is almost certainly the wrong file

# Blocks of text are separated by one or more blank lines.
_BLOCK_SEP = re.compile(r"(?:[ \t]*\r?\n){2,}")
# A block that ends without closing punctuation and a next block that starts in lower case
# are one paragraph that extraction split ("de facto" / "under the control of the Taliban").
_ENDS_SENTENCE = re.compile(r"[.!?:;\"”’)\]]\s*$")
_STARTS_LOWER = re.compile(r"^\s*[a-z]")
# Boilerplate after the article proper: contact lines, bare links, share buttons.
_FOOTER = re.compile(
    r"^\s*(to contact (the )?ws|\[?wsws\.org/contact|contact us|share this|follow us|"
    r"\[[^\]]+\]\(https?://[^)]+\)\s*$)",
    re.IGNORECASE,
)
# A sentence ends at . ! or ? (plus closing quotes or brackets), before white space and a
# capital, a digit or an opening quote.
_SENTENCE_END = re.compile(r"[.!?][\"”’)\]]*(?=\s+[\"“‘(\[*]?[A-Z0-9])")
_ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "gen",
        "col",
        "lt",
        "sgt",
        "capt",
        "st",
        "jr",
        "sr",
        "vs",
        "etc",
        "inc",
        "ltd",
        "co",
        "corp",
        "no",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "u.s",
        "u.k",
        "u.n",
        "e.g",
        "i.e",
    ]
)


@dataclass(frozen=True)
class Span:
    """A stretch of the original text: ``text == article.text[start:end]``."""

    start: int
    end: int
    text: str

    @property
    def clean(self) -> str:
        """The text with runs of white space (including repaired paragraph breaks) as one space."""
        return " ".join(self.text.split())


@dataclass(frozen=True)
class Sentence(Span):
    paragraph: int  # index into Article.paragraphs


@dataclass(frozen=True)
class Paragraph(Span):
    repaired: bool  # True when it joins blocks that extraction had split


@dataclass(frozen=True)
class Article:
    path: Path
    text: str
    sha256: str
    title: Span | None
    byline: Span | None
    dateline: Span | None
    published: dt.date | None
    paragraphs: list[Paragraph]
    footer: Span | None
    metadata: dict = field(default_factory=dict)

    @cached_property
    def sentences(self) -> list[Sentence]:
        return [s for i, p in enumerate(self.paragraphs) for s in split_sentences(p, i)]

    def sentence_at(self, offset: int) -> Sentence | None:
        """The sentence that contains a character offset (None in the title, byline or footer)."""
        for sentence in self.sentences:
            if sentence.start <= offset < sentence.end:
                return sentence
        return None

    def span(self, start: int, end: int) -> Span:
        return Span(start, end, self.text[start:end])


def read_text(path: Path | str, what: str = "article") -> tuple[str, bytes]:
    """Decode a text file as UTF-8, or raise a one-line InputError naming the file and the fix."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{what} not found: {path} (check the path)")
    if path.is_dir():
        raise InputError(f"{what} is a directory, not a file: {path} (give the path of a .txt file)")
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise InputError(f"{what} is too large: {path} is {size:,} bytes (limit {MAX_BYTES:,})")
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise InputError(f"cannot read {what} {path}: {error.strerror}") from None
    if not raw.removeprefix(codecs.BOM_UTF8).strip():
        raise InputError(f"{what} is empty: {path} (give a file with text in it)")
    if b"\x00" in raw:
        raise InputError(f"{what} is a binary file, not text: {path} (give a plain-text file)")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InputError(
            f"{what} is not UTF-8 text: {path} (byte 0x{raw[error.start]:02x} at offset "
            f"{error.start}); re-save it as UTF-8"
        ) from None
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > max(8, len(text) // 100):
        raise InputError(f"{what} looks binary ({controls} control characters): {path}")
    return text, raw


def read_mapping(
    path: Path | str, what: str, error: type[InputError] = InputError, label: str | None = None
) -> dict:
    """A YAML file that must hold a mapping (metadata, annotations, parameters); any problem is
    one line of the given error type, "<label> <path>: <where>: <problem>", with the fix."""
    path = Path(path)
    text, _ = read_text(path, what)
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as problem:
        mark = getattr(problem, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "YAML"
        detail = getattr(problem, "problem", None) or "not valid YAML"
        raise error(f"{label or what} {path}: {where}: {detail}; fix the YAML syntax") from None
    if not isinstance(data, dict):
        raise error(f"{label or what} {path}: top level: expected a mapping of names to values")
    return data


def read_article(path: Path | str = paths.DEFAULT_ARTICLE) -> Article:
    """Read and structure an article; metadata come from ``<stem>.meta.yaml`` when it exists."""
    path = Path(path)
    text, raw = read_text(path)
    sha256 = hashlib.sha256(raw).hexdigest()
    metadata = _read_metadata(path, sha256)
    blocks = _blocks(text)
    title, byline, dateline, published, body = _header(text, blocks)
    if "published" in metadata:
        published = _as_date(metadata["published"], paths.metadata_path(path))
    body, footer = _strip_footer(text, body)
    return Article(
        path=path,
        text=text,
        sha256=sha256,
        title=title,
        byline=byline,
        dateline=dateline,
        published=published,
        paragraphs=_join_broken(text, body),
        footer=footer,
        metadata=metadata,
    )


def _read_metadata(path: Path, sha256: str) -> dict:
    meta_path = paths.metadata_path(path)
    if not meta_path.is_file():
        return {}
    metadata = read_mapping(meta_path, "article metadata")
    expected = metadata.get("sha256")
    if expected and expected != sha256:
        raise InputError(
            f"article {path} does not match the sha256 in {meta_path}: the text was changed; "
            "restore the original or update the metadata"
        )
    return metadata


def _as_date(value: object, source: Path) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise InputError(f"publication date {value!r} in {source} is not YYYY-MM-DD") from None


def _lstrip(text: str) -> str:
    """Leading white space and a byte-order mark removed (the BOM stays in Article.text, so
    offsets remain those of the file decoded as UTF-8, but no span starts with it)."""
    return text.lstrip().lstrip("\ufeff").lstrip()


def _blocks(text: str) -> list[tuple[int, int]]:
    """(start, end) of each block of text between blank lines, stripped of outer white space."""
    blocks = []
    position = 0
    for separator in [*_BLOCK_SEP.finditer(text), None]:
        end = separator.start() if separator else len(text)
        chunk = text[position:end]
        if _lstrip(chunk):
            lead = len(chunk) - len(_lstrip(chunk))
            trail = len(chunk) - len(chunk.rstrip())
            blocks.append((position + lead, end - trail))
        position = separator.end() if separator else len(text)
    return blocks


def _lines(text: str, start: int, end: int) -> list[tuple[int, int]]:
    spans, position = [], start
    for line in text[start:end].splitlines(keepends=True):
        stripped = _lstrip(line).rstrip()
        if stripped:
            lead = len(line) - len(_lstrip(line))
            spans.append((position + lead, position + lead + len(stripped)))
        position += len(line)
    return spans


def _parse_date(line: str) -> dt.date | None:
    if len(line) > 40 or not re.search(r"\d{4}", line):
        return None
    try:
        return dateparser.parse(line, fuzzy=False).date()
    except (ValueError, OverflowError):
        return None


def _header(
    text: str, blocks: list[tuple[int, int]]
) -> tuple[Span | None, Span | None, Span | None, dt.date | None, list[tuple[int, int]]]:
    """Title, byline and dateline: the short lines before the first paragraph, when present."""
    header_lines = []
    rest = list(blocks)
    # The header is made of short blocks/lines (one sentence, no closing full stop) before the body.
    while rest and len(header_lines) < 3:
        start, end = rest[0]
        lines = _lines(text, start, end)
        if any(_is_body_line(text[a:b]) for a, b in lines):
            break
        header_lines.extend(lines)
        rest.pop(0)

    def span(pair: tuple[int, int] | None) -> Span | None:
        return Span(pair[0], pair[1], text[pair[0] : pair[1]]) if pair else None

    title = header_lines[0] if header_lines else None
    byline = dateline = None
    published = None
    for line in header_lines[1:]:
        parsed = _parse_date(text[line[0] : line[1]])
        if parsed and dateline is None:
            dateline, published = line, parsed
        elif byline is None:
            byline = line
    return span(title), span(byline), span(dateline), published, rest


def _is_body_line(line: str) -> bool:
    """Too long for a header line, ends with a full stop (before closing quotes), or holds
    more than one sentence ('Fighting continued. “We will not leave!”')."""
    return (
        len(line) > 160
        or re.search(r"\.[\"”’)\]]*$", line) is not None
        or len(split_sentences(Span(0, len(line), line))) > 1
    )


def _strip_footer(text: str, body: list[tuple[int, int]]) -> tuple[list[tuple[int, int]], Span | None]:
    for index, (start, _) in enumerate(body):
        if _FOOTER.match(text[start : body[index][1]]):
            end = body[-1][1]
            return body[:index], Span(start, end, text[start:end])
    return body, None


def _join_broken(text: str, blocks: list[tuple[int, int]]) -> list[Paragraph]:
    paragraphs: list[Paragraph] = []
    for start, end in blocks:
        previous = paragraphs[-1] if paragraphs else None
        if (
            previous is not None
            and not _ENDS_SENTENCE.search(previous.text)
            and _STARTS_LOWER.match(text[start:end])
        ):
            paragraphs[-1] = Paragraph(previous.start, end, text[previous.start : end], True)
        else:
            paragraphs.append(Paragraph(start, end, text[start:end], False))
    return paragraphs


def split_sentences(paragraph: Span, index: int = 0) -> list[Sentence]:
    """Sentences of a paragraph, with offsets into the same original text."""
    sentences, position = [], 0
    body = paragraph.text
    for match in _SENTENCE_END.finditer(body):
        word = re.search(r"([\w.]+)[.!?]?$", body[position : match.start() + 1])
        if word and word.group(1).lower().rstrip(".") in _ABBREVIATIONS:
            continue
        sentences.append(_sentence(paragraph, position, match.end(), index))
        position = match.end()
    if body[position:].strip():
        sentences.append(_sentence(paragraph, position, len(body), index))
    return sentences


def _sentence(paragraph: Span, start: int, end: int, index: int) -> Sentence:
    chunk = paragraph.text[start:end]
    lead = len(chunk) - len(chunk.lstrip())
    trail = len(chunk) - len(chunk.rstrip())
    a, b = paragraph.start + start + lead, paragraph.start + end - trail
    return Sentence(a, b, paragraph.text[start + lead : end - trail], index)
