"""Domain errors raised by services. They know nothing about HTTP.

The API's exception handler maps each to a status code; template views show
``message`` as a flash message.
"""


class DomainError(Exception):
    """Base class: a use case was refused for a reason the user can act on."""

    status_code = 400
    default_message = "The request could not be completed."

    def __init__(self, message: str | None = None, *, field: str | None = None):
        self.message = message or self.default_message
        self.field = field
        super().__init__(self.message)


class InvalidInput(DomainError):
    default_message = "Invalid input."


class NotFound(DomainError):
    status_code = 404
    default_message = "Not found."


class PermissionDenied(DomainError):
    status_code = 403
    default_message = "You are not allowed to do this."


class Conflict(DomainError):
    status_code = 409
    default_message = "This conflicts with the current state."
