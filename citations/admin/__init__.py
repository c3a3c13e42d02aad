"""The curation admin of references. `references` holds the reference admin (registered from
above, by evidence.admin), `merge` the merge views, `history` the history pages, `zotero`
the Zotero libraries (registered here: nothing above extends them)."""

from citations.admin import references, zotero  # noqa: F401  (autodiscover imports this package)
