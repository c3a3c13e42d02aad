"""Where citeproc-py 0.11 departs from the CSL 1.0.2 specification, and so from pandoc's
citeproc and citeproc-js, in ways 1,000 real entries showed (tests/citations/
test_citing_agreement.py): each fix below is small, names the rule it restores, and is
applied once, by `apply()` (called when `citations.citing` is imported).

- **Substituted variables are suppressed in the rest of the output** (spec, cs:substitute):
  citeproc-py suppresses a substituted variable only when the substitute names it directly,
  and never suppresses names, so a book with editors and no author printed its editors twice
  and a work with neither its title twice (APA's substitute calls the "title" macro).
- **A label's text-case="title" applies to English items** (spec, Text-case): citeproc-py
  gives a label no language, so it never title-cased one ("(eds.)" for APA's "(Eds.)").
- **A localized date keeps its locale's delimiter** (spec, Localized Date Formats):
  NLM's `<date form="text" delimiter=" ">` printed "1993Sep".
- **A group is suppressed when the variables it calls are empty** (spec, Group), counting of
  a cs:choose only the branch taken: citeproc-py counted every branch, so APA printed a
  thesis's "(Publication; p. 63)" for a group of "Publication" and an empty `number`.
- **Months 21 to 24 are the seasons** (CSL-JSON as citeproc-js and pandoc read it, and as
  `citations.text.dates` writes it): citeproc-py printed no date part for them.
- **Page ranges** (spec, Page Ranges): an abbreviated range is expanded first ("243-51" is
  243–251), and only pages of as many digits are shortened ("1-14" printed "1–4" in
  Vancouver's minimal format).
- **A value with several numbers takes the plural label** (spec, Label): roman numerals are
  numbers too ("vii + 160" is "pp.", as pandoc prints it).
- **text-case applies to any rendered text** (spec, Text-case: on cs:text, cs:number,
  cs:date-part, cs:name-part, ...): citeproc-py's case methods exist on its own `String` only,
  yet names, affixes, delimiters, formatted (tagged) text, a text-case already applied and
  date parts reach it as `str` or `int`, so 179 of 2,759 styles raised AttributeError on some
  entry (`_text_case_of_any_text`, see there).

And one repair of a message: **the warning about each CSL-JSON variable citeproc-py does not
read goes to the log** (`citeproc.source`, DEBUG; `_log_unsupported_arguments`), not to
Python's warnings: our items carry variables it has no use for, and hiding the warning with
`warnings.catch_warnings()` around each render swapped the process's warning filters, which is
not thread-safe (two threads rendering at once could leave every warning ignored for good).

And one speed-up that changes no output: **a style's XPath look-ups are remembered**. A style
never changes once loaded, yet citeproc-py searches its tree again for every macro, term and
layout an entry renders (a third of its time); the answer for an element and an expression
is kept (`_remember_style_searches`), which halves the CPU time of formatting an entry, until
a style is parsed (`forget_searches`: a remembered element keeps its style's tree alive).
"""

import logging
import re
from contextvars import ContextVar

import citeproc.source
from citeproc import model
from citeproc.model import VariableError
from citeproc.string import MixedString, NoCase, String

# The variables and name roles rendered while a cs:substitute tries one of its children.
_substituted: ContextVar[set[tuple[str, str]] | None] = ContextVar("substituted", default=None)
# The branch of the cs:choose rendered last (an outer one is set after those it holds).
_branch: ContextVar[object | None] = ContextVar("branch", default=None)
_ROMAN = r"\b[ivxlcdm]+\b"
# A tag or an entity the HTML formatter put into rendered text: never case-changed.
_MARKUP = re.compile(r"(<[^<>]*>|&#?\w+;)")
_WORD = re.compile(r"\S+")
# A word's first letter, only where nothing but punctuation comes before it: "(eds.)" has
# one, "2nd" none (its "n" follows a digit: "2Nd" was wrong).
_FIRST_LETTER = re.compile(r"^(\W*)([^\W\d_])")
# The text-cases citeproc-py applies with `String` methods; "lowercase" and "uppercase" call
# `str.lower` and `str.upper`, which any text has.
_WORD_CASES = {"capitalize-first", "capitalize-all", "title", "sentence"}
_applied = False
# (element, XPath expression) -> the elements found. Keeping an element here keeps its lxml
# proxy alive, so state citeproc-py sets on a proxy (a layout's `repressed`) stays with it;
# it also keeps its whole style tree alive, so a style loaded forgets them all
# (`forget_searches`): the styles still loaded find theirs again.
_searches: dict[tuple[object, str], list] = {}
SEARCHES_KEPT = 50_000  # about 600 per style used: a bound, not an expected size


def apply() -> None:
    """Install the fixes into citeproc-py's model (once per process)."""
    global _applied  # noqa: PLW0603 - one flag for a process-wide patch
    if _applied:
        return
    _applied = True
    _suppress_substituted_variables()
    _title_case_labels()
    _localized_date_delimiter()
    _roman_numerals_are_numbers()
    _seasons_as_months()
    _page_ranges_by_their_digits()
    _text_case_of_any_text()
    _groups_judge_the_branch_a_choose_took()
    _remember_style_searches()
    _log_unsupported_arguments()


def _log_unsupported_arguments() -> None:
    """citeproc-py calls `warn` by the name its module imported (`from warnings import
    warn`), only to say an item, name or date holds a key it does not read: that name now logs.
    Nothing else warns during a render, so no filter is needed, nor touched."""
    log = logging.getLogger(citeproc.source.__name__)

    def log_unsupported(message, *args, **kwargs) -> None:
        log.debug("%s", message)

    citeproc.source.warn = log_unsupported


def _suppress_substituted_variables() -> None:
    text_variable = model.Text._variable
    names_process = model.Names.process

    def recorded_text_variable(self, item, context):
        text = text_variable(self, item, context)
        found = _substituted.get()
        if text and found is not None:
            found.add((self.tag, self.get("variable")))
        return text

    def suppressing_names_process(self, item, names_context=None, context=None, **kwargs):
        present = [role for role in self.get("variable").split() if role in item.reference]
        repressed = _repressed(context if context is not None else self)
        if present and all(role in repressed.get(self.tag, ()) for role in present):
            raise VariableError
        text = names_process(self, item, names_context=names_context, context=context, **kwargs)
        found = _substituted.get()
        if text and found is not None:
            found.update((self.tag, role) for role in present)
        return text

    def recording_substitute_render(self, item, context=None, **kwargs):
        for child in self.getchildren():
            found = set()
            token = _substituted.set(found)
            try:
                if isinstance(child, model.Names) and child.name is None:
                    names = self.xpath_search("./parent::cs:names[1]")[0]
                    text = child.render(item, names_context=names, context=context, **kwargs)
                else:
                    text = child.render(item, context=context, **kwargs)
            except VariableError:
                continue
            finally:
                _substituted.reset(token)
            if text:
                repressed = _repressed(context if context is not None else self)
                for tag, variable in found:
                    repressed.setdefault(tag, []).append(variable)
                return text
        return None

    model.Text._variable = recorded_text_variable
    model.Names.process = suppressing_names_process
    model.Substitute.render = recording_substitute_render


def _repressed(element) -> dict:
    """The variables suppressed in the entry being rendered (none outside a layout)."""
    try:
        return element.get_layout().repressed
    except (IndexError, AttributeError):
        return {}


def _title_case_labels() -> None:
    def render(self, item, *args, **kwargs):
        text = self.process(item, *args, **kwargs)
        if not text:
            return None
        try:
            language = item.reference.language[:2]
        except VariableError:
            language = self.get_root().get("default-locale", "en")[:2]
        return self.wrap(self.format(self.case(self.strip_periods(text), language)))

    model.Label.render = render


def _localized_date_delimiter() -> None:
    def render_single_date(self, date, show_parts=None, context=None):
        if context != self:
            parts = self.parts(date, show_parts, context)
        else:
            parts = self.parts(date, show_parts)
        if not parts:
            return None
        own = self.get("delimiter") is not None or not self.is_locale_date()
        return (self if own else context).join(parts)

    model.Date.render_single_date = render_single_date


def _roman_numerals_are_numbers() -> None:
    number = rf"(?:\d+|{_ROMAN})"
    model.Label.RE_MULTIPLE_NUMBERS = re.compile(rf"{number}[^\d.]+{number}")


def _seasons_as_months() -> None:
    process = model.Date_Part.process

    def seasonal_process(self, date, context=None):
        month = date.get("month")
        if self.get("name") == "month" and isinstance(month, int) and 21 <= month <= 24:
            # A season prints its term, the long form (a style's "short" months have none).
            return (context if context is not None else self).get_single_term(
                name=f"season-{month - 20:02}"
            )
        return process(self, date, context)

    model.Date_Part.process = seasonal_process


def _page_ranges_by_their_digits() -> None:
    format_last_page = model.FormatNumber._format_last_page

    def format_last(self, first, last):
        if first.isdigit() and last.isdigit() and len(last) < len(first):
            expanded = first[: len(first) - len(last)] + last
            last = expanded if int(expanded) > int(first) else last
        if len(first) != len(last):
            return last
        return format_last_page(self, first, last)

    model.FormatNumber._format_last_page = format_last


def _groups_judge_the_branch_a_choose_took() -> None:
    def choose_render(self, item, context=None, delimiter="", **kwargs):
        for branch in self.getchildren():
            try:
                text = branch.render(item, context=context, delimiter=delimiter, **kwargs)
            except model.ConditionFailed:
                continue
            _branch.set(branch)
            return text
        _branch.set(None)
        return None

    def group_process(self, item, context=None, **kwargs):
        output, called, rendered = [], False, False
        delimiter = self.get("delimiter", "")
        for child in self.iterchildren():
            try:
                if isinstance(child, model.Choose):
                    text = child.render(item, context=context, delimiter=delimiter, **kwargs)
                    branch = _branch.get()
                    calls = branch is not None and branch.calls_variable()
                else:
                    calls = child.calls_variable()
                    text = child.render(item, context=context, **kwargs)
            except VariableError:
                called = called or child.calls_variable()
                continue
            called = called or calls
            if text is not None:
                output.append(text)
                rendered = rendered or calls
        if output and (not called or rendered):
            return self.join(output)
        raise VariableError

    model.Choose.render = choose_render
    model.Group.process = group_process


def forget_searches() -> None:
    """Let go of every remembered search: called when a style is parsed (citations.citing
    `load_style`), which may evict another from the styles kept. A remembered element holds
    its whole tree (about 0.7 MB a style): remembered past its eviction, a client asking for
    each installed style in turn grew a process up to SEARCHES_KEPT (some 500 MB)."""
    _searches.clear()


def _remember_style_searches() -> None:
    search = model.CitationStylesElement.xpath_search

    def remembered_search(self, expression):
        key = (self, expression)
        found = _searches.get(key)
        if found is None:
            if len(_searches) >= SEARCHES_KEPT:
                _searches.clear()
            found = _searches[key] = search(self, expression)
        return found

    model.CitationStylesElement.xpath_search = remembered_search


class _Markup(NoCase):
    """A tag or an entity in rendered text: no case change touches it (NoCase's lowercase and
    uppercase would, "&AMP;")."""

    def lower(self):
        return self

    def upper(self):
        return self


def _text_case_of_any_text() -> None:
    """citeproc-py's `TextCased.case` calls `capitalize_first`, `words` and `soft_lower`, which
    only its `String` (and a `MixedString` of those) has. CSL applies text-case to whatever the
    element rendered, and much of that is a `str` in citeproc-py: a name-part's family or
    given name (joined with its particles, or initialized), a macro's output holding names,
    affixes or delimiters, text the HTML formatter tagged ("<b>...</b>"), the result of an
    inner text-case ("title" and "sentence" return a `str`), an edition with its ordinal
    suffix; and a date-part's day is an `int`. Each raised AttributeError ("'str' object has
    no attribute 'capitalize_first'" / "'words'"): journal-of-endodontics on a thesis
    (title-cased publisher and place), every entry with an editor in acta-polytechnica
    (capitalize-first family names), ...

    Text citeproc-py already cases (a `String`, a `MixedString` of them) goes its way, so
    styles that worked print what they printed. Other text is cased here as the spec says
    (Text-case), word by word and in place: "capitalize-first", "capitalize-all", "title"
    and "sentence" change lowercase words only ("mcDonald" and "DNA" stay; citeproc-py
    lowercased them for "sentence"), an uppercase text is lowercased but for its first letter
    ("sentence"); tags and entities are left alone, a `<span class="nocase">` too, and
    spacing is kept (citeproc-py re-joins words with single spaces, which would split
    "<i> Title</i>"). "lowercase" and "uppercase" worked on any text and are left as they
    were. A number's case is its own (an `int` comes back as it is). Names in a cased macro
    are cased like the rest (pandoc leaves them as entered: "knuth" stays lower case under
    capitalize-first; a name is seldom entered lower case)."""
    case = model.TextCased.case

    def any_text_case(self, text, language=None):
        text_case = self.get("text-case")
        if not isinstance(text, str | MixedString):  # a day, or no given name
            return text
        if not str(text):  # nothing to case: citeproc-py's own capitalize-first indexes [0]
            return text
        if text_case not in _WORD_CASES or _cased_by_citeproc(text):
            return case(self, text, language)
        if text_case == "title" and language != "en":
            return text
        return _cased(_segments(text), text_case, self._stop_words)

    model.TextCased.case = any_text_case


def _cased_by_citeproc(text) -> bool:
    parts = text if isinstance(text, MixedString) else [text]
    return all(isinstance(part, String) and not isinstance(part, _Markup) for part in parts)


def _segments(text) -> list[String]:
    """Rendered text as citeproc-py's segments: `NoCase` kept, tags and entities as
    `_Markup`, the rest as `String`."""
    if isinstance(text, MixedString):
        return [segment for part in text for segment in _segments(part)]
    if isinstance(text, NoCase):
        return [text]
    pieces = _MARKUP.split(str(text))
    return [
        (_Markup if index % 2 else String)(piece) for index, piece in enumerate(pieces) if piece
    ]


def _cased(segments: list[String], text_case: str, stop_words: list[str]) -> str:
    """citeproc-py's text-case rules (model.TextCased.case) applied to each word where it
    stands (a word: a run of non-space characters within one segment). A `MixedString` where
    a nocase part is to stay protected from an outer text-case, else a `str`, as the text was
    (a name part is joined with `str.join`; an outer text-case finds the tags again)."""
    out = _words_cased(segments, text_case, stop_words)
    if any(isinstance(s, NoCase) and not isinstance(s, _Markup) for s in out):
        return MixedString(out)
    return "".join(out)


def _words_cased(segments: list[String], text_case: str, stop_words: list[str]) -> list:
    """The spec's rules (Text-case) word by word; a nocase segment counts as a word."""
    plain = "".join(str(s) for s in segments if type(s) is String)
    state = {"index": 0, "prev": ":", "upper": plain.isupper()}

    def cased_word(match: re.Match) -> str:
        word, index = match.group(), state["index"]
        state["index"] += 1
        prev, state["prev"] = state["prev"], word[-1]
        if text_case == "sentence" and state["upper"]:
            word = word.lower()
            return _capitalized(word) if index == 0 else word
        if not word.islower():  # mixed or upper case ("mcDonald", "DNA"): as it is
            return word
        if text_case == "title":
            return word if word in stop_words and prev not in ":." and index else _capitalized(word)
        if text_case == "capitalize-all" or index == 0:
            return _capitalized(word)
        return word

    out = []
    for segment in segments:
        if isinstance(segment, _Markup):
            out.append(segment)
        elif isinstance(segment, NoCase):
            state["index"] += 1
            state["prev"] = str(segment)[-1:] or state["prev"]
            out.append(segment)
        else:
            out.append(String(_WORD.sub(cased_word, segment)))
    return out


def _capitalized(word: str) -> str:
    """`word` with its first letter in upper case ("(eds.)" -> "(Eds.)"), when it starts
    with one (after punctuation): "2nd" stays as it is."""
    return _FIRST_LETTER.sub(lambda m: m[1] + m[2].upper(), word, count=1)
