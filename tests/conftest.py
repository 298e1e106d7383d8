"""Settings shared by every test (this file also puts tests/ on sys.path, so test helpers are
imported from the `support` package): in CI, Hypothesis draws the same examples on every run, so a
green main stays green; locally it keeps exploring new ones."""

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, deadline=None)
settings.register_profile("dev", deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")
