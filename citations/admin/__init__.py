"""The curation admin of references. `references` holds the reference admin (registered from
above, by evidence.admin), `merge` the merge views, `history` the history pages."""

from citations.admin import references  # noqa: F401  (autodiscover imports this package)
