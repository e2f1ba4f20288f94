"""Clerk UI for parties: the list (search, office filter, pagination), create and edit.

Reads go through ``parties.selectors`` (the agent's offices only; another office's party is a
404) and writes through ``parties.services``.
"""

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from invoicing_project.errors import Forbidden
from offices.choices import Permission
from offices.selectors import office_list, require_permission, visible_office_ids

from .forms import PartyFilterForm, PartyForm, PartyOfficeForm
from .selectors import party_get, party_list
from .services import party_create, party_update

PAGE_SIZE = 25


def _uuid(value) -> UUID | None:
    try:
        return UUID(str(value))
    except (TypeError, ValueError):
        return None


@login_required
def party_list_view(request):
    offices = list(office_list(agent=request.user))
    office_id = _uuid(request.GET.get("office"))
    query = request.GET.get("q", "").strip()[:100]
    parties = party_list(
        agent=request.user, office_ids=[office_id] if office_id else None, query=query or None
    ).select_related("office")
    page = Paginator(parties, PAGE_SIZE).get_page(request.GET.get("page"))
    page_query = request.GET.copy()
    page_query.pop("page", None)
    context = {
        "page": page,
        "page_query": page_query.urlencode(),
        "filters": PartyFilterForm(request.GET or None, offices=offices),
        "multiple_offices": len(offices) > 1,
        "nav": "parties",
    }
    htmx = getattr(request, "htmx", None)
    template = (
        "ui/parties/_results.html"
        if htmx and not htmx.history_restore_request
        else "ui/parties/list.html"
    )
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _draft_offices(agent) -> list:
    offices = office_list(agent=agent)
    office_ids = visible_office_ids(agent, Permission.DRAFT)
    if office_ids is not None:
        offices = offices.filter(id__in=office_ids)
    return list(offices)


@login_required
def party_create_view(request):
    offices = _draft_offices(request.user)
    if not offices:
        raise Forbidden(_("Your roles do not allow you to add parties."))
    if request.method == "POST":
        office_form = PartyOfficeForm(request.POST, offices=offices)
        form = PartyForm(request.POST)
        if office_form.is_valid() and form.is_valid():
            party = party_create(
                actor=request.user,
                office_id=UUID(office_form.cleaned_data["office"]),
                fields=form.service_fields(),
            )
            messages.success(request, _("Party %(name)s was added.") % {"name": party.name})
            return redirect("parties_ui:list")
        status = 400
    else:
        office_form = PartyOfficeForm(
            initial={"office": request.GET.get("office") or str(offices[0].id)}, offices=offices
        )
        form = PartyForm(initial={"country_code": "FI"})
        status = 200
    return render(
        request,
        "ui/parties/form.html",
        {"form": form, "office_form": office_form, "party": None, "nav": "parties"},
        status=status,
    )


@login_required
def party_edit_view(request, party_id):
    party = party_get(agent=request.user, party_id=party_id)
    require_permission(request.user, party.office_id, Permission.DRAFT, action="change parties")
    if request.method == "POST":
        form = PartyForm(request.POST, instance=party)
        if form.is_valid():
            party_update(actor=request.user, party_id=party.id, fields=form.service_fields())
            messages.success(request, _("The party was saved."))
            return redirect("parties_ui:list")
        status = 400
    else:
        form = PartyForm(instance=party)
        status = 200
    return render(
        request,
        "ui/parties/form.html",
        {"form": form, "office_form": None, "party": party, "nav": "parties"},
        status=status,
    )
