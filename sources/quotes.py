"""Finding a quote in a page's text: word for word, then closely.

Close means the same words once case, spacing, quotation marks, dashes and apostrophes are
set aside (a page's typography rarely survives copying), or else nearly the same words: the
passage of the page most like the quote, scored from 0 to 1 by ``difflib``. Only passages
that share words with the quote are compared, so a long page costs what its words do.
"""

import bisect
import difflib
import functools
import heapq
import itertools
import re
from collections import Counter, defaultdict
from dataclasses import dataclass

CLOSE_ENOUGH = 0.85  # a passage scoring this or better is the quote, closely
CONTEXT = 120  # characters shown either side of what was found
CANDIDATES = 12  # passages compared in full, the ones sharing most words with the quote

# Typography that differs between a page and a quote copied from it, to the plain forms.
PLAIN = str.maketrans(
    {
        **dict.fromkeys("“”„‟«»″〝〞＂", '"'),
        **dict.fromkeys("‘’‚‛‹›′`´", "'"),
        **dict.fromkeys("‐‑‒–—―−", "-"),
        **dict.fromkeys("\u00a0\u2007\u202f\u2009\u200a\u2002\u2003", " "),
        "\u00ad": None,  # a soft hyphen
        "\u200b": None,  # a zero-width space
        "…": "...",
    }
)
WORD = re.compile(r"\w+", re.UNICODE)
SPACES = re.compile(r"\s+")


@dataclass
class Located:
    """Where a quote stands in a text: ``exact`` or ``close``, or not at all (``missing``)
    with the closest passage, if any shares words with it."""

    result: str
    score: float | None = None
    start: int | None = None
    end: int | None = None
    text: str = ""

    def context(self, page):
        if self.start is None:
            return "", ""
        before = page[max(0, self.start - CONTEXT) : self.start]
        return before.lstrip(), page[self.end : self.end + CONTEXT].rstrip()


class Origins:
    """Where each character of a plain text came from in the original: kept as the runs of
    characters copied one for one, so a long page costs a list of its spaces, not of every
    character."""

    def __init__(self, starts, sources):
        self.starts, self.sources = starts, sources  # plain offset, original offset per run

    def __getitem__(self, index):
        run = bisect.bisect_right(self.starts, index) - 1
        return self.sources[run] + index - self.starts[run]


@functools.lru_cache(maxsize=4)  # a page's citations are checked one after another
def plain(text):
    """``text`` without its typography, case or spacing, with where each of its characters
    came from in ``text`` (its ``Origins``)."""
    plained = text.translate(PLAIN).casefold()
    if len(plained) != len(text):  # a character became several, or none
        return _plain_by_character(text)
    starts, sources, length, position = [], [], 0, 0
    for start, end in (space.span() for space in SPACES.finditer(plained)):
        if start > position:
            if length:
                length += 1  # the one space between two runs
            starts.append(length)
            sources.append(position)
            length += start - position
        position = end
    if position < len(plained):
        if length:
            length += 1
        starts.append(length)
        sources.append(position)
    # a space between runs maps to the character after the run before it
    return " ".join(plained.split()), Origins(starts, sources)


def _plain_by_character(text):
    characters, origins = [], []
    for index, character in enumerate(text):
        plained = character.translate(PLAIN).casefold()
        if plained.isspace():
            if not characters or characters[-1] == " ":
                continue
            plained = " "
        characters.append(plained)
        origins.extend([index] * len(plained))
    while characters and characters[-1] == " ":
        characters.pop()
        origins.pop()
    return "".join(characters), Origins(list(range(len(origins))), origins)


def locate(quote, page):
    """Where ``quote`` stands in ``page``: exactly, closely, or not at all."""
    quote = quote.strip()
    if not quote:
        return Located("missing")
    start = page.find(quote)
    if start >= 0:
        return Located("exact", 1.0, start, start + len(quote), quote)
    plain_page, origins = plain(page)
    plain_quote, _ = plain(quote)
    start = plain_page.find(plain_quote) if plain_quote else -1
    if start >= 0:
        begin, end = origins[start], origins[start + len(plain_quote) - 1] + 1
        found = page[begin:end]
        return Located("close", _similarity(quote, found), begin, end, found)
    return _nearest(plain_quote, plain_page, origins, page)


def _similarity(one, other):
    """How alike two spellings of the same words are, case aside: 1 only when they differ
    in case alone."""
    matcher = difflib.SequenceMatcher(None, one.casefold(), other.casefold(), autojunk=False)
    return round(matcher.ratio(), 3)


def _nearest(plain_quote, plain_page, origins, page):
    """The passage of the page most like the quote, word by word; close when it scores
    ``CLOSE_ENOUGH``."""
    quote_words = WORD.findall(plain_quote)
    words = WORD.findall(plain_page)
    if not quote_words or not words:
        return Located("missing")
    # Each word of the page that is in the quote votes for the passage starting where the
    # quote would start if that word were its word there; a word the page uses less often
    # has the weightier vote.
    positions = {}
    for index, word in enumerate(quote_words):
        positions.setdefault(word, []).append(index)
    frequency = Counter(word for word in words if word in positions)
    votes = defaultdict(float)
    for index, word in enumerate(words):
        if word in positions:
            weight = 1 / frequency[word]
            for position in positions[word]:
                votes[index - position] += weight
    if not votes:
        return Located("missing")
    size, wanted = len(quote_words), set(quote_words)
    best = (0.0, 0, 0)
    for start in heapq.nlargest(CANDIDATES, votes, key=votes.__getitem__):
        for first in (max(start - 1, 0), max(start, 0), max(start + 1, 0)):
            for length in (size - 1, size, size + 1):
                passage = words[first : first + length]
                if not passage or not wanted.intersection(passage):
                    continue
                score = difflib.SequenceMatcher(None, quote_words, passage, autojunk=False).ratio()
                if score > best[0]:
                    best = (score, first, first + len(passage))
    score, first_word, last_word = best
    if not score:
        return Located("missing")
    spans = list(itertools.islice(WORD.finditer(plain_page), first_word, last_word))
    first_match, last_match = spans[0], spans[-1]
    begin, end = _whole_words(page, origins[first_match.start()], origins[last_match.end() - 1] + 1)
    result = "close" if score >= CLOSE_ENOUGH else "missing"
    return Located(result, round(score, 3), begin, end, page[begin:end])


def _whole_words(page, begin, end):
    """The passage from ``begin`` to ``end`` with the marks attached to its first and last
    words (quotation marks, a full stop)."""
    while begin > 0 and not page[begin - 1].isspace() and not page[begin - 1].isalnum():
        begin -= 1
    while end < len(page) and not page[end].isspace() and not page[end].isalnum():
        end += 1
    return begin, end
