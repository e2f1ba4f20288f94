"""Clerk UI for accounts and offices: log in and out, the language switch, and the office
settings page for office admins.

The language is the agent's (``Agent.language``): the switch saves it and sets Django's language
cookie, logging in sets the cookie from it, and ``invoicing_project.ui_middleware`` activates it
on every page.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from invoices.numbering import format_number  # the invoices app owns the number format
from invoices.payments import format_iban
from invoicing_project.errors import Forbidden

from .choices import Permission
from .forms import OfficeSettingsForm
from .selectors import office_get, office_list, require_permission, visible_office_ids
from .services import office_update

LANGUAGES = {code for code, _name in settings.LANGUAGES}


def _set_language_cookie(response, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        language = getattr(form.get_user(), "language", "")
        if language in LANGUAGES:
            _set_language_cookie(response, language)
        return response


class LogoutView(auth_views.LogoutView):
    http_method_names = ["post", "options"]


@require_POST
def language_switch(request):
    """Save the chosen language on the agent (when logged in) and in the language cookie."""
    language = request.POST.get("language", "")
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = redirect(target)
    if language not in LANGUAGES:
        return response
    if request.user.is_authenticated and request.user.language != language:
        # No offices service changes an agent's own preferences; this one field is the UI's.
        request.user.language = language
        request.user.save(update_fields=["language"])
    _set_language_cookie(response, language)
    return response


def _manageable_offices(agent) -> list:
    offices = office_list(agent=agent)
    office_ids = visible_office_ids(agent, Permission.MANAGE_OFFICE)
    if office_ids is not None:
        offices = offices.filter(id__in=office_ids)
    return list(offices)


@login_required
def office_index(request):
    offices = _manageable_offices(request.user)
    if not offices:
        raise Forbidden(_("Only an office admin can change office settings."))
    if len(offices) == 1:
        return redirect("offices_ui:settings", office_id=offices[0].id)
    return render(request, "ui/offices/index.html", {"offices": offices, "nav": "offices"})


@login_required
def office_settings(request, office_id):
    office = office_get(agent=request.user, office_id=office_id)  # another office: 404
    require_permission(request.user, office.id, Permission.MANAGE_OFFICE, action="change it")
    if request.method == "POST":
        form = OfficeSettingsForm(request.POST, instance=office)
        if form.is_valid():
            office_update(actor=request.user, office_id=office.id, fields=form.service_fields())
            messages.success(request, _("The office settings were saved."))
            return redirect("offices_ui:settings", office_id=office.id)
        status = 400
        office.refresh_from_db()
    else:
        form = OfficeSettingsForm(instance=office)
        status = 200
    next_number = format_number(
        year=timezone.localdate().year,
        office_identifier=office.office_identifier,
        sequence=office.next_sequence_number,
    )
    return render(
        request,
        "ui/offices/settings.html",
        {
            "office": office,
            "form": form,
            "next_number": next_number,
            "accounts": [(a, format_iban(a.iban)) for a in office.payment_accounts.all()],
            "nav": "offices",
        },
        status=status,
    )
