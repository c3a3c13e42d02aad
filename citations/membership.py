"""Membership lookups: the rows whose column (or expression) is one of many values.

The values travel as one array parameter (`= ANY(%s)`): an `IN` list of thousands of
placeholders costs more to build and send than the lookup itself.
"""

from django.contrib.postgres.fields import ArrayField
from django.db.models import BooleanField, Func, TextField, Value


class AnyOf(Func):
    """`expression = ANY(array)`: one array parameter, not one parameter per value."""

    arg_joiner = " = ANY("
    template = "(%(expressions)s))"
    output_field = BooleanField()

    def __init__(self, expression, values: list, base_field=None):
        array = ArrayField(base_field or TextField())
        super().__init__(expression, Value(list(values), output_field=array))


def matching(queryset, expression, values: list, base_field=None):
    """Rows of `queryset` whose `expression` is one of `values`."""
    return queryset.filter(AnyOf(expression, values, base_field))
