"""The two OpenID Connect views (start the sign-in, receive the provider's answer), with endpoints from discovery.

Both answer 404 while SSO is off. A provider that cannot be reached sends the user back to the login page with
a message instead of an error page.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.views.generic import View
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from coaching.sso.discovery import oidc_setting, provider_metadata
from core.errors import ApplicationError

logger = logging.getLogger(__name__)


def _back_to_login(request, message: str) -> HttpResponseRedirect:
    messages.error(request, message)
    return HttpResponseRedirect(reverse("admin:login"))


def _guarded(handle, request):
    """404 while SSO is off; back to the login page with a message when the provider cannot be reached."""
    if not settings.SSO_ENABLED:
        raise Http404
    try:
        return handle(request)
    except ApplicationError as exc:
        logger.warning("sso provider unavailable: %s", exc.message)
        return _back_to_login(request, "Single sign-on is unavailable right now; try again in a minute.")


class SsoAuthenticationRequestView(OIDCAuthenticationRequestView):
    get_settings = staticmethod(oidc_setting)

    def __init__(self, **kwargs):  # the library reads the endpoint here; we read it when the request comes
        View.__init__(self, **kwargs)
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID

    @property
    def OIDC_OP_AUTH_ENDPOINT(self) -> str:
        return provider_metadata()["authorization_endpoint"]

    def get(self, request):
        return _guarded(super().get, request)


class SsoCallbackView(OIDCAuthenticationCallbackView):
    get_settings = staticmethod(oidc_setting)

    @property
    def success_url(self):
        next_url = self.request.session.get("oidc_login_next")
        return next_url or reverse("admin:index")

    def login_failure(self):
        if not getattr(self.request, "sso_refused", None):  # the backend already said why
            messages.error(self.request, "Single sign-on did not complete. Try again, or ask your callcoach admin.")
        return HttpResponseRedirect(reverse("admin:login"))

    def get(self, request):
        return _guarded(super().get, request)
