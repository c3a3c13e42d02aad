"""Bibliographic metadata services: one small adapter per service, one shared HTTP client.

- `client`: the one `httpx.Client` of a process (kept-alive connections, a bound on requests
  in flight, httpx-retries honouring 429 and `Retry-After`, a deadline per look-up, public
  addresses only).
- `http`: how every adapter asks (a polite `User-Agent`, redirects followed only to allowed
  hosts, size and nesting limits, a response cache) and the errors it raises (`SourceError`
  and its kinds).
- `crossref`: works by DOI, bibliographic search with scores, editorial updates.
- `ncbi`: PubMed records (efetch), summaries with publication types (esummary), the PMC ID
  converter.
- `doiorg`: CSL-JSON by content negotiation at the DOI resolver (DataCite and others).
- `openlibrary`: books by ISBN.
- `lookup`: one identifier (DOI, PMID, PMCID or ISBN) to a record, from the right service.

Each adapter returns plain `BibRecord`s (citations/text/records.py); the functions that map a
service's answer to records are pure and tested without a network.
"""
