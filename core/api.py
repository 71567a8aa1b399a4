"""What every DRF endpoint shares: JSON errors as `{"error": "..."}`, and JSON whatever the client accepts."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import exceptions
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.response import Response
from rest_framework.views import set_rollback

from core.errors import ApplicationError
from core.errors import NotFound as ApplicationNotFound


class PayloadTooLarge(exceptions.APIException):
    status_code = 413
    default_detail = "Body too large"
    default_code = "payload_too_large"


class ServiceUnavailable(exceptions.APIException):
    status_code = 503
    default_detail = "Service unavailable"
    default_code = "service_unavailable"


def _message(detail) -> str:
    """One readable line from DRF's detail (a string, a list, or a dict of field errors)."""
    if isinstance(detail, dict):
        return "; ".join(f"{field}: {_message(value)}" for field, value in detail.items())
    if isinstance(detail, list):
        return " ".join(_message(item) for item in detail)
    return str(detail)


def api_exception_handler(exc: Exception, context: dict) -> Response | None:
    """DRF's EXCEPTION_HANDLER: `{"error": "..."}` with the status and headers DRF would use; None (→ 500) for
    anything unexpected."""
    if isinstance(exc, ApplicationNotFound | Http404):
        exc = exceptions.NotFound(str(exc) or "Not found")
    elif isinstance(exc, ApplicationError):
        exc = exceptions.ValidationError(exc.message)
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    if not isinstance(exc, exceptions.APIException):
        return None
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))
    set_rollback()
    return Response({"error": _message(exc.detail)}, status=exc.status_code, headers=headers)


class JsonOnly(BaseContentNegotiation):
    """Answer JSON whatever `Accept` says (a webhook sender or a BI tool should never get 406)."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type
