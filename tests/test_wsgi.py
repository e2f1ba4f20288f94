"""A gunicorn worker imports the whole application when it starts, not in its first request
(invoicing_project/wsgi.py): the first request of every new worker used to wait 1-5 s for the
imports. The import is checked in a fresh interpreter, since this test process has imported
everything long ago."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
import json, sys
import invoicing_project.wsgi
from django.db import connections
from django.urls import get_resolver
print(json.dumps({
    "modules": sorted(m for m in ("invoices.api.views", "invoices.pdf", "compat.refrens.views",
                                  "drf_spectacular.views", "offices.authentication")
                      if m in sys.modules),
    "urlconf_loaded": "url_patterns" in get_resolver().__dict__,  # a cached_property
    "connections_opened": [a for a in connections if connections[a].connection is not None],
}))
"""


def test_the_wsgi_module_imports_every_view_and_opens_no_database_connection():
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env["DJANGO_SETTINGS_MODULE"] = "invoicing_project.settings"
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    probe = json.loads(result.stdout.strip().splitlines()[-1])
    assert probe["modules"] == [
        "compat.refrens.views",
        "drf_spectacular.views",
        "invoices.api.views",
        "invoices.pdf",
        "offices.authentication",
    ]
    assert probe["urlconf_loaded"] is True
    assert probe["connections_opened"] == []  # safe to fork after (gunicorn --preload)
