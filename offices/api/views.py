"""Auth token, /me and agency office endpoints."""

from django.conf import settings
from django.contrib.auth import authenticate
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from invoicing_project.api.throttling import LoginIpRateThrottle, LoginUsernameRateThrottle
from invoicing_project.api.views import (
    PAGING_PARAMETERS,
    ApiView,
    created,
    office_id_param,
    page_params,
)

from .. import selectors, services
from ..authentication import token_issue
from .serializers import (
    MeOutput,
    OfficeInvoiceSettingsSerializer,
    OfficeListOutput,
    OfficeSerializer,
    TokenInput,
    TokenOutput,
)


class TokenView(ApiView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [LoginIpRateThrottle, LoginUsernameRateThrottle]

    @extend_schema(operation_id="createToken", request=TokenInput, responses=TokenOutput, auth=[])
    def post(self, request):
        data = self.validated(TokenInput)
        agent = authenticate(request, username=data["username"], password=data["password"])
        if agent is None:
            raise AuthenticationFailed("Invalid username or password.", code="unauthorized")
        key, _ = token_issue(agent=agent)
        return Response(
            {
                "access_token": key,
                "token_type": "Bearer",
                "expires_in": int(settings.INVOICING_TOKEN_TTL.total_seconds()),
            }
        )


class MeView(ApiView):
    @extend_schema(operation_id="getMe", responses=MeOutput)
    def get(self, request):
        agent = request.user
        roles = selectors.office_roles(agent)
        offices = selectors.office_list(agent=agent)
        return Response(
            MeOutput(
                {
                    "agentId": agent.id,
                    "username": agent.username,
                    "firstName": agent.first_name,
                    "lastName": agent.last_name,
                    "email": agent.email,
                    "isSuperuser": agent.is_superuser,
                    "offices": [
                        {
                            "agencyOfficeId": office.id,
                            "name": office.name,
                            "officeIdentifier": office.office_identifier,
                            "roles": sorted(roles.get(office.id, ())),
                        }
                        for office in offices
                    ],
                }
            ).data
        )


def _split(validated: dict) -> tuple[dict, list | None]:
    fields = dict(validated)
    accounts = fields.pop("payment_accounts", None)
    return fields, accounts


class OfficeCollectionView(ApiView):
    @extend_schema(
        operation_id="listAgencyOffices", parameters=PAGING_PARAMETERS, responses=OfficeListOutput
    )
    def get(self, request):
        start, size = page_params(request)
        offices = selectors.office_list(agent=request.user)
        return Response(
            OfficeListOutput(
                {"totalCount": offices.count(), "agencyOffices": offices[start : start + size]}
            ).data
        )

    @extend_schema(
        operation_id="createAgencyOffice",
        request=OfficeSerializer,
        responses={201: OfficeSerializer},
    )
    def post(self, request):
        fields, accounts = _split(self.validated(OfficeSerializer))
        office = services.office_create(
            actor=request.user, fields=fields, payment_accounts=accounts or []
        )
        office = selectors.office_get(agent=request.user, office_id=office.id)
        return created(
            Response(OfficeSerializer(office).data, status=status.HTTP_201_CREATED),
            f"/api/v1/agencyOffices/{office.id}",
        )


class OfficeDetailView(ApiView):
    @extend_schema(operation_id="getAgencyOffice", responses=OfficeSerializer)
    def get(self, request, office_id):
        return Response(
            OfficeSerializer(selectors.office_get(agent=request.user, office_id=office_id)).data
        )

    @extend_schema(
        operation_id="updateAgencyOffice", request=OfficeSerializer, responses=OfficeSerializer
    )
    def put(self, request, office_id):
        fields, accounts = _split(self.validated(OfficeSerializer))
        services.office_update(
            actor=request.user, office_id=office_id, fields=fields, payment_accounts=accounts
        )
        return Response(
            OfficeSerializer(selectors.office_get(agent=request.user, office_id=office_id)).data
        )


class InvoiceSettingsView(ApiView):
    @extend_schema(
        operation_id="getInvoiceSettings",
        parameters=[OpenApiParameter("agencyOfficeId", str, required=True)],
        responses=OfficeInvoiceSettingsSerializer,
    )
    def get(self, request):
        office = selectors.office_get(agent=request.user, office_id=office_id_param(request))
        return Response(OfficeInvoiceSettingsSerializer(office).data)

    @extend_schema(
        operation_id="putInvoiceSettings",
        request=OfficeInvoiceSettingsSerializer,
        responses=OfficeInvoiceSettingsSerializer,
    )
    def put(self, request):
        fields = dict(self.validated(OfficeInvoiceSettingsSerializer))
        office_id = fields.pop("id")
        services.office_update(actor=request.user, office_id=office_id, fields=fields)
        office = selectors.office_get(agent=request.user, office_id=office_id)
        return Response(OfficeInvoiceSettingsSerializer(office).data)
