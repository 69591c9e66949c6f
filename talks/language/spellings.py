"""Names in any script: a name's other spellings, and a key under which they all match.

"Zelenskyy", "Zelensky", "Zelenskiy", "Зеленський" and "Зеленский" are one name written
five ways. `transliterations()` gives the Latin spellings of a Cyrillic name from the
official tables; `name_key()` folds every spelling to one key, so a search or a lookup can
compare keys instead of guessing spellings.

The key is stored (an indexed column) by the features that use it: changing any rule or
table below changes stored keys, and needs a data migration that recomputes them.
"""

import re
import unicodedata
from functools import lru_cache

import iuliia
import translitua

__all__ = ["matches", "name_key", "name_keys", "spelled_keys", "transliterations", "word_keys"]

_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_UKRAINIAN_ONLY = re.compile(r"[ієїґ]", re.I)
_RUSSIAN_ONLY = re.compile(r"[ыэъё]", re.I)


def transliterations(name: str, language: str | None = None) -> list[str]:
    """The Latin spellings of a Cyrillic name, official table first; [] for a Latin name.

    Ukrainian: the national transliteration (Cabinet of Ministers resolution 55 of 2010,
    translitua's KMU table), the one on Ukrainian passports and road signs: Зеленський →
    Zelenskyi, Сибіга → Sybiha. Russian: the English Wikipedia romanization (iuliia's
    WIKIPEDIA scheme, a simplified BGN/PCGN without apostrophes), which is what the English-
    language press writes: Зеленский → Zelensky, Лавров → Lavrov; the passport tables (ICAO)
    give Zelenskii, which nobody reads.

    Without `language`, letters decide: і, ї, є, ґ are Ukrainian, ы, э, ъ, ё Russian;
    a name with neither gets both. A Latin name gets no Cyrillic spelling: which Cyrillic
    letters a Latin name is written with (Witkoff: Віткофф, Уиткофф) is the press's choice,
    not a rule, so none is invented; `name_key()` matches them instead.
    """
    if language not in (None, "uk", "ru"):
        raise ValueError(f"transliterations are made from Ukrainian or Russian, not {language!r}")
    if not _CYRILLIC.search(name):
        return []
    if language:
        languages = [language]
    else:
        ukrainian, russian = _UKRAINIAN_ONLY.search(name), _RUSSIAN_ONLY.search(name)
        languages = (
            ["uk"]
            if ukrainian and not russian
            else ["ru"]
            if russian and not ukrainian
            else ["uk", "ru"]
        )
    spellings = []
    for lang in languages:
        if lang == "uk":
            spelling = translitua.translit(name, translitua.UkrainianKMU)
        else:
            spelling = iuliia.WIKIPEDIA.translate(name)
        if spelling != name and spelling not in spellings:
            spellings.append(spelling)
    return spellings


# --- The key ----------------------------------------------------------------------------
#
# 1. Cyrillic letters become Latin by one fixed table that covers Ukrainian and Russian
#    (и and і are both i, г is h and ґ g, є ye, ї yi, ю yu, я ya, ё and э e, ь and ъ
#    nothing); a word-initial у before a vowel is w (Уиткофф is Witkoff).
# 2. Latin letters with marks: č š ž (and ć ś ź ż ş ç) are ch sh zh; the rest lose the mark.
# 3. English c is k, or s before e, i, y (Clinton: Клінтон; Vance: Венс); English j is дж
#    (Jared: Джаред). ph is f, th t, wh w, x ks, q k.
# 4. Sound classes: y, i and й are one letter (the -y/-i/-iy/-yy/-ii/-ий/-ій endings fold);
#    g, h and kh are one letter (Sybiha, Сибига; Hegseth, Хегсет); w is v.
# 5. A doubled letter is one (Witkoff, Віткоф; Odessa, Odesa); i before e is dropped (ye,
#    ie and e fold: Yermak, Єрмак, Ермак; Umierov, Umerov); a word-final -ei is -i
#    (Sergei, Serhii; Andrey, Andrii).
# 6. Ukrainian and Russian forms that differ in more than spelling are one key by the table
#    `SAME_NAMES` (Volodymyr, Vladimir; Kyiv, Kiev).
#
# The key's alphabet is a-z without c, h, j, q, w, x, y, plus š ž č for sh zh ch, so the
# key of a key is itself.

_CYRILLIC_LETTERS = str.maketrans(
    {
        "а": "a", "б": "b", "в": "v", "г": "h", "ґ": "g", "д": "d", "е": "e", "є": "ye",
        "ж": "zh", "з": "z", "и": "y", "і": "i", "ї": "yi", "й": "y", "к": "k", "л": "l",
        "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u",
        "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ь": "", "ъ": "",
        "ы": "y", "э": "e", "ю": "yu", "я": "ya", "ё": "e",
    }
)  # fmt: skip
_MARKED_LETTERS = str.maketrans(
    {
        "č": "ch", "ć": "ch", "ç": "ch", "š": "sh", "ś": "sh", "ş": "sh", "ž": "zh", "ź": "zh",
        "ż": "zh", "ł": "l", "ß": "ss", "ø": "o", "đ": "d", "ı": "i",
    }
)  # fmt: skip
_INITIAL_U_BEFORE_VOWEL = re.compile(r"^у(?=[аеєиіїоуюяэы])")
_APOSTROPHES = re.compile(r"['’ʼ`ʹ]")
_TOKENS = re.compile(r"shch|sch|zh|kh|ch|sh|ts|ph|th|wh|[a-z]")
_TOKEN_KEYS = {
    "shch": "šč", "sch": "š", "zh": "ž", "ch": "č", "sh": "š", "kh": "g", "h": "g",
    "ph": "f", "th": "t", "wh": "v", "w": "v", "y": "i", "q": "k",
}  # fmt: skip
_WORDS = re.compile(r"[^\W\d_]+")
_DOUBLED = re.compile(r"(.)\1+")
_I_BEFORE_E = re.compile(r"i(?=e)")
_FINAL_EI = re.compile(r"ei$")

# Ukrainian form first: the other forms fold to its key. Given names and places whose
# Ukrainian and Russian (or English) forms differ in their sounds, not only their letters.
SAME_NAMES = (
    ("Volodymyr", "Vladimir"),
    ("Oleksandr", "Aleksandr", "Alexander"),
    ("Oleksii", "Aleksei", "Alexei"),
    ("Dmytro", "Dmitry"),
    ("Mykola", "Nikolai", "Nikolay"),
    ("Mykhailo", "Mikhail"),
    ("Mykyta", "Nikita"),
    ("Petro", "Pyotr", "Petr"),
    ("Pavlo", "Pavel"),
    ("Kyrylo", "Kirill"),
    ("Vasyl", "Vasily"),
    ("Yevhen", "Yevgeny"),
    ("Fedir", "Fyodor", "Fedor"),
    ("Yakiv", "Yakov"),
    ("Rustem", "Rustam"),
    ("Olena", "Yelena"),
    ("Kateryna", "Yekaterina"),
    ("Tetiana", "Tatiana"),
    ("Svitlana", "Svetlana"),
    ("Hanna", "Anna"),
    ("Kyiv", "Kiev"),
    ("Kharkiv", "Kharkov"),
    ("Lviv", "Lvov"),
    ("Dnipro", "Dnepr"),
    ("Mykolaiv", "Nikolaev"),
    ("Zaporizhzhia", "Zaporozhye"),
    ("Chernihiv", "Chernigov"),
    ("Rivne", "Rovno"),
    ("Vinnytsia", "Vinnitsa"),
    ("Krym", "Crimea"),
    ("Ukraina", "Ukraine"),
    ("Rosiia", "Russia"),
    ("Moskva", "Moscow"),
    ("Zheneva", "Geneva"),
    ("Stambul", "Istanbul"),
)


def _spelling_key(word: str) -> str:
    """Rules 1 to 5 for one word."""
    word = _INITIAL_U_BEFORE_VOWEL.sub("w", word.lower())
    word = word.translate(_CYRILLIC_LETTERS).translate(_MARKED_LETTERS)
    word = "".join(ch for ch in unicodedata.normalize("NFKD", word) if "a" <= ch <= "z")
    word = re.sub(r"c(?!h)", "k", re.sub(r"c(?!h)(?=[eiy])", "s", word))
    word = word.replace("x", "ks").replace("j", "dzh")
    key = "".join(_TOKEN_KEYS.get(token, token) for token in _TOKENS.findall(word))
    while True:
        folded = _FINAL_EI.sub("i", _I_BEFORE_E.sub("", _DOUBLED.sub(r"\1", key)))
        if folded == key:
            return key
        key = folded


_SAME_KEYS = {
    _spelling_key(other): _spelling_key(names[0]) for names in SAME_NAMES for other in names[1:]
}


@lru_cache(maxsize=16384)
def _word_key(word: str) -> str:
    key = _spelling_key(word)
    return _SAME_KEYS.get(key, key)


def _name_words(text: str) -> list[str]:
    return _WORDS.findall(_APOSTROPHES.sub("", unicodedata.normalize("NFC", text)))


def name_key(text: str) -> str:
    """The key of a name: its words' keys, one space apart. Deterministic and cheap."""
    return " ".join(key for word in _name_words(text) if (key := _word_key(word)))


def name_keys(text: str) -> set[str]:
    """The key of each word of a name and of the whole name."""
    keys = {key for word in _name_words(text) if (key := _word_key(word))}
    if whole := name_key(text):
        keys.add(whole)
    return keys


def spelled_keys(text: str) -> list[tuple[str, str]]:
    """(key, spelling) for each word of a name and for the whole name: what a search stores
    to find the name, and which spelling each key came from. A lower-case word in a name
    with capitals ("de", "bin", "of") is no key of its own, only part of the whole name's."""
    words = _name_words(text)
    capitalised = [word for word in words if word[0].isupper()]
    pairs = {(key, word): None for word in capitalised or words if (key := _word_key(word))}
    if len(words) > 1 and (whole := name_key(text)):
        pairs[(whole, " ".join(text.split()))] = None
    return list(pairs)


# Case endings of Ukrainian and Russian names, written as keys (-ого ogo, -ому omu, -им and
# -ым im, -ою oiu, -ої and -ой oi...), and the endings a base form may have instead: nothing
# (Лавров, Лаврова), -ий or -ій (Зеленський, Зеленського) and -а (Стефанішина, Стефанішиної).
_CASE_ENDINGS = (
    "imi", "ogo", "omu", "ovi", "evi", "oiu", "iu", "ia", "oi", "om", "em", "im",
    "a", "u", "i", "e",
)  # fmt: skip
_BASE_ENDINGS = ("", "i", "a")
_SHORTEST_STEM = 3
_POSSESSIVE = re.compile(r"['’ʼ]s$", re.I)


def word_keys(word: str) -> set[str]:
    """The keys a word of running text may be a name under: its own key, and the keys of the
    base forms a Cyrillic word may inflect: "Зеленського" gives zelenski (Зеленський),
    "Лаврова" lavrov (Лавров) as well as lavrova, "Стефанішиної" stefanišina. An English
    possessive is dropped: "Zelenskyy's" gives zelenski.

    Compare the result with the keys of names (`name_keys`): a form that is no name's key
    finds nothing. A woman's surname and a man's are not told apart ("Лаврова" finds Lavrov).
    """
    keys = set()
    for spelling in _name_words(_POSSESSIVE.sub("", word)):
        key = _word_key(spelling)
        if not key:
            continue
        keys.add(key)
        if not _CYRILLIC.search(spelling):
            continue
        for ending in _CASE_ENDINGS:
            stem = key.removesuffix(ending)
            if stem != key and len(stem) >= _SHORTEST_STEM:
                keys.update(_SAME_KEYS.get(stem + base, stem + base) for base in _BASE_ENDINGS)
    return keys


def matches(query: str, name: str) -> bool:
    """Whether every word of `query` is, by key, a word of `name`: "Zelensky" and
    "Владимир Зеленский" both match "Volodymyr Zelenskyy"; an empty query matches nothing."""
    wanted = {key for word in _name_words(query) if (key := _word_key(word))}
    have = {_word_key(word) for word in _name_words(name)}
    return bool(wanted) and wanted <= have
