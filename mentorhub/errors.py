"""Domain errors raised by services. They know nothing about HTTP.

The API's exception handler maps each to a status code; template views show
``message`` as a flash message. Services pass messages already translated
(``gettext`` at raise time); the defaults are translated when raised.
"""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """Base class: a use case was refused for a reason the user can act on."""

    status_code = 400
    default_message = _("The request could not be completed.")

    def __init__(self, message: str | None = None, *, field: str | None = None):
        self.message = str(message or self.default_message)  # in the language active when raised
        self.field = field
        super().__init__(self.message)


class InvalidInput(DomainError):
    default_message = _("Invalid input.")


class NotFound(DomainError):
    status_code = 404
    default_message = _("Not found.")


class PermissionDenied(DomainError):
    status_code = 403
    default_message = _("You are not allowed to do this.")


class Conflict(DomainError):
    status_code = 409
    default_message = _("This conflicts with the current state.")
