"""GET /api/v1/me and the agency office endpoints: visibility, creation, update, validation."""

import uuid

import pytest

from offices.choices import Role
from offices.models import AgencyOffice

from ..factories import AgencyOfficeFactory, AgentFactory, member
from ..test_api_errors import assert_error, fast_password_hashing  # noqa: F401

ME = "/api/v1/me"
OFFICES = "/api/v1/agencyOffices"


def office_url(office_id) -> str:
    return f"{OFFICES}/{office_id}"


@pytest.fixture
def superuser(db):
    return AgentFactory(username="root", is_superuser=True, is_staff=True)


@pytest.fixture
def root_api(api_for, superuser):
    return api_for(superuser)


def new_office_body(**overrides):
    body = {
        "name": "Turku",
        "officeIdentifier": "03",
        "businessId": "2331972-7",
        "vatNumber": "FI23319727",
        "email": "turku@example.com",
        "address": {
            "streetAddress": "Aurakatu 1",
            "postcode": "20100",
            "postalArea": "Turku",
            "countryCode": "FI",
        },
        "paymentAccounts": [
            {
                "bankName": "Nordea",
                "bic": "NDEAFIHH",
                "iban": "FI2112345600000785",
                "accountHolder": "Turku Oy",
            }
        ],
    }
    body.update(overrides)
    return body


# --- /me ---------------------------------------------------------------------------------------


def test_me_has_agent_id_username_and_offices_with_roles(api, clerk, office, other_office):
    response = api.get(ME)
    assert response.status_code == 200
    body = response.json()
    assert body["agentId"] == str(clerk.id)
    assert body["username"] == "clerk"
    assert len(body["offices"]) == 1
    (entry,) = body["offices"]
    assert {"agencyOfficeId", "name", "roles"} <= set(entry)
    assert entry["agencyOfficeId"] == str(office.id)
    assert entry["name"] == "Helsinki"
    assert entry["roles"] == ["CLERK"]


def test_me_lists_every_role_and_every_office_of_the_agent(api_for, office, other_office):
    AgencyOfficeFactory(name="Oulu", office_identifier="05")
    agent = AgentFactory(
        username="multi",
        roles={office: [Role.CLERK, Role.APPROVER], other_office: [Role.ADMIN]},
    )
    body = api_for(agent).get(ME).json()
    roles = {entry["agencyOfficeId"]: entry["roles"] for entry in body["offices"]}
    assert roles == {str(office.id): ["APPROVER", "CLERK"], str(other_office.id): ["ADMIN"]}


def test_me_of_an_agent_without_roles_has_no_offices(api_for, office):
    body = api_for(AgentFactory(username="loner")).get(ME).json()
    assert body["offices"] == []


def test_me_agent_id_is_usable_as_responsible_agent_id(api, seed_body):
    agent_id = api.get(ME).json()["agentId"]
    seed_body["invoice"]["responsibleAgentId"] = agent_id
    created = api.post("/api/v1/invoices", seed_body)
    assert created.status_code == 201, created.json()
    invoice = api.get(f"/api/v1/invoices/{created.json()['invoiceId']}").json()
    assert invoice["invoice"]["responsibleAgentId"] == agent_id


# --- list and get ------------------------------------------------------------------------------


def test_office_list_has_only_own_offices(api, office, other_office):
    response = api.get(OFFICES)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"totalCount", "agencyOffices"}
    assert body["totalCount"] == 1
    assert [o["agencyOfficeId"] for o in body["agencyOffices"]] == [str(office.id)]


def test_superuser_sees_every_office(root_api, office, other_office):
    body = root_api.get(OFFICES).json()
    assert body["totalCount"] == 2
    assert {o["agencyOfficeId"] for o in body["agencyOffices"]} == {
        str(office.id),
        str(other_office.id),
    }


def test_office_list_pages_with_start_index_and_size(root_api, office, other_office):
    AgencyOfficeFactory(name="Oulu", office_identifier="05")
    body = root_api.get(OFFICES, {"startIndex": 1, "size": 1}).json()
    assert body["totalCount"] == 3
    assert [o["name"] for o in body["agencyOffices"]] == ["Oulu"]  # ordered by name


@pytest.mark.parametrize(
    ("params", "target"),
    [({"size": 0}, "size"), ({"size": 501}, "size"), ({"startIndex": -1}, "startIndex")],
)
def test_office_list_rejects_bad_paging(api, params, target):
    assert_error(api.get(OFFICES, params), 400, "BAD_REQUEST_PARAMETERS", target=target)


def test_get_own_office_has_its_details(api, office):
    response = api.get(office_url(office.id))
    assert response.status_code == 200
    body = response.json()
    assert body["agencyOfficeId"] == str(office.id)
    assert body["name"] == "Helsinki"
    assert body["officeIdentifier"] == "01"
    assert body["businessId"] == "2331972-7"
    assert body["paymentAccounts"] == [
        {"bankName": "Nordea", "bic": "NDEAFIHH", "iban": "FI2112345600000785", "accountHolder": ""}
    ]
    assert body["creationTime"].endswith("Z")


def test_get_other_office_is_404(api, other_office):
    assert_error(api.get(office_url(other_office.id)), 404, "NOT_FOUND")


def test_get_unknown_office_is_404(api, office):
    assert_error(api.get(office_url(uuid.uuid4())), 404, "NOT_FOUND")


# --- create ------------------------------------------------------------------------------------


def test_superuser_creates_office_201_with_location(root_api):
    response = root_api.post(OFFICES, new_office_body())
    assert response.status_code == 201, response.json()
    body = response.json()
    assert response["Location"] == office_url(body["agencyOfficeId"])
    assert body["officeIdentifier"] == "03"
    assert body["paymentAccounts"][0]["iban"] == "FI2112345600000785"
    fetched = root_api.get(response["Location"])
    assert fetched.status_code == 200
    assert fetched.json()["name"] == "Turku"


def test_created_office_stores_canonical_business_id(root_api):
    response = root_api.post(OFFICES, new_office_body(businessId="23319727"))
    assert response.status_code == 201, response.json()
    assert response.json()["businessId"] == "2331972-7"
    assert AgencyOffice.objects.get(office_identifier="03").business_id == "2331972-7"


@pytest.mark.parametrize("role", [Role.ADMIN, Role.CLERK, Role.APPROVER])
def test_non_superuser_cannot_create_office(api_for, office, role):
    agent = member(office, role)
    response = api_for(agent).post(OFFICES, new_office_body())
    assert_error(response, 403, "FORBIDDEN")
    assert not AgencyOffice.objects.filter(office_identifier="03").exists()


def test_duplicate_office_identifier_is_409_conflict(root_api, office):
    response = root_api.post(OFFICES, new_office_body(officeIdentifier="01"))
    assert_error(response, 409, "CONFLICT")
    assert AgencyOffice.objects.count() == 1


def test_invalid_business_id_is_400_on_business_id(root_api):
    response = root_api.post(OFFICES, new_office_body(businessId="2331972-8"))
    assert_error(
        response, 400, "BAD_REQUEST_PARAMETERS", target="businessId", field_code="INVALID_VALUE"
    )


def test_invalid_vat_number_is_400_on_vat_number(root_api):
    response = root_api.post(OFFICES, new_office_body(vatNumber="FI23319728"))
    assert_error(
        response, 400, "BAD_REQUEST_PARAMETERS", target="vatNumber", field_code="INVALID_VALUE"
    )


def test_invalid_iban_in_payment_accounts_is_400(root_api):
    body = new_office_body()
    body["paymentAccounts"][0]["iban"] = "FI2180000012345678"  # the seed's, bad checksum
    response = root_api.post(OFFICES, body)
    assert_error(
        response,
        400,
        "BAD_REQUEST_PARAMETERS",
        target="paymentAccounts[0].iban",
        field_code="INVALID_VALUE",
    )


@pytest.mark.parametrize(
    "identifier",
    [
        "A1",
        "0-1",
        "1.5",
        pytest.param(
            "１２",
        ),
    ],
)
def test_office_identifier_must_be_digits(root_api, identifier):
    response = root_api.post(OFFICES, new_office_body(officeIdentifier=identifier))
    assert_error(
        response,
        400,
        "BAD_REQUEST_PARAMETERS",
        target="officeIdentifier",
        field_code="INVALID_VALUE",
    )


@pytest.mark.parametrize("field", ["name", "officeIdentifier", "businessId"])
def test_office_required_fields_are_value_required(root_api, field):
    body = new_office_body()
    del body[field]
    response = root_api.post(OFFICES, body)
    assert_error(response, 400, "BAD_REQUEST_PARAMETERS", target=field, field_code="VALUE_REQUIRED")


# --- update ------------------------------------------------------------------------------------


def _current_body(api_client, office) -> dict:
    body = api_client.get(office_url(office.id)).json()
    return {
        key: body[key]
        for key in ("name", "officeIdentifier", "businessId", "vatNumber", "paymentAccounts")
    }


def test_office_admin_updates_office_200(api_for, office, office_admin):
    client = api_for(office_admin)
    body = _current_body(client, office)
    body["name"] = "Helsinki Centre"
    response = client.put(office_url(office.id), body)
    assert response.status_code == 200, response.json()
    assert response.json()["name"] == "Helsinki Centre"
    office.refresh_from_db()
    assert office.name == "Helsinki Centre"


def test_office_admin_replaces_payment_accounts(api_for, office, office_admin):
    client = api_for(office_admin)
    body = _current_body(client, office)
    body["paymentAccounts"] = [{"iban": "FI49 5000 9420 0287 30", "bic": "OKOYFIHH"}]
    response = client.put(office_url(office.id), body)
    assert response.status_code == 200, response.json()
    assert [a["iban"] for a in response.json()["paymentAccounts"]] == ["FI4950009420028730"]


@pytest.mark.parametrize("fixture", ["clerk", "approver"])
def test_office_update_by_clerk_or_approver_is_403(request, api_for, office, fixture):
    client = api_for(request.getfixturevalue(fixture))
    body = _current_body(client, office)
    body["name"] = "Hijacked"
    assert_error(client.put(office_url(office.id), body), 403, "FORBIDDEN")
    office.refresh_from_db()
    assert office.name == "Helsinki"


def test_office_update_of_another_office_is_404(api_for, office, other_office, office_admin):
    client = api_for(office_admin)
    body = _current_body(client, office)
    assert_error(client.put(office_url(other_office.id), body), 404, "NOT_FOUND")


def test_office_update_to_a_taken_identifier_is_409(api_for, office, other_office, office_admin):
    client = api_for(office_admin)
    body = _current_body(client, office)
    body["officeIdentifier"] = "02"
    assert_error(client.put(office_url(office.id), body), 409, "CONFLICT")


def test_office_update_rejects_non_digit_identifier(api_for, office, office_admin):
    client = api_for(office_admin)
    body = _current_body(client, office)
    body["officeIdentifier"] = "HKI"
    response = client.put(office_url(office.id), body)
    assert_error(
        response,
        400,
        "BAD_REQUEST_PARAMETERS",
        target="officeIdentifier",
        field_code="INVALID_VALUE",
    )
