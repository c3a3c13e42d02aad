"""What a record's key in a URL may hold, and the `citekey` path converter.

A citekey is kept as the imported file spelled it, and BibTeX accepts almost anything in a
key: everything except whitespace, "," and braces. Real files hold keys such as
`Ahonen:EPODD-8-2/3-195`, `Knuth+Plass`, `a%b` or `Dören.2003`. A citekey in a URL is
therefore matched like a path (it may hold "/"), and `reverse()` percent-quotes the rest
("%" -> "%25", "?" -> "%3F", "#" -> "%23", non-ASCII as UTF-8).
"""

# Slugs may hold ":", "." or "-"; only "/" (and NUL, which PostgreSQL refuses) cannot be.
LOOKUP_REGEX = r"[^/\x00]+"

# A citekey may hold "/" too. The reference routes have no detail actions, and the list
# actions (import/, lookup/) come before the detail route in the router, so nothing is shadowed.
CITEKEY_REGEX = r"[^\x00]+"


class CitekeyConverter:
    """`<citekey:citekey>` in a URL pattern: any BibTeX key, "/" included."""

    regex = CITEKEY_REGEX

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value
