from celery import shared_task

from mentorhub import health


@shared_task(acks_late=True)
def beat_heartbeat() -> None:
    """Beat's entry every minute: records that beat scheduled it and a worker ran it (``/health/ready``'s "beat")."""
    health.beat_run_record()
