from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from mentorhub.i18n import speaking_to
from mentors.models import MentorProfile


@shared_task(acks_late=True)
def send_application_decision(profile_id: int) -> bool:
    """Tell an applicant how staff decided. Safe to run twice: it only reads and mails."""
    profile = MentorProfile.objects.select_related("user").filter(pk=profile_id).first()
    # Only an application's outcome is mailed from here; a suspension (decided later) has its own notice.
    if profile is None or profile.status not in (MentorProfile.Status.APPROVED, MentorProfile.Status.REJECTED):
        return False
    context = {"profile": profile, "site_url": settings.SITE_URL}
    approved = profile.status == MentorProfile.Status.APPROVED
    with speaking_to(profile.user):
        subject = _("You are now a MentorHub mentor") if approved else _("Your MentorHub mentor application")
        text = render_to_string("mentors/email/application_decision.txt", context)
        html = render_to_string("mentors/email/application_decision.html", context)
    send_mail(subject, text, None, [profile.user.email], html_message=html)
    return True
