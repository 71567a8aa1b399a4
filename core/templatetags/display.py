"""`{% load display %}`: the template side of core.display, so a page formats a figure the one way every other
page does: `{{ cost|usd }}`, `{{ share|pct }}`, `{{ seconds|mmss }}`, `{{ latency|ms }}`, `{{ n|count }}`,
`{{ moment|when }}`, `{{ day|day }}`, `{{ "2026-12"|month }}`."""

from __future__ import annotations

from django import template

from core import display

register = template.Library()

register.filter("usd", display.money_display)
register.filter("pct", display.percent_display)
register.filter("mmss", display.duration_display)
register.filter("ms", display.ms_display)
register.filter("count", display.count_display)
register.filter("when", display.datetime_display)
register.filter("day", display.date_display)
register.filter("month", display.month_display)
