import unicodedata
import zoneinfo

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

# Files of the zone database that name no place: the server's own zone (whatever the machine is set to)
# and a placeholder zone. Stored for a user, they would move with the server or show times as "-00".
NOT_PLACES = frozenset({"localtime", "Factory", "posixrules"})


def validate_timezone(value: str) -> None:
    """Only IANA zone names (``Europe/Moscow``), never offsets or abbreviations."""
    if value in NOT_PLACES or value not in zoneinfo.available_timezones():
        raise ValidationError(
            _("%(value)s is not a known IANA time zone (for example Europe/Moscow or America/New_York)."),
            params={"value": value},
            code="invalid_timezone",
        )


# \Z, not $: "$" also matches before a trailing newline.
PHONE_REGEX = r"^(\+?[0-9][0-9 ()-]{5,30})?\Z"  # empty clears it
PHONE_MESSAGE = _("Enter a phone number such as +79150480249.")
validate_phone = RegexValidator(PHONE_REGEX, PHONE_MESSAGE)


# Zero-width (non-)joiners shape words in Persian and Indic scripts and in emoji; every other format
# character (bidi overrides, zero-width spaces, ...) can only hide or reorder what a reader sees.
ALLOWED_FORMAT_CHARACTERS = {"\u200c", "\u200d"}
REFUSED_CATEGORIES = {"Cc", "Cf", "Cs", "Zl", "Zp"}  # controls (CR, LF, NUL, tab...), format, surrogates, separators


def validate_single_line(value: str) -> None:
    """One line of visible text, as names and titles must be: they end up in e-mail headers and one-line layouts.

    Ordinary spaces are fine; control characters, line and paragraph separators and invisible format characters
    are not.
    """
    for ch in value:
        if unicodedata.category(ch) in REFUSED_CATEGORIES and ch not in ALLOWED_FORMAT_CHARACTERS:
            raise ValidationError(
                _("Use one line of ordinary text: %(char)s is not allowed here."),
                params={"char": _describe(ch)},
                code="control_character",
            )


def _describe(ch: str) -> str:
    name = unicodedata.name(ch, "")
    return f"U+{ord(ch):04X}" + (f" ({name.lower()})" if name else "")
