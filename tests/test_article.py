"""The article reader: header, repaired paragraphs, footer, sentences, offsets, bad files."""

from __future__ import annotations

import datetime as dt
import hashlib
import re

import pytest

from spillover import article as article_module
from spillover import paths
from spillover.article import Article, Span, read_article, split_sentences
from spillover.errors import InputError

SEED_TITLE = "War in Afghanistan spills over into Tajikistan, heightening Kremlin's fears"


def all_spans(article: Article) -> list[Span]:
    header = [s for s in (article.title, article.byline, article.dateline, article.footer) if s is not None]
    return [*header, *article.paragraphs, *article.sentences]


def assert_offsets_hold(article: Article) -> None:
    for span in all_spans(article):
        assert article.text[span.start : span.end] == span.text, span
        assert span.text == span.text.strip(), f"span has outer white space: {span.text!r}"
        assert not span.text.startswith("\ufeff"), span


def sentence_texts(article: Article) -> list[str]:
    return [s.clean for s in article.sentences]


# --- the seed -------------------------------------------------------------------------------------


def test_seed_header(seed: Article):
    assert seed.title is not None and seed.title.text == SEED_TITLE
    assert seed.byline is not None and seed.byline.text == "Clara Weiss"
    assert seed.dateline is not None and seed.dateline.text == "13 July 2021"
    assert seed.published == dt.date(2021, 7, 13)
    assert seed.metadata["published"] == seed.published
    assert seed.metadata["author"] == seed.byline.text


def test_seed_offsets_hold_for_every_span(seed: Article):
    assert_offsets_hold(seed)
    assert seed.text[seed.title.start : seed.title.end] == SEED_TITLE


def test_seed_paragraphs_and_sentences_are_ordered_and_nested(seed: Article):
    assert len(seed.paragraphs) == 18
    ends = [seed.dateline.end]
    for paragraph in seed.paragraphs:
        assert paragraph.start >= ends[-1]
        ends.append(paragraph.end)
    previous_end = 0
    for sentence in seed.sentences:
        paragraph = seed.paragraphs[sentence.paragraph]
        assert paragraph.start <= sentence.start < sentence.end <= paragraph.end
        assert sentence.start >= previous_end
        previous_end = sentence.end
    assert len(seed.sentences) == 46


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("is already de facto", "under the control of the Taliban."),
        ("in the aftermath of the Stalinist", "dissolution of the Soviet Union in 1991."),
        ("often outstripping the previously dominant", "influence of Russia."),
    ],
)
def test_seed_paragraphs_split_by_extraction_are_repaired(seed: Article, before: str, after: str):
    holding = [p for p in seed.paragraphs if before in p.text]
    assert len(holding) == 1
    paragraph = holding[0]
    assert paragraph.repaired
    assert after in paragraph.text
    assert "\n\n" in paragraph.text  # offsets keep the blank line; clean joins it with one space
    assert f"{before} {after}" in paragraph.clean
    # No paragraph starts with the lower-case continuation any more.
    assert not any(p.text.startswith(after.split()[0]) for p in seed.paragraphs)


def test_seed_has_exactly_three_repaired_paragraphs(seed: Article):
    assert [p.repaired for p in seed.paragraphs].count(True) == 3


def test_seed_sentence_crosses_a_repaired_break(seed: Article):
    offset = seed.text.index("under the control of the Taliban")
    sentence = seed.sentence_at(offset)
    assert sentence is not None
    assert sentence.clean.startswith("However, a report by Eurasianet indicates")
    assert sentence.clean.endswith("de facto under the control of the Taliban.")


def test_seed_footer_is_dropped(seed: Article):
    footer_start = seed.text.index("To contact the WSWWS")
    assert seed.footer is not None
    assert seed.footer.start == footer_start
    assert "wsws.org/contact" in seed.footer.text
    assert seed.footer.end == len(seed.text.rstrip())
    for paragraph in seed.paragraphs:
        assert "To contact" not in paragraph.text
        assert "wsws.org/contact" not in paragraph.text
        assert paragraph.end <= footer_start
    assert seed.sentence_at(footer_start) is None
    assert seed.paragraphs[-1].text.endswith("“without bases nearby.”")


def test_seed_abbreviation_does_not_split_a_sentence(seed: Article):
    sentence = seed.sentence_at(seed.text.index("U.S. military commanders"))
    assert sentence is not None
    assert sentence.clean.startswith("In May, the *Wall Street Journal* reported")
    assert sentence.clean.endswith("monitor other extremists.")


def test_seed_sentence_at_outside_the_body(seed: Article):
    assert seed.sentence_at(seed.title.start) is None
    assert seed.sentence_at(seed.dateline.start) is None
    first = seed.sentences[0]
    assert seed.sentence_at(first.start) == first
    assert seed.sentence_at(first.end - 1) == first


def test_seed_sha256(seed: Article):
    assert seed.sha256 == "4dfeeb37b3579759d52b91ac41bbb57aa32a10b2f4d7cdbbd49dafba22fc518a"


# --- synthetic articles --------------------------------------------------------------------------


def test_article_without_header(tmp_article):
    text = (
        "The U.S. sent 300 troops. Mr. Smith said so. Dr. Jones disagreed!\n\n"
        "A second paragraph here. It has two sentences.\n"
    )
    article = read_article(tmp_article(text))
    assert (article.title, article.byline, article.dateline, article.published) == (None,) * 4
    assert article.footer is None
    assert [p.text for p in article.paragraphs] == [
        "The U.S. sent 300 troops. Mr. Smith said so. Dr. Jones disagreed!",
        "A second paragraph here. It has two sentences.",
    ]
    assert sentence_texts(article) == [
        "The U.S. sent 300 troops.",
        "Mr. Smith said so.",
        "Dr. Jones disagreed!",
        "A second paragraph here.",
        "It has two sentences.",
    ]
    assert_offsets_hold(article)


def test_first_paragraph_ending_in_a_quotation_is_body_not_title(tmp_article):
    article = read_article(tmp_article("He told reporters: “We are leaving.”\n\nMore text follows here.\n"))
    assert article.title is None
    assert article.paragraphs[0].text == "He told reporters: “We are leaving.”"


def test_question_headline_is_still_a_title(tmp_article):
    article = read_article(tmp_article("Will the war spill over?\n\nIt may. Nobody knows.\n"))
    assert article.title is not None and article.title.text == "Will the war spill over?"
    assert sentence_texts(article) == ["It may.", "Nobody knows."]


def test_crlf_line_endings(tmp_article):
    lf = (
        "A Title\n\nJane Doe\n8 July 2021\n\nFirst paragraph ends here, with 300 people.\n\n"
        "Second one is split\n\nacross a blank line last Monday. Then more.\n"
    )
    crlf = read_article(tmp_article(lf.replace("\n", "\r\n"), "crlf.txt"))
    plain = read_article(tmp_article(lf, "lf.txt"))
    assert "\r\n" in crlf.text  # the text is kept as it is: offsets are those of the file
    assert crlf.title.text == "A Title"
    assert crlf.byline.text == "Jane Doe"
    assert crlf.dateline.text == "8 July 2021"
    assert crlf.published == dt.date(2021, 7, 8)
    assert [p.repaired for p in crlf.paragraphs] == [False, True]
    assert crlf.paragraphs[1].text == "Second one is split\r\n\r\nacross a blank line last Monday. Then more."
    assert (
        sentence_texts(crlf)
        == sentence_texts(plain)
        == [
            "First paragraph ends here, with 300 people.",
            "Second one is split across a blank line last Monday.",
            "Then more.",
        ]
    )
    for span in all_spans(crlf):
        assert "\r" not in span.text[-1:] and "\r" not in span.text[:1]
    assert_offsets_hold(crlf)


def test_byte_order_mark(tmp_article):
    article = read_article(tmp_article(b"\xef\xbb\xbfA Title\n\nJane Doe\n8 July 2021\n\nBody text. More.\n"))
    assert article.text.startswith("\ufeff")  # kept, so offsets are those of the UTF-8 text
    assert article.title.text == "A Title"
    assert article.title.start == 1
    assert article.published == dt.date(2021, 7, 8)
    assert sentence_texts(article) == ["Body text.", "More."]
    assert_offsets_hold(article)


def test_byte_order_mark_without_header(tmp_article):
    article = read_article(tmp_article("\ufeffSome 300 people fled. Others stayed behind.\n"))
    assert article.title is None
    assert article.paragraphs[0].start == 1
    assert_offsets_hold(article)


@pytest.mark.parametrize(
    ("paragraph", "sentences"),
    [
        (
            "The U.S. and the U.K. agreed. Mr. Smith met Mrs. Jones on Jan. 5 at St. Paul's. Then they left.",
            [
                "The U.S. and the U.K. agreed.",
                "Mr. Smith met Mrs. Jones on Jan. 5 at St. Paul's.",
                "Then they left.",
            ],
        ),
        (
            "Gen. Miller and Dr. Brown spoke, i.e. they argued. The U.N. said nothing.",
            ["Gen. Miller and Dr. Brown spoke, i.e. they argued.", "The U.N. said nothing."],
        ),
        (
            "He asked “why?” Nobody answered. It was 2021. 300 people left.",
            ["He asked “why?”", "Nobody answered.", "It was 2021.", "300 people left."],
        ),
        ("No closing stop", ["No closing stop"]),
    ],
)
def test_sentences_with_abbreviations(paragraph: str, sentences: list[str]):
    text = "xx " + paragraph  # offsets are shifted by the paragraph's start
    found = split_sentences(Span(3, len(text), paragraph), 4)
    assert [s.text for s in found] == sentences
    for sentence in found:
        assert text[sentence.start : sentence.end] == sentence.text
        assert sentence.paragraph == 4


def test_synthetic_footer(tmp_article):
    text = (
        "Title\n\nBody text. More.\n\nTo contact the WSWS and the Socialist Equality Party visit:\n\n"
        "[wsws.org/contact](https://www.wsws.org/contact)\n"
    )
    article = read_article(tmp_article(text))
    assert [p.text for p in article.paragraphs] == ["Body text. More."]
    assert article.footer.text.startswith("To contact the WSWS")
    assert article.footer.text.endswith("(https://www.wsws.org/contact)")
    assert_offsets_hold(article)


def test_metadata_date_wins_and_sha256_is_checked(tmp_article, tmp_path):
    path = tmp_article("A Title\n\nJane Doe\n8 July 2021\n\nBody text. More.\n", "story.txt")
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    meta = tmp_path / "story.meta.yaml"
    meta.write_text(f"published: 2021-07-09\nsha256: {sha}\n", encoding="utf-8")
    assert read_article(path).published == dt.date(2021, 7, 9)
    meta.write_text(f"published: 2021-07-09\nsha256: {'f' * 64}\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"does not match the sha256 in .*story\.meta\.yaml"):
        read_article(path)
    meta.write_text("published: last Tuesday\n", encoding="utf-8")
    with pytest.raises(InputError, match="is not YYYY-MM-DD"):
        read_article(path)


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"", "is empty"),
        (b"  \n\n\t\n", "is empty"),
        (b"\xef\xbb\xbf\n", "is empty"),
        (b"abc\x00def\n", "binary file"),
        (b"Caf\xe9 au lait costs 3 euros.\n", r"not UTF-8 text: .*byte 0xe9 at offset 3"),
    ],
)
def test_unreadable_articles(tmp_article, content: bytes, problem: str):
    path = tmp_article(content)
    with pytest.raises(InputError, match=problem) as raised:
        read_article(path)
    assert str(path) in str(raised.value)
    assert "\n" not in str(raised.value)


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(InputError, match="not found"):
        read_article(tmp_path / "nope.txt")
    with pytest.raises(InputError, match="is a directory"):
        read_article(tmp_path)


# --- bounded cost: the same result as the plain algorithms ----------------------------------------
# The sentence splitter searches a short window before each full stop, paragraph repair reads only
# the last block, and sentence_at bisects; each must give exactly what the plain versions below
# (the code before those changes, kept here as the reference) give.

_OLD_ENDS_SENTENCE = re.compile(r"[.!?:;\"”’)\]]\s*$")
_OLD_STARTS_LOWER = re.compile(r"^\s*[a-z]")


def _old_split(paragraph: Span) -> list[tuple[int, int]]:
    """split_sentences as it was: the word before each mark searched from the sentence start."""
    spans, position = [], 0
    body = paragraph.text
    for match in article_module._SENTENCE_END.finditer(body):
        word = re.search(r"([\w.]+)[.!?]?$", body[position : match.start() + 1])
        if word and word.group(1).lower().rstrip(".") in article_module._ABBREVIATIONS:
            continue
        spans.append((position, match.end()))
        position = match.end()
    if body[position:].strip():
        spans.append((position, len(body)))
    return [_trimmed(paragraph, a, b) for a, b in spans]


def _trimmed(paragraph: Span, start: int, end: int) -> tuple[int, int]:
    chunk = paragraph.text[start:end]
    return paragraph.start + start + len(chunk) - len(chunk.lstrip()), paragraph.start + end - (
        len(chunk) - len(chunk.rstrip())
    )


def _old_join(text: str, blocks: list[tuple[int, int]]) -> list[tuple[int, int, bool]]:
    paragraphs: list[tuple[int, int, bool]] = []
    for start, end in blocks:
        if (
            paragraphs
            and not _OLD_ENDS_SENTENCE.search(text[paragraphs[-1][0] : paragraphs[-1][1]])
            and _OLD_STARTS_LOWER.match(text[start:end])
        ):
            paragraphs[-1] = (paragraphs[-1][0], end, True)
        else:
            paragraphs.append((start, end, False))
    return paragraphs


REFERENCE_TEXTS = [paths.DEFAULT_ARTICLE, *sorted((paths.ROOT / "tests" / "articles").glob("*.txt"))]


@pytest.mark.parametrize("path", REFERENCE_TEXTS, ids=[p.name for p in REFERENCE_TEXTS])
def test_paragraphs_sentences_and_sentence_at_are_those_of_the_plain_algorithms(path):
    article = read_article(path)
    body = article_module._header(article.text, article_module._blocks(article.text))[-1]
    body, _ = article_module._strip_footer(article.text, body)
    assert [(p.start, p.end, p.repaired) for p in article.paragraphs] == _old_join(article.text, body)
    for index, paragraph in enumerate(article.paragraphs):
        found = split_sentences(paragraph, index)
        assert [(s.start, s.end) for s in found] == _old_split(paragraph)
    for offset in range(len(article.text) + 1):
        linear = next((s for s in article.sentences if s.start <= offset < s.end), None)
        assert article.sentence_at(offset) == linear


ADVERSARIAL_PARAGRAPHS = [
    " ".join(f"See No. {n}" for n in range(1, 600)),  # an abbreviation before every mark
    "A word " + "x" * 100 + "no. Next sentence. " + "y" * 40 + ".no. Then " + "." * 70 + "co. End.",
    "Dots " + "a." * 80 + " Then it ends! Or not? " + "Mr. " * 50 + "Smith left. 300 went. The U.S. No. 5.",
    "Long " + "ab_c" * 30 + "etc. Then. " + "é" * 50 + "Dr. Who? Yes.",
]


@pytest.mark.parametrize("paragraph", ADVERSARIAL_PARAGRAPHS, ids=range(len(ADVERSARIAL_PARAGRAPHS)))
def test_sentence_window_gives_the_plain_result_on_hard_cases(paragraph: str):
    span = Span(5, 5 + len(paragraph), paragraph)
    assert [(s.start, s.end) for s in split_sentences(span)] == _old_split(span)


def test_paragraph_repair_of_many_blocks_gives_the_plain_result():
    # Blocks that end no sentence and start in lower case: one paragraph of them all, which the
    # plain version re-read and copied on every join.
    text = "Start here\n\n" + "\n\n".join(f"and block {n} goes on" for n in range(2_000)) + "\n\nEnd. Done.\n"
    blocks = article_module._blocks(text)
    joined = article_module._join_broken(text, blocks)
    assert [(p.start, p.end, p.repaired) for p in joined] == _old_join(text, blocks)
    assert [p.text for p in joined] == [text[p.start : p.end] for p in joined]
    assert len(joined) == 2 and joined[0].repaired


# --- initials --------------------------------------------------------------------------------------


def test_byline_with_an_initial_keeps_the_dateline(tmp_article):
    text = "Storm hits the coast\n\nJ. Smith\n14 March 2024\n\nThe storm came yesterday. It left.\n"
    article = read_article(tmp_article(text))
    assert article.byline is not None and article.byline.text == "J. Smith"
    assert article.dateline is not None and article.dateline.text == "14 March 2024"
    assert article.published == dt.date(2024, 3, 14)


@pytest.mark.parametrize(
    ("paragraph", "sentences"),
    [
        ("George W. Bush spoke. He left.", ["George W. Bush spoke.", "He left."]),
        ("J.R. Tolkien wrote it. Then more.", ["J.R. Tolkien wrote it.", "Then more."]),
        ("It ended after World War I. Then peace came.", ["It ended after World War I.", "Then peace came."]),
    ],
)
def test_initials_do_not_end_a_sentence(paragraph: str, sentences: list[str]):
    assert [s.text for s in split_sentences(Span(0, len(paragraph), paragraph))] == sentences


def test_a_header_line_that_is_neither_byline_nor_dateline_goes_back_to_the_body(tmp_article):
    text = "Harbour closes\n\nBy R. Okafor\nShipping desk\n5 March 2024\n\nThe port shut. Ships waited.\n"
    article = read_article(tmp_article(text))
    assert (article.title.text, article.byline.text, article.dateline.text) == (
        "Harbour closes",
        "By R. Okafor",
        "5 March 2024",
    )
    assert [p.text for p in article.paragraphs] == ["Shipping desk", "The port shut. Ships waited."]
    assert_offsets_hold(article)


def test_a_third_short_line_without_a_date_is_a_paragraph(tmp_article):
    text = "Launches\n\n1999 - a probe\n\n2004 - a lander\n\n2010 - a rover reached the plain.\n"
    article = read_article(tmp_article(text))
    assert (article.title.text, article.byline.text, article.dateline) == ("Launches", "1999 - a probe", None)
    assert [p.text for p in article.paragraphs] == ["2004 - a lander", "2010 - a rover reached the plain."]
