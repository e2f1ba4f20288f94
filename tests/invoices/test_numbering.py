"""Invoice numbers and references at LOCK, and GET/POST /api/v1/invoiceNumbering(/reset)."""

import pytest

from invoices.models import Invoice
from invoices.references import (
    is_valid_finnish_reference,
    is_valid_rf_reference,
    reference_from_invoice_number,
    rf_reference,
)
from offices.choices import Role
from offices.models import AgencyOffice
from tests.conftest import Api, seed_create_body
from tests.factories import AgentFactory, member

from .lifecycle_helpers import (
    INVOICES,
    NUMBERING,
    act,
    act_ok,
    assert_error,
    create_invoice,
    get_invoice,
    make_invoice_in_state,
    this_year,
)

RESET = f"{NUMBERING}/reset"


@pytest.fixture
def approver_api(approver):
    return Api(approver)


@pytest.fixture
def admin_api(office_admin):
    return Api(office_admin)


def number_of(api, invoice_id) -> tuple[str | None, str | None]:
    block = get_invoice(api, invoice_id)["invoice"]
    return block["invoiceNumber"], block["referenceNumber"]


def locked_numbers(api, body, count: int) -> list[str]:
    numbers = []
    for _ in range(count):
        invoice_id = create_invoice(api, body)
        act_ok(api, invoice_id, "LOCK")
        numbers.append(number_of(api, invoice_id)[0])
    return numbers


def next_number(office) -> int:
    return AgencyOffice.objects.get(pk=office.pk).next_sequence_number


# --- numbers at LOCK ---------------------------------------------------------------------------


def test_draft_has_no_number_and_no_reference(api, seed_body):
    invoice_id = create_invoice(api, seed_body)
    block = get_invoice(api, invoice_id)["invoice"]
    assert block["invoiceNumber"] is None
    assert block["referenceNumber"] is None
    assert "referenceNumberRf" not in block


def test_first_lock_assigns_year_office_sequence_number_and_reference_from_it(api, seed_body):
    invoice_id = create_invoice(api, seed_body)
    act_ok(api, invoice_id, "LOCK")
    number, reference = number_of(api, invoice_id)
    assert number == f"{this_year()}0100001"
    assert is_valid_finnish_reference(reference)
    assert reference == reference_from_invoice_number(number)
    # The number itself is the base: the reference is the number plus its check digit.
    assert reference[:-1] == number


def test_number_is_kept_through_unlock_reject_and_relock(api, approver_api, seed_body, office):
    invoice_id = create_invoice(api, seed_body)
    act_ok(api, invoice_id, "LOCK")
    first = number_of(api, invoice_id)
    for action in ("UNLOCK", "LOCK", "REJECT", "UNLOCK", "LOCK"):
        act_ok(approver_api, invoice_id, action)
        assert number_of(api, invoice_id) == first, action
    assert next_number(office) == 2


def test_numbers_are_consecutive_per_office_and_offices_are_independent(
    api, seed_body, other_office, other_clerk, other_party
):
    year = this_year()
    assert locked_numbers(api, seed_body, 3) == [f"{year}01{n:05d}" for n in (1, 2, 3)]
    other_body = seed_create_body(other_office, other_party, other_clerk)
    assert locked_numbers(Api(other_clerk), other_body, 2) == [f"{year}02{n:05d}" for n in (1, 2)]
    assert locked_numbers(api, seed_body, 1) == [f"{year}0100004"]


def test_numbered_draft_cannot_be_deleted(api, seed_body):
    invoice_id = create_invoice(api, seed_body)
    act_ok(api, invoice_id, "LOCK")
    act_ok(api, invoice_id, "UNLOCK")
    assert_error(api.delete(f"{INVOICES}/{invoice_id}"), 409, "INVALID_STATE")
    assert Invoice.objects.filter(pk=invoice_id).exists()


def test_unnumbered_draft_can_be_deleted(api, seed_body):
    invoice_id = create_invoice(api, seed_body)
    assert api.delete(f"{INVOICES}/{invoice_id}").status_code == 204
    assert not Invoice.objects.filter(pk=invoice_id).exists()


def test_get_shows_the_rf_form_of_the_reference(api, seed_body):
    invoice_id = create_invoice(api, seed_body)
    act_ok(api, invoice_id, "LOCK")
    block = get_invoice(api, invoice_id)["invoice"]
    assert block["referenceNumberRf"] == rf_reference(block["referenceNumber"])
    assert block["referenceNumberRf"].startswith("RF")
    assert block["referenceNumberRf"].endswith(block["referenceNumber"])
    assert is_valid_rf_reference(block["referenceNumberRf"])


def test_search_shows_number_and_reference(api, seed_body):
    invoice_id = create_invoice(api, seed_body)
    act_ok(api, invoice_id, "LOCK")
    number, reference = number_of(api, invoice_id)
    found = api.get(INVOICES, {"invoiceNumber": number}).json()
    assert found["totalCount"] == 1
    assert found["invoices"][0]["referenceNumber"] == reference


# --- GET /invoiceNumbering ---------------------------------------------------------------------


def test_get_numbering_returns_office_identifier_and_next_sequence(api, seed_body, office):
    response = api.get(NUMBERING, {"agencyOfficeId": str(office.id)})
    assert response.status_code == 200, response.json()
    assert response.json() == {
        "agencyOfficeId": str(office.id),
        "officeIdentifier": "01",
        "nextSequenceNumberToBeIssued": 1,
    }
    locked_numbers(api, seed_body, 2)
    body = api.get(NUMBERING, {"agencyOfficeId": str(office.id)}).json()
    assert body["nextSequenceNumberToBeIssued"] == 3


@pytest.mark.parametrize(
    ("params", "field_code"),
    [({}, "VALUE_REQUIRED"), ({"agencyOfficeId": "not-a-uuid"}, "INVALID_VALUE")],
    ids=["missing", "not-a-uuid"],
)
def test_get_numbering_needs_a_valid_office_id(api, params, field_code):
    assert_error(
        api.get(NUMBERING, params),
        400,
        "BAD_REQUEST_PARAMETERS",
        target="agencyOfficeId",
        field_code=field_code,
    )


def test_get_numbering_of_another_office_is_404(api, other_office):
    assert_error(api.get(NUMBERING, {"agencyOfficeId": str(other_office.id)}), 404, "NOT_FOUND")


def test_get_numbering_of_an_unknown_office_is_404(api):
    assert_error(api.get(NUMBERING, {"agencyOfficeId": UNKNOWN_OFFICE}), 404, "NOT_FOUND")


# --- POST /invoiceNumbering/reset --------------------------------------------------------------


def test_reset_by_office_admin_sets_the_next_number_used(admin_api, api, seed_body, office):
    response = admin_api.post(
        RESET, {"agencyOfficeId": str(office.id), "nextSequenceNumberToBeIssued": 500}
    )
    assert response.status_code == 200, response.json()
    assert next_number(office) == 500
    numbering = api.get(NUMBERING, {"agencyOfficeId": str(office.id)}).json()
    assert numbering["nextSequenceNumberToBeIssued"] == 500
    assert locked_numbers(api, seed_body, 2) == [f"{this_year()}01{n:05d}" for n in (500, 501)]


def test_reset_takes_the_office_id_from_the_query(admin_api, office):
    response = admin_api.post(
        f"{RESET}?agencyOfficeId={office.id}", {"nextSequenceNumberToBeIssued": 42}
    )
    assert response.status_code == 200, response.json()
    assert next_number(office) == 42


@pytest.mark.parametrize("role", [Role.CLERK, Role.APPROVER, Role.MIGRATION])
def test_reset_by_non_admin_is_403(office, role):
    response = Api(member(office, role)).post(
        RESET, {"agencyOfficeId": str(office.id), "nextSequenceNumberToBeIssued": 7}
    )
    assert_error(response, 403, "FORBIDDEN")
    assert next_number(office) == 1


def test_reset_of_another_office_is_404(admin_api, other_office):
    response = admin_api.post(
        RESET, {"agencyOfficeId": str(other_office.id), "nextSequenceNumberToBeIssued": 7}
    )
    assert_error(response, 404, "NOT_FOUND")
    assert next_number(other_office) == 1


UNKNOWN_OFFICE = "7bdffe48-0077-4de0-acd4-d9b9b1ab49f8"


def test_reset_of_an_unknown_office_by_an_office_admin_is_404(admin_api):
    response = admin_api.post(
        RESET, {"agencyOfficeId": UNKNOWN_OFFICE, "nextSequenceNumberToBeIssued": 7}
    )
    assert_error(response, 404, "NOT_FOUND")


def test_reset_of_an_unknown_office_by_a_superuser_is_404(db):
    superuser = Api(AgentFactory(is_superuser=True))
    response = superuser.post(
        RESET, {"agencyOfficeId": UNKNOWN_OFFICE, "nextSequenceNumberToBeIssued": 7}
    )
    assert_error(response, 404, "NOT_FOUND")


@pytest.mark.parametrize("to", [1, 2, 3])
def test_reset_that_would_reissue_an_existing_number_is_409(admin_api, api, seed_body, office, to):
    locked_numbers(api, seed_body, 3)
    response = admin_api.post(
        RESET, {"agencyOfficeId": str(office.id), "nextSequenceNumberToBeIssued": to}
    )
    assert_error(response, 409, "CONFLICT")
    assert next_number(office) == 4


@pytest.mark.parametrize("to", [4, 5, 1000])
def test_reset_forward_beyond_issued_numbers_is_200(admin_api, api, seed_body, office, to):
    locked_numbers(api, seed_body, 3)
    response = admin_api.post(
        RESET, {"agencyOfficeId": str(office.id), "nextSequenceNumberToBeIssued": to}
    )
    assert response.status_code == 200, response.json()
    assert next_number(office) == to
    assert locked_numbers(api, seed_body, 1) == [f"{this_year()}01{to:05d}"]


def test_reset_back_after_a_forward_reset_is_allowed_while_nothing_was_issued(
    admin_api, api, seed_body, office
):
    locked_numbers(api, seed_body, 1)
    for to in (100, 2):
        response = admin_api.post(
            RESET, {"agencyOfficeId": str(office.id), "nextSequenceNumberToBeIssued": to}
        )
        assert response.status_code == 200, response.json()
    assert locked_numbers(api, seed_body, 1) == [f"{this_year()}0100002"]


def test_reset_counts_numbered_credit_notes(admin_api, approver, seed_body, office):
    approver_api = Api(approver)
    make_invoice_in_state(approver_api, seed_body, "CREDITED")  # invoice 1, credit note 2
    response = admin_api.post(
        RESET, {"agencyOfficeId": str(office.id), "nextSequenceNumberToBeIssued": 2}
    )
    assert_error(response, 409, "CONFLICT")
    assert next_number(office) == 3


def migrate(office, invoice_id, number: str):
    """PUT finalStatus APPROVED with *number* by a migration agent of *office*."""
    return Api(member(office, Role.MIGRATION)).put(
        f"{INVOICES}/{invoice_id}/finalStatus",
        {
            "invoiceTypeCode": "INVOICE",
            "invoice": {
                "statusCode": "APPROVED",
                "invoiceNumber": number,
                "referenceNumber": reference_from_invoice_number(number),
                "isPaid": False,
            },
        },
    )


def test_reset_counts_migrated_numbers_in_the_office_format(admin_api, api, seed_body, office):
    # A migrated number in the office's own format must be behind the sequence ...
    response = admin_api.post(
        RESET, {"agencyOfficeId": str(office.id), "nextSequenceNumberToBeIssued": 8}
    )
    assert response.status_code == 200, response.json()
    response = migrate(office, create_invoice(api, seed_body), f"{this_year()}0100007")
    assert response.status_code == 200, response.json()
    response = admin_api.post(
        RESET, {"agencyOfficeId": str(office.id), "nextSequenceNumberToBeIssued": 5}
    )
    assert_error(response, 409, "CONFLICT")  # ... and a reset may not go back over it
    response = admin_api.post(
        RESET, {"agencyOfficeId": str(office.id), "nextSequenceNumberToBeIssued": 8}
    )
    assert response.status_code == 200, response.json()


def test_a_migrated_number_ahead_of_the_sequence_never_makes_lock_a_500(api, seed_body, office):
    migrated = f"{this_year()}0100001"
    response = migrate(office, create_invoice(api, seed_body), migrated)
    if response.status_code != 200:  # refusing the number up front is fine too
        assert_error(response, 409, "CONFLICT")
        return
    draft_id = create_invoice(api, seed_body)
    response = act(api, draft_id, "LOCK")
    assert response.status_code in (200, 409), response.content
    if response.status_code == 200:
        assert number_of(api, draft_id)[0] != migrated
    else:
        assert_error(response, 409, "CONFLICT")


@pytest.mark.parametrize(
    ("value", "field_code"),
    [(0, "INVALID_VALUE"), (-1, "INVALID_VALUE"), ("5", "INVALID_TYPE"), (2.5, "INVALID_TYPE")],
)
def test_reset_with_a_bad_sequence_number_is_400(admin_api, office, value, field_code):
    response = admin_api.post(
        RESET, {"agencyOfficeId": str(office.id), "nextSequenceNumberToBeIssued": value}
    )
    assert_error(
        response,
        400,
        "BAD_REQUEST_PARAMETERS",
        target="nextSequenceNumberToBeIssued",
        field_code=field_code,
    )
    assert next_number(office) == 1


def test_reset_without_an_office_id_is_400(admin_api):
    response = admin_api.post(RESET, {"nextSequenceNumberToBeIssued": 5})
    assert_error(response, 400, "BAD_REQUEST_PARAMETERS", target="agencyOfficeId")


def test_lock_after_a_refused_reset_still_uses_the_next_free_number(
    admin_api, api, seed_body, office
):
    locked_numbers(api, seed_body, 2)
    response = admin_api.post(
        RESET, {"agencyOfficeId": str(office.id), "nextSequenceNumberToBeIssued": 1}
    )
    assert response.status_code == 409
    invoice_id = create_invoice(api, seed_body)
    assert act(api, invoice_id, "LOCK").status_code == 200
    assert number_of(api, invoice_id)[0] == f"{this_year()}0100003"
