"""Every notice e-mail in two parts, text and HTML, from one pair of templates."""

from django.conf import settings
from django.template.loader import render_to_string


def render_notice(*, user, title: str, body: str, link: str) -> tuple[str, str]:
    context = {"user": user, "title": title, "body": body,
               "url": f"{settings.SITE_URL}{link}" if link else settings.SITE_URL}
    return (render_to_string("notifications/email.txt", context),
            render_to_string("notifications/email.html", context))
