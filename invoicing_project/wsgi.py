"""WSGI entry point (gunicorn invoicing_project.wsgi).

Django imports the URLconf, and with it every view, PDF and e-invoice module, on the first
request a process serves, and DRF imports its renderers, parsers and authentication classes on
first use: without the warm-up below the first request of every new gunicorn worker waited for
those imports (1.0-1.2 s on the bench machine with compiled bytecode, 3.7-4.7 s without;
docs/performance.md, round four). Importing them here makes a worker pay at its start, before
it accepts a connection. Nothing here touches the database, so ``gunicorn --preload`` stays
safe.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "invoicing_project.settings")
application = get_wsgi_application()


def warm_up() -> None:
    from django.urls import get_resolver
    from rest_framework.settings import api_settings

    get_resolver().url_patterns  # noqa: B018 (the import is the point)
    for name in api_settings.import_strings:
        getattr(api_settings, name)


warm_up()
