"""Settings for the test suite: development settings, chosen explicitly (DEBUG is off by default).

pytest-django loads settings before any conftest runs, so the choice is made here, in the settings
module pyproject.toml names. A run may still ask for production settings with DJANGO_DEBUG=0 and
the production variables."""

import os

os.environ.setdefault("DJANGO_DEBUG", "1")

from config.settings import *  # noqa: E402,F401,F403

# Tasks run at once in the test that enqueues them; a test of the worker itself chooses its backend.
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}}

# A query that runs away in a test (a plan gone wrong on stale statistics) fails after two minutes with
# its SQL named, instead of holding CI until its time limit. The slowest statement in the suite (the
# world file's import) takes a few seconds.
DATABASES["default"]["OPTIONS"]["options"] += " -c statement_timeout=120s"  # noqa: F405
