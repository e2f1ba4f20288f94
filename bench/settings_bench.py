"""Settings of the bench server: the production settings (``DJANGO_DEBUG=false`` and the rest
come from the environment that ``bench/run.py`` sets) with the bare baseline view's URLs.
"""

from invoicing_project.settings import *  # noqa: F403

ROOT_URLCONF = "bench.bare_urls"

# Production serves collected static files; the bench serves none, but WhiteNoise warns
# about a missing directory at every start, so give it an empty one.
STATIC_ROOT = Path("/tmp/invbench-static")  # noqa: F405
STATIC_ROOT.mkdir(exist_ok=True)
