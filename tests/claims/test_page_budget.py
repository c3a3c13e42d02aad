"""Claim pages and exports stay linear in what their references hold: a reference whose
title nests 200,000 braces renders in about the time of its text, not in its square (it
took 30 s and a 500, and cut the BibTeX export mid-stream)."""

import time

import pytest

from citations.models import Reference
from citations.services import reference_import_bibtex
from tests.factories import ClaimFactory, EvidenceFactory

pytestmark = pytest.mark.django_db

DEEP, SHALLOW = 200_000, 1_000


def claim_citing_nested_braces(depth: int):
    key = f"nested{depth}"
    title = "{" * depth + f"Bone {depth}" + "}" * depth
    bib = f"@article{{{key}, title={{{title}}}, author={{Doe, Jo}}, journal={{J}}, year=2020}}\n"
    outcome = reference_import_bibtex(data=bib)
    assert outcome.result.created == 1, (outcome.result, outcome.plan.items)
    claim = ClaimFactory(status="published", slug=f"claim-{depth}")
    EvidenceFactory(claim=claim, reference=Reference.objects.get(citekey=key))
    return claim


def timed_get(client, url: str) -> tuple[int, bytes, float]:
    """Status, whole body (a streamed export read to its end) and seconds of a second GET."""
    client.get(url)  # warm: templates, caches, first queries
    start = time.perf_counter()
    response = client.get(url)
    body = response.getvalue()
    return response.status_code, body, time.perf_counter() - start


@pytest.mark.parametrize("suffix", ["", "?format=bibtex"])
def test_a_claim_citing_200k_nested_braces_renders_in_linear_time(client, suffix):
    shallow, deep = claim_citing_nested_braces(SHALLOW), claim_citing_nested_braces(DEEP)
    prefix = "/api/claims/" if suffix else "/claims/"

    small, _body, small_seconds = timed_get(client, f"{prefix}{shallow.slug}/{suffix}")
    large, body, large_seconds = timed_get(client, f"{prefix}{deep.slug}/{suffix}")

    assert (small, large) == (200, 200)
    assert large_seconds < 40 * max(small_seconds, 0.05)  # quadratic: minutes
    if suffix:  # the export holds the whole title, and ends with its entry
        assert b"{" * DEEP + b"Bone 200000" + b"}" * DEEP in body
        assert body.rstrip().endswith(b"}")
