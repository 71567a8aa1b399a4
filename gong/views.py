"""POST /webhooks/gong/: authenticate, store, answer 202 in milliseconds — a DRF APIView.

Order of refusals, as before DRF: 405 (not POST), 503 (no method configured), 413 (the parser's size limit,
before authentication because JWT and HMAC sign the raw body), 401 (the authentication classes), 400 (not a
Gong call). The body is never parsed by DRF's JSONParser (it buffers the whole body first): the parser reads at
most the limit + 1 bytes and hands the raw bytes on; webhook_receive parses them with pydantic.
"""

from __future__ import annotations

import ipaddress
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.parsers import BaseParser
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

import gong.openapi  # noqa: F401  (registers the authentication schemes with drf-spectacular)
from core.api import JsonOnly, PayloadTooLarge, ServiceUnavailable, api_exception_handler
from core.metrics import WEBHOOK_LATENCY, WEBHOOKS
from gong.auth import (
    GongHMACAuthentication,
    GongJWTAuthentication,
    GongURLKeyAuthentication,
    WebhookAuthenticated,
    webhook_auth_config,
    webhook_raw_body,
)
from gong.services.webhooks import WebhookPayloadError, webhook_receive

NOT_CONFIGURED = (
    "Webhook authentication is not configured: set GONG_WEBHOOK_PUBLIC_KEY, GONG_WEBHOOK_URL_KEY "
    "or GONG_WEBHOOK_HMAC_SECRET"
)


@dataclass(frozen=True)
class RawBody:
    raw: bytes


class GongWebhookParser(BaseParser):
    """Any media type; at most GONG_WEBHOOK_MAX_BYTES, refused by Content-Length first and by counting otherwise."""

    media_type = "*/*"

    def parse(self, stream, media_type=None, parser_context=None) -> RawBody:
        limit = int(settings.GONG_WEBHOOK_MAX_BYTES)
        request = parser_context["request"]
        declared = request.META.get("CONTENT_LENGTH") or ""
        if declared.strip().isdigit() and int(declared) > limit:
            raise PayloadTooLarge(f"Body too large: the limit is {limit} bytes")
        body = stream.read(limit + 1)
        if len(body) > limit:
            raise PayloadTooLarge(f"Body too large: the limit is {limit} bytes")
        return RawBody(body)


class WebhookRequest(Request):
    def _load_stream(self) -> None:
        # Django's stream is capped at Content-Length, so a chunked delivery (no Content-Length) would read as
        # empty: read the server's input stream instead — the parser still stops at the limit + 1 bytes.
        meta = self._request.META
        chunked = "chunked" in meta.get("HTTP_TRANSFER_ENCODING", "").lower()
        if chunked and not (meta.get("CONTENT_LENGTH") or "").strip():
            self._stream = meta["wsgi.input"]
        else:
            super()._load_stream()


class GongCallPayload(serializers.Serializer):
    """For the schema only: webhook_receive validates the raw body with pydantic (gong/schemas.py)."""

    callData = serializers.DictField(help_text="The call as /v2/calls/extensive returns it (metaData, parties…)")
    isTest = serializers.BooleanField(required=False)


class WebhookAccepted(serializers.Serializer):
    status = serializers.ChoiceField(choices=["accepted", "duplicate"])
    call_id = serializers.CharField()


class ApiError(serializers.Serializer):
    error = serializers.CharField()


def _ip_or_none(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None  # e.g. a unix socket peer: nothing the inet column could hold


class GongWebhookView(APIView):
    """Receive one Gong "Fire webhook" delivery (callData + isTest); counted and timed for /metrics."""

    http_method_names = ["post"]
    authentication_classes = [GongJWTAuthentication, GongURLKeyAuthentication, GongHMACAuthentication]
    permission_classes = [WebhookAuthenticated]
    parser_classes = [GongWebhookParser]
    renderer_classes = [JSONRenderer]
    content_negotiation_class = JsonOnly
    throttle_classes: list = []

    def get_exception_handler(self):
        return api_exception_handler

    def initialize_request(self, request, *args, **kwargs) -> WebhookRequest:
        return WebhookRequest(
            request,
            parsers=self.get_parsers(),
            authenticators=self.get_authenticators(),
            negotiator=self.get_content_negotiator(),
            parser_context=self.get_parser_context(request),
        )

    def dispatch(self, request, *args, **kwargs):
        started = time.perf_counter()
        response = super().dispatch(request, *args, **kwargs)
        WEBHOOK_LATENCY.observe(time.perf_counter() - started)
        result = response.data.get("status") if response.status_code == 202 else response.status_code
        WEBHOOKS.labels(result=str(result)).inc()
        return response

    def initial(self, request: Request, *args, **kwargs) -> None:
        if request.method != "POST":
            raise exceptions.MethodNotAllowed(request.method, detail="Method not allowed: use POST")
        try:
            config = webhook_auth_config()
        except ImproperlyConfigured as exc:  # e.g. a key pasted incompletely: say so, not a bare 500
            raise ServiceUnavailable(f"Webhook authentication is misconfigured: {exc}") from exc
        if not config.enabled:
            raise ServiceUnavailable(NOT_CONFIGURED)
        request.data  # noqa: B018  the parser's size limit (413) comes before authentication
        super().initial(request, *args, **kwargs)

    @extend_schema(
        operation_id="gong_webhook",
        summary="Receive a Gong call webhook",
        description=(
            "Gong's automation rule action *Fire webhook*. Authenticate with a Signed JWT header (RS256, "
            "`body_sha256` and `webhook_url` claims), the `?key=` URL key, or `X-Gong-Signature: sha256=<hex "
            "HMAC of the raw body>`. Answers 202 in milliseconds; the call is fetched and analysed later."
        ),
        request={"application/json": GongCallPayload},
        responses={
            202: WebhookAccepted,
            400: OpenApiResponse(ApiError, description="Not JSON, or not a Gong call payload"),
            401: OpenApiResponse(ApiError, description="Missing or failed authentication"),
            405: OpenApiResponse(ApiError, description="Not POST"),
            413: OpenApiResponse(ApiError, description="Body over GONG_WEBHOOK_MAX_BYTES"),
            503: OpenApiResponse(ApiError, description="No authentication method configured"),
        },
        examples=[
            OpenApiExample(
                "accepted",
                value={"status": "accepted", "call_id": "5599332235511222779"},
                response_only=True,
                status_codes=["202"],
            )
        ],
        tags=["webhooks"],
    )
    def post(self, request: Request) -> Response:
        try:
            receipt = webhook_receive(
                body=webhook_raw_body(request),
                auth_method=request.auth,
                remote_addr=_ip_or_none(request.META.get("REMOTE_ADDR", "")),
                trace_id=request.META.get("HTTP_X_TRACEID", ""),
            )
        except WebhookPayloadError as exc:
            raise exceptions.ParseError(exc.message) from exc
        return Response({"status": receipt.status.value, "call_id": receipt.call_id}, status=202)


gong_webhook = GongWebhookView.as_view()
