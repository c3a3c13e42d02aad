"""What a record's key in an API URL may hold."""

# Citekeys may hold ":", "." or "-"; only "/" (and NUL, which PostgreSQL refuses) cannot be.
LOOKUP_REGEX = r"[^/\x00]+"
