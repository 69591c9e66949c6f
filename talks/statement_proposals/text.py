"""The shapes in a text the engine reads: sentences, capitalised words, places after a
preposition. Plain functions of strings; the desk's records come in from ``engine``."""

import re
from dataclasses import dataclass

from . import cues

# Words before a full stop that does not end a sentence.
ABBREVIATIONS = {
    "u.s", "u.k", "mr", "mrs", "ms", "dr", "st", "jr", "sr", "gen", "col", "sen", "rep",
    "gov", "prof", "no", "vs", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
    "sept", "oct", "nov", "dec", "ім", "м", "р", "г", "ст", "им",
}  # fmt: skip
_END = re.compile(r"[.!?;]+[\"”»)]*\s+")
_WORD = re.compile(r"[^\W_]+(?:[’'ʼ][^\W\d_]+)*")
_POSSESSIVE = re.compile(r"[’'ʼ]s$", re.I)
CAPITAL = r"[A-ZА-ЯІЇЄҐ]"
_CAP_WORD = rf"{CAPITAL}(?:[\w’'ʼ-]|\.(?=\w))*\.?"
PLACE = re.compile(
    rf"(?<!\w)(?i:{cues.IN_PLACE})\s+(?:the\s+)?"
    rf"(?P<place>{_CAP_WORD}(?:\s+{_CAP_WORD}){{0,2}})(?P<region>,\s+{_CAP_WORD})?"
)


@dataclass(frozen=True)
class Span:
    start: int
    end: int


def sentences(text):
    """(start, end) of each sentence: ended by . ! ? or ; before a capital, a quote or a
    digit, unless the word before the stop is an abbreviation or an initial ("U.S.", "J.")."""
    start = 0
    spans = []
    for stop in _END.finditer(text):
        following = text[stop.end() : stop.end() + 1]
        mark = stop.group().strip()
        if not mark.startswith(";"):
            if not following or not (
                following.isupper() or following in '"“«(' or following.isdigit()
            ):
                continue
            before = re.search(r"([\w.]+)$", text[start : stop.start()])
            word = before.group(1).lower().rstrip(".") if before else ""
            if word in ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
                continue
        spans.append((start, stop.start() + len(mark.rstrip('"”»)'))))
        start = stop.end()
    if text[start:].strip():
        spans.append((start, len(text.rstrip())))
    return spans


def words(text):
    """(start, end, word) of each word; a word keeps its inner apostrophes ("Trump’s")."""
    return [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]


def is_capitalised(word):
    return word[:1].isupper()


def possessive(word):
    return bool(_POSSESSIVE.search(word))


def without_possessive(word):
    return _POSSESSIVE.sub("", word)


def cue(pattern):
    return re.compile(rf"(?<!\w)(?:{pattern})(?!\w)", re.I)


def clean_place(place):
    """A place as the text writes it, without a sentence's full stop."""
    place = place.strip()
    if place.endswith(".") and place.count(".") == 1:
        place = place[:-1]
    return place
