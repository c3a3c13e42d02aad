"""Year suffixes ("2001a", "2001b"): what a style's `disambiguate-add-year-suffix` asks for.

citeproc-py renders the `year-suffix` variable when an item has one but never assigns it, so
this module does, as CSL 1.0.2 says: two items are *ambiguous* when their citations would
read the same ("Smith, 2001") after the style's other disambiguation methods (showing more
names, `disambiguate-add-names`; given names or initials, `disambiguate-add-givenname`);
ambiguous items get "a", "b", "c", ... in the bibliography's order. A citation's text is
approximated by what it is made of in author-date styles: the names it shows (the authors,
else the editors, else the title, the usual CSL substitution) and the year ("n.d." when
none). Pure: CSL-JSON items in, suffixes out.
"""

import string
from collections.abc import Hashable, Iterable
from dataclasses import dataclass

NAME_VARIABLES = ("author", "editor", "translator")
ET_AL = "et al."


@dataclass(frozen=True)
class Disambiguation:
    """What a style's `<citation>` says about telling citations apart."""

    add_names: bool = False  # all names shown where "et al." would hide the difference
    add_givenname: bool = False  # given names (or initials) shown where they differ
    givenname_rule: str = "all-names"  # which names get them: primary-name, all-names, ...
    et_al_min: int = 0  # 0: never shortened
    et_al_use_first: int = 1

    @classmethod
    def of_citation(cls, attributes: dict[str, str]) -> "Disambiguation | None":
        """The options of a `<citation>` element's attributes, or None when the style adds
        no year suffix."""
        if attributes.get("disambiguate-add-year-suffix", "false") != "true":
            return None
        return cls(
            add_names=attributes.get("disambiguate-add-names") == "true",
            add_givenname=attributes.get("disambiguate-add-givenname") == "true",
            givenname_rule=attributes.get("givenname-disambiguation-rule", "all-names"),
            et_al_min=int(attributes.get("et-al-min") or 0),
            et_al_use_first=int(attributes.get("et-al-use-first") or 1),
        )


def _given(name: dict, initials: bool) -> str:
    given = name.get("given", "")
    if not initials:
        return given
    return "".join(part[0] for part in given.replace("-", " ").split() if part)


def _names(item: dict, options: Disambiguation) -> tuple | None:
    """The names the item's citation would show once disambiguated, or None without any."""
    names = next((item[variable] for variable in NAME_VARIABLES if item.get(variable)), None)
    if not names:
        return None
    shortened = options.et_al_min and len(names) >= options.et_al_min
    shown = names if options.add_names or not shortened else names[: options.et_al_use_first]
    with_given = options.add_givenname
    initials = options.givenname_rule.endswith("with-initials")
    primary_only = options.givenname_rule.startswith("primary-name")
    parts = []
    for index, name in enumerate(shown):
        family = name.get("literal") or " ".join(
            part for part in (name.get("non-dropping-particle"), name.get("family")) if part
        )
        given = _given(name, initials) if with_given and not (primary_only and index) else ""
        parts.append((family, given))
    if len(shown) < len(names):
        parts.append((ET_AL, ""))
    return tuple(parts)


def _year(item: dict) -> Hashable:
    issued = item.get("issued") or {}
    parts = issued.get("date-parts") or [[]]
    if parts and parts[0]:
        return str(parts[0][0])
    return issued.get("literal") or item.get("status") or None


def ambiguity_key(item: dict, options: Disambiguation) -> Hashable:
    """What the item's citation reads as, as far as telling it from another goes: the names
    it shows (the title when it has none) and its year."""
    names = _names(item, options)
    shown = ("names", names) if names is not None else ("title", item.get("title", ""))
    return (shown, _year(item))


def suffix(index: int) -> str:
    """The `index`-th year suffix: a ... z, then aa, ab, ... (as citeproc-js and pandoc)."""
    letters = string.ascii_lowercase
    text = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        text = letters[rest] + text
    return text


def year_suffixes(keyed: Iterable[tuple[str, Hashable]]) -> dict[str, str]:
    """Item id -> year suffix, for (id, ambiguity key) pairs in the bibliography's order:
    items whose key is shared get "a", "b", ... in that order; the others none."""
    groups: dict[Hashable, list[str]] = {}
    for item_id, key in keyed:
        groups.setdefault(key, []).append(item_id)
    return {
        item_id: suffix(index)
        for members in groups.values()
        if len(members) > 1
        for index, item_id in enumerate(members)
    }
