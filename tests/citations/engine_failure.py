"""citeproc-py raising on a thesis, as 0.11 did in journal-of-endodontics (its text-case on a
`str`: AttributeError) until citations.citeproc_fixes `_text_case_of_any_text`. No installed
style fails on an entry type our records produce now, so tests of what a reader gets where the
engine fails (a "Not formatted" entry, not a 500) make the failure with this."""

from pathlib import Path

from citeproc import CitationStylesStyle

FAILING_STYLE = "journal-of-endodontics"


def engine_fails_on_theses(monkeypatch, style_id: str = FAILING_STYLE) -> None:
    """Every thesis raises AttributeError in `style_id` (its file), for the test's duration."""
    render = CitationStylesStyle.render_bibliography

    def failing(self, citation_items, *args, **kwargs):
        thesis = citation_items[0].reference.type == "thesis"
        if thesis and Path(self.xml.docinfo.URL).stem == style_id:
            raise AttributeError("'str' object has no attribute 'words'")
        return render(self, citation_items, *args, **kwargs)

    monkeypatch.setattr(CitationStylesStyle, "render_bibliography", failing)
