from celery import shared_task

from courses import notify
from courses.models import Enrollment


@shared_task(acks_late=True)
def notify_enrollment_changed(enrollment_id: int, event: str) -> bool:
    """Tell the learner. Skips an enrollment that has since moved on (a later notice covers it)."""
    enrollment = Enrollment.objects.select_related("user", "course").filter(pk=enrollment_id).first()
    if enrollment is None or enrollment.status != notify.STILL[event]:
        return False
    notify.enrollment_changed(enrollment, event)
    return True
