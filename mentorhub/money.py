"""Money as the reader writes it: ``3 000 ₽`` in Russian, ``RUB 3,000.00`` in English (CLDR data, via Babel).

Every price a page, an e-mail or a display field shows goes through ``format_money``, in the active
language unless one is given (an e-mail is formatted in its recipient's).
"""

from decimal import Decimal, InvalidOperation
from functools import lru_cache

from babel import Locale
from babel.numbers import format_currency, get_currency_symbol
from django.utils import translation


@lru_cache(maxsize=64)
def _pattern(language: str, currency: str, whole: bool) -> str:
    pattern = Locale.parse(language).currency_formats["standard"].pattern.split(";")[0]
    if whole and language != "en":
        pattern = pattern.replace(".00", "")  # "3 000 ₽": Russian leaves out the kopecks of a round sum
    if get_currency_symbol(currency, locale=language) == currency and "¤#" in pattern:
        pattern = pattern.replace("¤#", "¤\xa0#")  # a code, not a symbol: "RUB 3,000.00", never "RUB3,000.00"
    return pattern


def format_money(amount, currency: str, *, language: str | None = None) -> str:
    """``amount`` of ``currency`` (an ISO code) in ``language`` (the active one by default)."""
    try:
        value = Decimal(str(amount))
    except (InvalidOperation, ValueError, TypeError):
        return f"{amount} {currency}"
    language = (language or translation.get_language() or "en").split("-")[0]
    whole = value == value.to_integral_value()
    return format_currency(value, currency, format=_pattern(language, currency, whole), locale=language,
                           currency_digits=False)
