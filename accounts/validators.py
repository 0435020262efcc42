import zoneinfo

from django.core.exceptions import ValidationError


def validate_timezone(value: str) -> None:
    """Only IANA zone names (``Europe/Moscow``), never offsets or abbreviations."""
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            "%(value)s is not a known IANA time zone (for example Europe/Moscow or America/New_York).",
            params={"value": value},
            code="invalid_timezone",
        )


PHONE_REGEX = r"^(\+?[0-9][0-9 ()-]{5,30})?$"  # empty clears it
PHONE_MESSAGE = "Enter a phone number such as +79150480249."
