"""doi.org content negotiation: CSL-JSON for any registered DOI (DataCite, mEDRA, ...).

`GET {DOI_RESOLVER_URL}/<doi>` with `Accept: application/vnd.citationstyles.csl+json`
answers one CSL-JSON item (the resolver redirects to the registration agency, which
renders it). Used for DOIs that Crossref does not hold.
"""

from django.conf import settings

from citations.sources import http
from citations.sources.csl import orcids, record_from_csl
from citations.sources.results import Found

SERVICE = "doi.org"
CSL_JSON = "application/vnd.citationstyles.csl+json"


def work(doi: str) -> Found:
    url = f"{settings.DOI_RESOLVER_URL.rstrip('/')}/{http.doi_path(doi, service=SERVICE)}"
    item = http.get_json(url, service=SERVICE, accept=CSL_JSON, what=doi)
    if isinstance(item, list):  # some agencies answer a one-item array
        item = item[0] if item else None
    if not isinstance(item, dict):
        raise http.SourceBadResponse(http.BAD_RESPONSE.format(service=SERVICE, kind="CSL-JSON"))
    return found_from_csl(item)


def found_from_csl(item: dict) -> Found:
    return Found(record=record_from_csl(item), source=SERVICE, orcids=orcids(item))
