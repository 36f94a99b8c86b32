"""The member's memberships (with what is left of each allowance this month) and feed tokens."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from feeds.models import FeedToken
from feeds.services import FeedError, create_feed_token, revoke_feed_token
from feeds.views import feed_url
from members import permissions
from memberships.allowances import allowance_left
from memberships.models import Membership

from ..access import SignedIn, TokenScope, member_of
from ..errors import refused
from ..serializers.account import (
    AllowanceLeftSerializer,
    FeedTokenCreateSerializer,
    FeedTokenSerializer,
    MembershipDetailSerializer,
    MembershipSerializer,
    NewFeedTokenSerializer,
)
from .common import ERRORS


def usable(request: Request) -> QuerySet[Membership]:
    return Membership.objects.filter(
        permissions.usable_memberships_filter(request.user)
    ).select_related("plan__venue", "organisation")


class MyMemberships(generics.ListAPIView):
    """The memberships the member may book with: their own and their organisations'. What is
    left of each allowance is on each membership's own page (it is counted per membership)."""

    permission_classes = [SignedIn, TokenScope]
    serializer_class = MembershipSerializer
    ordering_fields = ["starts_on", "id"]
    ordering = ["plan__venue__name", "plan__name", "starts_on"]

    def get_queryset(self) -> QuerySet[Membership]:
        return usable(self.request)

    @extend_schema(responses={200: MembershipSerializer(many=True), **ERRORS})
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)


class MembershipDetail(APIView):
    """One membership, with each allowance's total, use and rest in this month of the venue."""

    permission_classes = [SignedIn, TokenScope]

    @extend_schema(responses={200: MembershipDetailSerializer, **ERRORS})
    def get(self, request: Request, pk: int) -> Response:
        membership = get_object_or_404(usable(request).prefetch_related("plan__allowances"), pk=pk)
        today = timezone.now().astimezone(membership.plan.venue.zone).date()
        lefts = []
        for allowance in membership.plan.allowances.all():
            left = allowance_left(
                membership=membership, kind=allowance.kind, month=today, member=member_of(request)
            )
            if left is not None:
                lefts.append(
                    {
                        "kind": allowance.kind,
                        "unit": "desk_days" if left.in_days else "hours",
                        "month": left.month,
                        "total": left.total,
                        "used": left.used,
                        "left": left.left,
                        "renews_on": left.renews_on,
                        "personal": left.personal,
                    }
                )
        body = {
            **MembershipSerializer(membership).data,
            "allowances": AllowanceLeftSerializer(lefts, many=True).data,
        }
        return Response(body)


class MyFeedTokens(generics.ListAPIView):
    """GET: the member's calendar feed tokens (without their secret addresses). POST: the
    member's live token for a feed, made now if they have none (as Account → Calendar feeds),
    with its address."""

    permission_classes = [SignedIn, TokenScope]
    serializer_class = FeedTokenSerializer
    ordering_fields = ["created_at", "id"]
    ordering = ["scope", "created_at"]

    def get_queryset(self) -> QuerySet[FeedToken]:
        return FeedToken.objects.filter(owner=member_of(self.request)).select_related(
            "owner", "organisation", "venue", "space__venue"
        )

    @extend_schema(responses={200: FeedTokenSerializer(many=True), **ERRORS})
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request=FeedTokenCreateSerializer, responses={201: NewFeedTokenSerializer, **ERRORS}
    )
    def post(self, request: Request, *args, **kwargs) -> Response:
        shape = FeedTokenCreateSerializer(data=request.data)
        shape.is_valid(raise_exception=True)
        try:
            token = create_feed_token(
                owner=member_of(request),
                scope=shape.validated_data["scope"],
                target_id=shape.validated_data["target"],
            )
        except FeedError as error:
            raise refused(error) from error
        return Response(_with_url(token), status=status.HTTP_201_CREATED)


def _with_url(token: FeedToken) -> dict:
    found = FeedToken.objects.select_related("owner", "organisation", "venue", "space__venue").get(
        pk=token.pk
    )
    return {**FeedTokenSerializer(found).data, "url": feed_url(found)}


class RevokeFeedToken(APIView):
    """Revoke one of the member's feed tokens: its address stops working at once."""

    permission_classes = [SignedIn, TokenScope]

    @extend_schema(
        operation_id="feed_tokens_revoke",
        request=None,
        responses={200: FeedTokenSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        member = member_of(request)
        token = get_object_or_404(FeedToken.objects.filter(owner=member), pk=pk)
        try:
            revoke_feed_token(token=token, by=member)
        except FeedError as error:
            raise refused(error) from error
        found = FeedToken.objects.select_related(
            "owner", "organisation", "venue", "space__venue"
        ).get(pk=pk)
        return Response(FeedTokenSerializer(found).data)
