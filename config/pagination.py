"""Pagination of API lists: page numbers for browsing, a keyset cursor for walking everything.

- `?page=` and `?page_size=` (up to MAX_PAGE_SIZE) as before, with a `count`. Pages past the
  middle of a totally ordered list are read from its other end, so the last page of a million
  rows costs what the first does (an OFFSET reads every row it skips).
- `?cursor=` (start with `?cursor=` empty; follow `next`): keyset pagination over the view's
  `cursor_ordering` (a unique field), constant time at any depth and stable while rows are
  added. No `count`: counting a million rows is what a cursor avoids.

Exports (BibTeX, CSL-JSON, RIS) are never paginated: they stream the whole selection.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet, FieldDoesNotExist
from django.core.paginator import Paginator
from django.utils.functional import cached_property
from rest_framework import pagination
from rest_framework.exceptions import ValidationError

MAX_PAGE_SIZE = 100
CURSOR_HAS_NUL = "This cursor is not one the API gave: it holds a NUL character."


def is_totally_ordered(queryset) -> bool:
    """Whether the queryset's last ordering field is unique, so reversing it mirrors it."""
    if not hasattr(queryset, "query"):
        return False
    ordering = list(queryset.query.order_by or queryset.model._meta.ordering)
    if not ordering or not isinstance(ordering[-1], str):
        return False
    name = ordering[-1].lstrip("-")
    if name == "pk":
        return True
    try:
        return queryset.model._meta.get_field(name).unique
    except FieldDoesNotExist:
        return False


class EndAwarePaginator(Paginator):
    """A Paginator that reads pages in the second half of the list backwards from its end,
    and caches each list's count for LEDGER_FACET_CACHE_SECONDS (keyed on its SQL): paging
    through a million public references counts them once, not once per page."""

    @cached_property
    def count(self):
        try:
            sql = str(self.object_list.query)
        except (AttributeError, EmptyResultSet):
            return super().count
        key = "api-count:" + hashlib.sha256(sql.encode()).hexdigest()
        return cache.get_or_set(key, self.object_list.count, settings.LEDGER_FACET_CACHE_SECONDS)

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        if bottom <= self.count // 2 or not is_totally_ordered(self.object_list):
            return super().page(number)
        from_end = self.object_list.reverse()[self.count - top : self.count - bottom]
        return self._get_page(list(from_end)[::-1], number, self)


class KeysetPagination(pagination.CursorPagination):
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def get_ordering(self, request, queryset, view):
        return (getattr(view, "cursor_ordering", "pk"),)

    def decode_cursor(self, request):
        if not request.query_params.get(self.cursor_query_param):
            return None  # `?cursor=` starts at the beginning
        cursor = super().decode_cursor(request)
        if cursor.position is not None and "\x00" in cursor.position:
            # PostgreSQL text cannot hold NUL: the filter would fail with a 500.
            raise ValidationError({self.cursor_query_param: [CURSOR_HAS_NUL]})
        return cursor


class PageNumberPagination(pagination.PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    django_paginator_class = EndAwarePaginator

    def paginate_queryset(self, queryset, request, view=None):
        if KeysetPagination.cursor_query_param in request.query_params:
            self.keyset = KeysetPagination()
            return self.keyset.paginate_queryset(queryset, request, view)
        self.keyset = None
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data):
        if self.keyset:
            return self.keyset.get_paginated_response(data)
        return super().get_paginated_response(data)

    def get_paginated_response_schema(self, schema):
        described = super().get_paginated_response_schema(schema)
        described["description"] = "With ?cursor=, `count` is left out and `next` is a cursor."
        return described
