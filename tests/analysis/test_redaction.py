"""PII redaction before Claude: detection (and what it must leave alone), the request Claude receives, quotes
verified against the stored original, the ledger, and the cache key."""

from __future__ import annotations

from collections import Counter

import pytest

from analysis.models import AnalysisRun, ApiCall, ApiPurpose
from analysis.quotes import TranscriptIndex
from analysis.redaction import KINDS, card_valid, iban_valid, kinds_parse, text_redact, turns_redact
from analysis.services import analysis_for_call
from analysis.services.context import key_inputs_get
from gong.models import Affiliation
from tests.factories.analysis import BUYER_SPEAKER, REP_SPEAKER
from tests.factories.gong import CallFactory, CallParticipantFactory, TranscriptFactory

SAYS_PII = {
    "Write to jane.doe@acme-logistics.com with the contract.": "Write to [EMAIL] with the contract.",
    "My email is jane dot doe at acme dot com.": "My email is [EMAIL].",
    "Call me on 415-555-0100 or (415) 555 0199 after lunch.": "Call me on [PHONE] or [PHONE] after lunch.",
    "My UK mobile is +44 7700 900123.": "My UK mobile is [PHONE].",
    "The card is 4111 1111 1111 1111, expiry next May.": "The card is [CARD], expiry next May.",
    "Amex 3782-822463-10005 works too.": "Amex [CARD] works too.",
    "Our IBAN is DE89 3704 0044 0532 0130 00 at Commerzbank.": "Our IBAN is [IBAN] at Commerzbank.",
    "The account number is 12345678 and routing 021000021.": "The account number is [ACCOUNT] and routing [ACCOUNT].",
    "My SSN is 123-45-6789.": "My SSN is [SSN].",
}
# What sales calls are full of and must reach Claude unchanged.
NOT_PII = [
    "It costs $45,000 a year, or $3,750 a month.",
    "Version 2.4.1 fixed it; 10.2.3.4 is next.",
    "SKU 1234-5678 is the bundle, order 2026111812345.",
    "We promise 99.9% uptime and 1,200,000 rows.",
    "Let's meet on 2026-11-18 at 10:30, or 11/18/2026 at 3 pm.",
    "Starter is $49 per user per month; the 2025-2026 plan covers 250 seats.",
    "Look at acme dot com for the docs.",
    "The account has 250 seats and PO 4500012345.",
    "Ticket INC-2026-004512, build 20261118.1, zip 94105, room 415.",
    "A test number like 1234 5678 9012 3456 fails the card check.",
]


@pytest.mark.parametrize(("said", "redacted"), SAYS_PII.items())
def test_emails_phones_cards_ibans_accounts_and_ssns_become_typed_placeholders(said, redacted):
    assert text_redact(said, kinds=KINDS) == redacted


@pytest.mark.parametrize("said", NOT_PII)
def test_prices_versions_skus_percentages_dates_and_times_are_left_alone(said):
    assert text_redact(said, kinds=KINDS) == said


def test_cards_need_luhn_and_an_issuer_and_ibans_their_check_digits():
    assert card_valid("4111111111111111") and not card_valid("4111111111111112")
    assert not card_valid("1234567812345670")  # passes Luhn, no issuer starts with 1
    assert iban_valid("DE89 3704 0044 0532 0130 00") and not iban_valid("DE88 3704 0044 0532 0130 00")


def test_only_the_configured_kinds_are_redacted_and_counted():
    counts = Counter()
    text = "Mail jane@acme.com or call 415-555-0100."
    assert text_redact(text, kinds=("email",), counts=counts) == "Mail [EMAIL] or call 415-555-0100."
    assert counts == {"email": 1}
    assert kinds_parse("all") == KINDS and kinds_parse("off") == ()
    assert kinds_parse("phone, email") == ("email", "phone")
    with pytest.raises(ValueError, match="unknown PII kind"):
        kinds_parse("email,names")


def test_redacted_turns_keep_timestamps_and_the_stored_turns_are_untouched():
    turns = [
        {"speaker_id": "1", "start_ms": 0, "end_ms": 9, "text": "Hi. Mail jane@acme.com.",
         "sentences": [[0, 4, "Hi."], [5, 9, "Mail jane@acme.com."]]},
    ]  # fmt: skip
    redacted, redaction = turns_redact(turns, kinds=KINDS)
    assert redacted[0]["sentences"] == [[0, 4, "Hi."], [5, 9, "Mail [EMAIL]."]]
    assert redacted[0]["text"] == "Hi. Mail [EMAIL]."
    assert turns[0]["sentences"][1][2] == "Mail jane@acme.com." and redaction.counts == {"email": 1}


def test_a_quote_with_placeholders_is_located_in_the_original_sentence():
    said = "Reach me at jane@acme.com or 415-555-0100 today."
    turns = [{"speaker_id": "1", "text": "", "sentences": [[0, 4, "Thanks for joining."], [7000, 9000, said]]}]
    redacted, _ = turns_redact(turns, kinds=KINDS)
    located, reason = TranscriptIndex(redacted).locate("reach me at [EMAIL] or [PHONE] today", speaker_id="1")
    assert reason == "ok" and located.start_ms == 7000 and located.turn_index == 0
    _, reason = TranscriptIndex(redacted).locate("reach me at [EMAIL] or [PHONE] tomorrow", speaker_id="1")
    assert reason == "not_found"


PII_LINE = "Sure, you can reach me at jane.doe@acme-logistics.com or on 415-555-0100 any time this week."


def pii_call():
    call = CallFactory(call_type="discovery")
    CallParticipantFactory(call=call, speaker_id=REP_SPEAKER, affiliation=Affiliation.INTERNAL)
    CallParticipantFactory(call=call, speaker_id=BUYER_SPEAKER, external=True, name="Pat Buyer")
    lines = [
        (REP_SPEAKER, "Internal", PII_LINE),
        (BUYER_SPEAKER, "External", "Great. My card is 4111 1111 1111 1111 if you need it for the deposit."),
        (REP_SPEAKER, "Internal", "What does your team do today when a forecast report is wrong?"),
        (BUYER_SPEAKER, "External", "We rebuild it by hand, it takes two days and costs $45,000 a year."),
    ]
    TranscriptFactory(call=call, lines=lines)
    return call


@pytest.mark.django_db
def test_claude_receives_placeholders_while_the_stored_transcript_keeps_the_original(kb, fake_claude):
    call = pii_call()
    outcome = analysis_for_call(call_id=call.pk)
    assert outcome.status == "succeeded"
    sent = str(fake_claude.requests)
    for secret in ("jane.doe@acme-logistics.com", "415-555-0100", "4111 1111 1111 1111"):
        assert secret not in sent
    assert "[EMAIL]" in sent and "[PHONE]" in sent and "[CARD]" in sent and "$45,000" in sent
    call.transcript.refresh_from_db()
    assert PII_LINE in call.transcript.text


@pytest.mark.django_db
def test_quotes_from_the_redacted_text_verify_against_the_stored_transcript(kb, fake_claude):
    call = pii_call()
    run = AnalysisRun.objects.get(pk=analysis_for_call(call_id=call.pk).run_id)
    evidence = [e for s in run.result["speakers"] for d in s["dimensions"] for e in d["evidence"]]
    redacted = [e for e in evidence if "[EMAIL]" in e["quote"]]
    assert redacted and run.quotes_dropped == 0
    turn = call.transcript.turns[redacted[0]["turn_index"]]
    assert turn["speaker_id"] == REP_SPEAKER and PII_LINE in turn["text"]
    assert redacted[0]["start_ms"] == turn["sentences"][0][0]


@pytest.mark.django_db
def test_the_ledger_records_that_each_request_was_redacted_and_how_many_spans(kb, fake_claude):
    call = pii_call()
    analysis_for_call(call_id=call.pk)
    row = ApiCall.objects.get(call_id=call.pk, purpose=ApiPurpose.CALL_ANALYSIS)
    assert row.pii_redacted is True
    assert row.pii_spans == {"card": 1, "email": 1, "phone": 1}


@pytest.mark.django_db
def test_with_redaction_off_the_request_carries_the_original_and_the_ledger_says_so(kb, fake_claude, settings):
    settings.PII_REDACTION_KINDS = ()
    call = pii_call()
    analysis_for_call(call_id=call.pk)
    assert "jane.doe@acme-logistics.com" in str(fake_claude.requests)
    row = ApiCall.objects.get(call_id=call.pk, purpose=ApiPurpose.CALL_ANALYSIS)
    assert row.pii_redacted is False and row.pii_spans == {}


@pytest.mark.django_db
def test_the_redaction_setting_is_part_of_the_cache_key(kb, fake_claude, settings):
    call = pii_call()
    on = key_inputs_get(call_id=call.pk).cache_key
    settings.PII_REDACTION_KINDS = ("email",)
    only_email = key_inputs_get(call_id=call.pk).cache_key
    settings.PII_REDACTION_KINDS = ()
    off = key_inputs_get(call_id=call.pk).cache_key
    assert len({on, only_email, off}) == 3


@pytest.mark.django_db
def test_message_batches_send_redacted_text_and_ledger_it(kb, fake_claude):
    from analysis.services.batch import batch_poll, batch_submit

    call = pii_call()
    submission = batch_submit(call_ids=[call.pk])
    assert submission.batch_id and "jane.doe@acme-logistics.com" not in str(fake_claude.batches)
    assert "[EMAIL]" in str(fake_claude.batches)
    assert batch_poll().succeeded == 1
    rows = ApiCall.objects.filter(call_id=call.pk, mode="batch")
    assert rows and all(r.pii_redacted and r.pii_spans["email"] == 1 for r in rows)
    run = AnalysisRun.objects.get(call_id=call.pk)
    assert run.quotes_dropped == 0 and any(
        "[EMAIL]" in e["quote"] for s in run.result["speakers"] for d in s["dimensions"] for e in d["evidence"]
    )


def test_what_mcp_tools_return_from_transcripts_is_redacted_too(settings):
    """MCP answers go to Claude (Desktop): turns, search matches and quotes get the same redaction."""
    from mcp_bridge.serializers import evidence_compact, turn_compact

    turn = {"speaker_id": "1", "party": "External", "start_ms": 0, "text": PII_LINE}
    assert turn_compact(turn, {"1": "Pat"})["text"] == (
        "Sure, you can reach me at [EMAIL] or on [PHONE] any time this week."
    )

    class Quote:
        quote, start_ms = "card 4111 1111 1111 1111 please", 0

    assert evidence_compact([Quote()])[0]["q"] == "card [CARD] please"
    settings.PII_REDACTION_KINDS = ()
    assert turn_compact(turn, {})["text"] == PII_LINE
