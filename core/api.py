"""What every DRF endpoint shares: JSON errors as `{"error": "..."}`, JSON whatever the client accepts, and
authentication by the project's own hashed API tokens (`manage.py mcp_token`)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.response import Response
from rest_framework.views import set_rollback

from core.errors import ApplicationError
from core.errors import NotFound as ApplicationNotFound
from core.models import TokenScope
from core.selectors import user_get_active
from core.services import token_authenticate


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


class ApiTokenAuthentication(BaseAuthentication):
    """`Authorization: Bearer cc_…`: a token from `manage.py mcp_token` (scope `read` or `full`), acting as its
    user. Unknown, revoked and inactive-user tokens are refused alike (401)."""

    keyword = "bearer"
    scope = TokenScope.READ

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.encode():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed("Send the token as `Authorization: Bearer <token>`.")
        user_id = token_authenticate(token=parts[1].decode("latin-1"), scope=self.scope)
        if user_id is None:
            raise exceptions.AuthenticationFailed("Invalid, revoked or out-of-scope token.")
        try:
            user = user_get_active(user_id=user_id)
        except ApplicationNotFound as exc:
            raise exceptions.AuthenticationFailed("Invalid, revoked or out-of-scope token.") from exc
        return user, self.scope

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="api"'


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "core.api.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A token from `manage.py mcp_token --user EMAIL --scope read` (or a full-scope one).",
        }
