"""factory_boy factories for Gong rows. Calls default to `transcribed` (what analysis and reports start from);
use `CallFactory(pending=True)` for a call that still waits for Gong.

Transcripts: pass `lines=[(speaker_id, party, "sentence. sentence."), ...]` to TranscriptFactory (or build turns
with `transcript_turns`); text, sha256 and token_count are computed from the turns exactly as ingestion does.
"""

from __future__ import annotations

import datetime as dt
import re

import factory
from django.utils import timezone

from gong.models import Affiliation, Call, CallParticipant, CallSource, CallStatus, GongUser, RepRole, Transcript
from gong.services.transcripts import (
    TOKEN_COUNT_METHOD,
    transcript_plain_text,
    transcript_sha256,
    transcript_token_estimate,
)

INTERNAL_SPEAKER = "5100000000000000001"
EXTERNAL_SPEAKER = "5200000000000000001"

DEFAULT_LINES: list[tuple[str, str, str]] = [
    (INTERNAL_SPEAKER, "Internal", "Thanks for joining. What made you look at call analytics this quarter?"),
    (EXTERNAL_SPEAKER, "External", "Our managers cannot listen to every call. We lose deals we should win."),
    (INTERNAL_SPEAKER, "Internal", "How many reps do you have today? And how do you coach them now?"),
    (EXTERNAL_SPEAKER, "External", "About forty reps. Coaching is ad hoc, mostly in pipeline reviews."),
]


def transcript_turns(
    lines: list[tuple[str, str, str]], *, start_ms: int = 0, sentence_ms: int = 4_000, pause_ms: int = 600
) -> list[dict]:
    """Normalized turns from (speaker_id, party, text) lines; text is split into sentences at . ? !"""
    turns: list[dict] = []
    clock = start_ms
    for speaker_id, party, text in lines:
        sentences = []
        for sentence in (s.strip() for s in re.split(r"(?<=[.?!])\s+", text)):
            if sentence:
                sentences.append([clock, clock + sentence_ms, sentence])
                clock += sentence_ms + 200
        if turns and turns[-1]["speaker_id"] == speaker_id:
            turns[-1]["sentences"].extend(sentences)
            turns[-1]["end_ms"] = sentences[-1][1]
            turns[-1]["text"] = " ".join(s[2] for s in turns[-1]["sentences"])
        else:
            turns.append(
                {
                    "speaker_id": speaker_id,
                    "party": party,
                    "start_ms": sentences[0][0],
                    "end_ms": sentences[-1][1],
                    "text": " ".join(s[2] for s in sentences),
                    "sentences": sentences,
                }
            )
        clock += pause_ms
    return turns


class GongUserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GongUser
        django_get_or_create = ("id",)

    id = factory.Sequence(lambda n: str(300_000_000_000_000_000 + n))
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda o: f"{o.first_name}.{o.last_name}.{o.id[-4:]}@lumina-labs.example".lower())
    title = "Account Executive"
    role = RepRole.AE
    active = True
    synced_at = factory.LazyFunction(timezone.now)


class CallFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Call
        django_get_or_create = ("id",)

    class Params:
        pending = factory.Trait(status=CallStatus.PENDING, transcribed_at=None, fetched_at=None)

    id = factory.Sequence(lambda n: str(7_000_000_000_000_000_000 + n))
    url = factory.LazyAttribute(lambda o: f"https://app.gong.io/call?id={o.id}")
    title = factory.Sequence(lambda n: f"Discovery call {n}")
    started = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=1))
    scheduled = factory.LazyAttribute(lambda o: o.started)
    duration_s = 1800
    primary_user = factory.SubFactory(GongUserFactory)
    direction = "Conference"
    system = "Zoom"
    scope = "External"
    media = "Video"
    language = "eng"
    call_type = "discovery"
    account_name = factory.Faker("company")
    source = CallSource.WEBHOOK
    status = CallStatus.TRANSCRIBED
    received_at = factory.LazyFunction(timezone.now)
    fetched_at = factory.LazyFunction(timezone.now)
    transcribed_at = factory.LazyFunction(timezone.now)


class CallParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CallParticipant

    class Params:
        external = factory.Trait(affiliation=Affiliation.EXTERNAL, user=None, email="buyer@customer.example")

    call = factory.SubFactory(CallFactory)
    party_id = factory.Sequence(lambda n: str(8_000_000_000_000_000_000 + n))
    speaker_id = factory.Sequence(lambda n: str(5_000_000_000_000_000_000 + n))
    user = factory.SubFactory(GongUserFactory)
    name = factory.LazyAttribute(lambda o: o.user.name if o.user else "Pat Buyer")
    email = factory.LazyAttribute(lambda o: o.user.email if o.user else "")
    title = factory.LazyAttribute(lambda o: o.user.title if o.user else "VP Sales")
    affiliation = Affiliation.INTERNAL
    methods = factory.LazyFunction(lambda: ["Attendee"])


class TranscriptFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Transcript
        django_get_or_create = ("call",)

    class Params:
        lines = DEFAULT_LINES

    call = factory.SubFactory(CallFactory)
    turns = factory.LazyAttribute(lambda o: transcript_turns(o.lines))
    text = factory.LazyAttribute(lambda o: transcript_plain_text(turns=o.turns))
    sha256 = factory.LazyAttribute(lambda o: transcript_sha256(turns=o.turns))
    token_count = factory.LazyAttribute(lambda o: transcript_token_estimate(text=o.text))
    token_count_method = TOKEN_COUNT_METHOD
