"""Pagination of API lists: page numbers for browsing, a keyset cursor for walking everything.

- `?page=` and `?page_size=` (up to MAX_PAGE_SIZE) as before, with a `count`. Pages past the
  middle of a totally ordered list are read from its other end, so the last page of a million
  rows costs what the first does (an OFFSET reads every row it skips).
- `count` is exact where counting is cheap: up to `ESTIMATE_ABOVE` rows (a count that stops
  one row past it). Above that, counting reads every row (half a second for the public
  references at a million), so `count` is PostgreSQL's planner's estimate (an EXPLAIN, no row
  read) and the response says so
  with `"count_estimated": true` (within a percent on the bench's data sets; `?cursor=`
  walks everything exactly). The last page is then the last by that estimate, read from the
  end of the list: it lists the last rows whatever the true count.
- `?cursor=` (start with `?cursor=` empty; follow `next`): keyset pagination over the view's
  `cursor_ordering` (a unique field), constant time at any depth and stable while rows are
  added. No `count`: counting a million rows is what a cursor avoids.

Exports (BibTeX, CSL-JSON, RIS) are never paginated: they stream the whole selection.
"""

import hashlib
import json

from django.core.exceptions import EmptyResultSet, FieldDoesNotExist
from django.core.paginator import Paginator
from django.utils.functional import cached_property
from rest_framework import pagination
from rest_framework.exceptions import ValidationError

from config.caching import facet_cached

MAX_PAGE_SIZE = 100
ESTIMATE_ABOVE = 10_000  # rows the planner expects: above, `count` is its estimate
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


def planned_rows(queryset) -> int:
    """How many rows PostgreSQL's planner expects `queryset` to give (an EXPLAIN: no row read)."""
    plan = json.loads(queryset.explain(format="json"))
    return int(plan[0]["Plan"]["Plan Rows"])


class EndAwarePaginator(Paginator):
    """A Paginator that reads pages in the second half of the list backwards from its end,
    counts exactly up to `ESTIMATE_ABOVE` planned rows and estimates above (`estimated`), and
    caches each list's count for LEDGER_FACET_CACHE_SECONDS (keyed on its SQL): paging
    through a million public references counts them once, not once per page."""

    estimated = False

    @cached_property
    def count(self):
        try:
            sql = str(self.object_list.query)
        except (AttributeError, EmptyResultSet):
            return super().count
        key = "api-count:" + hashlib.sha256(sql.encode()).hexdigest()
        count, self.estimated = facet_cached(key, self.exact_or_estimated)
        return count

    def exact_or_estimated(self) -> tuple[int, bool]:
        """The count, exact up to `ESTIMATE_ABOVE` rows (counting at most one more); past
        that, the planner's estimate (at least what was counted), and True."""
        # Unordered: sorting the rows counted changes nothing but the cost.
        counted = self.object_list.order_by()[: ESTIMATE_ABOVE + 1].count()
        if counted <= ESTIMATE_ABOVE:
            return counted, False
        return max(planned_rows(self.object_list), counted), True

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
        response = super().get_paginated_response(data)
        if self.page.paginator.estimated:
            response.data["count_estimated"] = True
        return response

    def get_paginated_response_schema(self, schema):
        described = super().get_paginated_response_schema(schema)
        described["properties"]["count_estimated"] = {
            "type": "boolean",
            "description": "Present (true) when `count` is PostgreSQL's estimate: above "
            f"{ESTIMATE_ABOVE:,} rows, counting would read every row.",
        }
        described["description"] = "With ?cursor=, `count` is left out and `next` is a cursor."
        return described
