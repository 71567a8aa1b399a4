"""Who may see what — decided here, once, for the admin, the API, exports and the MCP tools.

Roles are Django groups (created by coaching migration 0003):
- rep: their own calls (as host or internal participant), and only their own sessions and scores;
- manager: their reports' (recursively, through gong_user.manager) plus their own;
- coaching ops: everything, and they edit the knowledge base;
- staff (sales leadership, revops): everything, read-only (no score overrides, no pipeline retries);
- superusers: everything.
A logged-in user in no group is treated as a rep (least privilege). A Django user is linked to a Gong user
(gong_user.django_user), matched by email when not linked yet; the link is editable in the admin.
Private Gong calls (isPrivate) are visible only to their host and to the all-seeing roles.
Anything not visible is indistinguishable from missing: callers raise core.errors.NotFound for both.

Overriding a score (manager review) is allowed to a manager of that rep (not on their own calls), to
coaching ops and superusers — never to staff, who read everything and change nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from django.db.models import Exists, OuterRef, Q

from gong.models import Affiliation, CallParticipant
from gong.selectors import user_for_django_user, user_reports

GROUP_REP = "rep"
GROUP_MANAGER = "manager"
GROUP_OPS = "coaching ops"
GROUP_STAFF = "staff"
ALL_SEEING_GROUPS = {GROUP_OPS, GROUP_STAFF}

Scope = Literal["all", "team", "self", "none"]
Role = Literal["superuser", "ops", "staff", "manager", "rep", "anonymous"]

_REQUEST_CACHE_ATTR = "_coaching_viewer"


@dataclass(frozen=True)
class Viewer:
    """The resolved visibility of one Django user (cheap to pass around; resolve once per request)."""

    user_id: int | None
    username: str
    gong_user_id: str | None
    scope: Scope
    rep_ids: frozenset[str]  # the Gong users whose data is visible (self included); unused when scope == "all"
    role: Role = "anonymous"
    report_ids: frozenset[str] = frozenset()  # a manager's reports at any depth (self excluded)
    can_edit_kb: bool = False

    @property
    def sees_all(self) -> bool:
        return self.scope == "all"

    @property
    def is_authenticated(self) -> bool:
        return self.user_id is not None

    def may_see_rep(self, gong_user_id: str | None) -> bool:
        return self.sees_all or (gong_user_id is not None and gong_user_id in self.rep_ids)

    def may_review_rep(self, gong_user_id: str | None) -> bool:
        """May this viewer override the scores of that rep? (Never a rep on their own scores; never staff.)"""
        if self.role in {"superuser", "ops"}:
            return True
        return self.role == "manager" and gong_user_id is not None and gong_user_id in self.report_ids


ANONYMOUS = Viewer(user_id=None, username="", gong_user_id=None, scope="none", rep_ids=frozenset())


def _role(user, groups: set[str]) -> Role:
    if user.is_superuser:
        return "superuser"
    if GROUP_OPS in groups:
        return "ops"
    if GROUP_STAFF in groups:
        return "staff"
    if GROUP_MANAGER in groups:
        return "manager"
    return "rep"


def viewer_for_user(user) -> Viewer:
    """Resolve a Django user (or AnonymousUser / None) to a Viewer: a handful of queries, no caching."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return ANONYMOUS
    groups = set(user.groups.values_list("name", flat=True))
    role = _role(user, groups)
    can_edit_kb = user.is_superuser or user.has_perm("knowledgebase.edit_knowledgebase")
    gong_user = user_for_django_user(user=user)
    gong_id = gong_user.pk if gong_user else None
    base = {
        "user_id": user.pk,
        "username": user.get_username(),
        "gong_user_id": gong_id,
        "role": role,
        "can_edit_kb": can_edit_kb,
    }
    if role in {"superuser", "ops", "staff"}:
        return Viewer(scope="all", rep_ids=frozenset(), **base)
    if gong_id is None:
        return Viewer(scope="none", rep_ids=frozenset(), **base)
    if role == "manager":
        reports = frozenset(user_reports(manager_id=gong_id, recursive=True))
        return Viewer(scope="team", rep_ids=frozenset({gong_id, *reports}), report_ids=reports, **base)
    return Viewer(scope="self", rep_ids=frozenset({gong_id}), **base)


def viewer_for_request(request) -> Viewer:
    """The request user's Viewer, resolved once per request."""
    viewer = getattr(request, _REQUEST_CACHE_ATTR, None)
    if viewer is None:
        viewer = viewer_for_user(getattr(request, "user", None))
        setattr(request, _REQUEST_CACHE_ATTR, viewer)
    return viewer


def _nothing() -> Q:
    return Q(pk__in=[])


def calls_visible_q(viewer: Viewer, *, prefix: str = "") -> Q:
    """A filter for gong.Call querysets (or, with `prefix="call__"`, for rows pointing at a call).

    Visible: the viewer's own calls (host), and — unless the call is private — calls hosted by, or with an
    internal participant who is, one of the viewer's visible reps.
    """
    if viewer.sees_all:
        return Q()
    if not viewer.rep_ids:
        return _nothing()
    participated = Exists(
        CallParticipant.objects.filter(
            call_id=OuterRef(f"{prefix}pk" if prefix == "" else f"{prefix}id"),
            affiliation=Affiliation.INTERNAL,
            user_id__in=viewer.rep_ids,
        )
    )
    own = Q(**{f"{prefix}primary_user_id": viewer.gong_user_id}) if viewer.gong_user_id else _nothing()
    team = Q(**{f"{prefix}primary_user_id__in": viewer.rep_ids}) | Q(participated)
    return own | (team & Q(**{f"{prefix}is_private": False}))


def sessions_visible_q(viewer: Viewer, *, prefix: str = "") -> Q:
    """A filter for CoachingSession querysets (or, with `prefix="session__"`, DimensionScore querysets):
    only the visible reps' own results, and on private calls only the host's."""
    if viewer.sees_all:
        return Q()
    if not viewer.rep_ids:
        return _nothing()
    public_or_hosted = Q(**{f"{prefix}call__is_private": False})
    if viewer.gong_user_id:
        public_or_hosted |= Q(**{f"{prefix}call__primary_user_id": viewer.gong_user_id})
    return Q(**{f"{prefix}rep_id__in": viewer.rep_ids}) & public_or_hosted


def scores_visible_q(viewer: Viewer) -> Q:
    """A filter for DimensionScore querysets (the session's visibility, through its denormalized rep)."""
    if viewer.sees_all:
        return Q()
    if not viewer.rep_ids:
        return _nothing()
    return Q(rep_id__in=viewer.rep_ids) & sessions_visible_q(viewer, prefix="session__")


def reps_visible_q(viewer: Viewer) -> Q:
    """A filter for gong.GongUser querysets."""
    if viewer.sees_all:
        return Q()
    if not viewer.rep_ids:
        return _nothing()
    return Q(pk__in=viewer.rep_ids)


def weekly_reviews_visible_q(viewer: Viewer) -> Q:
    """A filter for WeeklyReview querysets: a rep review is the rep's, a team review its manager's."""
    if viewer.sees_all:
        return Q()
    if not viewer.rep_ids:
        return _nothing()
    return Q(subject_id__in=viewer.rep_ids)
