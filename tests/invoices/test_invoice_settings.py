"""GET/PUT /api/v1/invoiceSettings and their effect on an invoice's commissionSummary.

Expected figures are worked out by hand from the primary seed's costs (all 25.5 % VAT included):

=====================  ==========  ======================================
cost                   vatIncl.    vatExcl. = round(incl. x 100 / 125.5)
=====================  ==========  ======================================
COMMISSION             1 000 000   796 813  (796 812.749)
DOCUMENT_MANAGEMENT       50 000    39 841  (39 840.637)
MARKETING                 75 000    59 761  (59 760.956)
=====================  ==========  ======================================

The discount is not a cost and is in neither base.
"""

import copy
import uuid

import pytest

from offices.choices import Role
from offices.models import AgencyOffice
from tests.conftest import Api
from tests.factories import member

from .lifecycle_helpers import (
    assert_error,
    create_invoice,
    get_invoice,
)

SETTINGS = "/api/v1/invoiceSettings"

COMMISSION = {"vatExcluded": 796813, "vatIncluded": 1000000}
DOCUMENTS = {"vatExcluded": 39841, "vatIncluded": 50000}
MARKETING = {"vatExcluded": 59761, "vatIncluded": 75000}


def pair_sum(*pairs) -> dict:
    return {key: sum(p[key] for p in pairs) for key in ("vatExcluded", "vatIncluded")}


def seed_settings(office, **non_commission) -> dict:
    """The primary seed's PUT body for *office*."""
    costs = {
        "includedInCommission": True,
        "subjectToRoyalty": False,
        "separateLinesToInvoicePdf": True,
    }
    costs.update(non_commission)
    return {"agencyOfficeId": str(office.id), "invoiceSettings": {"nonCommissionCosts": costs}}


@pytest.fixture
def admin_api(office_admin):
    return Api(office_admin)


# --- GET / PUT ---------------------------------------------------------------------------------


def test_get_default_settings(api, office):
    response = api.get(SETTINGS, {"agencyOfficeId": str(office.id)})
    assert response.status_code == 200, response.json()
    assert response.json() == {
        "agencyOfficeId": str(office.id),
        "invoiceSettings": {
            "nonCommissionCosts": {
                "includedInCommission": False,
                "subjectToRoyalty": False,
                "separateLinesToInvoicePdf": True,
            }
        },
    }


def test_put_seed_body_by_office_admin_is_200_and_stored(admin_api, api, office):
    body = seed_settings(office)
    response = admin_api.put(SETTINGS, body)
    assert response.status_code == 200, response.json()
    assert response.json() == body
    assert api.get(SETTINGS, {"agencyOfficeId": str(office.id)}).json() == body
    office.refresh_from_db()
    assert office.non_commission_costs_included_in_commission is True
    assert office.non_commission_costs_subject_to_royalty is False


@pytest.mark.parametrize("role", [Role.CLERK, Role.APPROVER, Role.MIGRATION])
def test_put_by_non_admin_is_403(office, role):
    response = Api(member(office, role)).put(SETTINGS, seed_settings(office))
    assert_error(response, 403, "FORBIDDEN")
    office.refresh_from_db()
    assert office.non_commission_costs_included_in_commission is False


def test_put_for_another_office_is_404(admin_api, other_office):
    assert_error(admin_api.put(SETTINGS, seed_settings(other_office)), 404, "NOT_FOUND")
    other_office.refresh_from_db()
    assert other_office.non_commission_costs_included_in_commission is False


def test_put_for_an_unknown_office_is_404(admin_api):
    body = seed_settings(AgencyOffice(id=uuid.uuid4()))
    assert_error(admin_api.put(SETTINGS, body), 404, "NOT_FOUND")


@pytest.mark.parametrize(
    "office_id", [lambda o: str(o.id), lambda o: str(uuid.uuid4())], ids=["other", "unknown"]
)
def test_get_for_another_or_unknown_office_is_404(api, other_office, office_id):
    response = api.get(SETTINGS, {"agencyOfficeId": office_id(other_office)})
    assert_error(response, 404, "NOT_FOUND")


@pytest.mark.parametrize(
    ("params", "field_code"),
    [({}, "VALUE_REQUIRED"), ({"agencyOfficeId": "7bdffe48"}, "INVALID_VALUE")],
    ids=["missing", "not-a-uuid"],
)
def test_get_needs_a_valid_office_id(api, params, field_code):
    assert_error(
        api.get(SETTINGS, params),
        400,
        "BAD_REQUEST_PARAMETERS",
        target="agencyOfficeId",
        field_code=field_code,
    )


@pytest.mark.parametrize(
    ("mutate", "target", "field_code"),
    [
        (
            lambda b: b["invoiceSettings"]["nonCommissionCosts"].update(includedInCommission="yes"),
            "invoiceSettings.nonCommissionCosts.includedInCommission",
            "INVALID_TYPE",
        ),
        (
            lambda b: b["invoiceSettings"]["nonCommissionCosts"].update(subjectToRoyalty=1),
            "invoiceSettings.nonCommissionCosts.subjectToRoyalty",
            "INVALID_TYPE",
        ),
        (
            lambda b: b["invoiceSettings"]["nonCommissionCosts"].pop("separateLinesToInvoicePdf"),
            "invoiceSettings.nonCommissionCosts.separateLinesToInvoicePdf",
            "VALUE_REQUIRED",
        ),
        (
            lambda b: b["invoiceSettings"].update(nonCommissionCosts=[]),
            "invoiceSettings.nonCommissionCosts",
            "INVALID_TYPE",
        ),
        (lambda b: b.update(agencyOfficeId=5), "agencyOfficeId", "INVALID_TYPE"),
        (lambda b: b.pop("agencyOfficeId"), "agencyOfficeId", "VALUE_REQUIRED"),
        (lambda b: b.pop("invoiceSettings"), "invoiceSettings", "VALUE_REQUIRED"),
    ],
    ids=[
        "string-bool",
        "int-bool",
        "missing-flag",
        "list-not-object",
        "numeric-office",
        "missing-office",
        "missing-settings",
    ],
)
def test_put_with_wrong_types_is_400(admin_api, office, mutate, target, field_code):
    body = copy.deepcopy(seed_settings(office))
    mutate(body)
    response = admin_api.put(SETTINGS, body)
    assert_error(response, 400, "BAD_REQUEST_PARAMETERS", target=target, field_code=field_code)
    office.refresh_from_db()
    assert office.non_commission_costs_included_in_commission is False


# --- effect on commissionSummary ---------------------------------------------------------------


@pytest.fixture
def marketing_in_commission_id(api, seed_body):
    """The seed invoice with its MARKETING cost marked includedInCommission."""
    seed_body["invoice"]["costs"][2]["includedInCommission"] = True
    return create_invoice(api, seed_body)


def summary(api, invoice_id) -> dict:
    return get_invoice(api, invoice_id)["commissionSummary"]


def put_settings(admin_api, office, included: bool, royalty: bool) -> None:
    body = seed_settings(office, includedInCommission=included, subjectToRoyalty=royalty)
    response = admin_api.put(SETTINGS, body)
    assert response.status_code == 200, response.json()


def test_seed_invoice_totals_match_the_hand_computed_lines(api, seed_body):
    invoice_id = create_invoice(api, seed_body)
    body = get_invoice(api, invoice_id)
    # 896 415 of costs less the discount 100 000 incl. -> 79 681 excl.
    assert body["totalInvoicedAmount"]["vatExcluded"] == 796813 + 39841 + 59761 - 79681


def test_default_settings_put_only_commission_costs_in_the_base(api, marketing_in_commission_id):
    assert summary(api, marketing_in_commission_id) == {
        "commissionBase": COMMISSION,
        "royaltyBase": COMMISSION,
        "nonCommissionCosts": pair_sum(DOCUMENTS, MARKETING),
        "nonCommissionCostsIncludedInCommission": False,
        "nonCommissionCostsSubjectToRoyalty": False,
    }


def test_seed_settings_add_marked_non_commission_costs_to_the_base(
    api, admin_api, office, marketing_in_commission_id
):
    put_settings(admin_api, office, included=True, royalty=False)
    assert summary(api, marketing_in_commission_id) == {
        "commissionBase": {"vatExcluded": 856574, "vatIncluded": 1075000},
        "royaltyBase": {"vatExcluded": 856574, "vatIncluded": 1075000},
        "nonCommissionCosts": DOCUMENTS,
        "nonCommissionCostsIncludedInCommission": True,
        "nonCommissionCostsSubjectToRoyalty": False,
    }


def test_subject_to_royalty_adds_the_other_costs_to_the_royalty_base(
    api, admin_api, office, marketing_in_commission_id
):
    put_settings(admin_api, office, included=False, royalty=True)
    result = summary(api, marketing_in_commission_id)
    assert result["commissionBase"] == COMMISSION
    assert result["nonCommissionCosts"] == pair_sum(DOCUMENTS, MARKETING)
    assert result["royaltyBase"] == {"vatExcluded": 896415, "vatIncluded": 1125000}


def test_both_settings_on(api, admin_api, office, marketing_in_commission_id):
    put_settings(admin_api, office, included=True, royalty=True)
    result = summary(api, marketing_in_commission_id)
    assert result["commissionBase"] == pair_sum(COMMISSION, MARKETING)
    assert result["nonCommissionCosts"] == DOCUMENTS
    assert result["royaltyBase"] == {"vatExcluded": 896415, "vatIncluded": 1125000}


def test_unmarked_non_commission_costs_stay_out_even_when_included(
    api, admin_api, office, seed_body
):
    """In the seed itself neither non-commission cost is marked includedInCommission."""
    invoice_id = create_invoice(api, seed_body)
    put_settings(admin_api, office, included=True, royalty=False)
    result = summary(api, invoice_id)
    assert result["commissionBase"] == COMMISSION
    assert result["nonCommissionCosts"] == pair_sum(DOCUMENTS, MARKETING)


def test_commission_cost_not_marked_included_is_not_in_the_base(api, seed_body):
    seed_body["invoice"]["costs"][0]["includedInCommission"] = False
    invoice_id = create_invoice(api, seed_body)
    result = summary(api, invoice_id)
    assert result["commissionBase"] == {"vatExcluded": 0, "vatIncluded": 0}
    assert result["nonCommissionCosts"] == pair_sum(COMMISSION, DOCUMENTS, MARKETING)


def test_settings_change_applies_to_existing_invoices(
    api, admin_api, office, marketing_in_commission_id
):
    before = summary(api, marketing_in_commission_id)["commissionBase"]
    put_settings(admin_api, office, included=True, royalty=False)
    after = summary(api, marketing_in_commission_id)["commissionBase"]
    assert after["vatIncluded"] - before["vatIncluded"] == MARKETING["vatIncluded"]


def test_other_offices_settings_do_not_affect_this_office(
    api, office, other_office, marketing_in_commission_id
):
    other_admin = Api(member(other_office, Role.ADMIN))
    put_settings(other_admin, other_office, included=True, royalty=True)
    assert summary(api, marketing_in_commission_id)["commissionBase"] == COMMISSION
