"""Existing API tokens are kept working, but only as digests: each plaintext key of DRF's
`authtoken_token` becomes a claims.ApiToken (the SHA-512 of the key, as django-rest-knox
computes it, and its first 15 characters), expiring one token lifetime from now; then the
plaintext table is dropped, with the record of its migrations. Nobody is locked out, and no
key is left in the database. Irreversible: a digest cannot give the key back."""

import hashlib
from datetime import timedelta

from django.conf import settings
from django.db import migrations
from django.utils import timezone

PLAINTEXT_TABLE = "authtoken_token"
KEY_LENGTH = 15  # knox.settings.CONSTANTS.TOKEN_KEY_LENGTH


def hash_plaintext_tokens(apps, schema_editor):
    connection = schema_editor.connection
    if PLAINTEXT_TABLE not in connection.introspection.table_names():
        return
    ApiToken = apps.get_model("claims", "ApiToken")
    lifetime = getattr(settings, "REST_KNOX", {}).get("TOKEN_TTL") or timedelta(days=90)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT key, user_id FROM {PLAINTEXT_TABLE}")  # noqa: S608
        rows = cursor.fetchall()
    ApiToken.objects.bulk_create(
        ApiToken(
            digest=hashlib.sha512(key.encode()).hexdigest(),
            token_key=key[:KEY_LENGTH],
            user_id=user_id,
            expiry=timezone.now() + lifetime,
        )
        for key, user_id in rows
    )
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {PLAINTEXT_TABLE} CASCADE")
        cursor.execute("DELETE FROM django_migrations WHERE app = 'authtoken'")


class Migration(migrations.Migration):
    dependencies = [("claims", "0013_api_token_hashed")]

    operations = [migrations.RunPython(hash_plaintext_tokens, migrations.RunPython.noop)]
