"""Citation keys: `{firstauthorfamily}{year}{firstsignificanttitleword}`, lower-case ASCII.

`prior1990spinal` for Prior (1990) "Spinal bone loss ...". Accents are folded (Müller ->
muller), stop words ("a", "the", "on", ...) are skipped, a missing
author gives "anon" and a missing year "nd". When a key is taken, a, b, c, ... z, aa, ab ...
are appended. An imported key is kept when it is free and usable as a citekey.
"""

import re
import unicodedata

STOP_WORDS = {
    "a",
    "an",
    "the",
    "on",
    "of",
    "in",
    "and",
    "for",
    "to",
    "with",
    "at",
    "by",
    "from",
    "is",
    "are",
    "as",
    "its",
    "do",
    "does",
    "how",
    "what",
    "why",
    "when",
    "into",
    "or",
    "about",
    "der",
    "die",
    "das",
    "le",
    "la",
    "les",
    "un",
    "une",
    "el",
    "los",
}
LETTERS = {"ß": "ss", "ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "þ": "th", "ð": "d"}
USABLE_KEY = re.compile(r"[A-Za-z0-9_:.\-+/]{1,100}\Z")


LETTER_TABLE = str.maketrans(LETTERS)
NOT_ALNUM = re.compile(r"[^a-z0-9]+")


def ascii_fold(text: str) -> str:
    """Lower-case ASCII letters and digits only: "Müller-Lüdenscheidt" -> "mullerludenscheidt"."""
    text = text.lower()
    if not text.isascii():
        decomposed = unicodedata.normalize("NFKD", text.translate(LETTER_TABLE))
        text = decomposed.encode("ascii", "ignore").decode("ascii")
    return NOT_ALNUM.sub("", text)


WORD = re.compile(r"[^\W_]+")


def first_significant_word(title: str) -> str:
    for word in WORD.findall(title[:500]):
        folded = ascii_fold(word)
        if folded and word.lower() not in STOP_WORDS:
            return folded
    return ""


def base_key(family: str, year: int | str | None, title: str) -> str:
    """The key the citekey rule (this module's docstring) gives, before any collision suffix."""
    author = ascii_fold(family)[:40] or "anon"
    year_part = str(year) if year else "nd"
    return f"{author}{year_part}{first_significant_word(title)[:40]}"


def suffix(n: int) -> str:
    """The n-th collision suffix (from 0): a, b, ... z, aa, ab, ..."""
    out = ""
    while True:
        out = chr(ord("a") + n % 26) + out
        n = n // 26 - 1
        if n < 0:
            return out


class TakenKeys(set):
    """Lower-case keys already given; remembers where each base's free suffixes start.

    Keys are only ever added, so the first free suffix of a base never moves back: starting
    the next search there keeps a file of many same-base entries linear, not quadratic.
    """

    def __init__(self, *args):
        super().__init__(*args)
        self.first_free: dict[str, int] = {}


def unique_key(base: str, taken: set[str]) -> str:
    """`base`, or `base` with the first free suffix; lower-case comparison."""
    if base not in taken:
        return base
    first_free = getattr(taken, "first_free", {})
    n = first_free.get(base, 0)
    while base + suffix(n) in taken:
        n += 1
    first_free[base] = n
    return base + suffix(n)


def is_usable(key: str) -> bool:
    return bool(USABLE_KEY.match(key))
