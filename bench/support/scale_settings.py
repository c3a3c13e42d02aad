"""Production settings for bench/scale.py's gunicorn: `config.settings.prod`, plus one
trivial view (`scale_urls`), the baseline of the throughput ratios."""

from config.settings.prod import *  # noqa: F403

ROOT_URLCONF = "bench.support.scale_urls"
