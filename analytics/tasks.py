from celery import shared_task

from analytics import services


@shared_task(acks_late=True)
def flush_funnel_counts() -> int:
    """Beat sweep (every minute): buffered searches and profile views into HourlyCount. Safe to run twice."""
    return services.funnel_flush()
