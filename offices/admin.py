"""Admin for offices, agents, their roles and API tokens.

Office writes go through ``offices.services`` (``ServiceSaveMixin``, which the parties admin
uses too) so that the admin keeps the same rules as the API (e.g. ``office_identifier`` cannot
change once the office has numbered invoices). A staff user who is not a superuser sees only
the offices it holds a role in.
"""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import PermissionDenied

from invoicing_project.errors import Forbidden, NotFound

from .models import AgencyOffice, Agent, ApiToken, OfficeMembership, OfficePaymentAccount
from .selectors import scope_to_offices
from .services import OFFICE_FIELDS, office_create, office_update


class ServiceSaveMixin:
    """``save_model`` through the app's services, so the admin keeps the API's rules.

    Subclasses define ``service_create(request, obj)`` (returns the created row) and
    ``service_update(request, obj, fields)`` (*fields*: the changed form fields). The inlines
    are saved by the admin afterwards, against *obj*.
    """

    def save_model(self, request, obj, form, change):
        try:
            if change:
                fields = {name: form.cleaned_data[name] for name in form.changed_data}
                self.service_update(request, obj, fields)
                return
            created = self.service_create(request, obj)
        except (Forbidden, NotFound) as exc:
            raise PermissionDenied(exc.description) from exc
        # The admin goes on with *obj* (inlines, log entry, redirect): make it the saved row.
        obj.pk = created.pk
        obj._state.adding = False
        obj._state.db = created._state.db


class AgentCreationForm(AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = Agent


class AgentChangeForm(UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = Agent


class AgentMembershipInline(admin.TabularInline):
    model = OfficeMembership
    fk_name = "agent"
    fields = ("office", "role", "created_at")
    readonly_fields = ("created_at",)
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("office")


class OfficeMembershipInline(admin.TabularInline):
    model = OfficeMembership
    fk_name = "office"
    fields = ("agent", "role", "created_at")
    readonly_fields = ("created_at",)
    autocomplete_fields = ("agent",)
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("agent")


class OfficePaymentAccountInline(admin.TabularInline):
    model = OfficePaymentAccount
    fields = ("position", "bank_name", "iban", "bic", "account_holder")
    extra = 0


@admin.register(Agent)
class AgentAdmin(UserAdmin):
    form = AgentChangeForm
    add_form = AgentCreationForm
    list_display = ("username", "email", "first_name", "last_name", "is_staff", "is_active")
    list_filter = ("is_staff", "is_superuser", "is_active", "memberships__role", "language")
    fieldsets = (
        *UserAdmin.fieldsets,
        ("Preferences", {"fields": ("language",)}),
    )
    inlines = (AgentMembershipInline,)
    list_per_page = 50

    def get_inlines(self, request, obj):
        # Like UserAdmin's two-step add: username and password first, then roles.
        return self.inlines if obj is not None else ()


@admin.register(AgencyOffice)
class AgencyOfficeAdmin(ServiceSaveMixin, admin.ModelAdmin):
    list_display = ("name", "office_identifier", "business_id", "next_sequence_number")
    search_fields = ("name", "office_identifier", "business_id")
    readonly_fields = ("next_sequence_number", "created_at", "modified_at")
    fieldsets = (
        (None, {"fields": ("name", "office_identifier", "business_id", "vat_number")}),
        (
            "Contact",
            {
                "fields": (
                    "street_address",
                    "postcode",
                    "postal_area",
                    "country_code",
                    "email",
                    "phone",
                )
            },
        ),
        (
            "Invoice settings",
            {
                "fields": (
                    "default_payment_terms_code",
                    "default_late_payment_fee_percentage",
                    "default_notice_period",
                    "non_commission_costs_included_in_commission",
                    "non_commission_costs_subject_to_royalty",
                    "non_commission_costs_separate_lines_to_pdf",
                )
            },
        ),
        ("Numbering", {"fields": ("next_sequence_number",)}),
        ("Record", {"fields": ("created_at", "modified_at")}),
    )
    inlines = (OfficePaymentAccountInline, OfficeMembershipInline)
    list_per_page = 50

    def get_queryset(self, request):
        return scope_to_offices(super().get_queryset(request), request.user, field="id")

    def has_add_permission(self, request):
        # offices.services.office_create: only a system administrator creates offices.
        return request.user.is_superuser and super().has_add_permission(request)

    def get_readonly_fields(self, request, obj=None):
        readonly = tuple(super().get_readonly_fields(request, obj))
        if obj is not None and obj.invoices.filter(invoice_number__isnull=False).exists():
            # Invoice numbers embed the identifier (offices.services enforces this too).
            readonly += ("office_identifier",)
        return readonly

    def service_create(self, request, obj):
        return office_create(
            actor=request.user, fields={name: getattr(obj, name) for name in OFFICE_FIELDS}
        )

    def service_update(self, request, obj, fields):
        office_update(actor=request.user, office_id=obj.pk, fields=fields)


@admin.register(OfficeMembership)
class OfficeMembershipAdmin(admin.ModelAdmin):
    list_display = ("agent", "office", "role", "created_at")
    list_filter = ("role", "office")
    search_fields = ("agent__username", "agent__first_name", "agent__last_name", "office__name")
    list_select_related = ("agent", "office")
    autocomplete_fields = ("agent", "office")
    list_per_page = 50

    def get_queryset(self, request):
        return scope_to_offices(super().get_queryset(request), request.user, field="office_id")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are issued through the API only; the stored hash is never shown."""

    list_display = ("agent", "created_at", "expires_at")
    fields = ("agent", "created_at", "expires_at")
    readonly_fields = fields
    search_fields = ("agent__username",)
    list_select_related = ("agent",)
    date_hierarchy = "created_at"
    list_per_page = 50

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
