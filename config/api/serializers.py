"""The write rule every API serializer shares, and related records named by key.

`CleanModelSerializer` validates a write through the model's own `full_clean()` (field
validation, `clean()`, unique and check constraints), the same rules the admin applies, so
bad input is a 400 with field errors and never reaches the database to become a 500.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from config.api.exceptions import field_errors


class SlugField(serializers.SlugRelatedField):
    """A related record named by its slug or citekey; text that cannot be one is a 400."""

    def to_internal_value(self, data):
        if isinstance(data, str) and "\x00" in data:
            self.fail("invalid")
        return super().to_internal_value(data)


class CleanModelSerializer(serializers.ModelSerializer):
    def validate(self, attrs):
        attrs = super().validate(attrs)
        many = {field.name for field in self.Meta.model._meta.many_to_many}
        plain = {name: value for name, value in attrs.items() if name not in many}
        instance = self.instance or self.Meta.model()
        for name, value in plain.items():
            setattr(instance, name, value)
        try:
            instance.full_clean()
        except DjangoValidationError as exc:
            raise serializers.ValidationError(field_errors(exc)) from exc
        # clean() normalises values (identifiers): write what it settled on.
        return {**attrs, **{name: getattr(instance, name) for name in plain}}
