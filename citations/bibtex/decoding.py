"""Bytes -> text: UTF-8 (or the encoding given), never guessed. Lines that do not decode
are problems naming them; data that is not text at all is recognised before any decoding."""

import codecs

from citations.bibtex.problems import ParseProblem

BINARY_INPUT = "The file is not text (it holds binary data); expected a BibTeX .bib file."
NOT_UTF8 = (
    "Line {line} is not valid UTF-8 (byte 0x{byte:02x}): save the file as UTF-8, or give its "
    "encoding (e.g. windows-1252)."
)
NOT_IN_ENCODING = "Line {line} cannot be read as {encoding} (byte 0x{byte:02x})."
MORE_UNDECODABLE = "{count} more line(s) after line {line} cannot be read either."
UNKNOWN_ENCODING = "Unknown encoding {encoding!r}: give a name such as utf-8 or windows-1252."
# Text encodings a .bib file may be in (canonical codec names). Python's other codecs are
# not text (rot13, base64, hex, zlib, bz2, uu, quopri turn bytes into bytes) or not files'
# encodings (idna, unicode_escape, utf-7): refused by name, never tried.
TEXT_ENCODINGS = frozenset(
    ["ascii", "utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32"]
    + ["utf-32-le", "utf-32-be", "mac-roman", "mac-latin2", "mac-cyrillic", "cp437", "cp850"]
    + ["cp852", "koi8-r", "koi8-u", "shift_jis", "cp932", "euc_jp", "iso2022_jp", "gb2312"]
    + ["gbk", "gb18030", "big5", "euc_kr", "cp949"]
    + [f"iso8859-{n}" for n in range(1, 17) if n != 12]
    + [f"cp{n}" for n in range(1250, 1259)]
)
NOT_TEXT_ENCODING = (
    "{encoding!r} is not an encoding a BibTeX file is read in. Allowed: utf-8, utf-8-sig, "
    "utf-16, utf-16-le, utf-16-be, utf-32, utf-32-le, utf-32-be, ascii, latin-1 and "
    "iso8859-1 to iso8859-16, windows-1250 to windows-1258, mac-roman, mac-latin2, "
    "mac-cyrillic, cp437, cp850, cp852, koi8-r, koi8-u, shift_jis, cp932, euc-jp, iso2022-jp, "
    "gb2312, gbk, gb18030, big5, euc-kr, cp949."
)


class UndecodableInput(ValueError):
    """Bytes that are not text in the expected encoding; `problems` name the lines."""

    def __init__(self, problems: list[ParseProblem]):
        super().__init__(problems[0].message)
        self.problems = problems


MAX_REPORTED_LINES = 20


def _undecodable_lines(data: bytes, encoding: str) -> list[ParseProblem]:
    """One problem per line that does not decode (a character never spans a line)."""
    bad = []
    for number, line in enumerate(data.split(b"\n"), start=1):
        try:
            line.decode(encoding)
        except UnicodeDecodeError as exc:
            bad.append((number, line[exc.start]))
    if encoding == "utf-8":
        problems = [ParseProblem(n, "", NOT_UTF8.format(line=n, byte=b)) for n, b in bad]
    else:
        problems = [
            ParseProblem(n, "", NOT_IN_ENCODING.format(line=n, encoding=encoding, byte=b))
            for n, b in bad
        ]
    if len(problems) > MAX_REPORTED_LINES:
        last = problems[MAX_REPORTED_LINES - 1].line
        more = MORE_UNDECODABLE.format(count=len(problems) - MAX_REPORTED_LINES, line=last)
        problems = problems[:MAX_REPORTED_LINES] + [ParseProblem(last, "", more)]
    return problems


def check_encoding(encoding: str) -> str:
    """The canonical name of a text encoding in `TEXT_ENCODINGS`, or ValueError
    (UNKNOWN_ENCODING, or NOT_TEXT_ENCODING naming the allowed ones)."""
    try:
        name = codecs.lookup(encoding.strip()).name
    except LookupError:
        raise ValueError(UNKNOWN_ENCODING.format(encoding=encoding)) from None
    if name not in TEXT_ENCODINGS:
        raise ValueError(NOT_TEXT_ENCODING.format(encoding=encoding))
    return name


def decode_bytes(data: bytes, encoding: str | None = None) -> str:
    """Bytes of a file -> text. UTF-8 (a BOM dropped) unless `encoding` names another;
    never a guess: bytes that do not decode raise `UndecodableInput` naming their lines,
    because reading a whole UTF-8 file as Windows-1252 for a few stray bytes would garble
    every accent in it."""
    encoding = check_encoding(encoding) if encoding else "utf-8"
    if encoding == "utf-8" and data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        raise UndecodableInput(_undecodable_lines(data, encoding)) from None


def looks_binary(text: str | bytes) -> bool:
    """NUL bytes anywhere (no text file has them, nor can PostgreSQL store them), or many
    control characters at the start (bytes are looked at before any decoding)."""
    if isinstance(text, bytes):
        text = text.decode("latin-1")  # Byte for byte: only control characters matter.
    sample = text[:4096]
    controls = sum(1 for ch in sample if ch < " " and ch not in "\t\r\n\f")
    return "\x00" in text or controls > len(sample) // 20
