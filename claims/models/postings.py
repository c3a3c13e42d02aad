"""The search postings: which public claim holds which lexeme (claims.postings says why)."""

from django.db import models


class ClaimWord(models.Model):
    """One lexeme (`lexeme`) of one public claim's stored search vector (`claim_id`), kept by
    a trigger: claims.postings says how it is kept and read. No foreign key: the trigger
    removes a claim's rows in the claim's own write."""

    pk = models.CompositePrimaryKey("lexeme", "claim_id")
    lexeme = models.TextField()
    claim_id = models.BigIntegerField()

    def __str__(self):
        return f"{self.lexeme} in claim {self.claim_id}"
