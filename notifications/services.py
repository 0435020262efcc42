from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

from accounts.models import User
from notifications.models import Notification


@transaction.atomic
def notification_send(*, user: User, kind: str, title: str, body: str = "", link: str = "",
                      email: bool = True) -> Notification:
    """Record an in-app notice and mail the same text after commit."""
    notice = Notification.objects.create(user=user, kind=kind, title=title, body=body, link=link)
    if email and user.email:
        url = f"{settings.SITE_URL}{link}" if link else settings.SITE_URL
        text = f"{body}\n\n{url}\n\n— MentorHub"
        transaction.on_commit(lambda: send_mail(title, text, None, [user.email], fail_silently=False))
    return notice
