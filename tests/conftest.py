"""Shared fixtures: offices, agents with roles, parties, authenticated API clients."""

import json
import uuid

import pytest
from rest_framework.test import APIClient

from offices.authentication import token_issue
from offices.choices import Role

from .factories import AgencyOfficeFactory, PartyFactory, member


class Api:
    """An API client for one agent: Bearer token and a fresh Request-ID on every call."""

    def __init__(self, agent=None):
        self.client = APIClient()
        self.agent = agent
        self.token = token_issue(agent=agent)[0] if agent is not None else None

    def headers(self, extra=None):
        headers = {"HTTP_REQUEST_ID": str(uuid.uuid4())}
        if self.token:
            headers["HTTP_AUTHORIZATION"] = f"Bearer {self.token}"
        headers.update(extra or {})
        return headers

    def get(self, path, params=None, **extra):
        return self.client.get(path, params or {}, **self.headers(extra))

    def post(self, path, body=None, **extra):
        data = json.dumps(body) if body is not None else ""
        return self.client.post(path, data, content_type="application/json", **self.headers(extra))

    def put(self, path, body=None, **extra):
        return self.client.put(
            path, json.dumps(body), content_type="application/json", **self.headers(extra)
        )

    def delete(self, path, **extra):
        return self.client.delete(path, **self.headers(extra))


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # PBKDF2 costs ~0.4 s per agent the factories make; tests of hashing set their own.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _isolated_cache(settings, request):
    """A fresh in-memory cache per test, so rate-limit counts never leak between tests (the
    Redis cache of CI is exercised by the tests that ask for it)."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": request.node.nodeid,
        }
    }


@pytest.fixture(autouse=True)
def _celery_eager(request):
    """Tasks run in-process in tests, also when REDIS_URL is set (CI), except in the tests
    marked ``real_worker`` that start a real worker against Redis."""
    from invoicing_project.celery import app

    eager = request.node.get_closest_marker("real_worker") is None
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = eager
    yield
    app.conf.task_always_eager = previous


@pytest.fixture
def office(db):
    return AgencyOfficeFactory(name="Helsinki", office_identifier="01")


@pytest.fixture
def other_office(db):
    return AgencyOfficeFactory(name="Tampere", office_identifier="02")


@pytest.fixture
def clerk(office):
    return member(office, Role.CLERK, username="clerk")


@pytest.fixture
def approver(office):
    return member(office, Role.APPROVER, username="approver")


@pytest.fixture
def office_admin(office):
    return member(office, Role.ADMIN, username="officeadmin")


@pytest.fixture
def other_clerk(other_office):
    return member(other_office, Role.CLERK, username="otherclerk")


@pytest.fixture
def party(office):
    return PartyFactory(office=office, name="Matti Virtanen")


@pytest.fixture
def other_party(other_office):
    return PartyFactory(office=other_office, name="Liisa Koskinen")


@pytest.fixture
def api(clerk):
    return Api(clerk)


@pytest.fixture
def api_for():
    return Api


@pytest.fixture
def anonymous_api():
    return Api()


def seed_create_body(office, party, agent=None, **invoice_overrides):
    """The primary seed's create example with ids adapted to the test data.

    The seed's IBAN FI2180000012345678 fails the ISO 13616 checksum, so a valid one is used.
    """
    invoice = {
        "agencyOfficeId": str(office.id),
        "currencyCode": "EUR",
        "invoicingDate": "2024-02-17",
        "issueDate": "2024-02-17",
        "dueDate": "2024-03-02",
        "discount": {
            "amount": 100000,
            "includesVat": True,
            "vatPercentage": 25.5,
            "description": "Early payment discount",
        },
        "costs": [
            {
                "amount": 1000000,
                "costTypeCode": "COMMISSION",
                "description": "Commission for property sale",
                "vatPercentage": 25.5,
                "includesVat": True,
                "includedInCommission": True,
            },
            {
                "amount": 50000,
                "costTypeCode": "DOCUMENT_MANAGEMENT",
                "description": "Document handling fee",
                "vatPercentage": 25.5,
                "includesVat": True,
                "includedInCommission": False,
            },
            {
                "amount": 75000,
                "costTypeCode": "MARKETING",
                "description": "Marketing expenses",
                "vatPercentage": 25.5,
                "includesVat": True,
                "includedInCommission": False,
            },
        ],
        "invoicedParties": {"primaryId": str(party.id), "parties": [{"partyId": str(party.id)}]},
        "sourceSystemCode": "INTERNAL",
        "sourceSystemCreationTime": "2024-03-20T10:00:00.000Z",
        "paymentAccounts": [
            {
                "bankName": "Danske Bank A/S",
                "bic": "DABAFIHH",
                "iban": "FI2112345600000785",
                "accountHolder": "Matti Virtanen",
            }
        ],
        "terms": {
            "paymentTerms": {"paymentTermsCode": "NET_14"},
            "latePaymentFeePercentage": 16,
            "noticePeriod": 8,
            "invoicing": {
                "invoicingMethodCode": "EINVOICING",
                "eInvoicing": {
                    "eInvoicingAddress": "003702472382",
                    "operatorId": "E204503",
                    "operatorName": "OpusCapita Solutions Oy",
                },
            },
        },
        "downPayment": 250000,
        "billingAddress": {
            "recipient": "Matti Virtanen",
            "streetAddress": "Yliopistonkatu 55",
            "postcode": "33100",
            "postalArea": "Tampere",
            "countryCode": "FI",
        },
    }
    if agent is not None:
        invoice["responsibleAgentId"] = str(agent.id)
    invoice.update(invoice_overrides)
    return {
        "invoicingReasonCode": "CLEARING_SALE",
        "tradeSettlementId": "5bdffe48-0077-4de0-acd4-d9b9b1ab49f5",
        "invoice": invoice,
    }


@pytest.fixture
def seed_body(office, party, clerk):
    return seed_create_body(office, party, clerk)
