"""Reject a request whose URL carries a NUL character (`%00`) with a 400 before any view runs.

PostgreSQL cannot store or compare NUL in text, so a NUL in a search filter, an admin object id or a rep id
would reach the database as a DataError — a 500. No legitimate URL of ours contains one. Form posts to the admin
are checked too (a NUL in an override note would fail the same way); other bodies (webhooks, JSON) are each
view's own business and are never read here.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse

MESSAGE = "The request contains a NUL character (%00), which no URL or form field here may hold."
_FORMS = {"application/x-www-form-urlencoded", "multipart/form-data"}


def _has_nul(request: HttpRequest) -> bool:
    query = request.META.get("QUERY_STRING", "")
    if "\x00" in request.path_info or "%00" in query or "\x00" in query:
        return True
    if request.method == "POST" and request.path_info.startswith("/admin/") and request.content_type in _FORMS:
        # The admin's own forms (parsed here as CsrfViewMiddleware would parse them anyway); uploads are not read.
        return any("\x00" in value for _key, values in request.POST.lists() for value in values)
    return False


class RejectNulMiddleware:
    """400 for a NUL in the path, the query string or an admin form post (JSON outside the admin)."""

    def __init__(self, get_response: Callable) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _has_nul(request):
            if request.path_info.startswith("/admin/"):
                return HttpResponseBadRequest(MESSAGE, content_type="text/plain; charset=utf-8")
            return JsonResponse({"error": MESSAGE}, status=400)
        return self.get_response(request)
