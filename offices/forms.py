"""Forms of the clerk UI for offices: the office settings page (shape and field validators;
``offices.services.office_update`` makes the change)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import PaymentTermsCode
from .models import AgencyOffice

TERMS_LABELS = {
    PaymentTermsCode.IMMEDIATE: _("Due immediately"),
    PaymentTermsCode.NET_7: _("7 days net"),
    PaymentTermsCode.NET_14: _("14 days net"),
    PaymentTermsCode.NET_21: _("21 days net"),
    PaymentTermsCode.NET_30: _("30 days net"),
    PaymentTermsCode.NET_45: _("45 days net"),
    PaymentTermsCode.NET_60: _("60 days net"),
    PaymentTermsCode.OTHER: _("Other (see description)"),
}


class OfficeSettingsForm(forms.ModelForm):
    class Meta:
        model = AgencyOffice
        fields = [
            "name",
            "email",
            "phone",
            "street_address",
            "postcode",
            "postal_area",
            "default_payment_terms_code",
            "default_late_payment_fee_percentage",
            "default_notice_period",
            "non_commission_costs_included_in_commission",
            "non_commission_costs_subject_to_royalty",
            "non_commission_costs_separate_lines_to_pdf",
        ]
        labels = {
            "name": _("Office name"),
            "email": _("E-mail"),
            "phone": _("Phone"),
            "street_address": _("Street address"),
            "postcode": _("Postcode"),
            "postal_area": _("Postal area"),
            "default_payment_terms_code": _("Default payment terms"),
            "default_late_payment_fee_percentage": _("Default late payment interest %"),
            "default_notice_period": _("Default notice period (days)"),
            "non_commission_costs_included_in_commission": _(
                "Other costs marked for commission count in the commission base"
            ),
            "non_commission_costs_subject_to_royalty": _("Other costs are subject to royalty"),
            "non_commission_costs_separate_lines_to_pdf": _(
                "Print other costs as separate lines on the PDF"
            ),
        }
        help_texts = {
            "default_late_payment_fee_percentage": _("Empty: the statutory rate."),
            "default_notice_period": _("Days for complaints."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["default_payment_terms_code"].choices = [
            (str(code), text) for code, text in TERMS_LABELS.items()
        ]

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}
