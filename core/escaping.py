"""Provider text (Gong titles, CRM account names, people's names) on its way out: into a spreadsheet, a Markdown
document or a link. Each output has its own way of turning text into something active; each function here
neutralises one."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote, urlsplit

# OWASP "CSV Injection": a cell starting with one of these is a formula to Excel, LibreOffice and Google Sheets.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]|#])")
_LINK_UNSAFE = re.compile(r"[\s()<>\"'`\\]")


def csv_cell(value: Any) -> Any:
    """A CSV cell that a spreadsheet shows as text: strings starting with = + - @ tab or CR get a leading `'`."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def markdown_text(value: str) -> str:
    """Text that Markdown shows as written: no raw HTML (`<` `>` `&` as entities), no emphasis, links, headings or
    table cells made of it, and on one line."""
    text = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = re.sub(r"[\r\n]+", " ", text)
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def http_link(value: str | None, *, allow_http: bool = True) -> str:
    """`value` when it is an absolute https (or, allowed, http) URL with a host, else "": never `javascript:`,
    `data:` or a relative path. Characters that would end a Markdown link or an attribute are percent-encoded."""
    if not value or not isinstance(value, str):
        return ""
    url = value.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    schemes = {"https", "http"} if allow_http else {"https"}
    if parts.scheme.lower() not in schemes or not parts.hostname:
        return ""
    return _LINK_UNSAFE.sub(lambda match: quote(match.group(), safe=""), url)
