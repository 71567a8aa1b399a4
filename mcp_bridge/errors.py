"""Bad arguments become one actionable line, never pydantic's multi-line report or a traceback."""

from __future__ import annotations

from fastmcp.exceptions import ToolError, ValidationError
from fastmcp.server.middleware import Middleware
from pydantic import ValidationError as PydanticValidationError

_HINTS = {
    "date_from_datetime_parsing": "use a date like 2026-11-02",
    "date_parsing": "use a date like 2026-11-02",
    "date_type": "use a date like 2026-11-02",
    "date_from_datetime_inexact": "use a date like 2026-11-02",
    "missing_argument": "it is required",
    "unexpected_keyword_argument": "this tool has no such parameter",
}


def argument_error_line(error: PydanticValidationError) -> str:
    """`Invalid `limit`: Input should be less than or equal to 50 (got 500).` for the first error."""
    first = error.errors(include_url=False)[0]
    name = ".".join(str(part) for part in first.get("loc", ()) if part != "kwargs") or "arguments"
    hint = _HINTS.get(first.get("type", ""))
    message = first.get("msg", "invalid value")
    if first.get("type") == "string_pattern_mismatch" and "call_id" in name:
        message = "a Gong call id is 1–20 digits"
    text = f"Invalid `{name}`: {message}"
    if hint:
        text += f"; {hint}"
    if first.get("type") not in {"missing_argument"} and "input" in first:
        shown = repr(first["input"])
        text += f" (got {shown[:60]}{'…' if len(shown) > 60 else ''})"
    more = error.error_count() - 1
    return text + (f"; and {more} more problem(s)." if more else ".")


def nul_argument(value, name: str = "arguments") -> str | None:
    """The name of the first argument (at any depth) holding a NUL character, else None. PostgreSQL cannot store
    or search for NUL, so such a value would end in a database error rather than an answer."""
    if isinstance(value, str):
        return name if "\x00" in value else None
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list | tuple):
        items = ((f"{name}[{index}]", item) for index, item in enumerate(value))
        return next((found for key, item in items if (found := nul_argument(item, key))), None)
    else:
        return None
    return next((found for key, item in items if (found := nul_argument(item, str(key)))), None)


class ArgumentErrorMiddleware(Middleware):
    async def on_call_tool(self, context, call_next):
        where = nul_argument(getattr(context.message, "arguments", None) or {})
        if where is not None:
            raise ToolError(f"Invalid `{where}`: it contains a NUL character (\\x00), which no value may hold.")
        try:
            return await call_next(context)
        except ValidationError as exc:
            cause = exc.__cause__
            if isinstance(cause, PydanticValidationError):
                raise ToolError(argument_error_line(cause)) from None
            raise ToolError(f"Invalid arguments: {' '.join(str(exc).split())[:200]}") from None
