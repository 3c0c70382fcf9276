"""Write the corpus: World Factbook narratives as plain-text articles (see SOURCE.md here).

    .venv/bin/python data/corpus/make_corpus.py            # (re)write data/corpus/articles/
    .venv/bin/python data/corpus/make_corpus.py --check    # exit 1 if the committed files differ

Each article is one narrative field of one profile at one snapshot, read from the project's
copy of the Factbook (data/reference/factbook/<snapshot>/<gec>.json, byte for byte the files of
shared/data/factbook/): ``Introduction`` -> ``Background`` -> ``text`` and ``Economy`` ->
``Economic overview`` -> ``text``. The HTML of those texts is turned into plain text: a ``<p>``
or ``<br>`` starts a new paragraph (a blank line), every other tag is removed, entities are
decoded (``&rsquo;`` -> ’), runs of white space become one space. Nothing else is changed.

An article is a title line, a byline, a dateline (the snapshot's date, which the reader takes
as the publication date), a blank line, then the paragraphs. File names are
``<country>-<field>_<snapshot>.txt``: the two snapshots of one field differ only by their date
suffix, which is how ``spillover corpus`` pairs the two versions of a text.
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
FACTBOOK = ROOT / "data" / "reference" / "factbook"
ARTICLES = HERE / "articles"
SNAPSHOTS = ("2021-07-01", "2026-01-22")

#: (GEC code, name used in file names and titles), chosen by hand from the 261 profiles: the
#: seed article's region, then countries whose narratives state a figure the automatic checks
#: recognise (Kenya, Burma, Slovakia, Nigeria, Guinea: found by running the checks on every
#: profile's narratives), then others with many figures (conflicts, economies, a tiny island).
COUNTRIES: tuple[tuple[str, str], ...] = (
    ("af", "Afghanistan"),
    ("ti", "Tajikistan"),
    ("uz", "Uzbekistan"),
    ("tx", "Turkmenistan"),
    ("kg", "Kyrgyzstan"),
    ("kz", "Kazakhstan"),
    ("ke", "Kenya"),
    ("la", "Laos"),
    ("rw", "Rwanda"),
    ("bm", "Burma"),
    ("sy", "Syria"),
    ("ym", "Yemen"),
    ("ne", "Niue"),
    ("su", "Sudan"),
    ("ha", "Haiti"),
    ("mj", "Montenegro"),
    ("lo", "Slovakia"),
    ("ni", "Nigeria"),
    ("gv", "Guinea"),
)
#: Narrative fields: (file-name word, title word, JSON path under the profile).
FIELDS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("background", "background", ("Introduction", "Background", "text")),
    ("economy", "economic overview", ("Economy", "Economic overview", "text")),
)
#: Which fields of which countries go in: every background at both snapshots; the economic
#: overview (longer, full of figures; rewritten as a list of phrases by 2026) of these, at 2021.
ECONOMY_2021 = ("af", "ti", "ke", "la", "rw", "bm", "sy", "ym", "lo", "ni", "gv")

_BREAK = re.compile(r"<\s*(?:/?p|br\s*/?)\s*>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")


def plain_text(markup: str) -> str:
    """Paragraphs of a Factbook text as plain text: tags removed, entities decoded."""
    paragraphs = []
    for part in _BREAK.split(markup):
        text = _SPACE.sub(" ", html.unescape(_TAG.sub(" ", part))).strip()
        if text:
            paragraphs.append(text)
    return "\n\n".join(paragraphs)


def _field(profile: dict, path: tuple[str, ...]) -> str:
    node: object = profile
    for key in path:
        if not isinstance(node, dict) or key not in node:
            return ""
        node = node[key]
    return node if isinstance(node, str) else ""


def _dateline(snapshot: str) -> str:
    day = dt.date.fromisoformat(snapshot)
    return f"{day.day} {day.strftime('%B %Y')}"


def articles() -> dict[str, str]:
    """File name -> text of every article of the corpus."""
    out = {}
    for gec, name in COUNTRIES:
        for word, title_word, path in FIELDS:
            snapshots = (
                SNAPSHOTS if word == "background" else (("2021-07-01",) if gec in ECONOMY_2021 else ())
            )
            for snapshot in snapshots:
                profile = json.loads((FACTBOOK / snapshot / f"{gec}.json").read_text(encoding="utf-8"))
                body = plain_text(_field(profile, path))
                if not body:
                    continue
                title = f"{name}: {title_word} (The World Factbook)"
                header = f"{title}\nCentral Intelligence Agency\n{_dateline(snapshot)}\n\n"
                out[f"{name.lower()}-{word}_{snapshot}.txt"] = header + body + "\n"
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the committed files only")
    args = parser.parse_args(argv)
    wanted = articles()
    present = (
        {p.name: p.read_text(encoding="utf-8") for p in ARTICLES.glob("*.txt")} if ARTICLES.is_dir() else {}
    )
    if args.check:
        differ = sorted(set(wanted) ^ set(present) | {n for n in wanted if present.get(n) != wanted[n]})
        for name in differ:
            print(f"differs: {name}", file=sys.stderr)
        return 1 if differ else 0
    ARTICLES.mkdir(exist_ok=True)
    for name in sorted(set(present) - set(wanted)):  # only our own *.txt files are ever removed
        (ARTICLES / name).unlink()
    for name, text in sorted(wanted.items()):
        (ARTICLES / name).write_text(text, encoding="utf-8")
    print(f"{len(wanted)} articles in {ARTICLES.relative_to(ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
