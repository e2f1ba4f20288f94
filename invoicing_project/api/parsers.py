"""JSON parsing that keeps decimal numbers exact (``25.5`` -> ``Decimal('25.5')``)."""

import json
from decimal import Decimal

from django.conf import settings
from rest_framework import parsers
from rest_framework.exceptions import ParseError


class ExactJSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding", "utf-8")
        try:
            raw = stream.read().decode(encoding) if stream is not None else ""
        except UnicodeDecodeError as exc:
            raise ParseError("JSON parse error - the body is not valid UTF-8") from exc
        if not raw.strip():
            raise ParseError("JSON parse error - the body is empty")
        depth = nesting_depth(raw)
        if depth > settings.INVOICING_MAX_JSON_DEPTH:
            raise ParseError(
                f"JSON parse error - nested {depth} levels deep; at most "
                f"{settings.INVOICING_MAX_JSON_DEPTH} are allowed"
            )
        try:
            return json.loads(raw, parse_float=Decimal, parse_constant=_reject_constant)
        except ValueError as exc:
            raise ParseError(f"JSON parse error - {exc}") from exc


def _reject_constant(name: str):
    raise ValueError(f"{name} is not valid JSON")


def nesting_depth(text: str) -> int:
    """The deepest ``[``/``{`` nesting of a JSON text, ignoring brackets inside strings. A cheap
    pre-check: a deeply nested body would otherwise exhaust the parser's recursion."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest
