"""Bench: PII redaction before Claude — our regex + validators (analysis/redaction.py) against libraries.

    .venv/bin/python bench/pii_redaction.py [--libs DIR] [--runs 5]

Builds a ~100K-token transcript from the simulator's sales language (gong/simulator/behaviours.py) with PII
sentences planted at known places (emails, spoken emails, phones, cards, IBANs, account numbers, SSNs) and
sentences full of numbers that are not PII (prices, versions, SKUs, percentages, dates, times, order and ticket
numbers). Measures, per detector: median time to redact the whole transcript, recall on the planted PII (by
kind) and false positives on the not-PII sentences and on the plain corpus. Writes bench/results/pii_redaction.json.

Libraries compared when importable (they are not dependencies of callcoach; install them aside with
`pip install --target DIR scrubadub phonenumbers` and pass `--libs DIR`):
- `phonenumbers` (Google libphonenumber's port, well kept): PhoneNumberMatcher, region US — phones only;
- `scrubadub` 2.0.1 (last release 2023-09; pins textblob 0.15.3, pulls scikit-learn): its default detectors.
Presidio needs a spaCy model, which cannot be downloaded here: not measured.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analysis.redaction import KINDS, text_redact  # noqa: E402
from analysis.tokens import token_estimate  # noqa: E402
from gong.simulator import behaviours as b  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "pii_redaction.json"
TARGET_TOKENS = 100_000

# (kind, template): {n} is filled with a fresh value so no two planted spans are equal.
PII = [
    ("email", "Send the contract to {email} and copy legal."),
    ("email", "My email is {first} dot {last} at acme dot com."),
    ("phone", "You can call me on {nanp} after lunch."),
    ("phone", "My mobile is +44 7911 {d6}."),
    ("card", "The card for the deposit is {card}."),
    ("iban", "Our IBAN is {iban} at the bank."),
    ("account", "The account number is {account}."),
    ("ssn", "For the background check my SSN is {ssn}."),
]
NOT_PII = [
    "It costs $45,000 a year, or $3,750 a month.",
    "Version 2.4.1 fixed it and 10.2.3.4 ships next.",
    "SKU 1234-5678 is the bundle.",
    "We promise 99.9% uptime.",
    "Let's meet on 2026-11-18 at 10:30.",
    "Or 11/18/2026 at 3 pm works.",
    "Order 2026111812345 shipped.",
    "Starter is $49 per user per month.",
    "The 2025-2026 plan covers 250 seats.",
    "Ticket INC-2026-004512 is open.",
    "Build 20261118.1 is on staging.",
    "We load 1,200,000 rows a night.",
    "Revenue grew to 12,500,000 last year.",
    "Our office is at zip 94105, room 415.",
    "PO 4500012345 was approved.",
    "The API handles 25,000 requests per second at p99 120 ms.",
    "Look at acme dot com for the docs.",
    "The account has 250 seats.",
    "Pricing is 1,499.00 per year for 10 users.",
    "We met 3 times in Q3 2026.",
]


def _luhn_complete(prefix: str) -> str:
    from analysis.redaction import luhn_valid

    return next(prefix + str(d) for d in range(10) if luhn_valid(prefix + str(d)))


def _iban(rng: random.Random) -> str:
    bban = f"{rng.randrange(10**7, 10**8)}{rng.randrange(10**9, 10**10)}"  # DE: 8-digit bank code + 10 digits
    check = 98 - int(bban + "131400") % 97  # D=13 E=14, 00
    raw = f"DE{check:02d}{bban}"
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def pii_sentence(kind_template: tuple[str, str], rng: random.Random) -> str:
    _, template = kind_template
    card = _luhn_complete("4" + "".join(str(rng.randrange(10)) for _ in range(14)))
    values = {
        "email": f"user{rng.randrange(10**6)}@example-corp.com",
        "first": rng.choice(["jane", "omar", "li", "sven"]),
        "last": rng.choice(["doe", "haddad", "wei", "berg"]),
        # Assigned area codes and exchanges: libphonenumber rejects numbers outside real numbering plans.
        "nanp": f"{rng.choice(['415', '212', '646', '312', '617', '206'])}-{rng.randrange(222, 999)}-"
        f"{rng.randrange(10**4):04d}",
        "d6": f"{rng.randrange(10**6):06d}",
        "card": " ".join(card[i : i + 4] for i in range(0, 16, 4)),
        "iban": _iban(rng),
        "account": str(rng.randrange(10**7, 10**10)),
        "ssn": f"{rng.randrange(100, 665)}-{rng.randrange(10, 99)}-{rng.randrange(1000, 9999)}",
    }
    return template.format(**values)


def corpus_build(seed: int = 11) -> tuple[list[str], list[str], list[tuple[str, str]], list[str]]:
    """(all sentences in order, plain corpus sentences, planted (kind, sentence), planted not-PII sentences)."""
    rng = random.Random(seed)
    pools = [b.DISCOVERY_POSITIVE, b.REP_PITCH, b.OBJECTIONS, b.CUSTOMER_STORY, b.ENGAGEMENT_POSITIVE, b.CUSTOMER_ACK]
    sentences, plain, planted, numbers, tokens = [], [], [], [], 0
    while tokens < TARGET_TOKENS:
        if len(sentences) % 40 == 39:
            kind_template = PII[len(planted) % len(PII)]
            sentence = pii_sentence(kind_template, rng)
            planted.append((kind_template[0], sentence))
        elif len(sentences) % 40 == 19:
            sentence = NOT_PII[len(numbers) % len(NOT_PII)]
            numbers.append(sentence)
        else:
            sentence = rng.choice(rng.choice(pools))
            plain.append(sentence)
        sentences.append(sentence)
        tokens += token_estimate(sentence) + 1
    return sentences, plain, planted, numbers


def ours(text: str) -> str:
    return text_redact(text, kinds=KINDS)


def detectors_available() -> dict:
    found = {"ours (regex + validators)": ours}
    try:
        import phonenumbers

        def phonenumbers_only(text: str) -> str:
            for match in reversed(list(phonenumbers.PhoneNumberMatcher(text, "US"))):
                text = text[: match.start] + "[PHONE]" + text[match.end :]
            return text

        found[f"phonenumbers {phonenumbers.__version__} (phones only)"] = phonenumbers_only
    except ImportError:
        pass
    try:
        import scrubadub

        scrubber = scrubadub.Scrubber()
        found[f"scrubadub {scrubadub.__version__}"] = scrubber.clean
    except ImportError:
        pass
    return found


_MARK = re.compile(r"\[(?:EMAIL|PHONE|CARD|IBAN|ACCOUNT|SSN)\]|\{\{[A-Z_]+\}\}")


def measure(name: str, detect, sentences, plain, planted, numbers, runs: int) -> dict:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        for sentence in sentences:
            detect(sentence)
        times.append(time.perf_counter() - started)
    found = Counter(kind for kind, sentence in planted if _MARK.search(detect(sentence)))
    total = Counter(kind for kind, _ in planted)
    false_numbers = sorted({s for s in numbers if _MARK.search(detect(s))})
    false_plain = sum(1 for s in set(plain) if _MARK.search(detect(s)))
    return {
        "detector": name,
        "median_s": round(statistics.median(times), 4),
        "recall_by_kind": {k: f"{found[k]}/{total[k]}" for k in sorted(total)},
        "recall": round(sum(found.values()) / max(1, sum(total.values())), 3),
        "false_positive_sentences_numbers": f"{len(false_numbers)}/{len(set(numbers))}",
        "false_positive_examples": false_numbers[:8],
        "false_positive_sentences_plain_corpus": false_plain,
    }


def _carried_over(measured: set[str]) -> list[dict]:
    """Library rows of the previous run, kept (marked with when they were measured) when the libraries are not
    installed this time — `make bench` runs without them."""
    if not RESULTS.exists():
        return []
    previous = json.loads(RESULTS.read_text(encoding="utf-8"))
    when = previous.get("measured_at", "")
    return [
        {**row, "carried_over_from": row.get("carried_over_from", when)}
        for row in previous.get("results", [])
        if row["detector"].split()[0] not in measured
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--libs", help="a directory with phonenumbers / scrubadub installed (pip --target)")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    if args.libs:
        sys.path.append(args.libs)
    sentences, plain, planted, numbers = corpus_build()
    tokens = sum(token_estimate(s) + 1 for s in sentences)
    results = []
    for name, detect in detectors_available().items():
        print(f"== {name}", flush=True)
        results.append(measure(name, detect, sentences, plain, planted, numbers, args.runs))
        print(json.dumps(results[-1], indent=1), flush=True)
    results += _carried_over({r["detector"].split()[0] for r in results})
    payload = {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "load_average_1m": round(os.getloadavg()[0], 2),
        "cpu_count": os.cpu_count(),
        "note": "a shared 2-core machine with other work running; times are per whole transcript, median of runs. "
        "The not-PII sentences are ours (the same kinds the unit tests check), so our detector's 0 is measured on "
        "cases it was tuned for; the libraries saw them for the first time.",
        "transcript": {"tokens_estimated": tokens, "sentences": len(sentences), "planted_pii": len(planted),
                       "planted_not_pii": len(numbers)},
        "results": results,
    }  # fmt: skip
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
