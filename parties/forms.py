"""Forms of the clerk UI for parties: shape and field validators only; ``parties.services``
creates and changes the party."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import Language, PartyType
from .models import Party

LANGUAGE_LABELS = {Language.FI: _("Finnish"), Language.SV: _("Swedish"), Language.EN: _("English")}
PARTY_TYPE_LABELS = {PartyType.PERSON: _("Person"), PartyType.ORGANISATION: _("Organisation")}


def choices(labels: dict) -> list[tuple[str, str]]:
    return [(str(code), text) for code, text in labels.items()]


class PartyForm(forms.ModelForm):
    """The party's own fields; the model's validators (business id, VAT number) run on
    ``is_valid``. The office is chosen separately (``PartyOfficeForm``) and never changes."""

    class Meta:
        model = Party
        fields = [
            "party_type",
            "name",
            "business_id",
            "vat_number",
            "email",
            "phone",
            "language",
            "street_address",
            "postcode",
            "postal_area",
            "country_code",
            "e_invoicing_address",
            "e_invoicing_operator_id",
            "e_invoicing_operator_name",
        ]
        labels = {
            "party_type": _("Type"),
            "name": _("Name"),
            "business_id": _("Business id"),
            "vat_number": _("VAT number"),
            "email": _("E-mail"),
            "phone": _("Phone"),
            "language": _("Invoice language"),
            "street_address": _("Street address"),
            "postcode": _("Postcode"),
            "postal_area": _("Postal area"),
            "country_code": _("Country code"),
            "e_invoicing_address": _("E-invoicing address"),
            "e_invoicing_operator_id": _("E-invoicing operator id"),
            "e_invoicing_operator_name": _("E-invoicing operator name"),
        }
        help_texts = {
            "business_id": _("Finnish Y-tunnus, e.g. 2331972-7."),
            "country_code": _("Two letters, e.g. FI."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party_type"].choices = choices(PARTY_TYPE_LABELS)
        self.fields["language"].choices = choices(LANGUAGE_LABELS)

    def clean_country_code(self):
        return (self.cleaned_data.get("country_code") or "FI").upper()

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class PartyOfficeForm(forms.Form):
    office = forms.TypedChoiceField(label=_("Office"), coerce=str)

    def __init__(self, *args, offices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].choices = [(str(o.id), o.name) for o in offices]


class PartyFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    office = forms.ChoiceField(label=_("Office"), required=False)

    def __init__(self, *args, offices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].choices = [("", _("All my offices"))] + [
            (str(o.id), o.name) for o in offices
        ]
