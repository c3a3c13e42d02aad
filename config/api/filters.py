"""Filters every API shares."""

import django_filters
from django import forms


class YearFilter(django_filters.NumberFilter):
    """A year bound: a whole number within `bounds` (the range the database allows, e.g.
    citations.models.YEAR_MIN and YEAR_MAX), else a 400."""

    field_class = forms.IntegerField

    def __init__(self, lookup_expr: str, *, bounds: tuple[int, int], **kwargs):
        super().__init__(
            field_name=kwargs.pop("field_name", "year"),
            lookup_expr=lookup_expr,
            min_value=bounds[0],
            max_value=bounds[1],
            **kwargs,
        )


class QuerySetFilter(django_filters.CharFilter):
    """A text filter that hands its value to a method of the queryset, e.g. `search` (full-text)
    or `similar_to` (typo-tolerant): the queryset owns the query, the filter only names it. An
    empty value filters nothing."""

    def __init__(self, queryset_method: str, **kwargs):
        super().__init__(**kwargs)
        self.queryset_method = queryset_method

    def filter(self, qs, value):
        if value in django_filters.constants.EMPTY_VALUES:
            return qs
        return getattr(qs, self.queryset_method)(value)
