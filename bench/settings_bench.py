"""Settings for wrk runs under gunicorn (bench/wrk.sh): the project's, plus the bench yardstick URLs."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.scale_urls"
DEBUG = False
ALLOWED_HOSTS = ["*"]
