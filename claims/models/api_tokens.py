"""A curator's API token (django-rest-knox's, with when it was last used)."""

from django.db import models
from knox.models import AbstractAuthToken


class ApiToken(AbstractAuthToken):
    """A curator's API token: django-rest-knox's token (`digest`, the SHA-512 of the key, is
    all that is stored of it; `token_key`, its first 15 characters, finds the row) with its
    `expiry` and `last_used` (the time of the last request it authenticated, to the minute).
    """

    last_used = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "API token"

    def __str__(self):
        return f"API token {self.token_key}… of {self.user}"
