"""The project's URLs plus ``POST /bench/bare``: the baseline of the create-invoice ratio.

The bare view is plain Django behind the same middleware and server: it inserts one row into
``bench_bare_row`` (created by ``bench/run.py``) with raw SQL and answers JSON. The create
endpoint's requests per second divided by this view's is how much of the server's capacity
the invoicing work itself costs.
"""

import json

from django.db import connection
from django.http import HttpResponseNotAllowed, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from invoicing_project.urls import handler404, handler500
from invoicing_project.urls import urlpatterns as project_urlpatterns

BARE_TABLE = "bench_bare_row"
BARE_TABLE_SQL = (
    f"CREATE TABLE IF NOT EXISTS {BARE_TABLE} (id bigserial PRIMARY KEY, "
    "payload jsonb NOT NULL, created_at timestamptz NOT NULL DEFAULT now())"
)


@csrf_exempt
def bare_insert(request):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    payload = json.loads(request.body or b"{}")
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {BARE_TABLE} (payload) VALUES (%s) RETURNING id", [json.dumps(payload)]
        )
        (row_id,) = cursor.fetchone()
    return JsonResponse({"id": row_id}, status=201)


urlpatterns = [path("bench/bare", bare_insert), *project_urlpatterns]

__all__ = ["handler404", "handler500", "urlpatterns"]
