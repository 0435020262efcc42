from django import template

from mentorhub.money import format_money

register = template.Library()


@register.filter
def money(amount, currency: str = "RUB") -> str:
    """``{{ price|money:mentor.currency }}``: ``3 000 ₽`` in Russian, ``RUB 3,000.00`` in English."""
    if amount is None or amount == "":
        return ""
    return format_money(amount, currency or "RUB")
