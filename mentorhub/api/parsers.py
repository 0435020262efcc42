"""Reading JSON from clients: bounded nesting, and a 400 for anything unreadable.

``json.loads`` recurses once per level of nesting, so ``[[[[…]]]]`` a hundred
thousand deep raises ``RecursionError`` (not a ``ValueError``, which is all
DRF's parser turns into a 400). No request of this API needs more than a few
levels, so anything deeper than ``MAX_JSON_DEPTH`` is refused before a
serializer (or the error formatter, which recurses too) walks it.

``loads`` is the one way to read a JSON body: ``JSONParser`` (the API's
default parser) and the payment webhook, which reads its raw body itself to
check the signature, both use it.
"""

import json

from django.conf import settings
from django.utils.translation import gettext
from rest_framework import parsers
from rest_framework.exceptions import ParseError
from rest_framework.utils.json import strict_constant

MAX_JSON_DEPTH = 32


def too_deep() -> str:
    """The refusal of JSON nested past ``MAX_JSON_DEPTH``, in the language active now."""
    return gettext("JSON parse error - nested more than %(levels)d levels deep.") % {"levels": MAX_JSON_DEPTH}


def loads(text: str):
    """Parse a JSON document, refusing NaN/Infinity and nesting past ``MAX_JSON_DEPTH``. Raises ``ParseError``."""
    try:
        data = json.loads(text, parse_constant=strict_constant)
    except RecursionError:
        raise ParseError(too_deep()) from None
    except ValueError as exc:
        raise ParseError(gettext("JSON parse error - %s") % exc) from None
    if _deeper_than(data, MAX_JSON_DEPTH):
        raise ParseError(too_deep())
    return data


def _deeper_than(data, limit: int) -> bool:
    # Iterative, so checking the depth cannot itself run out of stack.
    pending = [(data, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, dict):
            children = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > limit:
            return True
        pending.extend((child, depth + 1) for child in children)
    return False


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding") or settings.DEFAULT_CHARSET
        raw = stream.read() if stream is not None else b""
        try:
            text = raw.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            message = gettext("JSON parse error - the body is not valid %(encoding)s.") % {"encoding": encoding}
            raise ParseError(message) from None
        return loads(text)
