from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string

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
    subject = "You are now a MentorHub mentor" if approved else "Your MentorHub mentor application"
    send_mail(
        subject,
        render_to_string("mentors/email/application_decision.txt", context),
        None,
        [profile.user.email],
        html_message=render_to_string("mentors/email/application_decision.html", context),
    )
    return True
