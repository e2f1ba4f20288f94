"""Party endpoints: list (search), create, get, update."""

import uuid

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.response import Response

from invoicing_project.api.views import PAGING_PARAMETERS, ApiView, created, page_params
from invoicing_project.errors import ValidationFailed

from .. import selectors, services
from .serializers import PartyListOutput, PartySerializer


class PartyCollectionView(ApiView):
    @extend_schema(
        operation_id="listParties",
        parameters=[
            OpenApiParameter("agencyOfficeId", str, many=True),
            OpenApiParameter("q", str, description="Name, business id or e-mail contains."),
            *PAGING_PARAMETERS,
        ],
        responses=PartyListOutput,
    )
    def get(self, request):
        start, size = page_params(request)
        office_ids = request.query_params.getlist("agencyOfficeId")
        try:
            office_ids = [uuid.UUID(v) for v in office_ids]
        except ValueError as exc:
            raise ValidationFailed.field(
                "agencyOfficeId", "Request parameter agencyOfficeId must be a UUID"
            ) from exc
        query = request.query_params.get("q") or None
        if query is not None and len(query) > 100:
            raise ValidationFailed.field("q", "Request parameter q must be at most 100 characters")
        parties = selectors.party_list(agent=request.user, office_ids=office_ids, query=query)
        return Response(
            PartyListOutput(
                {"totalCount": parties.count(), "parties": parties[start : start + size]}
            ).data
        )

    @extend_schema(
        operation_id="createParty", request=PartySerializer, responses={201: PartySerializer}
    )
    def post(self, request):
        fields = dict(self.validated(PartySerializer))
        office_id = fields.pop("office_id")
        party = services.party_create(actor=request.user, office_id=office_id, fields=fields)
        return created(
            Response(PartySerializer(party).data, status=status.HTTP_201_CREATED),
            f"/api/v1/parties/{party.id}",
        )


class PartyDetailView(ApiView):
    @extend_schema(operation_id="getParty", responses=PartySerializer)
    def get(self, request, party_id):
        return Response(
            PartySerializer(selectors.party_get(agent=request.user, party_id=party_id)).data
        )

    @extend_schema(operation_id="updateParty", request=PartySerializer, responses=PartySerializer)
    def put(self, request, party_id):
        fields = dict(self.validated(PartySerializer))
        current = selectors.party_get(agent=request.user, party_id=party_id)
        if fields.pop("office_id") != current.office_id:
            raise ValidationFailed.field(
                "agencyOfficeId", "The agency office of a party cannot change"
            )
        party = services.party_update(actor=request.user, party_id=party_id, fields=fields)
        return Response(PartySerializer(party).data)
