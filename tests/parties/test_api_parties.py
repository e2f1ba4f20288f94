"""The party endpoints: create, list (scoped, search, paging), get, update, validation."""

import uuid

import pytest

from offices.choices import Role
from parties.models import Party

from ..factories import AgentFactory, PartyFactory
from ..test_api_errors import assert_error, fast_password_hashing  # noqa: F401

PARTIES = "/api/v1/parties"


def party_url(party_id) -> str:
    return f"{PARTIES}/{party_id}"


def party_body(office, **overrides):
    body = {
        "agencyOfficeId": str(office.id),
        "partyTypeCode": "ORGANISATION",
        "name": "Virtanen Oy",
        "businessId": "2331972-7",
        "vatNumber": "FI23319727",
        "email": "laskut@virtanen.fi",
        "phone": "+358 40 123 4567",
        "languageCode": "fi",
        "address": {
            "streetAddress": "Yliopistonkatu 55",
            "postcode": "33100",
            "postalArea": "Tampere",
            "countryCode": "FI",
        },
        "eInvoicing": {
            "eInvoicingAddress": "003723319727",
            "operatorId": "E204503",
            "operatorName": "OpusCapita Solutions Oy",
        },
    }
    body.update(overrides)
    return body


def names(response) -> list[str]:
    return [p["name"] for p in response.json()["parties"]]


# --- create ------------------------------------------------------------------------------------


def test_create_party_in_own_office_is_201_with_location(api, office):
    response = api.post(PARTIES, party_body(office))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert response["Location"] == party_url(body["partyId"])
    assert body["agencyOfficeId"] == str(office.id)
    assert body["name"] == "Virtanen Oy"
    assert body["partyTypeCode"] == "ORGANISATION"
    assert body["address"]["postalArea"] == "Tampere"
    assert body["eInvoicing"]["eInvoicingAddress"] == "003723319727"
    assert body["creationTime"].endswith("Z")
    party = Party.objects.get(pk=body["partyId"])
    assert party.office_id == office.id
    assert api.get(response["Location"]).json() == body


def test_create_party_defaults_language_to_finnish(api, office):
    body = party_body(office)
    del body["languageCode"]
    response = api.post(PARTIES, body)
    assert response.status_code == 201, response.json()
    assert response.json()["languageCode"] == "fi"


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_party_language_code_accepts_the_choices(api, office, language):
    response = api.post(PARTIES, party_body(office, languageCode=language))
    assert response.status_code == 201, response.json()
    assert response.json()["languageCode"] == language


@pytest.mark.parametrize("language", ["de", "FI", "finnish", ""])
def test_party_language_code_outside_the_choices_is_400(api, office, language):
    response = api.post(PARTIES, party_body(office, languageCode=language))
    assert_error(
        response, 400, "BAD_REQUEST_PARAMETERS", target="languageCode", field_code="INVALID_VALUE"
    )


def test_create_party_in_other_office_is_403(api, other_office):
    response = api.post(PARTIES, party_body(other_office))
    assert_error(response, 403, "FORBIDDEN")
    assert not Party.objects.filter(office=other_office).exists()


def test_create_party_in_unknown_office_is_403(api, office):
    response = api.post(PARTIES, party_body(office, agencyOfficeId=str(uuid.uuid4())))
    assert_error(response, 403, "FORBIDDEN")


@pytest.mark.django_db(transaction=True)
def test_superuser_creating_party_in_unknown_office_is_400(api_for, office):
    root = api_for(AgentFactory(username="root", is_superuser=True))
    response = root.post(PARTIES, party_body(office, agencyOfficeId=str(uuid.uuid4())))
    assert_error(response, 400, "BAD_REQUEST_PARAMETERS", target="agencyOfficeId")


def test_create_party_canonicalises_business_id(api, office):
    response = api.post(PARTIES, party_body(office, businessId="23319727"))
    assert response.status_code == 201, response.json()
    assert response.json()["businessId"] == "2331972-7"


@pytest.mark.parametrize("vat_number", ["FI23319728", "XX123", "123"])
def test_invalid_vat_number_is_400(api, office, vat_number):
    response = api.post(PARTIES, party_body(office, vatNumber=vat_number))
    assert_error(
        response, 400, "BAD_REQUEST_PARAMETERS", target="vatNumber", field_code="INVALID_VALUE"
    )


def test_invalid_business_id_is_400(api, office):
    response = api.post(PARTIES, party_body(office, businessId="2331972-8"))
    assert_error(
        response, 400, "BAD_REQUEST_PARAMETERS", target="businessId", field_code="INVALID_VALUE"
    )


@pytest.mark.parametrize("email", ["not-an-email", "a@", "@example.com", "a b@example.com"])
def test_invalid_email_is_400(api, office, email):
    response = api.post(PARTIES, party_body(office, email=email))
    assert_error(
        response, 400, "BAD_REQUEST_PARAMETERS", target="email", field_code="INVALID_VALUE"
    )


@pytest.mark.parametrize(
    ("field", "value", "target", "code"),
    [
        ("name", None, "name", "VALUE_REQUIRED"),
        ("name", "", "name", "VALUE_REQUIRED"),
        ("name", 5, "name", "INVALID_TYPE"),
        ("agencyOfficeId", None, "agencyOfficeId", "VALUE_REQUIRED"),
        ("agencyOfficeId", "helsinki", "agencyOfficeId", "INVALID_VALUE"),
        ("partyTypeCode", "ALIEN", "partyTypeCode", "INVALID_VALUE"),
        ("address", {"countryCode": "FIN"}, "address.countryCode", "INVALID_VALUE"),
        ("address", "Tampere", "address", "INVALID_TYPE"),
    ],
)
def test_party_field_errors_are_400(api, office, field, value, target, code):
    response = api.post(PARTIES, party_body(office, **{field: value}))
    assert_error(response, 400, "BAD_REQUEST_PARAMETERS", target=target, field_code=code)


# --- list --------------------------------------------------------------------------------------


def test_party_list_is_scoped_to_own_offices(api, party, other_party):
    response = api.get(PARTIES)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"totalCount", "parties"}
    assert body["totalCount"] == 1
    assert [p["partyId"] for p in body["parties"]] == [str(party.id)]


def test_party_list_of_other_office_filter_is_empty(api, party, other_party, other_office):
    response = api.get(PARTIES, {"agencyOfficeId": str(other_office.id)})
    assert response.json() == {"totalCount": 0, "parties": []}


def test_party_list_filters_by_office(api_for, office, other_office, party, other_party):
    agent = api_for(AgentFactory(roles={office: [Role.CLERK], other_office: [Role.CLERK]}))
    assert agent.get(PARTIES).json()["totalCount"] == 2
    only_other = agent.get(PARTIES, {"agencyOfficeId": str(other_office.id)}).json()
    assert [p["partyId"] for p in only_other["parties"]] == [str(other_party.id)]


def test_party_list_rejects_non_uuid_office_filter(api):
    response = api.get(PARTIES, {"agencyOfficeId": "helsinki"})
    assert_error(response, 400, "BAD_REQUEST_PARAMETERS", target="agencyOfficeId")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("virta", ["Matti Virtanen"]),
        ("VIRTANEN", ["Matti Virtanen"]),
        ("koskinen", []),  # exists, but in the other office
        ("2331972", ["Yritys Oy"]),  # business id
        ("laskutus@yritys", ["Yritys Oy"]),  # e-mail
        ("nobody", []),
        ("%", []),  # a LIKE wildcard is matched literally
        ("_", []),
    ],
)
def test_party_list_q_searches_name_business_id_and_email(
    api, office, party, other_party, query, expected
):
    PartyFactory(
        office=office, name="Yritys Oy", business_id="2331972-7", email="laskutus@yritys.fi"
    )
    response = api.get(PARTIES, {"q": query})
    assert response.status_code == 200
    assert names(response) == expected
    assert response.json()["totalCount"] == len(expected)


def test_party_list_q_longer_than_100_is_400(api):
    assert_error(api.get(PARTIES, {"q": "x" * 101}), 400, "BAD_REQUEST_PARAMETERS", target="q")


def test_party_list_pages_in_name_order(api, office):
    for name in ["Eve", "Bob", "Dan", "Amy", "Cid"]:
        PartyFactory(office=office, name=name)
    response = api.get(PARTIES, {"startIndex": 1, "size": 2})
    assert response.json()["totalCount"] == 5
    assert names(response) == ["Bob", "Cid"]
    assert names(api.get(PARTIES, {"startIndex": 4, "size": 2})) == ["Eve"]
    assert names(api.get(PARTIES, {"startIndex": 9})) == []


def test_party_list_default_size_is_40(api, office):
    PartyFactory.create_batch(41, office=office)
    body = api.get(PARTIES).json()
    assert body["totalCount"] == 41
    assert len(body["parties"]) == 40


@pytest.mark.parametrize(
    ("params", "target"),
    [
        ({"size": 0}, "size"),
        ({"size": 501}, "size"),
        ({"size": "abc"}, "size"),
        ({"startIndex": -1}, "startIndex"),
        ({"startIndex": "x"}, "startIndex"),
    ],
)
def test_party_list_rejects_bad_paging(api, params, target):
    assert_error(api.get(PARTIES, params), 400, "BAD_REQUEST_PARAMETERS", target=target)


# --- get ---------------------------------------------------------------------------------------


def test_get_own_party(api, party, office):
    response = api.get(party_url(party.id))
    assert response.status_code == 200
    body = response.json()
    assert body["partyId"] == str(party.id)
    assert body["name"] == "Matti Virtanen"
    assert body["email"] == "matti.virtanen@example.com"
    assert body["agencyOfficeId"] == str(office.id)


def test_get_other_office_party_is_404(api, other_party):
    assert_error(api.get(party_url(other_party.id)), 404, "NOT_FOUND")


def test_get_unknown_party_is_404(api, office):
    assert_error(api.get(party_url(uuid.uuid4())), 404, "NOT_FOUND")


# --- update ------------------------------------------------------------------------------------


def test_update_party_replaces_its_details(api, party, office):
    body = party_body(office, name="Matti Virtanen-Koski", email="matti@koski.fi")
    response = api.put(party_url(party.id), body)
    assert response.status_code == 200, response.json()
    assert response.json()["name"] == "Matti Virtanen-Koski"
    fetched = api.get(party_url(party.id)).json()
    assert fetched["email"] == "matti@koski.fi"
    assert fetched["partyId"] == str(party.id)
    party.refresh_from_db()
    assert party.name == "Matti Virtanen-Koski"


def test_update_party_cannot_move_it_to_another_office(api, party, other_office):
    response = api.put(party_url(party.id), party_body(other_office))
    assert_error(
        response, 400, "BAD_REQUEST_PARAMETERS", target="agencyOfficeId", field_code="INVALID_VALUE"
    )
    party.refresh_from_db()
    assert party.office_id != other_office.id


def test_update_other_office_party_is_404(api, other_party, other_office):
    response = api.put(party_url(other_party.id), party_body(other_office, name="Hijacked"))
    assert_error(response, 404, "NOT_FOUND")
    other_party.refresh_from_db()
    assert other_party.name == "Liisa Koskinen"


def test_update_party_with_invalid_vat_number_is_400(api, party, office):
    response = api.put(party_url(party.id), party_body(office, vatNumber="FI23319728"))
    assert_error(response, 400, "BAD_REQUEST_PARAMETERS", target="vatNumber")
