"""Fixtures of the compatibility API tests: mapped customers, Accounteer configuration, a
Refrens urlKey, and clients that send no Request-ID (it is not needed under /compat/)."""

import json
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from compat.choices import GlAccountKind, IdKind, System
from compat.models import ExternalId, GlAccount, InvoiceTemplate, OfficeUrlKey, TaxRate
from offices.authentication import token_issue
from offices.choices import Role
from tests.factories import PartyFactory, member

SEED_TAX_ID = "fd62ee6c1d65e4729da41f85cdd328dfc816d161"
SEED_GL_ACCOUNT_ID = "c94409c9c4ac843cc16a265b6c2423237b5a8f76"
SEED_TEMPLATE_ID = "6510e39e71217f262c39b3525831f2a5405fc5e8"
SEED_CLIENT_ID = "1615c6926a25a72b31ee320d0889e82f6395511c"
OKAPPY_CUSTOMER_ID = "4711"


def exact(response):
    """The JSON body with numbers as exact ``Decimal`` (``182.64`` stays 182.64)."""
    return json.loads(response.content, parse_float=Decimal)


class CompatClient:
    """A client for one agent (or none): Bearer token, no Request-ID."""

    def __init__(self, agent=None, token=None):
        self.client = APIClient()
        self.agent = agent
        self.token = token or (token_issue(agent=agent)[0] if agent is not None else None)

    def headers(self, extra=None):
        headers = {}
        if self.token:
            headers["HTTP_AUTHORIZATION"] = f"Bearer {self.token}"
        headers.update(extra or {})
        return headers

    def get(self, path, params=None, **extra):
        return self.client.get(path, params or {}, **self.headers(extra))

    def post(self, path, body=None, content_type="application/json", raw=None, **extra):
        data = raw if raw is not None else json.dumps(body)
        return self.client.post(path, data, content_type=content_type, **self.headers(extra))


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def compat_client():
    return CompatClient


@pytest.fixture
def clerk_client(clerk):
    return CompatClient(clerk)


@pytest.fixture
def approver_client(approver):
    return CompatClient(approver)


@pytest.fixture
def other_approver(other_office):
    return member(other_office, Role.APPROVER, username="otherapprover")


@pytest.fixture
def other_client(other_approver):
    return CompatClient(other_approver)


@pytest.fixture
def customer(office):
    """A UK customer of the Helsinki office, known to Okappy as customer 4711."""
    party = PartyFactory(
        office=office,
        name="Bridge Builders Ltd",
        email="accounts@bridgebuilders.example.co.uk",
        street_address="1 Thames Street",
        postcode="EC4R 3TN",
        postal_area="London",
        country_code="GB",
    )
    ExternalId.objects.create(
        system=System.OKAPPY,
        kind=IdKind.CUSTOMER,
        office=office,
        external_id=OKAPPY_CUSTOMER_ID,
        object_id=party.pk,
    )
    return party


@pytest.fixture
def other_customer(other_office):
    party = PartyFactory(office=other_office, name="Tampere Customer Oy")
    ExternalId.objects.create(
        system=System.OKAPPY,
        kind=IdKind.CUSTOMER,
        office=other_office,
        external_id="9999",
        object_id=party.pk,
    )
    return party


@pytest.fixture
def accounteer_setup(office, party):
    """The seed's tax id, GL account, default template (121 days) and client id."""
    TaxRate.objects.create(tax_id=SEED_TAX_ID, name="VAT 21%", percentage=21)
    TaxRate.objects.create(tax_id="vat-9", name="VAT 9%", percentage=9)
    GlAccount.objects.create(
        account_id=SEED_GL_ACCOUNT_ID, code="7000000", title="Sales", kind=GlAccountKind.REVENUE
    )
    GlAccount.objects.create(
        account_id="gl-services", code="7010000", title="Services", kind=GlAccountKind.REVENUE
    )
    InvoiceTemplate.objects.create(
        template_id=SEED_TEMPLATE_ID, name="Default", days_due=121, is_default=True
    )
    InvoiceTemplate.objects.create(template_id="tpl-30", name="30 days", days_due=30)
    ExternalId.objects.create(
        system=System.ACCOUNTEER,
        kind=IdKind.CUSTOMER,
        office=office,
        external_id=SEED_CLIENT_ID,
        object_id=party.pk,
    )
    return party


@pytest.fixture
def url_key(office):
    return OfficeUrlKey.objects.create(
        system=System.REFRENS, url_key="helsinki", office=office, gst_state="29"
    )


@pytest.fixture
def other_url_key(other_office):
    return OfficeUrlKey.objects.create(
        system=System.REFRENS, url_key="tampere", office=other_office, gst_state="27"
    )
