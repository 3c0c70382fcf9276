"""Read an article faithfully: title, byline, date, paragraphs and sentences.

Every span carries character offsets into the original file's text (decoded as UTF-8), so
``article.text[span.start:span.end] == span.text`` holds everywhere. Repairs of what text
extraction broke (paragraphs split mid-sentence by blank lines, a contact footer) change
which spans exist, never their offsets.
"""

from __future__ import annotations

import bisect
import codecs
import datetime as dt
import hashlib
import os
import re
import stat
import sys
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import yaml
from dateutil import parser as dateparser

from spillover import paths
from spillover.errors import InputError

MAX_BYTES = 50_000_000  # an article is text; anything larger is almost certainly the wrong file
# Annotation, metadata and parameter files: the seed's annotations are 40 KB and 5 levels deep.
MAX_YAML_BYTES = 2_000_000
MAX_YAML_DEPTH = 20
MAX_YAML_DIGITS = 30  # Python's int() refuses over 4,300 digits; no offset or value needs 30
_INT_TAG = "tag:yaml.org,2002:int"
_TAG_NAMES = {
    f"tag:yaml.org,2002:{tag}": name
    for tag, name in [
        ("int", "integer"),
        ("float", "number"),
        ("bool", "yes/no value"),
        ("timestamp", "date"),
    ]
}
STDIN_NAMES = ("-", "/dev/stdin")
_stdin: bytes | None = None  # standard input, once read (see _stdin_bytes)
_FILE_KINDS = (
    (stat.S_ISCHR, "character device"),
    (stat.S_ISBLK, "block device"),
    (stat.S_ISFIFO, "named pipe"),
    (stat.S_ISSOCK, "socket"),
)

# Blocks of text are separated by one or more blank lines.
_BLOCK_SEP = re.compile(r"(?:[ \t]*\r?\n){2,}")
# A block that ends without closing punctuation and a next block that starts in lower case
# are one paragraph that extraction split ("de facto" / "under the control of the Taliban").
# Control characters other than tab, line feed, form feed and carriage return: many of them
# mean a binary file.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")
_ENDS_SENTENCE = re.compile(r"[.!?:;\"”’)\]]\s*$")
_STARTS_LOWER = re.compile(r"\s*[a-z]")  # used with match(), at a block's start
# Boilerplate after the article proper: contact lines, bare links, share buttons; only a trailing
# run of short blocks like these is a footer.
MAX_FOOTER_BLOCK = 300
_FOOTER = re.compile(
    r"^\s*(to contact (the )?ws|\[?wsws\.org/contact|contact us|share this|follow us|"
    r"\[[^\]]+\]\(https?://[^)]+\)\s*$)",
    re.IGNORECASE,
)
# A sentence ends at . ! or ? (plus closing quotes or brackets), before white space and a
# capital, a digit or an opening quote.
_SENTENCE_END = re.compile(r"[.!?][\"”’)\]]*(?=\s+[\"“‘(\[*]?[A-Z0-9])")
# The word before a sentence-ending mark (the mark itself included when it is a full stop).
_WORD_END = re.compile(r"([\w.]+)[.!?]?$")
_INITIALS = re.compile(r"[A-Z](?:\.[A-Z])*")
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
class Omission(Span):
    """A stretch of the text that the article's paragraphs leave out, and why."""

    reason: str  # "footer"


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

    @property
    def omitted(self) -> list[Omission]:
        """Every stretch of text left out of the paragraphs (so none is dropped silently)."""
        footer = self.footer
        return [Omission(footer.start, footer.end, footer.text, "footer")] if footer else []

    @cached_property
    def sentences(self) -> list[Sentence]:
        return [s for i, p in enumerate(self.paragraphs) for s in split_sentences(p, i)]

    @cached_property
    def _sentence_starts(self) -> list[int]:
        return [sentence.start for sentence in self.sentences]

    def sentence_at(self, offset: int) -> Sentence | None:
        """The sentence that contains a character offset (None in the title, byline or footer).
        Sentences are ordered and do not overlap, so the one that starts last at or before the
        offset is the only candidate (bisection)."""
        index = bisect.bisect_right(self._sentence_starts, offset) - 1
        if index >= 0 and offset < self.sentences[index].end:
            return self.sentences[index]
        return None

    def span(self, start: int, end: int) -> Span:
        return Span(start, end, self.text[start:end])


def is_stdin(path: Path | str) -> bool:
    """True for the names of standard input: `-` and /dev/stdin."""
    return str(path) in STDIN_NAMES


def _shown(path: Path | str) -> str:
    return "standard input" if is_stdin(path) else str(path)


def _stdin_bytes() -> bytes:
    """Standard input, read once per process (a pipe cannot be read twice: a second read
    would find it empty) and at most MAX_BYTES + 1 bytes of it."""
    global _stdin
    if _stdin is None:
        stream = sys.stdin.buffer if sys.stdin is not None else None
        if stream is None or stream.closed:
            raise InputError("standard input is closed: pipe the article in (`spillover extract - < FILE`)")
        if stream.isatty():  # nothing is piped in: reading would wait for typing
            raise InputError(
                "no article on standard input: pipe it in (`spillover extract - < article.txt`) "
                "or give the path of the file"
            )
        _stdin = stream.read(MAX_BYTES + 1)
    return _stdin


def _too_large(what: str, path: Path | str, limit: int) -> InputError:
    return InputError(
        f"{what} is too large: {_shown(path)} has more than {limit:,} bytes (the limit); "
        "check that it is the right file"
    )


def read_bytes(path: Path | str, what: str = "article", limit: int = MAX_BYTES) -> bytes:
    """The bytes of an input file, read once and at most ``limit`` of them, or a one-line
    InputError. Only regular files are opened: a FIFO would block, and a device such as
    /dev/zero never ends (its st_size is 0, so size is checked on what is read)."""
    if is_stdin(path):
        raw = _stdin_bytes()
        if len(raw) > limit:
            raise _too_large(what, path, limit)
        return raw
    path = Path(path)
    try:
        status = os.stat(path)
    except (FileNotFoundError, NotADirectoryError, ValueError):  # ValueError: a NUL in the name
        raise InputError(f"{what} not found: {path!s} (check the path)") from None
    except OSError as error:
        raise InputError(f"cannot read {what} {path}: {error.strerror}") from None
    kind = status.st_mode
    if stat.S_ISDIR(kind):
        raise InputError(f"{what} is a directory, not a file: {path} (give the path of a .txt file)")
    if not stat.S_ISREG(kind):
        raise _not_regular(what, path, kind)
    if status.st_size > limit:  # a shortcut only: what is read is counted below
        raise _too_large(what, path, limit)
    try:
        # O_NONBLOCK: should the path become a FIFO after the check, opening it still returns.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except OSError as error:
        raise InputError(f"cannot read {what} {path}: {error.strerror}") from None
    with open(fd, "rb") as stream:
        kind = os.fstat(fd).st_mode
        if not stat.S_ISREG(kind):
            raise _not_regular(what, path, kind)
        try:
            raw = stream.read(limit + 1)
        except OSError as error:
            raise InputError(f"cannot read {what} {path}: {error.strerror}") from None
    if len(raw) > limit:
        raise _too_large(what, path, limit)
    return raw


def _not_regular(what: str, path: Path, mode: int) -> InputError:
    kind = next((name for test, name in _FILE_KINDS if test(mode)), "special file")
    fix = "save the article to a file, or pipe it in with `-`" if what == "article" else "save it to a file"
    return InputError(f"{what} {path} is not a regular file (it is a {kind}); {fix}")


def read_text(path: Path | str, what: str = "article", limit: int = MAX_BYTES) -> tuple[str, bytes]:
    """Decode a text file as UTF-8, or raise a one-line InputError naming the file and the fix.
    ``path`` may be `-` (or /dev/stdin) for standard input."""
    raw = read_bytes(path, what, limit)
    shown = _shown(path)
    wide = _wide_encoding(raw)
    if wide:
        raise InputError(f"{what} is {wide} text, not UTF-8: {shown}; save it as UTF-8")
    if not raw.removeprefix(codecs.BOM_UTF8).strip():
        raise InputError(f"{what} is empty: {shown} (give a file with text in it)")
    if b"\x00" in raw:
        raise InputError(f"{what} is a binary file, not text: {shown} (give a plain-text file)")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InputError(
            f"{what} is not UTF-8 text: {shown} (byte 0x{raw[error.start]:02x} at offset "
            f"{error.start}); re-save it as UTF-8"
        ) from None
    controls = len(_CONTROLS.findall(text))  # one pass in C: a loop over characters cost 0.2 s per MB
    if controls > max(8, len(text) // 100):
        raise InputError(f"{what} looks binary ({controls} control characters): {shown}")
    return text, raw


def _wide_encoding(raw: bytes) -> str | None:
    """UTF-16 or UTF-32 when the bytes are text in that encoding: a byte-order mark, or (with
    none) the NUL bytes that ASCII letters carry as high bytes, in every second byte or in two
    of every four."""
    if raw.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "UTF-32"
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "UTF-16"
    sample = raw[:4096]
    if b"\x00" not in sample or len(sample) < 4:
        return None

    def zeros(part: bytes) -> float:
        return part.count(0) / len(part)

    quads = sample[: len(sample) // 4 * 4]
    for low, high in ((0, 2), (3, 0)):  # little-endian, big-endian
        if zeros(quads[high::4]) > 0.95 and zeros(quads[high + 1 :: 4]) > 0.95 and zeros(quads[low::4]) < 0.5:
            return "UTF-32"
    pairs = sample[: len(sample) // 2 * 2]
    for low, high in ((0, 1), (1, 0)):
        if zeros(pairs[high::2]) > 0.9 and zeros(pairs[low::2]) < 0.1:
            return "UTF-16"
    return None


def materialize(path: Path | str) -> Path:
    """A path that can be read again: standard input (`-`) is saved, once, to
    .cache/stdin/<sha256>.txt (written atomically) and that path is returned; any other
    path is returned unchanged. Standard input is checked as an article first, so bad input
    is reported before anything is written."""
    if not is_stdin(path):
        return Path(path)
    _, raw = read_text(path)
    folder = paths.ROOT / ".cache" / "stdin"
    target = folder / f"{hashlib.sha256(raw).hexdigest()}.txt"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if not target.is_file() or target.read_bytes() != raw:
            scratch = folder / f".{target.name}.{os.getpid()}.tmp"
            scratch.write_bytes(raw)
            os.replace(scratch, target)
    except OSError as error:
        raise InputError(
            f"cannot save standard input to {folder}: {error.strerror}; make the folder writable"
        ) from None
    return target


class _Refused(yaml.MarkedYAMLError):
    """A YAML construct that is refused whatever its content (its message carries the fix)."""


class _Loader(yaml.SafeLoader):
    """yaml.SafeLoader that refuses anchors and aliases and deep nesting while composing, so a
    hostile file fails before any Python object is built (an alias bomb never expands), and
    reports a scalar it cannot convert (2021-02-30, a 5,000-digit number) with its line."""

    depth = 0

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            sign = "*" if isinstance(event, yaml.AliasEvent) else "&"
            raise _Refused(
                problem=f"anchors and aliases ({sign}{event.anchor}) are not allowed; write each value out",
                problem_mark=event.start_mark,
            )
        nested = isinstance(event, yaml.CollectionStartEvent)
        if nested:
            self.depth += 1
            if self.depth > MAX_YAML_DEPTH:
                raise _Refused(
                    problem=f"nested more than {MAX_YAML_DEPTH} levels deep; flatten it (a few levels do)",
                    problem_mark=event.start_mark,
                )
        try:
            return super().compose_node(parent, index)
        finally:
            if nested:
                self.depth -= 1

    def construct_object(self, node: yaml.Node, deep: bool = False) -> object:
        if node.tag == _INT_TAG and sum(ch.isdigit() for ch in str(node.value)) > MAX_YAML_DIGITS:
            raise _Refused(
                problem=f"a number with more than {MAX_YAML_DIGITS} digits; write a number of sensible size",
                problem_mark=node.start_mark,
            )
        try:
            return super().construct_object(node, deep)
        except (ValueError, TypeError, AttributeError, KeyError, OverflowError) as error:
            value = str(node.value)
            shown = repr(value if len(value) <= 40 else value[:40] + "...")
            kind = _TAG_NAMES.get(node.tag, node.tag.rsplit(":", 1)[-1])
            why = f" ({error})" if type(error) is ValueError else ""  # the others say nothing useful
            raise _Refused(
                problem=f"{shown} is not a valid {kind}{why}; correct the value or put it in quotes",
                problem_mark=node.start_mark,
            ) from None


def read_mapping(
    path: Path | str, what: str, error: type[InputError] = InputError, label: str | None = None
) -> dict:
    """A YAML file that must hold a mapping (metadata, annotations, parameters); any problem is
    one line of the given error type, "<label> <path>: <where>: <problem>", with the fix.
    The file may have at most MAX_YAML_BYTES, MAX_YAML_DEPTH levels and no anchors or aliases."""
    shown = _shown(path)
    text, _ = read_text(path, what, MAX_YAML_BYTES)
    loader = _Loader(text)
    try:
        data = loader.get_single_data()
    except yaml.YAMLError as problem:
        mark = getattr(problem, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "YAML"
        detail = getattr(problem, "problem", None) or "not valid YAML"
        fix = "" if isinstance(problem, _Refused) else "; fix the YAML syntax"
        raise error(f"{label or what} {shown}: {where}: {detail}{fix}") from None
    except RecursionError:  # unreachable with the depth limit; kept so it can never escape
        raise error(f"{label or what} {shown}: nested too deeply; flatten the file") from None
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        raise error(f"{label or what} {shown}: top level: expected a mapping of names to values")
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
    if is_stdin(path):  # standard input has no file beside it
        return {}
    meta_path = paths.metadata_path(path)
    if not meta_path.is_file():
        return {}
    metadata = read_mapping(meta_path, "article metadata")
    for key, value in metadata.items():
        # The report prints these as text (author, publisher...); a list or a number is a mistake.
        if key != "published" and not isinstance(value, str):
            raise InputError(
                f"article metadata {meta_path}: {key!r} must be text, not {type(value).__name__}; "
                "write a single value, in quotes if it looks like a number, date or yes/no"
            )
    expected = metadata.get("sha256")
    if expected and expected != sha256:
        raise InputError(
            f"article {path} does not match the sha256 in {meta_path}: the text was changed; "
            "restore the original or update the metadata"
        )
    return metadata


def _as_date(value: object, source: Path) -> dt.date:
    if isinstance(value, dt.datetime):  # `2021-07-13 10:00` in YAML: the day is what counts
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise InputError(
            f"publication date {value!r} in {source} is not YYYY-MM-DD; write it as a date such as 1999-12-31"
        ) from None


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
    """Title, byline and dateline: the short lines before the first paragraph, when present.
    A short line that is none of them (a third line that is no date once a byline is taken:
    "Staff correspondent", "2003 - first crew") is given back to the body as a block of its own,
    so no line of the article is lost."""
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
    unassigned = [line for line in header_lines[1:] if line not in (byline, dateline)]
    if unassigned:
        rest = sorted([*unassigned, *rest])
    return span(title), span(byline), span(dateline), published, rest


def _is_body_line(line: str) -> bool:
    """Too long for a header line, ends with a full stop (before closing quotes), or holds
    more than one sentence ('Fighting continued. “We will not leave!”')."""
    return (
        len(line) > 160
        or re.search(r"\.[\"”’)\]]*$", line) is not None
        or len(split_sentences(Span(0, len(line), line))) > 1
    )


def _is_footer(block: str) -> bool:
    return len(block) <= MAX_FOOTER_BLOCK and _FOOTER.match(block) is not None


def _strip_footer(text: str, body: list[tuple[int, int]]) -> tuple[list[tuple[int, int]], Span | None]:
    """The trailing run of footer-like blocks, if any (at least one paragraph stays): a "Share
    this" or "Contact us" in the middle of an article is text, and must not end it."""
    index = len(body)
    while index > 1 and _is_footer(text[body[index - 1][0] : body[index - 1][1]]):
        index -= 1
    if index == len(body):
        return body, None
    start, end = body[index][0], body[-1][1]
    return body[:index], Span(start, end, text[start:end])


def _join_broken(text: str, blocks: list[tuple[int, int]]) -> list[Paragraph]:
    """Blocks rejoined into paragraphs. Linear: whether a paragraph ends a sentence is read from
    its last block only (a block is stripped, so the closing mark is its last character), and
    each paragraph's text is cut from the article once, when it is complete."""
    groups: list[list[int]] = []  # [start, end, start of the last block, number of blocks]
    for start, end in blocks:
        previous = groups[-1] if groups else None
        if (
            previous is not None
            and not _ENDS_SENTENCE.search(text, previous[2], previous[1])
            and _STARTS_LOWER.match(text, start, end)
        ):
            previous[1], previous[2], previous[3] = end, start, previous[3] + 1
        else:
            groups.append([start, end, start, 1])
    return [Paragraph(start, end, text[start:end], count > 1) for start, end, _, count in groups]


def split_sentences(paragraph: Span, index: int = 0) -> list[Sentence]:
    """Sentences of a paragraph, with offsets into the same original text."""
    sentences, position = [], 0
    body = paragraph.text
    for match in _SENTENCE_END.finditer(body):
        word = _word_before(body, position, match.start() + 1)
        if word and _no_sentence_end(word.group(1).rstrip(".")):
            continue
        sentences.append(_sentence(paragraph, position, match.end(), index))
        position = match.end()
    if body[position:].strip():
        sentences.append(_sentence(paragraph, position, len(body), index))
    return sentences


def _no_sentence_end(word: str) -> bool:
    """An abbreviation ("Mr", "U.S") or a person's initials ("J", "J.R": "J. Smith"), after which a
    full stop ends no sentence. I, V and X are left out: "World War I." ends one."""
    return word.lower() in _ABBREVIATIONS or (
        _INITIALS.fullmatch(word) is not None and word not in ("I", "V", "X")
    )


def _word_before(body: str, position: int, end: int) -> re.Match | None:
    """The word (letters, digits and dots) that ends at ``end`` and starts at or after
    ``position``, as _WORD_END finds it in body[position:end]. Searched in a short window
    before ``end``, widened (doubling) only while the word fills it, so the cost is the
    word's length, not the sentence's: a paragraph of 10,000 "No. 5" costs no more than 10,000
    words."""
    width = 32
    while True:
        low = max(position, end - width)
        word = _WORD_END.search(body, low, end)
        if word is None or word.start() > low or low == position:
            return word
        width *= 2


def _sentence(paragraph: Span, start: int, end: int, index: int) -> Sentence:
    chunk = paragraph.text[start:end]
    lead = len(chunk) - len(chunk.lstrip())
    trail = len(chunk) - len(chunk.rstrip())
    a, b = paragraph.start + start + lead, paragraph.start + end - trail
    return Sentence(a, b, paragraph.text[start + lead : end - trail], index)
