"""core.display: one way to write each kind of figure, and Django's own date rendering agreeing with it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import formats, timezone, translation

from core import display

MOMENT = dt.datetime(2026, 12, 3, 23, 30, tzinfo=dt.UTC)


def test_dates_read_the_house_way_in_the_current_time_zone():
    assert display.date_display(dt.date(2026, 12, 3)) == "3 Dec 2026"
    assert display.datetime_display(MOMENT) == "3 Dec 2026, 23:30"
    with timezone.override(ZoneInfo("Europe/Berlin")):  # 00:30 on the 4th there
        assert display.date_display(MOMENT) == "4 Dec 2026"
        assert display.datetime_display(MOMENT) == "4 Dec 2026, 00:30"
    assert display.month_display("2026-12") == "Dec 2026" == display.month_display(dt.date(2026, 12, 9))
    assert display.date_display(None) == display.datetime_display(None) == display.month_display("") == "—"


@pytest.mark.parametrize("language", ["en-us", "en", None])
def test_djangos_own_rendering_uses_the_same_formats(language):
    """Admin lists and change forms call formats.localize / the date filter: with the language active, and with
    translations off (a worker, a command), they write what core.display writes."""
    with translation.override(language):
        assert formats.localize(dt.date(2026, 12, 3)) == "3 Dec 2026"
        assert formats.localize(dt.datetime(2026, 12, 3, 14, 5)) == "3 Dec 2026, 14:05"
        rendered = Template('{{ d|date }} · {{ d|date:"SHORT_DATE_FORMAT" }} · {{ m|date:"DATETIME_FORMAT" }}')
        text = rendered.render(Context({"d": dt.date(2026, 12, 3), "m": dt.datetime(2026, 12, 3, 14, 5)}))
        assert text == "3 Dec 2026 · 3 Dec 2026 · 3 Dec 2026, 14:05"
        assert formats.date_format(dt.date(2026, 12, 3), "YEAR_MONTH_FORMAT") == "Dec 2026"


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(None, "—"), (0, "0:00"), (0.3, "<0:01"), (59.9, "0:59"), (95, "1:35"), (1897, "31:37"), (3725, "1:02:05")],
)
def test_durations_read_m_ss(seconds, text):
    assert display.duration_display(seconds) == text


def test_clock_is_m_ss_from_milliseconds():
    assert display.clock(95_000) == "1:35" and display.clock(None) == ""


@pytest.mark.parametrize(
    ("ratio", "text"),
    [
        (None, "—"), (0, "0%"), (0.004, "0.4%"), (0.4321, "43%"), (0.705, "70%"), (1, "100%"),
        # not none is never 0%, not all is never 100% (0.996 read "100%": 4 calls in 1,000 not analysed vanished)
        (0.0004, "<0.1%"), (0.0042, "0.4%"), (0.996, "99.6%"), (0.9996, ">99.9%"), (0.9949, "99.5%"),
    ],
)  # fmt: skip
def test_shares_read_as_whole_percents(ratio, text):
    assert display.percent_display(ratio) == text


@pytest.mark.parametrize(
    ("usd", "text"),
    [
        (None, "—"),
        (0, "$0.00"),
        (Decimal("0.000001"), "<$0.0001"),
        (Decimal("0.012345"), "$0.0123"),
        ("0.05", "$0.05"),
        (Decimal("0.120000"), "$0.12"),
        (Decimal("0.98765"), "$0.9877"),
        (Decimal("1.234567"), "$1.23"),
        (1234.567, "$1,234.57"),
    ],
)
def test_money_has_one_precision_rule(usd, text):
    assert display.money_display(usd) == text


def test_latencies_and_counts():
    assert display.ms_display(1834) == "1,834 ms" and display.count_display(12345) == "12,345"
    assert display.ms_display("") == display.count_display(None) == "—"


def test_templates_load_the_same_filters():
    text = Template(
        "{% load display %}{{ c|usd }} {{ r|pct }} {{ s|mmss }} {{ l|ms }} {{ n|count }} {{ m|when }} {{ m|day }} "
        '{{ "2026-12"|month }}'
    ).render(Context({"c": Decimal("0.0123"), "r": 0.43, "s": 95, "l": 850, "n": 1234, "m": MOMENT}))
    assert text == "$0.0123 43% 1:35 850 ms 1,234 3 Dec 2026, 23:30 3 Dec 2026 Dec 2026"
