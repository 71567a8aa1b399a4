"""PII redaction of what is sent to Claude: emails, phone numbers, payment cards, IBANs, bank account numbers and
US social security numbers become typed placeholders (`[EMAIL]`, `[PHONE]`, `[CARD]`, `[IBAN]`, `[ACCOUNT]`,
`[SSN]`). The stored transcript is never changed: only the copy rendered into the prompt is redacted.

Detection is regular expressions plus a validator per kind, tuned against the false positives a sales call is
full of (prices, versions, SKUs, percentages, dates, times): a card must pass the Luhn check and carry a known
issuer prefix, an IBAN its country length and mod-97 check, a phone a North American (3-3-4) or an explicit
international (+…) shape, an account number the words "account", "acct", "routing" or "sort code" just before it.
`bench/pii_redaction.py` measures this against phonenumbers' and scrubadub's detectors (speed on a 100K-token
transcript, false positives on a list of product numbers and prices); README § Privacy has the figures.

Redaction works sentence by sentence and keeps every sentence's timestamps, so a quote the model returns from
the redacted text is located at the same turn, speaker and time in the stored transcript (analysis/quotes.py).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

KINDS = ("email", "phone", "card", "iban", "account", "ssn")
PLACEHOLDER = {kind: f"[{kind.upper()}]" for kind in KINDS}
PLACEHOLDER_RE = re.compile(r"\[(" + "|".join(kind.upper() for kind in KINDS) + r")\]")

_TLD = r"(?:com|org|net|io|co|ai|app|dev|edu|gov|us|uk|de|fr|nl|es|it|ca|au|eu|info|biz)"
_EMAIL = re.compile(r"(?<![\w.+-])[a-z0-9][a-z0-9._%+-]*@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,24}(?![\w-])", re.I)
# Spoken: "jane dot doe at acme dot com". Only with a dot/underscore/digits in the name part, or with "email" or
# "address" just before: "look at acme dot com" (a website) stays.
_SPOKEN_EMAIL = re.compile(
    r"(?P<pre>\b(?:e-?mail|address)\b[^.?!]{0,30}?)?"
    r"\b(?P<local>[a-z0-9]+(?:\s(?:dot|underscore)\s[a-z0-9]+)*)\sat\s"
    r"[a-z0-9-]+(?:\s(?:dot)\s[a-z0-9-]+)*\s(?:dot)\s" + _TLD + r"\b",
    re.I,
)
_SEP = r"[ .-]?"
_NANP = re.compile(
    r"(?<![\w.$,/-])(?:\+?1" + _SEP + r")?(?:\(\s?[2-9]\d{2}\s?\)|[2-9]\d{2})" + _SEP + r"[2-9]\d{2}" + _SEP + r"\d{4}"
    r"(?![\w%$]|[.,/-]\d)"
)
_INTL = re.compile(r"(?<![\w$])\+\d{1,3}(?:[ .-]?\(?\d{1,4}\)?){2,6}(?![\w%]|[.,/-]\d)")
_CARD = re.compile(r"(?<![\w.,$-])\d(?:[ -]?\d){12,18}(?![\w%]|[.,-]\d)")
_IBAN = re.compile(r"(?<![\w-])[a-z]{2}\d{2}(?: ?[a-z0-9]{4}){2,7}(?: ?[a-z0-9]{1,3})?(?!\w)", re.I)
_ACCOUNT = re.compile(
    r"\b(?:account|acct|routing|sort code)(?:\s(?:number|no|num|#))?\.?\s?(?:is\s|:\s?|#\s?)?"
    r"(?P<number>\d(?:[ -]?\d){5,16})(?![\w%]|[.,-]\d)",
    re.I,
)
_SSN = re.compile(r"(?<![\w.-])(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}(?![\w-])")
_CANDIDATE = re.compile(r"[0-9@]|\bdot\b", re.I)  # every kind needs a digit, an @ or a spoken "dot"

# IBAN lengths by country (ISO 13616 registry, the countries a European customer is likely to name).
IBAN_LENGTH = {
    "AT": 20, "BE": 16, "BG": 22, "CH": 21, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "EE": 20, "ES": 24, "FI": 18,
    "FR": 27, "GB": 22, "GR": 27, "HR": 21, "HU": 28, "IE": 22, "IS": 26, "IT": 27, "LI": 21, "LT": 20, "LU": 20,
    "LV": 21, "MC": 27, "MT": 31, "NL": 18, "NO": 15, "PL": 28, "PT": 25, "RO": 24, "SE": 24, "SI": 19, "SK": 24,
}  # fmt: skip


def luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def card_valid(digits: str) -> bool:
    """Luhn plus a known issuer prefix and length: random 16-digit numbers pass Luhn one time in ten."""
    if not 13 <= len(digits) <= 19 or not luhn_valid(digits):
        return False
    two, four = int(digits[:2]), int(digits[:4])
    return (
        digits[0] == "4"  # Visa
        or 51 <= two <= 55
        or 2221 <= four <= 2720  # Mastercard
        or (two in (34, 37) and len(digits) == 15)  # Amex
        or digits.startswith(("6011", "65", "644", "645", "646", "647", "648", "649"))  # Discover
        or 3528 <= four <= 3589  # JCB
        or two in (36, 38, 39) or digits.startswith("30")  # Diners
    )  # fmt: skip


def iban_valid(text: str) -> bool:
    iban = re.sub(r"\s", "", text).upper()
    if IBAN_LENGTH.get(iban[:2]) != len(iban):
        return False
    rearranged = iban[4:] + iban[:4]
    return int("".join(str(int(char, 36)) for char in rearranged)) % 97 == 1


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _phone_valid(text: str) -> bool:
    return 8 <= len(_digits(text)) <= 15


def _spoken_email_valid(match: re.Match) -> bool:
    local = match.group("local").lower()
    return bool(match.group("pre")) or " dot " in local or " underscore " in local or bool(re.search(r"\d", local))


@dataclass(frozen=True)
class _Detector:
    kind: str
    pattern: re.Pattern
    group: str | int = 0
    valid: object = None  # a callable on the matched text (or on the match, for `spoken`)
    on_match: bool = False


# Order matters: an earlier kind claims its span first (a card number is not also a phone number).
_DETECTORS = (
    _Detector("email", _EMAIL),
    _Detector("email", _SPOKEN_EMAIL, group="local", valid=_spoken_email_valid, on_match=True),
    _Detector("iban", _IBAN, valid=iban_valid),
    _Detector("card", _CARD, valid=lambda text: card_valid(_digits(text))),
    _Detector("ssn", _SSN),
    _Detector("account", _ACCOUNT, group="number"),
    _Detector("phone", _INTL, valid=_phone_valid),
    _Detector("phone", _NANP, valid=_phone_valid),
)


@dataclass
class Redaction:
    """Counts of redacted spans by kind, for the ledger (never the spans themselves)."""

    kinds: tuple[str, ...]
    counts: Counter = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def summary(self) -> dict:
        return {"kinds": list(self.kinds), "spans": dict(sorted(self.counts.items()))}


def _spans(text: str, kinds: tuple[str, ...]) -> list[tuple[int, int, str]]:
    taken: list[tuple[int, int, str]] = []
    for detector in _DETECTORS:
        if detector.kind not in kinds:
            continue
        for match in detector.pattern.finditer(text):
            if detector.valid is not None and not detector.valid(match if detector.on_match else match.group(0)):
                continue
            if detector.kind == "email" and detector.on_match:
                start, end = match.start("local"), match.end()
            else:
                start, end = match.span(detector.group)
            if all(end <= s or start >= e for s, e, _ in taken):
                taken.append((start, end, detector.kind))
    return sorted(taken)


def text_redact(text: str, *, kinds: tuple[str, ...], counts: Counter | None = None) -> str:
    """`text` with every detected span of `kinds` replaced by its placeholder; adds to `counts`."""
    if not text or not _CANDIDATE.search(text):
        return text
    spans = _spans(text, kinds)
    if not spans:
        return text
    out, cursor = [], 0
    for start, end, kind in spans:
        out += [text[cursor:start], PLACEHOLDER[kind]]
        cursor = end
        if counts is not None:
            counts[kind] += 1
    out.append(text[cursor:])
    return "".join(out)


def turns_redact(turns: list[dict], *, kinds: tuple[str, ...]) -> tuple[list[dict], Redaction]:
    """Redacted copies of normalized transcript turns (sentences keep their timestamps); the input is unchanged."""
    redaction = Redaction(kinds=tuple(kinds))
    if not kinds:
        return turns, redaction
    out = []
    for turn in turns:
        sentences = turn.get("sentences")
        if sentences:
            redacted = [
                [s[0], s[1], text_redact(s[2], kinds=redaction.kinds, counts=redaction.counts)] for s in sentences
            ]
            out.append({**turn, "sentences": redacted, "text": " ".join(s[2] for s in redacted)})
        else:
            text = text_redact(turn.get("text", ""), kinds=redaction.kinds, counts=redaction.counts)
            out.append({**turn, "text": text})
    return out, redaction


def kinds_parse(value: str) -> tuple[str, ...]:
    """The PII_REDACTION setting: "all", "off"/"" or a comma-separated list of KINDS (ValueError otherwise)."""
    value = value.strip().lower()
    if value in ("", "off", "none", "false", "0"):
        return ()
    if value in ("all", "on", "true", "1"):
        return KINDS
    kinds = tuple(dict.fromkeys(part.strip() for part in value.split(",") if part.strip()))
    unknown = [kind for kind in kinds if kind not in KINDS]
    if unknown:
        raise ValueError(f"unknown PII kind(s) {', '.join(unknown)}; use 'all', 'off' or some of {', '.join(KINDS)}")
    return tuple(kind for kind in KINDS if kind in kinds)
