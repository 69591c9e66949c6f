"""The part of a Ukrainian or Russian word that its inflected forms share.

PostgreSQL stems Russian but not Ukrainian: a Ukrainian text's words are stored as they
stand ("переговорів", "делегації"), and a search for "переговори" or "делегація" would miss
them. Searching for the stem as a prefix ("переговор…", "делегаці…") finds every form.
Only endings are taken off (the longest that leaves a stem of four letters); a sound that
changes inside the word (Сибіга, Сибізі) is not followed.
"""

import re

__all__ = ["prefix_stem"]

_CYRILLIC_WORD = re.compile(r"[\u0400-\u04ff]+")
# Endings of nouns; of adjectives and adjectival surnames (-ський, -ский); of verbs.
_ENDING_LIST = """
    а я о е є у ю і ї и ы ь й ам ям ах ях ами ями ів їв ей ом ем єм ою ею єю ові еві єві ов ев
    ий ій ого ього ому ьому им ім их іх ими іми ої ая яя ое ее ые ие ой его ему ым ых ыми ую юю
    ти ть ати яти ити іти ють ать ять ить ує ують ується ла ло ли
"""
_ENDINGS = sorted(set(_ENDING_LIST.split()), key=len, reverse=True)
SHORTEST_STEM = 4


def prefix_stem(word: str) -> str | None:
    """The stem a Cyrillic word's forms share, lower-cased ("Переговори": "переговор"), or
    None for a word that is not all Cyrillic letters or too short to take an ending off."""
    word = word.lower()
    if not _CYRILLIC_WORD.fullmatch(word) or len(word) <= SHORTEST_STEM:
        return None
    for ending in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= SHORTEST_STEM:
            return word[: -len(ending)]
    return word
