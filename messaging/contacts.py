"""What messaging needs to know about people from the apps above it, asked through rules they register.

messaging sits below mentors and bookings in the layers (docs/ARCHITECTURE.md, "Layers"): both show a
"Message" button, so messaging may not import them, not even inside a function. Each registers what it
knows in its ``AppConfig.ready()`` instead:

- a contact rule ``rule(sender, recipient) -> bool``: may ``sender`` start a conversation with
  ``recipient``? mentors: anyone may write to an approved mentor; bookings: a mentee and their mentor
  may write to each other once a booking joins them. A send is allowed when any rule allows it (staff
  and a recipient who already wrote in the conversation are messaging's own rules).
- a profile link ``link(user) -> str | None``: the page of a person who offers sessions (mentors), shown
  beside the conversation with a "Book a session" button.
"""

from collections.abc import Callable

_contact_rules: list[Callable] = []
_profile_links: list[Callable] = []


def register_contact_rule(rule: Callable) -> None:
    """Add a ``rule(sender, recipient) -> bool`` (once; registering twice keeps one)."""
    if rule not in _contact_rules:
        _contact_rules.append(rule)


def register_profile_link(link: Callable) -> None:
    """Add a ``link(user) -> str | None`` (once; registering twice keeps one)."""
    if link not in _profile_links:
        _profile_links.append(link)


def contact_allowed(sender, recipient) -> bool:
    """Whether any registered rule lets ``sender`` start a conversation with ``recipient``."""
    return any(rule(sender, recipient) for rule in _contact_rules)


def profile_link(user) -> str | None:
    """The first registered profile page of ``user``, or None."""
    for link in _profile_links:
        url = link(user)
        if url:
            return url
    return None
