"""Who hears about an enrollment's change, in what words. Queued after commit; run by a task."""

import logging

from django.utils.translation import gettext_lazy as _

from courses.models import Enrollment
from mentorhub.i18n import speaking_to
from mentorhub.queue import enqueue_on_commit

logger = logging.getLogger(__name__)

# event: (the learner's title, the body); the title is formatted with the course's title
WORDS = {
    "active": (_("“%(course)s” is open"), _("Your payment arrived: every lesson is yours.")),
    "completed": (_("You completed “%(course)s”"), _("Your certificate is ready: open it, share it, print it.")),
    "refunded": (_("“%(course)s” refunded"), _("The money goes back to your card; the course is closed to you.")),
}
# The status the enrollment must still have for the notice to be worth sending.
STILL = {"active": Enrollment.Status.ACTIVE, "completed": Enrollment.Status.ACTIVE,
         "refunded": Enrollment.Status.REFUNDED}


def enrollment_changed_on_commit(enrollment_id: int, event: str) -> None:
    from courses.tasks import notify_enrollment_changed

    enqueue_on_commit(notify_enrollment_changed, enrollment_id, event)


def enrollment_changed(enrollment: Enrollment, event: str) -> None:
    from notifications.services import notification_send

    title, body = WORDS[event]
    with speaking_to(enrollment.user):  # the learner's language, whoever set the change off
        title, body = str(title) % {"course": enrollment.course.title}, str(body)
    link = f"/certificates/{enrollment.certificate_id}/" if event == "completed" else ""
    notification_send(user=enrollment.user, kind=f"course.{event}", title=title, body=body, link=link)
