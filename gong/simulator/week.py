"""One simulated call at a time: who is on it, when, its Gong record, its transcript and its gold labels."""

from __future__ import annotations

import random
import string
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from gong.simulator.people import DIMENSIONS, Seat, contacts_build, drift_offset, gong_id
from gong.simulator.product import ACCOUNTS
from gong.simulator.script import CallScript, Rep, internal_meeting
from gong.simulator.sections import call_content, call_interaction, crm_context
from gong.simulator.transcript import Speaker, Transcript

TENANT_HOST = "https://us-48213.app.gong.io"
MINUTES = {
    "discovery": (20, 45), "demo": (30, 60), "technical_deep_dive": (45, 90), "negotiation": (20, 45),
    "renewal": (20, 40), "qbr": (30, 60),
}  # fmt: skip
LONG_CALL_S = 54_000  # ~15 h of speech (a two-day workshop recording) → > 640K chars (> 160K tokens at 4 chars/token)
PURPOSE = {
    "discovery": "Discovery Call", "demo": "Demo Call", "technical_deep_dive": "Technical Deep Dive",
    "negotiation": "Negotiation", "renewal": "Renewal", "qbr": "Quarterly Business Review", "workshop": "Workshop",
}  # fmt: skip
TITLE = {
    "discovery": "{account} <> Lumina Labs: discovery call", "demo": "Beacon demo for {account}",
    "technical_deep_dive": "{account} technical deep dive", "negotiation": "{account}: commercial terms",
    "renewal": "{account} renewal discussion", "qbr": "{account} quarterly business review",
    "workshop": "{account} two-day implementation workshop (recording)",
}  # fmt: skip
OBJECTION_CHANCE = {"negotiation": 1.0, "renewal": 1.0}
SE_OF_MANAGER = {"mgr_west": "se1", "mgr_east": "se2"}
LEVEL_JITTER = (-1, 0, 0, 0, 0, 1)


@dataclass
class Built:
    record: dict[str, Any]
    transcript: dict[str, Any]
    gold: dict[str, dict[str, Any]] | None


def _iso(moment: datetime, *, fraction: bool) -> str:
    return moment.isoformat(timespec="microseconds" if fraction else "seconds")


class WeekBuilder:
    def __init__(
        self,
        rng: random.Random,
        *,
        seed: int,
        week_start: date,
        users: list[dict],
        ids: dict[str, str],
        seats: dict[str, Seat],
        workspace_id: str,
        weeks_before: int = 0,
    ):
        self.rng, self.seed, self.week_start, self.workspace_id = rng, seed, week_start, workspace_id
        self.weeks_before = weeks_before  # > 0: an earlier week of a history, where DRIFT applies
        self.users = {user["id"]: user for user in users}
        self.ids, self.seats = ids, seats
        self.busy: set[tuple[str, int, int]] = set()

    # -- people -----------------------------------------------------------------------------------------------
    def _user(self, key: str) -> dict:
        return self.users[self.ids[key]]

    def _levels(self, seat: Seat) -> dict[str, int | None]:
        return {
            dim: max(1, min(5, seat.profile[dim] + drift_offset(seat.key, dim, self.weeks_before)
                            + self.rng.choice(LEVEL_JITTER)))
            for dim in DIMENSIONS
        }  # fmt: skip

    def _internal_party(self, key: str, *, host: bool, speaks: bool = True) -> dict:
        user = self._user(key)
        party = {
            "id": gong_id(self.rng),
            "emailAddress": user["emailAddress"],
            "name": f"{user['firstName']} {user['lastName']}",
            "title": user["title"],
            "userId": user["id"],
            "speakerId": gong_id(self.rng, 19) if speaks else None,
            "context": [],
            "affiliation": "Internal",
            "methods": ["Invitee", "Attendee"] if host else ["Attendee"],
            "phoneNumber": None,
        }
        return party if speaks else {key: value for key, value in party.items() if key != "speakerId"}

    def _external_party(self, person: dict, account: str, *, speaks: bool) -> dict:
        party = {
            "id": gong_id(self.rng),
            "emailAddress": person["email"],
            "name": person["name"],
            "title": person["title"],
            "affiliation": "External",
            "methods": ["Invitee", "Attendee"],
            "phoneNumber": None,
            "context": [
                {
                    "system": "Salesforce",
                    "objects": [
                        {
                            "objectType": "Contact",
                            "objectId": person["contact_id"],
                            "fields": [{"name": "Account_Name__c", "value": account}],
                        }
                    ],
                }
            ],
        }
        if speaks:
            party["speakerId"] = gong_id(self.rng, 19)
        return party

    # -- scheduling -------------------------------------------------------------------------------------------
    def _slot(self, seat: Seat, user_id: str, minutes: int) -> tuple[datetime, datetime]:
        offset = timezone(timedelta(hours=int(seat.timezone[:3]), minutes=int(seat.timezone[4:])))
        for _ in range(20):
            day, hour = self.rng.randrange(5), self.rng.randint(8, 16)
            if (user_id, day, hour) not in self.busy:
                break
        self.busy.update((user_id, day, hour + h) for h in range(max(1, minutes // 60 + 1)))
        scheduled = datetime.combine(self.week_start + timedelta(days=day), time(hour, self.rng.choice((0, 30))))
        scheduled = scheduled.replace(tzinfo=offset)
        started = scheduled + timedelta(seconds=self.rng.randint(5, 240), microseconds=self.rng.randint(1, 999_999))
        return scheduled, started

    # -- calls ------------------------------------------------------------------------------------------------
    def _choose(self) -> tuple[str, str, str | None]:
        rng = self.rng
        lead = rng.choices(["ae1", "ae2", "ae3", "ae4", "ae5", "csm1", "csm2"], weights=[5, 5, 5, 5, 5, 4, 4])[0]
        if lead.startswith("csm"):
            return lead, rng.choice(("renewal", "qbr")), None
        kind = rng.choices(["discovery", "demo", "technical_deep_dive", "negotiation"], weights=[3, 3, 2, 2])[0]
        with_se = kind == "technical_deep_dive" or (kind == "demo" and rng.random() < 0.5)
        return lead, kind, SE_OF_MANAGER[self.seats[self.ids[lead]].manager] if with_se else None

    def external_call(self, *, long: bool = False) -> Built:
        rng = self.rng
        lead_key, kind, se_key = ("ae5", "workshop", "se1") if long else self._choose()
        account = rng.choice(ACCOUNTS)
        contacts = contacts_build(random.Random(f"{self.seed}:account:{account}"), account)
        attendees = rng.sample(contacts, rng.randint(1, 3))
        silent = len(attendees) == 3 and rng.random() < 0.3
        parties = [self._internal_party(lead_key, host=True)]
        parties += [self._internal_party(se_key, host=False)] if se_key else []
        if rng.random() < 0.1:
            parties.append(self._internal_party(self.seats[self.ids[lead_key]].manager, host=False, speaks=False))
        parties += [self._external_party(p, account, speaks=not (silent and i == 2)) for i, p in enumerate(attendees)]
        lead_seat, se_seat = self.seats[self.ids[lead_key]], self.seats[self.ids[se_key]] if se_key else None
        lead = Rep(Speaker(parties[0]["speakerId"], True), self.ids[lead_key], self._levels(lead_seat))
        se = Rep(Speaker(parties[1]["speakerId"], True), self.ids[se_key], self._levels(se_seat)) if se_seat else None
        self._applicability(kind, lead, se)
        customers = [
            Speaker(p["speakerId"], False) for p in parties if p["affiliation"] == "External" and "speakerId" in p
        ]
        low, high = MINUTES.get(kind, (5, 12)) if rng.random() > 0.12 or long else (5, 12)
        target_s = LONG_CALL_S if long else max(300, rng.randint(low, high) * 60 + rng.randint(-60, 60))
        script = CallScript(rng, kind=kind, lead=lead, se=se, customers=customers)
        transcript = script.build(target_s=target_s)
        record = self._record(kind, account, lead_key, parties, transcript, target_s)
        gold = {
            rep.speaker.speaker_id: {"user_id": rep.user_id, "levels": rep.levels, "wrong_statements": rep.wrong}
            for rep in ([lead] + ([se] if se else []))
        }
        return Built(record, {"callId": record["metaData"]["id"], "transcript": transcript.monologues}, gold)

    def _applicability(self, kind: str, lead: Rep, se: Rep | None) -> None:
        if kind == "negotiation":
            lead.levels["discovery"] = None
        if self.rng.random() >= OBJECTION_CHANCE.get(kind, 0.6):
            lead.levels["objection_handling"] = None
        if se is not None:
            lead.levels["product_knowledge"] = None
            se.levels["discovery"] = se.levels["objection_handling"] = None

    def internal_call(self) -> Built:
        rng = self.rng
        manager_key = rng.choice(("mgr_west", "mgr_east"))
        rep_keys = [seat.key for seat in self.seats.values() if seat.manager == manager_key and seat.active]
        rep_keys = rng.sample(rep_keys, min(len(rep_keys), rng.randint(2, 3)))
        parties = [self._internal_party(manager_key, host=True)]
        parties += [self._internal_party(key, host=False) for key in rep_keys]
        speakers = [Speaker(party["speakerId"], True) for party in parties]
        target_s = rng.randint(20, 40) * 60
        transcript = internal_meeting(rng, manager=speakers[0], reps=speakers[1:], target_s=target_s)
        team = "West" if manager_key == "mgr_west" else "East"
        record = self._record("internal", f"{team} team", manager_key, parties, transcript, target_s)
        return Built(record, {"callId": record["metaData"]["id"], "transcript": transcript.monologues}, None)

    def _record(
        self, kind: str, account: str, host_key: str, parties: list[dict], transcript: Transcript, target_s: int
    ) -> dict:
        rng = self.rng
        host = self._user(host_key)
        duration = transcript.clock // 1000 + rng.randint(3, 25)
        scheduled, started = self._slot(self.seats[host["id"]], host["id"], duration // 60)
        call_id = gong_id(rng, 19)
        phone = kind == "discovery" and rng.random() < 0.15
        internal = kind == "internal"
        meta = {
            "id": call_id,
            "url": f"{TENANT_HOST}/call?id={call_id}",
            "title": f"{account} pipeline review" if internal else TITLE[kind].format(account=account),
            "scheduled": _iso(scheduled, fraction=False),
            "started": _iso(started, fraction=True),
            "duration": duration,
            "primaryUserId": host["id"],
            "direction": "Outbound" if phone else "Conference",
            "system": "Aircall" if phone else rng.choice(("Zoom", "Zoom", "Zoom", "Google Meet")),
            "scope": "Internal" if internal else "External",
            "media": "Audio" if phone else "Video",
            "language": "eng",
            "workspaceId": self.workspace_id,
            "sdrDisposition": None,
            "clientUniqueId": "".join(rng.choices(string.ascii_uppercase + string.digits, k=19)),
            "customData": None,
            "purpose": "Internal Meeting" if internal else PURPOSE[kind],
            "meetingUrl": None if phone else f"https://zoom.us/j/{rng.randint(10**9, 10**10 - 1)}",
            "isPrivate": False,
            "calendarEventId": None if phone else f"{gong_id(rng)}@google.com",
        }
        speakers = {
            p["speakerId"]: Speaker(p["speakerId"], p["affiliation"] == "Internal") for p in parties if "speakerId" in p
        }
        return {
            "metaData": meta,
            "context": [] if internal else crm_context(seed=self.seed, kind=kind, account=account, scheduled=scheduled),
            "parties": parties,
            "content": call_content(transcript),
            "interaction": call_interaction(parties, transcript, speakers),
        }
