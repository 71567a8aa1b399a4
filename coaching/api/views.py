"""GET-only list endpoints: each validates its query filters, reads one coaching selector for the token's
user, and pages the result (`?page=`, `?page_size=` up to 1000)."""

from __future__ import annotations

from django.db.models import F, QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer

from coaching.access import Viewer, viewer_for_request
from coaching.api import serializers as out
from coaching.selectors import call_list, scores_list, session_list
from coaching.weekly.selectors import weekly_review_list
from core.api import ApiTokenAuthentication, JsonOnly, api_exception_handler


class ApiPagination(PageNumberPagination):
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000


class ReadOnlyList(ListAPIView):
    authentication_classes = [ApiTokenAuthentication]
    permission_classes = [IsAuthenticated]
    renderer_classes = [JSONRenderer]
    content_negotiation_class = JsonOnly
    pagination_class = ApiPagination
    filter_class: type[serializers.Serializer]

    def get_exception_handler(self):
        return api_exception_handler

    def filters(self) -> dict:
        """The validated query filters (400 with the reason for a malformed one)."""
        form = self.filter_class(data=self.request.query_params)
        form.is_valid(raise_exception=True)
        return form.validated_data

    def viewer(self) -> Viewer:
        return viewer_for_request(self.request)

    def get_queryset(self) -> QuerySet:
        raise NotImplementedError


def _period(rows: QuerySet, filters: dict, *, started: str, rep: str) -> QuerySet:
    if "since" in filters:
        rows = rows.filter(**{f"{started}__gte": filters["since"]})
    if "until" in filters:
        rows = rows.filter(**{f"{started}__lt": filters["until"]})
    if "rep" in filters:
        rows = rows.filter(**{rep: filters["rep"]})
    return rows


@extend_schema(tags=["read API"], parameters=[out.CallFilter], summary="Calls you may see")
class CallList(ReadOnlyList):
    serializer_class = out.CallOut
    filter_class = out.CallFilter

    def get_queryset(self) -> QuerySet:
        calls = call_list(viewer=self.viewer()).select_related("primary_user").defer("metadata", "crm_context")
        calls = _period(calls, self.filters(), started="started", rep="primary_user_id")
        return calls.order_by(F("started").desc(nulls_last=True), "id")


@extend_schema(tags=["read API"], parameters=[out.SessionFilter], summary="Coaching sessions you may see")
class SessionList(ReadOnlyList):
    serializer_class = out.SessionOut
    filter_class = out.SessionFilter

    def get_queryset(self) -> QuerySet:
        filters = self.filters()
        sessions = session_list(viewer=self.viewer(), include_superseded=filters["include_superseded"])
        sessions = _period(sessions, filters, started="call_started", rep="rep_id")
        if "call" in filters:
            sessions = sessions.filter(call_id=filters["call"])
        return sessions.order_by("-call_started", "-id")


@extend_schema(tags=["read API"], parameters=[out.ScoreFilter], summary="Dimension scores you may see")
class ScoreList(ReadOnlyList):
    serializer_class = out.ScoreOut
    filter_class = out.ScoreFilter

    def get_queryset(self) -> QuerySet:
        filters = self.filters()
        scores = scores_list(viewer=self.viewer(), include_superseded=filters["include_superseded"])
        scores = _period(scores, filters, started="call_started", rep="rep_id")
        if "call" in filters:
            scores = scores.filter(session__call_id=filters["call"])
        if "dimension" in filters:
            scores = scores.filter(dimension=filters["dimension"])
        return scores.order_by("-call_started", "-id")


@extend_schema(tags=["read API"], parameters=[out.WeeklyReviewFilter], summary="Weekly reviews you may see")
class WeeklyReviewList(ReadOnlyList):
    serializer_class = out.WeeklyReviewOut
    filter_class = out.WeeklyReviewFilter

    def get_queryset(self) -> QuerySet:
        filters = self.filters()
        reviews = weekly_review_list(viewer=self.viewer()).defer("report_html", "report_text")
        for name, field in (("week", "week"), ("scope", "scope"), ("subject", "subject_id")):
            if name in filters:
                reviews = reviews.filter(**{field: filters[name]})
        return reviews.order_by("-week_start", "scope", "subject_id", "id")
