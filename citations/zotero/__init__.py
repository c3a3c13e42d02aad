"""Zotero libraries. `items`: one item of the Zotero Web API (its JSON `data`, Zotero's own
field names: itemType, creators, DOI, extra "PMID: ...") -> a plain `BibRecord` the import
pipeline plans like a BibTeX entry. Pure: no ORM, no network."""
