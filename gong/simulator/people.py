"""Who is on the simulated calls: Lumina Labs' sales org (Gong users) and the customers' people.

Each rep has a *baseline* skill level per coaching dimension; per-call levels are drawn around it, so reps
differ consistently (a strong discoverer, a weak objection handler, a rep who guesses product facts, a
monologuer...). Baselines are part of the corpus (``Corpus.baselines``) but never of the Gong API.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

DIMENSIONS = ("product_knowledge", "discovery", "objection_handling", "engagement")  # = knowledgebase.dimensions
EMAIL_DOMAIN = "lumina-labs.example"

FIRST_NAMES = (
    "Maya", "Tom", "Priya", "Diego", "Hannah", "Kenji", "Olivia", "Marcus", "Sofia", "Liam", "Aisha", "Noah",
    "Elena", "Samuel", "Grace", "Victor", "Chloe", "Rafael", "Ingrid", "Owen", "Leila", "Jonas", "Zara", "Felix",
)  # fmt: skip
LAST_NAMES = (
    "Chen", "Brooks", "Patel", "Alvarez", "Schmidt", "Tanaka", "Reyes", "Okafor", "Rossi", "Murphy", "Haddad",
    "Novak", "Larsen", "Dubois", "Kim", "Moreau", "Fischer", "Silva", "Nguyen", "Walsh", "Kowalski", "Berg",
)  # fmt: skip
CUSTOMER_TITLES = (
    "VP of Product", "Head of Data", "Director of Analytics", "Chief Financial Officer", "IT Security Lead",
    "Procurement Manager", "Product Operations Manager", "Data Engineer", "Head of Customer Success",
    "Chief Technology Officer", "Growth Lead", "Senior Product Manager",
)  # fmt: skip


@dataclass(frozen=True)
class Seat:
    """One position in the org chart; `role` is what the title makes clear."""

    key: str
    role: str  # vp | manager | ae | se | csm
    title: str
    manager: str | None
    timezone: str  # fixed UTC offset used for this user's call times
    profile: dict[str, int] = field(default_factory=dict)
    active: bool = True


def _p(pk: int, disc: int, obj: int, eng: int) -> dict[str, int]:
    return dict(zip(DIMENSIONS, (pk, disc, obj, eng), strict=True))


ORG: tuple[Seat, ...] = (
    Seat("vp", "vp", "Vice President of Sales", None, "-07:00"),
    Seat("mgr_west", "manager", "Sales Manager, West", "vp", "-07:00"),
    Seat("mgr_east", "manager", "Sales Manager, East", "vp", "-04:00"),
    Seat("mgr_cs", "manager", "Customer Success Director", "vp", "-05:00"),
    # Account executives: a strong discoverer, a weak objection handler, a product-fact guesser, a monologuer, ...
    Seat("ae1", "ae", "Senior Account Executive", "mgr_west", "-07:00", _p(4, 5, 4, 4)),
    Seat("ae2", "ae", "Account Executive", "mgr_west", "-07:00", _p(3, 3, 1, 3)),
    Seat("ae3", "ae", "Account Executive", "mgr_west", "-07:00", _p(1, 3, 3, 4)),
    Seat("ae4", "ae", "Account Executive", "mgr_east", "-04:00", _p(4, 2, 3, 1)),
    Seat("ae5", "ae", "Enterprise Account Executive", "mgr_east", "-04:00", _p(5, 4, 5, 5)),
    Seat("se1", "se", "Sales Engineer", "mgr_west", "-07:00", _p(5, 3, 3, 3)),
    Seat("se2", "se", "Solutions Engineer", "mgr_east", "-04:00", _p(2, 3, 3, 5)),
    Seat("csm1", "csm", "Customer Success Manager", "mgr_cs", "-05:00", _p(3, 4, 2, 5)),
    Seat("csm2", "csm", "Customer Success Manager", "mgr_cs", "-05:00", _p(4, 2, 4, 2)),
    Seat("ae_former", "ae", "Account Executive", "mgr_east", "-04:00", _p(3, 3, 3, 3), active=False),
)


# How some reps' levels differed in earlier weeks (a 12-week history with stories a manager should see):
# seat key → dimension → [(from this many weeks before the current one, level offset)], the last match wins.
# The current week (0 weeks before) is always the seat's profile, so the default corpus never changes.
DRIFT: dict[str, dict[str, tuple[tuple[int, int], ...]]] = {
    "ae4": {"discovery": ((6, -1),), "engagement": ((3, 1), (8, 2))},  # improving engagement over the quarter
    "ae1": {"objection_handling": ((4, 1),), "engagement": ((4, 1),)},  # slipping in the last month
    "csm1": {"objection_handling": ((4, 2),)},  # handled objections well until a month ago
    "ae3": {"product_knowledge": ((5, 1), (9, 2))},  # product facts getting worse
    "se2": {"product_knowledge": ((7, -1),)},  # learning the product
}


def drift_offset(seat_key: str, dimension: str, weeks_before: int) -> int:
    """The level offset of `seat_key` on `dimension` `weeks_before` weeks before the current week."""
    offset = 0
    for since, value in DRIFT.get(seat_key, {}).get(dimension, ()):
        if weeks_before >= since:
            offset = value
    return offset


def gong_id(rng: random.Random, digits: int | None = None) -> str:
    """A Gong-style id: a string of 18 or 19 digits with no leading zero."""
    length = digits or rng.choice((18, 19))
    return str(rng.randint(10 ** (length - 1), 10**length - 1))


def sf_id(rng: random.Random, prefix: str) -> str:
    """A Salesforce-looking 18-character id (006… opportunity, 001… account, 003… contact)."""
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    return prefix + "".join(rng.choice(alphabet) for _ in range(18 - len(prefix)))


def slug(text: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in text.lower()).strip("-")


def users_build(rng: random.Random, *, created_before: str) -> tuple[list[dict], dict[str, str], dict[str, Seat]]:
    """Gong UserMetadata records for the org, plus seat key → user id, and user id → seat."""
    firsts = list(FIRST_NAMES)
    lasts = list(LAST_NAMES)
    rng.shuffle(firsts)
    rng.shuffle(lasts)
    ids = {seat.key: gong_id(rng) for seat in ORG}
    users, seats = [], {}
    for index, seat in enumerate(ORG):
        first, last = firsts[index], lasts[index]
        users.append(
            {
                "id": ids[seat.key],
                "emailAddress": f"{first.lower()}.{last.lower()}@{EMAIL_DOMAIN}",
                "created": f"{created_before}T09:{10 + index:02d}:00.000000-07:00",
                "active": seat.active,
                "emailAliases": [],
                "trustedEmailAddress": None,
                "firstName": first,
                "lastName": last,
                "title": seat.title,
                "phoneNumber": f"+1-415-555-{1000 + index * 37:04d}",
                "extension": None,
                "personalMeetingUrls": [f"https://zoom.us/my/{first.lower()}.{last.lower()}"],
                "settings": {
                    "webConferencesRecorded": True,
                    "preventWebConferenceRecording": False,
                    "telephonyCallsImported": seat.role in ("ae", "csm"),
                    "emailsImported": False,
                    "preventEmailImport": False,
                    "nonRecordedMeetingsImported": False,
                    "gongConnectEnabled": True,
                },
                "managerId": ids[seat.manager] if seat.manager else None,
                "meetingConsentPageUrl": None,
                "spokenLanguages": [{"language": "en-US", "primary": True}],
            }
        )
        seats[ids[seat.key]] = seat
    return users, ids, seats


def contacts_build(rng: random.Random, account: str) -> list[dict[str, str]]:
    """Three or four people at a customer account (name, email, title, CRM contact id)."""
    domain = f"{slug(account)}.example"
    people = []
    for title in rng.sample(CUSTOMER_TITLES, rng.randint(3, 4)):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        email = f"{first.lower()}.{last.lower()}@{domain}"
        people.append({"name": f"{first} {last}", "email": email, "title": title, "contact_id": sf_id(rng, "003")})
    return people
