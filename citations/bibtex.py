"""BibTeX in and out: the only module that imports bibtexparser.

Minimal first version: `render_entry` / `render_entries` turn `BibRecord`s into BibTeX text.
The BibTeX issue completes parsing, LaTeX decoding and escaping here.
"""

from collections.abc import Iterable, Iterator

from citations.records import BibRecord, Name

SPECIALS = {"&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_"}


def escape(value: str) -> str:
    return "".join(SPECIALS.get(ch, ch) for ch in value)


def format_name(name: Name) -> str:
    family = f"{name.prefix} {name.family}".strip()
    if not name.given and not name.suffix:
        return "{" + family + "}" if " " in family else family
    parts = [family] + ([name.suffix] if name.suffix else []) + [name.given]
    return ", ".join(parts)


def render_entry(record: BibRecord) -> str:
    fields = []
    if record.authors:
        fields.append(("author", " and ".join(format_name(n) for n in record.authors)))
    if record.editors:
        fields.append(("editor", " and ".join(format_name(n) for n in record.editors)))
    fields += [(name, escape(value)) for name, value in record.fields.items()]
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@{record.entry_type}{{{record.key},\n{body}\n}}\n"


def render_entries(records: Iterable[BibRecord]) -> Iterator[str]:
    for record in records:
        yield render_entry(record) + "\n"
