"""Middleware of the clerk UI (server-rendered pages; never under ``/api/``).

* The logged-in agent's own language (``Agent.language``) is activated for every page, after
  ``LocaleMiddleware`` has chosen one from the cookie or ``Accept-Language`` (which still applies
  on the login page).
* Domain errors that escape a view become pages instead of 500s: ``NotFound`` (another office's
  invoice, party or document) a 404 page, ``Forbidden`` a 403 page, any other domain error a page
  with its status and description. Views handle the errors they can show next to a field.
* ``request.can_manage_offices`` (lazy) tells the navigation whether to offer office settings.
* An htmx request whose session has ended gets ``HX-Redirect`` to the login page (with the
  page the user was on as ``next``) instead of the login form swapped into a fragment.
"""

from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.utils import translation
from django.utils.functional import SimpleLazyObject
from django_htmx.http import HttpResponseClientRedirect

from invoicing_project.errors import DomainError, Forbidden, NotFound

NOT_UI = ("/api/", "/compat/", "/admin/")


def _can_manage_offices(user) -> bool:
    from offices.choices import Permission
    from offices.selectors import visible_office_ids

    if not user.is_authenticated:
        return False
    office_ids = visible_office_ids(user, Permission.MANAGE_OFFICE)
    return office_ids is None or bool(office_ids)


class UiMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.languages = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        if not request.path.startswith(NOT_UI):
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                language = getattr(user, "language", "")
                if language in self.languages:
                    translation.activate(language)
                    request.LANGUAGE_CODE = language
                request.can_manage_offices = SimpleLazyObject(lambda: _can_manage_offices(user))
        response = self.get_response(request)
        if (
            response.status_code == 302
            and request.headers.get("HX-Request")
            and response.get("Location", "").startswith(settings.LOGIN_URL)
        ):
            # The session ended: send the whole page to the login, not the login into a fragment.
            here = urlsplit(request.headers.get("HX-Current-URL", ""))
            next_url = (here.path or "/") + (f"?{here.query}" if here.query else "")
            login = f"{settings.LOGIN_URL}?{urlencode({'next': next_url})}"
            return HttpResponseClientRedirect(login)
        return response

    def process_exception(self, request, exception):
        if request.path.startswith(NOT_UI):
            return None
        if isinstance(exception, NotFound | Http404):
            return render(request, "ui/errors/404.html", status=404)
        if isinstance(exception, Forbidden | PermissionDenied):
            return render(
                request,
                "ui/errors/403.html",
                {"description": getattr(exception, "description", "")},
                status=403,
            )
        if isinstance(exception, DomainError):
            return render(
                request,
                "ui/errors/error.html",
                {"description": exception.description, "errors": exception.errors},
                status=exception.status,
            )
        return None
