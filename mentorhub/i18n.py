"""Which language to speak to someone who is not the one making the request.

A notice, an e-mail or a reminder goes to its recipient in the recipient's language, whoever set it off:
a mentor browsing in English who confirms a booking tells a Russian-speaking mentee in Russian. Build the
text (title, body, subject, template) inside ``speaking_to(recipient)``.
"""

from django.conf import settings
from django.utils import translation


def language_of(user) -> str:
    """The user's chosen language (their profile), else the site's default."""
    return getattr(user, "language", "") or settings.LANGUAGE_CODE


def speaking_to(user):
    """``with speaking_to(user): ...`` renders and translates in ``user``'s language."""
    return translation.override(language_of(user))
