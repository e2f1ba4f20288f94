"""``load_compat_demo_data``: idempotent, and the seeds' own ids work against the demo data."""

import io

import pytest
from django.core.management import CommandError, call_command

from compat.models import ExternalId, GlAccount, InvoiceTemplate, OfficeUrlKey, TaxRate
from offices.choices import Role
from tests.factories import AgencyOfficeFactory, AgentFactory, PartyFactory, member

from .conftest import CompatClient, exact

ACCOUNTEER_SEED_REQUEST = {
    "invoice": {
        "client_id": "1615c6926a25a72b31ee320d0889e82f6395511c",
        "date_issued": "2017-04-24",
        "items": [
            {
                "title": "item 01",
                "quantity": 1,
                "price": 100,
                "tax_id": "fd62ee6c1d65e4729da41f85cdd328dfc816d161",
                "gl_account_id": "c94409c9c4ac843cc16a265b6c2423237b5a8f76",
            },
            {
                "title": "item 02",
                "quantity": 1,
                "price": 100,
                "tax_id": "fd62ee6c1d65e4729da41f85cdd328dfc816d161",
                "tax_included": True,
                "gl_account_id": "c94409c9c4ac843cc16a265b6c2423237b5a8f76",
            },
        ],
    }
}


@pytest.fixture
def demo_offices(db):
    helsinki = AgencyOfficeFactory(name="Helsinki", office_identifier="01")
    tampere = AgencyOfficeFactory(name="Tampere", office_identifier="02")
    PartyFactory(office=helsinki, name="Kiinteistö Oy Helsingin Aurinkorinne")
    PartyFactory(office=helsinki, name="Emily Carter")
    PartyFactory(office=tampere, name="David Miller")
    AgentFactory(username="admin", is_superuser=True, is_staff=True)
    return helsinki, tampere


def _load() -> str:
    out = io.StringIO()
    call_command("load_compat_demo_data", stdout=out)
    return out.getvalue()


def test_it_is_idempotent(demo_offices):
    first = _load()
    counts = (
        GlAccount.objects.count(),
        TaxRate.objects.count(),
        InvoiceTemplate.objects.count(),
        OfficeUrlKey.objects.count(),
        ExternalId.objects.count(),
    )
    second = _load()
    assert counts == (
        GlAccount.objects.count(),
        TaxRate.objects.count(),
        InvoiceTemplate.objects.count(),
        OfficeUrlKey.objects.count(),
        ExternalId.objects.count(),
    )
    assert "0 already present" in first and " 0 created" in second
    assert TaxRate.objects.get(tax_id="fd62ee6c1d65e4729da41f85cdd328dfc816d161").name == "VAT 21%"
    assert InvoiceTemplate.objects.get(is_default=True).days_due == 121
    assert OfficeUrlKey.objects.get(url_key="helsinki").office == demo_offices[0]


def test_it_needs_the_demo_offices(db):
    with pytest.raises(CommandError, match="load_demo_data"):
        _load()


def test_the_accounteer_seed_request_works_verbatim_on_demo_data(demo_offices):
    _load()
    approver = member(demo_offices[0], Role.APPROVER, username="approver.helsinki")
    response = CompatClient(approver).post(
        "/compat/accounteer/invoices",
        {"invoice": ACCOUNTEER_SEED_REQUEST["invoice"] | {"status": "approved"}},
    )
    assert response.status_code == 201, response.json()
    body = exact(response)
    assert (str(body["total_amount"]), str(body["total_base_amount"])) == ("221", "182.64")
    assert str(body["total_tax_amount"]) == "38.36"
    assert body["date_due"] == "2017-08-23"
    assert body["template_id"] == "6510e39e71217f262c39b3525831f2a5405fc5e8"


def test_the_demo_supplier_and_store(demo_offices):
    _load()
    clerk = member(demo_offices[0], Role.CLERK, username="clerk.helsinki")
    response = CompatClient(clerk).post(
        "/compat/merchant/invoice",
        {
            "invoices": [
                {
                    "supplierId": 501,
                    "storeId": 1,
                    "invoiceItems": [{"name": "Paper", "price": "4.99", "vatPercentage": 25.5}],
                }
            ]
        },
    )
    assert response.status_code == 201, response.json()
    assert response.json()["invoices"][0]["supplierId"] == 501
