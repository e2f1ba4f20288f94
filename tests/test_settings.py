"""Configuration from the environment: the settings module read under chosen variables."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _settings_value(expression: str, **env: str) -> str:
    """Evaluate *expression* against a fresh settings import with *env* set."""
    code = (
        "import os, django; os.environ['DJANGO_SETTINGS_MODULE']='invoicing_project.settings'; "
        "django.setup(); from django.conf import settings; "
        f"print({expression})"
    )
    base = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "S3_", "EMAIL_URL"))
    }
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env={**base, **env}, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_s3_bucket_switches_document_storage_to_django_storages():
    backend = _settings_value(
        "settings.STORAGES['default']['BACKEND']",
        S3_BUCKET="invoices",
        S3_ENDPOINT_URL="http://127.0.0.1:9000",
    )
    assert backend == "storages.backends.s3.S3Storage"
    assert _settings_value("settings.STORAGES['default']['BACKEND']").endswith("FileSystemStorage")


def test_production_without_secret_key_refuses_to_start():
    code = (
        "import os, django; "
        "os.environ['DJANGO_SETTINGS_MODULE'] = 'invoicing_project.settings'; django.setup()"
    )
    base = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**base, "DJANGO_DEBUG": "false"},
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_production_settings_are_hardened():
    env = {
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "x" * 60,
        "DJANGO_ALLOWED_HOSTS": "invoices.example.fi",
    }
    assert (
        _settings_value("settings.SESSION_COOKIE_SECURE and settings.CSRF_COOKIE_SECURE", **env)
        == "True"
    )
    assert _settings_value("settings.SECURE_HSTS_SECONDS", **env) == "31536000"
    assert _settings_value("settings.ALLOWED_HOSTS", **env) == "['invoices.example.fi']"


def test_email_url_becomes_a_mailer():
    value = _settings_value(
        "settings.MAILERS['default']['BACKEND'], settings.MAILERS['default']['OPTIONS']['host']",
        EMAIL_URL="smtp+tls://user:pw@mail.example.fi:587",
    )
    assert value == "django.core.mail.backends.smtp.EmailBackend mail.example.fi"
    assert "filebased" in _settings_value(
        "settings.MAILERS['default']['BACKEND']", EMAIL_URL="filemail:///tmp/mail"
    )


def test_without_redis_tasks_run_eagerly_and_with_redis_they_do_not():
    assert _settings_value("settings.CELERY_TASK_ALWAYS_EAGER", REDIS_URL="") == "True"
    assert (
        _settings_value(
            "settings.CELERY_TASK_ALWAYS_EAGER, settings.CELERY_BROKER_URL",
            REDIS_URL="redis://127.0.0.1:6379/0",
        )
        == "False redis://127.0.0.1:6379/0"
    )


PRODUCTION_ENV = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "k7Vq2-not-a-real-secret-but-long-and-varied-9fXzR4tLm8WcYpE3sNbJ6uHd",
    "DJANGO_ALLOWED_HOSTS": "invoices.example.fi",
    "EMAIL_URL": "smtp+tls://user:pw@mail.example.fi:587",
}


def test_deploy_check_passes_with_production_values():
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "EMAIL_URL"))}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**base, **PRODUCTION_ENV},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_responses_carry_the_security_headers():
    code = (
        "import os, django; os.environ['DJANGO_SETTINGS_MODULE'] = 'invoicing_project.settings'; "
        "django.setup(); from django.test import Client; "
        "c = Client(HTTP_HOST='invoices.example.fi'); "
        "plain = c.get('/api/schema/'); "
        "r = c.get('/api/schema/', secure=True); "
        "print(plain.status_code, plain['Location']); "
        "print(r['Strict-Transport-Security']); print(r['Content-Security-Policy']); "
        "print(r['X-Frame-Options'], r['X-Content-Type-Options'], r['Referrer-Policy'])"
    )
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "EMAIL_URL"))}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**base, **PRODUCTION_ENV},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    redirect, hsts, csp, others = result.stdout.strip().splitlines()
    assert redirect == "301 https://invoices.example.fi/api/schema/"
    assert "max-age=31536000" in hsts and "includeSubDomains" in hsts
    assert "frame-ancestors 'none'" in csp and "default-src 'self'" in csp
    assert others == "DENY nosniff same-origin"
