"""POST /webhooks/gong/: authenticate, store, answer 202 in milliseconds.

A plain Django view rather than a DRF APIView: DRF's parsers would read the body through `request.body`
(buffering it whole before our size check) and add per-request overhead on the hottest path we have.
"""

from __future__ import annotations

import ipaddress
import json
import time

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from core.metrics import WEBHOOK_LATENCY, WEBHOOKS
from gong.auth import SIGNATURE_HEADER, WebhookAuthError, WebhookCredentials, webhook_auth_config, webhook_verify
from gong.services.webhooks import WebhookPayloadError, webhook_receive

NOT_CONFIGURED = (
    "Webhook authentication is not configured: set GONG_WEBHOOK_PUBLIC_KEY, GONG_WEBHOOK_URL_KEY "
    "or GONG_WEBHOOK_HMAC_SECRET"
)


def _error(status: int, message: str, **headers: str) -> JsonResponse:
    response = JsonResponse({"error": message}, status=status)
    for name, value in headers.items():
        response[name] = value
    return response


class BodyTooLarge(Exception):
    pass


def _read_body(request: HttpRequest, limit: int) -> bytes:
    """At most limit bytes of the raw body, refusing by Content-Length first and by counting otherwise.

    Django's stream is capped at Content-Length, so a chunked request (no Content-Length) would read as empty;
    for those we read the server's input stream directly, again never more than limit + 1 bytes.
    """
    declared = request.META.get("CONTENT_LENGTH") or ""
    if declared.strip().isdigit() and int(declared) > limit:
        raise BodyTooLarge
    chunked = not declared.strip() and "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower()
    stream = request.META["wsgi.input"] if chunked else request
    body = stream.read(limit + 1)
    if len(body) > limit:
        raise BodyTooLarge
    return body


def _ip_or_none(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None  # e.g. a unix socket peer: nothing the inet column could hold


@csrf_exempt
def gong_webhook(request: HttpRequest) -> JsonResponse:
    """Receive one Gong "Fire webhook" delivery (callData + isTest); counted and timed for /metrics."""
    started = time.perf_counter()
    response = _handle(request)
    WEBHOOK_LATENCY.observe(time.perf_counter() - started)
    result = json.loads(response.content).get("status") if response.status_code == 202 else response.status_code
    WEBHOOKS.labels(result=str(result)).inc()
    return response


def _handle(request: HttpRequest) -> JsonResponse:
    if request.method != "POST":
        return _error(405, "Method not allowed: use POST", Allow="POST")
    try:
        config = webhook_auth_config()
    except ImproperlyConfigured as exc:  # e.g. a GONG_WEBHOOK_PUBLIC_KEY pasted incompletely: say so, not a bare 500
        return _error(503, f"Webhook authentication is misconfigured: {exc}")
    if not config.enabled:
        return _error(503, NOT_CONFIGURED)
    limit = int(settings.GONG_WEBHOOK_MAX_BYTES)
    try:
        body = _read_body(request, limit)
    except BodyTooLarge:
        return _error(413, f"Body too large: the limit is {limit} bytes")
    credentials = WebhookCredentials(
        authorization=request.META.get("HTTP_AUTHORIZATION", ""),
        url_key=request.GET.get("key", ""),
        signature=request.META.get("HTTP_" + SIGNATURE_HEADER.upper().replace("-", "_"), ""),
    )
    try:
        method = webhook_verify(body=body, credentials=credentials, config=config)
        receipt = webhook_receive(
            body=body,
            auth_method=method,
            remote_addr=_ip_or_none(request.META.get("REMOTE_ADDR", "")),
            trace_id=request.META.get("HTTP_X_TRACEID", ""),
        )
    except WebhookAuthError as exc:
        return _error(401, str(exc), **{"WWW-Authenticate": "Bearer"})
    except WebhookPayloadError as exc:
        return _error(400, exc.message)
    return JsonResponse({"status": receipt.status.value, "call_id": receipt.call_id}, status=202)
