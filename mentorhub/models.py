from django.db import models


class Heartbeat(models.Model):
    """When a periodic job last ran, by name: ``beat`` is written by the beat-scheduled heartbeat task.

    In the database because it is the one store every process shares in every setup (the embedded default's
    cache is per process); readiness (``/health/ready``) reads it.
    """

    name = models.CharField(max_length=50, primary_key=True)
    at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} at {self.at:%Y-%m-%d %H:%M:%S}"
