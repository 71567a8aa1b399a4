"""A small coaching world for the MCP tests: a manager with two reps, an outsider, ops and staff logins,
calls with transcripts, and analyses stored through the real seam (coaching.services.sessions_store_from_run).

Ada (AE) has six weekly discovery/demo calls — discovery improving, objection handling weak, one product error
about SSO pricing — plus one private call. Ben (SE) joins one of Ada's calls. Zed reports to another manager.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth.models import Group, Permission, User
from django.utils import timezone

from analysis.models import AnalysisRun, RunStatus
from analysis.schemas import CallAnalysisResult, DimensionResult, Evidence, Moment, ProductError, SpeakerResult
from coaching.services import sessions_store_from_run
from gong.models import Affiliation, Call, CallStatus, RepRole
from knowledgebase.models import Document
from knowledgebase.services import kb_seed
from tests.factories.gong import CallFactory, CallParticipantFactory, GongUserFactory, TranscriptFactory

DIMENSIONS = ("product_knowledge", "discovery", "objection_handling", "engagement")
CUSTOMER_SPEAKER = "5200000000000000099"
# Criterion keys of the shipped rubrics (knowledgebase/defaults): met when a score is 4+, missed when 2 or less.
MISSABLE = {
    "product_knowledge": ["relevance", "accuracy"],
    "discovery": ["current_state_and_pain", "impact_and_metrics"],
    "objection_handling": ["listen", "explore"],
    "engagement": ["next_steps", "talk_listen_balance"],
}


@dataclass
class World:
    users: dict[str, User] = field(default_factory=dict)
    gong: dict = field(default_factory=dict)
    calls: dict[str, list[str]] = field(default_factory=dict)
    private_call: str = ""
    shared_call: str = ""
    unanalysed_call: str = ""
    documents: dict[str, int] = field(default_factory=dict)


def _login(username: str, email: str, *, groups: tuple[str, ...] = (), superuser: bool = False) -> User:
    user = User.objects.create_user(username, email, "pw", is_superuser=superuser, is_staff=superuser)
    for name in groups:
        group, _ = Group.objects.get_or_create(name=name)
        if name == "coaching ops":
            group.permissions.add(Permission.objects.get(codename="edit_knowledgebase"))
        user.groups.add(group)
    return user


def _lines(rep_speaker: str, index: int, *, pricing: bool) -> list[tuple[str, str, str]]:
    lines = [
        (rep_speaker, "Internal", f"Thanks for joining call number {index}. What made you look at analytics now?"),
        (CUSTOMER_SPEAKER, "External", "Our managers cannot listen to every call and we lose deals we should win."),
        (rep_speaker, "Internal", "How do you coach your forty reps today? What does a bad quarter cost you?"),
        (CUSTOMER_SPEAKER, "External", "Coaching is ad hoc, mostly in pipeline reviews, and ramp takes six months."),
        (rep_speaker, "Internal", "Beacon scores every call against your rubric within minutes."),
    ]
    if pricing:
        lines += [
            (CUSTOMER_SPEAKER, "External", "Honestly the pricing looks expensive compared to what we pay now."),
            (rep_speaker, "Internal", "SSO is included free in the Starter plan, so the price is fair."),
        ]
    return lines


def _speaker(rep, speaker_id: str, call_id: str, scores: dict[str, int | None], quote: str, **extra) -> SpeakerResult:
    dims = [
        DimensionResult(
            dimension=dim,
            score=score,
            rationale=f"{dim.replace('_', ' ').title()} rated {score} on call {call_id}.",
            evidence=[Evidence(quote=quote, speaker_id=speaker_id, speaker_name=rep.name, start_ms=8400, turn_index=2)]
            if score is not None
            else [],
            criteria_met=MISSABLE[dim][:1] if (score or 0) >= 4 else [],
            criteria_missed=MISSABLE[dim][1:] if (score or 5) <= 2 else [],
        )
        for dim, score in scores.items()
    ]
    known = [s for s in scores.values() if s is not None]
    return SpeakerResult(
        speaker_id=speaker_id,
        name=rep.name,
        email=rep.email,
        user_id=rep.pk,
        role=rep.role,
        overall_score=round(sum(known) / len(known), 2) if known else None,
        summary=f"{rep.first_name} ran a structured call.",
        strengths=["Asked open questions about coaching", "Clear agenda"],
        improvements=["Explore the pricing objection before answering", "Quantify the cost of slow ramp"],
        key_moments=[
            Moment(start_ms=8400, speaker_id=speaker_id, title="Pain question", why="Opened up", kind="strength")
        ],
        interaction_stats={"talk_ratio": 0.71, "longest_monologue_s": 95.0, "question_count": 4, "patience_s": 0.8},
        dimensions=dims,
        **extra,
    )


def analysis_store(call, speakers: list[SpeakerResult], *, analyzer: str = "offline") -> int:
    result = CallAnalysisResult(
        call_id=call.pk, analyzer=analyzer, model="offline-v1", prompt_version="test", speakers=speakers
    )
    run = AnalysisRun.objects.create(
        call=call,
        cache_key=f"test-{call.pk}-{len(speakers)}",
        transcript_sha256="0" * 64,
        knowledge_hash="0" * 64,
        prompt_version="test",
        model="offline-v1",
        analyzer=analyzer,
        status=RunStatus.SUCCEEDED,
        result=result.model_dump(mode="json"),
        finished_at=timezone.now(),
    )
    sessions_store_from_run(run_id=run.pk)
    Call.objects.filter(pk=call.pk).update(status=CallStatus.ANALYZED, analyzed_at=timezone.now())
    return run.pk


def _call(host, *, started, title, call_type="discovery", account="Acme Corp", private=False, others=()):
    call = CallFactory(
        primary_user=host, started=started, title=title, call_type=call_type, account_name=account, is_private=private
    )
    speakers = {}
    for person in (host, *others):
        part = CallParticipantFactory(call=call, user=person, affiliation=Affiliation.INTERNAL)
        speakers[person.pk] = part.speaker_id
    CallParticipantFactory(call=call, external=True, speaker_id=CUSTOMER_SPEAKER, name="Pat Buyer")
    return call, speakers


def _documents(world: World) -> None:
    kb_seed(demo=True)  # the shipped rubrics and the demo product documents, published
    world.documents = dict(Document.objects.values_list("key", "pk"))


def world_build() -> World:
    world = World()
    mia = GongUserFactory(first_name="Mia", last_name="Manager", role=RepRole.MANAGER, title="Sales Manager")
    ada = GongUserFactory(first_name="Ada", last_name="Lovelace", manager=mia)
    ben = GongUserFactory(first_name="Ben", last_name="Sengineer", manager=mia, role=RepRole.SE, title="SE")
    olaf = GongUserFactory(first_name="Olaf", last_name="Other", role=RepRole.MANAGER)
    zed = GongUserFactory(first_name="Zed", last_name="Outsider", manager=olaf)
    world.gong = {"mia": mia, "ada": ada, "ben": ben, "zed": zed}
    for name, gong_user, groups in [("ada", ada, ("rep",)), ("ben", ben, ("rep",)), ("mia", mia, ("manager",))]:
        world.users[name] = _login(name, gong_user.email, groups=groups)
        gong_user.django_user = world.users[name]
        gong_user.save(update_fields=["django_user"])
    world.users["zed"] = _login("zed", zed.email, groups=("rep",))
    zed.django_user = world.users["zed"]
    zed.save(update_fields=["django_user"])
    world.users["ops"] = _login("ops", "ops@lumina-labs.example", groups=("coaching ops",))
    world.users["boss"] = _login("boss", "boss@lumina-labs.example", superuser=True)
    _documents(world)

    now = timezone.now()
    world.calls = {"ada": [], "ben": [], "zed": []}
    for week in range(6):
        # At least a day before the fresh call below, so "since the fresh call's day" never includes it, whatever
        # the hour the suite runs at.
        started = now - dt.timedelta(weeks=5 - week, days=1, hours=6)
        others = (ben,) if week == 4 else ()
        call, speakers = _call(ada, started=started, title=f"Acme discovery {week}", others=others)
        TranscriptFactory(call=call, lines=_lines(speakers[ada.pk], week, pricing=week >= 3))
        scores = {"product_knowledge": 3, "discovery": 2 + week // 2, "objection_handling": 2, "engagement": 3}
        errors = (
            [ProductError(said="SSO is included free in the Starter plan", correct="SSO is Enterprise only",
                          doc_key="pricing-and-packaging", start_ms=25000)]
            if week >= 3 else []
        )  # fmt: skip
        speaker_results = [
            _speaker(ada, speakers[ada.pk], call.pk, scores, "How do you coach your forty reps today?",
                     product_errors=errors)
        ]  # fmt: skip
        if others:
            world.shared_call = call.pk
            ben_scores = {"product_knowledge": 5, "discovery": 4, "objection_handling": 5, "engagement": 4}
            speaker_results.append(_speaker(ben, speakers[ben.pk], call.pk, ben_scores, "Beacon scores every call"))
        analysis_store(call, speaker_results)
        world.calls["ada"].append(call.pk)

    private, speakers = _call(ada, started=now - dt.timedelta(days=2), title="Private pricing chat", private=True)
    TranscriptFactory(call=private, lines=_lines(speakers[ada.pk], 9, pricing=True))
    analysis_store(private, [_speaker(ada, speakers[ada.pk], private.pk, dict.fromkeys(DIMENSIONS, 3), "Thanks")])
    world.private_call = private.pk

    for index in range(3):
        call, speakers = _call(ben, started=now - dt.timedelta(days=10 + index), title=f"Globex demo {index}",
                               call_type="demo", account="Globex")  # fmt: skip
        TranscriptFactory(call=call, lines=_lines(speakers[ben.pk], 20 + index, pricing=False))
        analysis_store(call, [_speaker(ben, speakers[ben.pk], call.pk, dict.fromkeys(DIMENSIONS, 5), "Beacon")])
        world.calls["ben"].append(call.pk)

    for index in range(3):
        call, speakers = _call(zed, started=now - dt.timedelta(days=3 + index), title=f"Initech renewal {index}",
                               call_type="renewal", account="Initech")  # fmt: skip
        TranscriptFactory(call=call, lines=_lines(speakers[zed.pk], 30 + index, pricing=True))
        analysis_store(call, [_speaker(zed, speakers[zed.pk], call.pk, dict.fromkeys(DIMENSIONS, 4), "Thanks")])
        world.calls["zed"].append(call.pk)

    fresh, speakers = _call(ada, started=now - dt.timedelta(hours=5), title="Acme follow-up, not analysed yet")
    TranscriptFactory(call=fresh, lines=_lines(speakers[ada.pk], 40, pricing=True))
    world.unanalysed_call = fresh.pk
    world.gong["fresh_day"] = timezone.localdate(fresh.started)
    return world
