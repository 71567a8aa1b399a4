"""Reps as a viewer may name them: by Gong user id, email, full or partial name, or "me"."""

from __future__ import annotations

from django.db.models import CharField, Value
from django.db.models.functions import Concat, Lower

from coaching.access import Viewer
from coaching.selectors.common import rep_get_for_viewer, reps_visible
from core.errors import ApplicationError, NotFound
from gong.models import GongUser


def rep_resolve(*, viewer: Viewer, ref: str) -> GongUser:
    """The visible rep named by a Gong user id, an email, a full or partial name, or "me".

    NotFound when no visible rep matches (missing and invisible alike); ApplicationError listing candidates when
    a name is ambiguous.
    """
    ref = (ref or "").strip()
    if ref.lower() in {"me", "myself", "i"}:
        if not viewer.gong_user_id:
            raise NotFound("Your login is not linked to a Gong user; name the rep by email instead.")
        return rep_get_for_viewer(viewer=viewer, rep_id=viewer.gong_user_id)
    if ref.isdigit():
        return rep_get_for_viewer(viewer=viewer, rep_id=ref)
    reps = reps_visible(viewer=viewer)
    if "@" in ref:
        rep = reps.filter(email__iexact=ref).order_by("-active", "id").first()
        if rep is None:
            raise NotFound(f"Rep {ref} not found")
        return rep
    named = reps.annotate(full=Lower(Concat("first_name", Value(" "), "last_name", output_field=CharField()))).filter(
        full__contains=ref.lower()
    )
    matches = list(named.order_by("-active", "last_name", "first_name", "id")[:6])
    exact = [rep for rep in matches if rep.name.lower() == ref.lower()]
    if len(exact) == 1 or len(matches) == 1:
        return (exact or matches)[0]
    if not matches:
        raise NotFound(f"Rep {ref!r} not found")
    names = "; ".join(f"{rep.name} <{rep.email}>" for rep in matches[:5])
    raise ApplicationError(f"{ref!r} matches several reps: {names}. Use an email or Gong user id.")
