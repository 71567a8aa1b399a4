"""The non-metadata sections of a simulated call record: CRM context, content, interaction."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from gong.simulator.people import sf_id
from gong.simulator.transcript import Speaker, Transcript, interaction_summary

STAGE = {
    "discovery": "Discovery", "demo": "Evaluation", "technical_deep_dive": "Technical Validation",
    "negotiation": "Negotiation", "renewal": "Open Renewal", "qbr": "Qualification", "workshop": "Closed Won",
}  # fmt: skip


def crm_context(*, seed: int, kind: str, account: str, scheduled: datetime) -> list[dict]:
    """Salesforce Opportunity + Account, stable per account and call kind (fields as with context=Extended)."""
    crm = random.Random(f"{seed}:crm:{account}:{kind}")
    name = {"renewal": f"{account} - Renewal ({scheduled.year})", "qbr": f"{account} - Expansion"}.get(
        kind, f"{account} - New Business"
    )
    close = scheduled.date() + timedelta(days=crm.randint(20, 120))
    website = account.lower().replace(" ", "") + ".example"
    return [
        {
            "system": "Salesforce",
            "objects": [
                {
                    "objectType": "Opportunity",
                    "objectId": sf_id(crm, "0061Q"),
                    "timing": "Now",
                    "fields": [
                        {"name": "Name", "value": name},
                        {"name": "StageName", "value": STAGE.get(kind, "Discovery")},
                        {"name": "Amount", "value": crm.randrange(20_000, 250_000, 500)},
                        {"name": "CloseDate", "value": close.isoformat()},
                    ],
                },
                {
                    "objectType": "Account",
                    "objectId": sf_id(crm, "0011"),
                    "timing": "Now",
                    "fields": [{"name": "Name", "value": account}, {"name": "Website", "value": website}],
                },
            ],
        }
    ]


def call_content(transcript: Transcript) -> dict:
    """`content.topics` (seconds per topic) and a Competitors keyword tracker."""
    topics = [{"name": name, "duration": round(ms / 1000)} for name, ms in sorted(transcript.topic_ms.items())]
    trackers = []
    for name in ("Mixpoint", "Amplifyr"):
        hits = [
            {"startTime": round(start / 1000, 2), "speakerId": speaker}
            for competitor, start, speaker in transcript.mentions
            if competitor == name
        ]
        if hits:
            trackers.append(
                {
                    "name": name,
                    "count": len(hits),
                    "phrases": [{"phrase": name, "count": len(hits)}],
                    "occurrences": hits,
                }
            )
    if trackers:
        occurrences = [hit for tracker in trackers for hit in tracker["occurrences"]]
        phrases = [{"phrase": t["name"], "count": t["count"], "occurrences": t["occurrences"]} for t in trackers]
        trackers = [
            {
                "id": "6120047392851133520",
                "name": "Competitors",
                "count": len(occurrences),
                "type": "KEYWORD",
                "occurrences": occurrences,
                "phrases": phrases,
            }
        ]
    return {"topics": topics, "trackers": trackers}


def call_interaction(parties: list[dict], transcript: Transcript, speakers: dict[str, Speaker]) -> dict:
    """`interaction.speakers` (party id, talk time), Gong's call-level `interactionStats` and `questions`."""
    stats = interaction_summary(transcript, speakers)
    return {
        "speakers": [
            {
                "id": p["id"],
                "userId": p.get("userId"),
                "talkTime": round(transcript.talk_ms[p["speakerId"]] / 1000, 2),
            }
            for p in parties
            if "speakerId" in p
        ],
        "interactionStats": [
            {"name": "Talk Ratio", "value": stats["talk_ratio"]},
            {"name": "Longest Monologue", "value": stats["longest_monologue_s"]},
            {"name": "Longest Customer Story", "value": stats["longest_customer_story_s"]},
            {"name": "Interactivity", "value": stats["interactivity"]},
            {"name": "Patience", "value": stats["patience_s"]},
        ],
        "questions": {"companyCount": stats["company_questions"], "nonCompanyCount": stats["customer_questions"]},
    }
