"""The public counts' change log (claims.counts says which counts there are)."""

from django.db import models


class PublicCount(models.Model):
    """One change (`delta`) of one public count (`kind`, `value`), appended by a trigger:
    claims.counts says which counts there are and how they are kept and read."""

    kind = models.CharField(max_length=12)
    value = models.CharField(max_length=40, blank=True)
    delta = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["kind", "value"], name="claims_publiccount_key")]

    def __str__(self):
        return f"{self.kind} {self.value}: {self.delta:+d}"
