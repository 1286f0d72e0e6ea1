"""
JSON from outside (webhooks, the API, the editor's scripts) read so that odd input is a 400, never a 500.

Python's JSON decoder recurses once per nesting level: 10,000 nested lists raise ``RecursionError``, which
no ``except ValueError`` catches. Both helpers turn it into the error their callers already answer with 400.
"""
import json
from typing import Any

from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


def loads(raw: bytes | str) -> Any:
    """``json.loads`` whose every failure (bad bytes, bad JSON, too deeply nested) is a ValueError."""
    try:
        return json.loads(raw.decode("utf-8") if isinstance(raw, bytes | bytearray) else raw)
    except RecursionError:
        raise ValueError(_("The JSON data is nested too deeply.")) from None


class BoundedJSONParser(JSONParser):
    """DRF's JSON parser, with too deeply nested data a 400 (``ParseError``) instead of a server error."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(_("The JSON data is nested too deeply.")) from None


def parser_classes() -> list:
    """The configured DRF parsers with the JSON one bounded: ``parser_classes = parser_classes()`` on our views."""
    from rest_framework.settings import api_settings

    return [BoundedJSONParser] + [p for p in api_settings.DEFAULT_PARSER_CLASSES if not issubclass(p, JSONParser)]
