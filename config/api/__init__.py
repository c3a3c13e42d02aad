"""Shared API plumbing: what every app's API boundary uses, and nothing of any app.

- `serializers`: `CleanModelSerializer` (writes validated by the model's `full_clean()`) and
  `SlugField` (a related record named by its slug or citekey).
- `exports`: list and retrieve that also answer in export formats (`ExportMixin`), their
  content negotiation, streamed responses and OpenAPI responses (`export_schema`).
- `filters`: `YearFilter`, a year bound within the range the database allows.
- `url_keys`: `LOOKUP_REGEX`, what a slug or citekey in a URL may hold.
- `exceptions`: the one exception handler (Django's `ValidationError` is a 400).

The apps import from here; this package imports from no app (import-linter checks it, see
docs/architecture.md). The one DRF router is wiring, in config/urls.py.
"""
