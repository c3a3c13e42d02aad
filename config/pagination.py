"""Page-number pagination of API lists: `?page=` and `?page_size=` up to MAX_PAGE_SIZE.

Exports (BibTeX, CSL-JSON, RIS) are never paginated: they stream the whole selection.
"""

from rest_framework import pagination

MAX_PAGE_SIZE = 100


class PageNumberPagination(pagination.PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
