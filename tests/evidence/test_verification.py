"""verify_references and check_retractions against stand-in services with recorded answers."""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError

from citations.models import Reference, Retraction, Verification
from citations.sources import http, lookup, matching
from evidence import services, verification
from evidence.management import base
from evidence.management.commands import check_retractions
from tests.factories import ContributorFactory, EvidenceFactory, PersonFactory, ReferenceFactory

pytestmark = pytest.mark.django_db

RICKARD = "10.1210/en.2007-1247"
WAKEFIELD = "10.1016/s0140-6736(97)11096-0"
NOTICE = "10.1016/s0140-6736(10)60175-4"
SEIFERT_CITED = (
    "Seifert M, et al. Bone growth and turnover in progesterone receptor knockout mice. "
    "Journal of Bone and Mineral Research. 2008."
)
RICKARD_CITED = (
    "Rickard DJ, Iwaniec UT, et al. Bone growth and turnover in progesterone receptor "
    "knockout mice. Endocrinology. 2008;149(5):2383-90."
)
WEI_CITED = (
    "Wei LL, et al. Evidence for progesterone receptors in human osteoblast-like cells. "
    "Biochemical and Biophysical Research Communications. 1993."
)


def serve_search(sources, cited, name):
    query = {"query.bibliographic": cited, "rows": "5"}
    sources.serve("/crossref/works", name, query=query)


def cited_reference(as_cited, **fields):
    return ReferenceFactory(title="(as cited)", container_title="", as_cited=as_cited, **fields)


def run(command, *args):
    out = StringIO()
    call_command(command, *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_a_clear_match_is_accepted_with_history_naming_the_source(sources):
    reference = cited_reference(RICKARD_CITED, citekey="rickard2008bone")
    serve_search(sources, RICKARD_CITED, "crossref-search-seifert2008.json")
    output = run("verify_references")
    reference.refresh_from_db()
    assert reference.verification == Verification.VERIFIED
    assert reference.title == "Bone Growth and Turnover in Progesterone Receptor Knockout Mice"
    assert (reference.doi, reference.pages, reference.citekey) == (
        RICKARD,
        "2383--2390",
        "rickard2008bone",
    )
    assert reference.as_cited == RICKARD_CITED
    assert [p.family for p in reference.authors][:2] == ["Rickard", "Iwaniec"]
    assert reference.verification_note.startswith(
        f"Checked against Crossref ({RICKARD}, score 98.6)"
    )
    assert reference.history.first().history_change_reason == "verified against Crossref"
    assert "matched 1, discrepancies 0" in output


def test_a_wrong_first_author_is_never_accepted_automatically(sources):
    reference = cited_reference(SEIFERT_CITED)
    serve_search(sources, SEIFERT_CITED, "crossref-search-seifert2008.json")
    output = run("verify_references")
    reference.refresh_from_db()
    assert reference.verification == Verification.UNVERIFIED
    assert reference.title == "(as cited)"
    assert reference.verification_checked_at is not None
    assert f"{reference.citekey}: for curators: best candidate {RICKARD}, score 98.6" in output


def test_accepting_the_curators_choice_records_the_discrepancies(sources):
    reference = cited_reference(SEIFERT_CITED)
    serve_search(sources, SEIFERT_CITED, "crossref-search-seifert2008.json")
    best = verification.reference_find_candidates(reference=reference)[0]
    assert best.differences == ["author", "journal"]
    assert best.not_given == ["volume", "number", "pages"]
    verification.reference_accept_candidate(reference=reference, candidate=best)
    reference.refresh_from_db()
    assert reference.verification == Verification.DISCREPANCY
    assert "differs in: author, journal." in reference.verification_note
    assert "Not printed in the citation: volume, number, pages." in reference.verification_note


def test_a_citation_nothing_matches_is_listed_not_marked(sources):
    reference = cited_reference(WEI_CITED)
    serve_search(sources, WEI_CITED, "crossref-search-wei1993.json")
    output = run("verify_references")
    reference.refresh_from_db()
    assert reference.verification == Verification.UNVERIFIED
    assert "no good candidate" in output
    assert "not found 1" in output


def test_close_scores_are_left_for_curators(sources):
    reference = cited_reference(RICKARD_CITED)
    serve_search(sources, RICKARD_CITED, "crossref-search-close.json")
    run("verify_references")
    reference.refresh_from_db()
    assert reference.verification == Verification.UNVERIFIED


def test_a_printed_doi_is_asked_first_and_spares_the_search(sources):
    cited = RICKARD_CITED + f" doi:{RICKARD}"
    reference = cited_reference(cited)
    sources.serve(f"/crossref/works/{RICKARD}", "crossref-work-rickard2008.json")
    run("verify_references")
    reference.refresh_from_db()
    assert reference.verification == Verification.VERIFIED
    assert [r.path for r in sources.requests()] == [f"/crossref/works/{RICKARD}"]


def test_dry_run_writes_nothing(sources):
    reference = cited_reference(RICKARD_CITED)
    serve_search(sources, RICKARD_CITED, "crossref-search-seifert2008.json")
    output = run("verify_references", "--dry-run")
    reference.refresh_from_db()
    assert (reference.verification, reference.verification_checked_at) == ("unverified", None)
    assert output.splitlines()[-1] == base.DRY_RUN


def test_a_second_run_resumes_after_the_checked_references(sources):
    first = cited_reference(WEI_CITED)
    serve_search(sources, WEI_CITED, "crossref-search-wei1993.json")
    run("verify_references", "--limit", "1")
    second = cited_reference(RICKARD_CITED)
    serve_search(sources, RICKARD_CITED, "crossref-search-seifert2008.json")
    output = run("verify_references")
    assert output.splitlines()[-1].startswith("Checked 1:")
    assert first.citekey not in output
    assert second.citekey in output


def test_offline_changes_nothing_and_exits_non_zero(sources_offline):
    reference = cited_reference(RICKARD_CITED)
    with pytest.raises(CommandError, match=re.escape(base.NOTHING_DONE)):
        run("verify_references")
    reference.refresh_from_db()
    assert (reference.verification, reference.verification_checked_at) == ("unverified", None)


def test_one_failure_among_successes_is_an_error_line_not_a_failed_run(sources):
    good = cited_reference(RICKARD_CITED)
    bad = cited_reference(WEI_CITED)
    serve_search(sources, RICKARD_CITED, "crossref-search-seifert2008.json")
    sources.fail("/crossref/works", 500, query={"query.bibliographic": WEI_CITED, "rows": "5"})
    output = run("verify_references")
    assert f"{bad.citekey}: error: Crossref could not be reached (HTTP 500)" in output
    assert "matched 1" in output
    assert "errors 1" in output
    good.refresh_from_db()
    assert good.verification == Verification.VERIFIED


def test_not_found_is_a_curators_decision_with_history(sources):
    reference = cited_reference(WEI_CITED)
    verification.reference_mark_not_found(reference=reference)
    reference.refresh_from_db()
    assert reference.verification == Verification.NOT_FOUND
    assert reference.history.first().history_change_reason == verification.MARKED_NOT_FOUND


# --- retractions ------------------------------------------------------------------------


def retracted_reference():
    reference = ReferenceFactory(doi=WAKEFIELD, pmid="9500320", citekey="wakefield1998ileal")
    ContributorFactory(reference=reference, person=PersonFactory(family="Wakefield"))
    EvidenceFactory(reference=reference)
    return reference


def serve_wakefield(sources):
    sources.serve(f"/crossref/works/{WAKEFIELD}", "crossref-work-wakefield1998.json")
    query = {"filter": f"updates:{WAKEFIELD}", "rows": "20"}
    sources.serve("/crossref/works", "crossref-updates-wakefield1998.json", query=query)
    sources.serve("/eutils/esummary.fcgi", "pubmed-esummary-9500320.json")


def test_check_retractions_records_the_notice_with_history(sources):
    reference = retracted_reference()
    serve_wakefield(sources)
    output = run("check_retractions")
    reference.refresh_from_db()
    assert reference.retraction == Retraction.RETRACTED
    assert reference.retraction_notice == NOTICE
    assert str(reference.retraction_date) == "2010-02-06"
    assert reference.history.first().history_change_reason == "Retracted per Crossref (publisher)"
    assert f"  wakefield1998ileal: retracted (notice {NOTICE})" in output
    assert output.splitlines()[-1] == check_retractions.SUMMARY.format(
        checked=1, retracted=1, expression_of_concern=0, corrected=0, unchanged=0, error=0
    )


def test_check_retractions_skips_what_it_checked_recently(sources):
    retracted_reference()
    serve_wakefield(sources)
    run("check_retractions")
    output = run("check_retractions")
    assert output.splitlines()[-1].startswith("Checked 0:")
    output = run("check_retractions", "--since", "2999-01-01")
    assert output.splitlines()[-1].startswith("Checked 1:")
    assert "unchanged 1" in output


def test_check_retractions_offline_changes_nothing(sources_offline):
    reference = retracted_reference()
    with pytest.raises(CommandError, match=re.escape(base.NOTHING_DONE)):
        run("check_retractions")
    reference.refresh_from_db()
    assert (reference.retraction, reference.retraction_checked_at) == ("none", None)


def test_a_bad_since_date_is_refused():
    with pytest.raises(CommandError, match="--since expects a date"):
        run("check_retractions", "--since", "yesterday")


def test_malformed_json_changes_nothing(sources):
    reference = retracted_reference()
    sources.fail(f"/crossref/works/{WAKEFIELD}", 200, body="<html>oops</html>")
    with pytest.raises(CommandError):
        run("check_retractions")
    reference.refresh_from_db()
    assert reference.retraction == Retraction.NONE


def test_retraction_states_are_the_models():
    from citations.sources import results

    assert set(results.SEVERITY) == set(Retraction.values)


def test_the_rule_needs_a_clear_lead(sources):
    serve_search(sources, RICKARD_CITED, "crossref-search-close.json")
    candidates = verification.find_candidates(cited=RICKARD_CITED)
    assert matching.clear_choice(candidates) is None
    assert candidates[0].score == 60.1


def test_http_errors_are_source_errors():
    assert issubclass(http.SourceNotFound, http.SourceError)
    assert Reference.objects.count() == 0


def test_a_retraction_regrades_the_claims_citing_it(sources):
    reference = retracted_reference()
    reference.verification = Verification.VERIFIED
    reference.save()
    claim = reference.evidence.get().claim
    services.claim_regrade(claim=claim)
    claim.refresh_from_db()
    assert claim.grade_level != "insufficient"
    serve_wakefield(sources)
    run("check_retractions")
    claim.refresh_from_db()
    assert claim.grade_level == "insufficient"
    reason = verification.REGRADED_AFTER_CHECK.format(citekey=reference.citekey, what="retracted")
    assert claim.history.first().history_change_reason == reason


def test_a_failed_regrade_leaves_the_retraction_unwritten(sources, monkeypatch):
    reference = retracted_reference()
    serve_wakefield(sources)

    def broken(**kwargs):
        raise DatabaseError("regrade failed")

    monkeypatch.setattr(verification, "claims_regrade", broken)
    with pytest.raises(DatabaseError):
        verification.reference_check_retraction(reference=reference)
    reference.refresh_from_db()
    assert reference.retraction == Retraction.NONE


def test_verifying_a_record_regrades_the_claims_citing_it(sources):
    reference = cited_reference(RICKARD_CITED)
    item = EvidenceFactory(reference=reference, design="rct", sample_size=2000)
    services.claim_regrade(claim=item.claim)
    item.claim.refresh_from_db()
    before = item.claim.grade_level
    serve_search(sources, RICKARD_CITED, "crossref-search-seifert2008.json")
    run("verify_references")
    item.claim.refresh_from_db()
    assert item.claim.grade_level != before
    reason = verification.REGRADED_AFTER_CHECK.format(citekey=reference.citekey, what="verified")
    assert item.claim.history.first().history_change_reason == reason


class Terminal(StringIO):
    def isatty(self):
        return True


@pytest.mark.parametrize("command", ["verify_references", "check_retractions"])
def test_progress_shows_only_when_the_command_writes_to_a_terminal(sources_offline, command):
    cited_reference(RICKARD_CITED, doi=RICKARD)
    cited_reference(WEI_CITED, doi="10.1000/wei")
    for stdout, shown in ((Terminal(), True), (StringIO(), False)):
        with pytest.raises(CommandError):  # offline: every check fails (and writes nothing)
            call_command(command, stdout=stdout, stderr=StringIO())
        output = stdout.getvalue()
        assert ("\rChecking: 2/2 references (100%)" in output) is shown
        assert ("Checking: 1/2 references (50%)" in output) is shown
        assert output.splitlines()[-1].startswith("Checked 2:")


def test_a_recheck_that_finds_the_same_record_writes_nothing(sources):
    reference = cited_reference(RICKARD_CITED)
    serve_search(sources, RICKARD_CITED, "crossref-search-seifert2008.json")
    sources.serve(f"/crossref/works/{RICKARD}", "crossref-work-rickard2008.json")
    run("verify_references")
    history = reference.history.count()
    output = run("verify_references", "--recheck-days", "0")
    assert "matched 1" in output
    assert reference.history.count() == history


def test_a_curators_note_is_kept_below_the_checks_note(sources):
    reference = cited_reference(RICKARD_CITED, verification_note="Seen in the library copy.")
    serve_search(sources, RICKARD_CITED, "crossref-search-seifert2008.json")
    run("verify_references")
    reference.refresh_from_db()
    assert reference.verification_note.startswith("Checked against Crossref")
    assert reference.verification_note.endswith("\n\nSeen in the library copy.")


def test_a_catch_all_type_never_replaces_the_curators_entry_type(sources):
    doi = "10.5061/dryad.example"
    reference = ReferenceFactory(entry_type="book", title="x", as_cited="Rickard DJ. Data.")
    sources.fail(f"/crossref/works/{doi}", 404)
    sources.serve(f"/doi/{doi}", "doiorg-csl-datacite.json")
    found = lookup.lookup("doi", doi)
    candidate = matching.candidate(reference.as_cited, found, matching.BY_IDENTIFIER)
    verification.reference_accept_candidate(reference=reference, candidate=candidate)
    reference.refresh_from_db()
    assert (reference.entry_type, reference.doi) == ("book", doi)
