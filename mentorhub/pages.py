"""Helpers shared by the template views."""

from django.contrib import messages

from mentorhub.errors import DomainError


def act_and_report(request, action, success: str) -> bool:
    """Run a one-click page action; flash the success text, or the refusal's message. True when it succeeded."""
    try:
        action()
    except DomainError as exc:
        messages.error(request, exc.message)
        return False
    messages.success(request, success)
    return True
