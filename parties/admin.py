"""Admin for invoiced parties; writes go through ``parties.services``."""

from django.contrib import admin

from offices.admin import ServiceSaveMixin
from offices.models import AgencyOffice
from offices.selectors import scope_to_offices

from .models import Party
from .services import PARTY_FIELDS, party_create, party_update


@admin.register(Party)
class PartyAdmin(ServiceSaveMixin, admin.ModelAdmin):
    list_display = ("name", "office", "party_type", "business_id", "email", "language")
    search_fields = ("name", "business_id", "email")
    list_filter = ("office", "party_type", "language")
    list_select_related = ("office",)
    readonly_fields = ("created_at", "modified_at")
    fieldsets = (
        (None, {"fields": ("office", "party_type", "name", "business_id", "vat_number")}),
        (
            "Contact",
            {
                "fields": (
                    "email",
                    "phone",
                    "language",
                    "street_address",
                    "postcode",
                    "postal_area",
                    "country_code",
                )
            },
        ),
        (
            "E-invoicing",
            {
                "fields": (
                    "e_invoicing_address",
                    "e_invoicing_operator_id",
                    "e_invoicing_operator_name",
                )
            },
        ),
        ("Record", {"fields": ("created_at", "modified_at")}),
    )
    list_per_page = 50

    def get_queryset(self, request):
        return scope_to_offices(super().get_queryset(request), request.user, field="office_id")

    def get_readonly_fields(self, request, obj=None):
        readonly = tuple(super().get_readonly_fields(request, obj))
        if obj is not None:
            # Invoices link the party within its office; it never moves to another office.
            readonly += ("office",)
        return readonly

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "office":
            kwargs["queryset"] = scope_to_offices(
                AgencyOffice.objects.all(), request.user, field="id"
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def service_create(self, request, obj):
        fields = {name: getattr(obj, name) for name in PARTY_FIELDS}
        return party_create(actor=request.user, office_id=obj.office_id, fields=fields)

    def service_update(self, request, obj, fields):
        party_update(actor=request.user, party_id=obj.pk, fields=fields)
