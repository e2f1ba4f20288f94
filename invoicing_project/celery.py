"""The Celery application: Redis broker when ``REDIS_URL`` is set, eager in-process otherwise."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "invoicing_project.settings")

app = Celery("invoicing_project")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
