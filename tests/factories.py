"""factory_boy factories for the test suite."""

import uuid
from decimal import Decimal

import factory
from djmoney.money import Money

from invoices.models import Invoice, InvoiceLine, InvoiceParty, InvoicePaymentAccount
from offices.choices import Role
from offices.models import AgencyOffice, Agent, OfficeMembership, OfficePaymentAccount
from parties.models import Party

PASSWORD = "test-password-1"


class AgencyOfficeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgencyOffice
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Office {n}")
    office_identifier = factory.Sequence(lambda n: f"{n + 10:02d}")
    business_id = "2331972-7"
    vat_number = "FI23319727"
    street_address = "Mannerheimintie 1"
    postcode = "00100"
    postal_area = "Helsinki"

    @factory.post_generation
    def accounts(self, create, extracted, **kwargs):
        if create:
            OfficePaymentAccount.objects.create(
                office=self, iban="FI2112345600000785", bic="NDEAFIHH", bank_name="Nordea"
            )


class AgentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agent
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"agent{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        """``AgentFactory(roles={office: [Role.CLERK]})``"""
        if create and extracted:
            for office, roles in extracted.items():
                for role in roles:
                    OfficeMembership.objects.create(office=office, agent=self, role=role)
        if create:
            self.save()


def member(office: AgencyOffice, *roles: str, **kwargs) -> Agent:
    return AgentFactory(roles={office: list(roles or [Role.CLERK])}, **kwargs)


class PartyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Party

    office = factory.SubFactory(AgencyOfficeFactory)
    name = factory.Sequence(lambda n: f"Party {n}")
    email = factory.LazyAttribute(lambda p: f"{p.name.lower().replace(' ', '.')}@example.com")
    street_address = "Yliopistonkatu 55"
    postcode = "33100"
    postal_area = "Tampere"


class InvoiceFactory(factory.django.DjangoModelFactory):
    """A bare invoice row; prefer ``services.invoice_create`` where totals matter."""

    class Meta:
        model = Invoice

    agency_office = factory.SubFactory(AgencyOfficeFactory)
    invoicing_reason_code = "OTHER"
    assignment_id = factory.LazyFunction(uuid.uuid4)


class InvoiceLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InvoiceLine

    invoice = factory.SubFactory(InvoiceFactory)
    unit_amount = Money(Decimal("100.00"), "EUR")
    vat_percentage = Decimal("25.5")


__all__ = [
    "AgencyOfficeFactory",
    "AgentFactory",
    "InvoiceFactory",
    "InvoiceLineFactory",
    "InvoiceParty",
    "InvoicePaymentAccount",
    "PartyFactory",
    "member",
]
