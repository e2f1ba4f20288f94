"""POST /api/v1/auth/token and Bearer authentication of the other endpoints."""

import hashlib
import json
import uuid
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from offices.authentication import token_issue
from offices.models import ApiToken

from ..factories import PASSWORD
from ..test_api_errors import assert_error, fast_password_hashing  # noqa: F401

TOKEN = "/api/v1/auth/token"
ME = "/api/v1/me"


def request_token(client, body, **headers):
    return client.post(TOKEN, json.dumps(body), content_type="application/json", **headers)


def test_token_success_has_access_token_bearer_type_and_expiry(anonymous_api, clerk):
    response = anonymous_api.post(TOKEN, {"username": "clerk", "password": PASSWORD})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert set(body) == {"access_token", "token_type", "expires_in"}
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == int(settings.INVOICING_TOKEN_TTL.total_seconds())
    assert isinstance(body["access_token"], str) and len(body["access_token"]) >= 32


def test_issued_token_authenticates_the_agent(anonymous_api, clerk):
    key = anonymous_api.post(TOKEN, {"username": "clerk", "password": PASSWORD}).json()
    response = anonymous_api.get(ME, HTTP_AUTHORIZATION=f"Bearer {key['access_token']}")
    assert response.status_code == 200
    assert response.json()["agentId"] == str(clerk.id)


def test_each_token_call_issues_a_new_token(anonymous_api, clerk):
    credentials = {"username": "clerk", "password": PASSWORD}
    first = anonymous_api.post(TOKEN, credentials).json()["access_token"]
    second = anonymous_api.post(TOKEN, credentials).json()["access_token"]
    assert first != second
    assert ApiToken.objects.filter(agent=clerk).count() == 2


def test_token_call_works_without_request_id(anonymous_api, clerk):
    response = request_token(anonymous_api.client, {"username": "clerk", "password": PASSWORD})
    assert response.status_code == 200
    assert response.json()["token_type"] == "Bearer"
    assert "Request-ID" not in response


def test_token_call_echoes_a_given_request_id(anonymous_api, clerk):
    request_id = str(uuid.uuid4())
    response = anonymous_api.post(
        TOKEN, {"username": "clerk", "password": PASSWORD}, HTTP_REQUEST_ID=request_id
    )
    assert response.status_code == 200
    assert response["Request-ID"] == request_id


def test_token_call_with_malformed_request_id_is_400(anonymous_api, clerk):
    response = anonymous_api.post(
        TOKEN, {"username": "clerk", "password": PASSWORD}, HTTP_REQUEST_ID="nope"
    )
    assert_error(
        response, 400, "BAD_REQUEST_PARAMETERS", target="Request-ID", field_code="INVALID_VALUE"
    )


def test_wrong_password_is_401_unauthorized_with_www_authenticate(anonymous_api, clerk):
    response = anonymous_api.post(TOKEN, {"username": "clerk", "password": "wrong-password"})
    assert_error(response, 401, "UNAUTHORIZED")
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert not ApiToken.objects.filter(agent=clerk).exists()


def test_unknown_username_is_401_unauthorized(anonymous_api, clerk):
    response = anonymous_api.post(TOKEN, {"username": "nobody", "password": PASSWORD})
    assert_error(response, 401, "UNAUTHORIZED")


def test_inactive_user_gets_no_token(anonymous_api, clerk):
    clerk.is_active = False
    clerk.save()
    response = anonymous_api.post(TOKEN, {"username": "clerk", "password": PASSWORD})
    assert_error(response, 401, "UNAUTHORIZED")
    assert not ApiToken.objects.filter(agent=clerk).exists()


def test_token_of_a_deactivated_user_is_401(api, clerk):
    clerk.is_active = False
    clerk.save()
    assert_error(api.get(ME), 401, "UNAUTHORIZED")


@pytest.mark.parametrize(
    ("body", "target", "code"),
    [
        ({"password": PASSWORD}, "username", "VALUE_REQUIRED"),
        ({"username": "clerk"}, "password", "VALUE_REQUIRED"),
        ({"username": 7, "password": PASSWORD}, "username", "INVALID_TYPE"),
        ({"username": "clerk", "password": None}, "password", "VALUE_REQUIRED"),
    ],
)
def test_token_body_errors_are_400(anonymous_api, clerk, body, target, code):
    response = anonymous_api.post(TOKEN, body)
    assert_error(response, 400, "BAD_REQUEST_PARAMETERS", target=target, field_code=code)


def test_token_is_stored_as_sha256_only(anonymous_api, clerk):
    key = anonymous_api.post(TOKEN, {"username": "clerk", "password": PASSWORD}).json()[
        "access_token"
    ]
    token = ApiToken.objects.get(agent=clerk)
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    stored = [str(getattr(token, f.attname)) for f in ApiToken._meta.concrete_fields]
    assert all(key not in value for value in stored)


def test_token_expires_after_the_configured_ttl(anonymous_api, clerk):
    before = timezone.now()
    anonymous_api.post(TOKEN, {"username": "clerk", "password": PASSWORD})
    token = ApiToken.objects.get(agent=clerk)
    expected = before + settings.INVOICING_TOKEN_TTL
    assert expected <= token.expires_at <= expected + timedelta(seconds=5)


def test_expired_token_is_401_token_expired(api, clerk):
    ApiToken.objects.filter(agent=clerk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = api.get(ME)
    assert_error(response, 401, "TOKEN_EXPIRED")
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_unexpired_token_of_another_agent_still_works_when_one_expires(api, api_for, approver):
    other = api_for(approver)
    ApiToken.objects.filter(agent=api.agent).update(expires_at=timezone.now())
    assert_error(api.get(ME), 401, "TOKEN_EXPIRED")
    assert other.get(ME).status_code == 200


@pytest.mark.parametrize(
    "header",
    [
        "Token {key}",
        "Bearer",
        "Bearer {key} extra",
        "Basic Y2xlcms6dGVzdC1wYXNzd29yZC0x",
        "{key}",
        "Bearer: {key}",
    ],
)
def test_malformed_authorization_header_is_401(anonymous_api, clerk, header):
    key, _ = token_issue(agent=clerk)
    response = anonymous_api.get(ME, HTTP_AUTHORIZATION=header.format(key=key))
    assert_error(response, 401, "UNAUTHORIZED")
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_bearer_scheme_is_case_insensitive(anonymous_api, clerk):
    key, _ = token_issue(agent=clerk)
    assert anonymous_api.get(ME, HTTP_AUTHORIZATION=f"bearer {key}").status_code == 200


def test_token_call_with_form_data_is_415(anonymous_api, clerk):
    response = anonymous_api.client.post(TOKEN, {"username": "clerk", "password": PASSWORD})
    assert_error(response, 415, "UNSUPPORTED_MEDIA_TYPE")


def test_unknown_token_is_401(anonymous_api, clerk):
    response = anonymous_api.get(ME, HTTP_AUTHORIZATION="Bearer not-a-token-we-ever-issued")
    assert_error(response, 401, "UNAUTHORIZED")


def test_token_hash_itself_is_not_a_valid_token(anonymous_api, clerk):
    _, token = token_issue(agent=clerk)
    response = anonymous_api.get(ME, HTTP_AUTHORIZATION=f"Bearer {token.key_hash}")
    assert_error(response, 401, "UNAUTHORIZED")


@pytest.mark.parametrize(
    "path", [ME, "/api/v1/invoices", "/api/v1/parties", "/api/v1/agencyOffices"]
)
def test_missing_authorization_is_401_unauthorized(anonymous_api, path):
    response = anonymous_api.get(path)
    assert_error(response, 401, "UNAUTHORIZED")
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_session_login_does_not_authenticate_the_api(anonymous_api, clerk):
    anonymous_api.client.force_login(clerk)
    assert_error(anonymous_api.get(ME), 401, "UNAUTHORIZED")
