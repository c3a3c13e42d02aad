"""BibTeX name lists. "First von Last", "von Last, First", "von Last, Jr, First" and
BibLaTeX's `family=..., given=...` are read into `Name`s (the von part: the lower-case words
before the last name), joined by "and"; `format_name` writes a `Name` back, bracing a
family name that would otherwise be read differently. Also the lists a curator types:
"Family, Given; Family, Given"."""

import functools
import re

from citations.bibtex.values import FieldValueError, braced_end, normal_space
from citations.text import latex
from citations.text.records import Name

BAD_NAME = "Cannot read the name {name!r}: more than two commas."


def _split_top(text: str, separator: re.Pattern) -> list[str]:
    """Split at `separator` matches outside braces."""
    if "{" not in text:
        return separator.split(text)
    parts, depth, start = [], 0, 0
    for match in re.finditer(r"(?<!\\)[{}]|" + separator.pattern, text, separator.flags):
        mark = match.group(0)
        if mark == "{":
            depth += 1
        elif mark == "}":
            depth = max(depth - 1, 0)
        elif depth == 0:
            parts.append(text[start : match.start()])
            start = match.end()
    parts.append(text[start:])
    return parts


AND = re.compile(r"\s+and\s+", re.IGNORECASE)
COMMA = re.compile(r",")
SPACE = re.compile(r"(?:\s|(?<!\\)~)+")


def _is_lower(word: str) -> bool:
    if word[:1].isalpha():
        return word[0].islower()
    if word.startswith("{") and not word.startswith("{\\"):
        return False  # A braced word is protected: it counts as capitalised.
    letters = [ch for ch in latex.decode(word) if ch.isalpha()]
    return bool(letters) and letters[0].islower()


def _words(text: str) -> list[str]:
    return [word for word in _split_top(text.strip(), SPACE) if word]


def _von_last(words: list[str]) -> tuple[str, str]:
    """Split "von Last" words: the von part is the lower-case words before the last one."""
    von_end = 0
    for index, word in enumerate(words[:-1]):
        if _is_lower(word):
            von_end = index + 1
    return " ".join(words[:von_end]), " ".join(words[von_end:])


EXTENDED_NAME = re.compile(r"\s*(?:family|given|prefix|suffix)\s*=", re.IGNORECASE)
EXTENDED_PARTS = {"family": "family", "given": "given", "prefix": "prefix", "suffix": "suffix"}


def _extended_name(parts: list[str]) -> Name:
    """BibLaTeX's extended name format: `family=Researcher, given=Sam, prefix=von`."""
    values = {}
    for part in parts:
        key, _sep, value = part.partition("=")
        target = EXTENDED_PARTS.get(key.strip().lower())
        if target:
            values[target] = latex.decode(value.strip().strip("{}").strip())
    return Name(**{"family": "", **values})


BIBCORPORATE = re.compile(r"\\bibcorporate\s*")


def _unbraced(text: str) -> str | None:
    """`text` without its outer braces when one brace group is all of it, else None."""
    text = text.strip()
    if text.startswith("{") and braced_end(text, 0) == len(text):
        return text[1:-1].strip()
    return None


def _corporate(raw: str) -> Name | None:
    """An institution's name: one brace group (`{World Health Organization}`, double braces,
    apacite's `{\\bibcorporate{Canarie, Inc.}}`) is one family name, never split."""
    inner = _unbraced(raw)
    if inner is None:
        return None
    while (deeper := _unbraced(inner)) is not None:
        inner = deeper
    if command := BIBCORPORATE.match(inner):
        argument = _unbraced(inner[command.end() :])
        if argument is None:
            return None
        inner = argument
    return Name(family=latex.decode(inner)) if inner else None


@functools.lru_cache(maxsize=100_000)
def parse_name(raw: str) -> Name:
    """One BibTeX name ("First von Last", "von Last, First", "von Last, Jr, First") -> Name."""
    if raw.startswith("{") and (corporate := _corporate(raw)) is not None:
        return corporate
    parts = [part.strip() for part in _split_top(raw, COMMA)]
    if EXTENDED_NAME.match(raw):
        return _extended_name(parts)
    if len(parts) > 3:
        raise FieldValueError(BAD_NAME.format(name=raw))
    if len(parts) == 1:
        words = _words(parts[0])
        first_lower = next((i for i, w in enumerate(words[:-1]) if _is_lower(w)), len(words) - 1)
        given = " ".join(words[:first_lower])
        prefix, family = _von_last(words[first_lower:])
        suffix = ""
    else:
        prefix, family = _von_last(_words(parts[0]))
        suffix = parts[1] if len(parts) == 3 else ""
        given = " ".join(_words(parts[-1]))
    return Name(
        family=latex.decode(family),
        given=latex.decode(given),
        prefix=latex.decode(prefix),
        suffix=latex.decode(suffix),
    )


def parse_names(raw: str) -> list[Name]:
    """An author or editor list; names repeat across a file, so each is parsed once."""
    raw = normal_space(raw)  # A name broken over lines is one name ("{La\n Bruna}").
    parts = AND.split(raw) if "{" not in raw else _split_top(raw, AND)
    return [parse_name(part.strip()) for part in parts if part.strip()]


NAME_LIST_BREAK = re.compile(r"\s*[;\n]\s*")


def parse_name_list(text: str) -> list[Name]:
    """Names as a curator types or pastes them: "Family, Given; Family, Given" (semicolons
    or one name a line), BibTeX's "Given Family and Family, Given", or both mixed."""
    parts = _split_top(text.strip(), NAME_LIST_BREAK) if text.strip() else []
    return [name for part in parts if part.strip() for name in parse_names(part)]


def format_name_list(names: list[Name]) -> str:
    """Names as `parse_name_list` reads them back: "von Family, Jr, Given; ...", no LaTeX."""
    return "; ".join(
        ", ".join(
            part
            for part in (f"{name.prefix} {name.family}".strip(), name.suffix, name.given)
            if part
        )
        for name in names
    )


def _family_needs_braces(name: Name) -> bool:
    if name.is_others:
        return False  # Braced, "{others}" would be a person's name, not "et al.".
    words = name.family.split()
    return (
        any(_is_lower(word) for word in words)
        or "," in name.family
        or bool(AND.search(f" {name.family} "))
        or (len(words) > 1 and not name.prefix and not name.given and not name.suffix)
    )


def _name_part(text: str, unicode: bool) -> str:
    encoded = latex.encode(text, unicode=unicode)
    if "," in text or AND.search(f" {text} "):
        return "{" + encoded + "}"
    return encoded


# Small, so that an export's memory stays flat: a library of a million references names
# hundreds of thousands of people, and a larger cache would only hold more of them.
@functools.lru_cache(maxsize=4096)
def format_name(name: Name, unicode: bool = False) -> str:
    """A Name as BibTeX writes it: "von Last, Jr, First"; corporate names in braces."""
    family = latex.encode(name.family, unicode=unicode)
    if _family_needs_braces(name):
        family = "{" + family + "}"
    family = f"{latex.encode(name.prefix, unicode=unicode)} {family}".strip()
    if not name.given and not name.suffix:
        return family
    parts = [family] + ([_name_part(name.suffix, unicode)] if name.suffix else [])
    return ", ".join(parts + [_name_part(name.given, unicode)])
