"""Serializer fields for dates and times from clients, bounded by the one rule in ``mentorhub.dates``.

Use these instead of DRF's ``DateField`` / ``DateTimeField`` for any input: a
date at the end of the calendar is a 400 naming the field, not an overflow
three calls later.
"""

from rest_framework import serializers

from mentorhub.dates import DateInputError, check_date


def _checked(value):
    try:
        return check_date(value)
    except DateInputError as exc:
        raise serializers.ValidationError(exc.message, code="out_of_range") from None


# The largest key a database id column holds (a signed 64-bit integer). An id past it is never found; as a
# filter on a related column it would otherwise reach the database and fail there (a 500, not a 400).
MAX_KEY = 2**63 - 1


def KeyField(**kwargs) -> serializers.IntegerField:  # noqa: N802 (used like a field class)
    """An id from a client: a whole number from 1 to ``MAX_KEY``."""
    return serializers.IntegerField(min_value=1, max_value=MAX_KEY, **kwargs)


class DateField(serializers.DateField):
    def to_internal_value(self, value):
        return _checked(super().to_internal_value(value))


class DateTimeField(serializers.DateTimeField):
    def to_internal_value(self, value):
        return _checked(super().to_internal_value(value))


class LegacyDateTimeField(DateTimeField):
    """A timestamp under its pre-``*_at`` name, kept for existing clients next to its ``*_at`` twin.

    Timestamps are named ``*_at`` (see README, For client authors); the schema
    marks this one deprecated and names the twin, which a schema test checks exists.
    """

    def __init__(self, *, use: str, **kwargs):
        self.use = use
        kwargs.setdefault("help_text", f"Deprecated: the same as `{use}`, kept for existing clients.")
        super().__init__(**kwargs)
