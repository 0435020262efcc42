from django.db import models
from django.utils.translation import gettext_lazy as _


class HourlyCount(models.Model):
    """How many times a step of the booking funnel was seen in one UTC hour (search pages, profile views).

    Per hour in UTC rather than per day: a day in the viewer's zone is a run of whole UTC hours for every
    zone with a whole-hour offset, so the staff dashboard can sum them in anyone's zone, across DST changes.
    (Zones at a half or quarter hour, e.g. Asia/Kolkata, are off by that much at their day boundaries.)
    Only counts: no visitor, no query text, nothing personal.
    """

    class Step(models.TextChoices):
        SEARCH = "search", _("Search")
        PROFILE = "profile", _("Profile view")

    hour = models.DateTimeField(help_text="The start of the UTC hour.")
    step = models.CharField(max_length=16, choices=Step.choices)
    count = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["hour", "step"], name="one_count_per_hour_and_step")]

    def __str__(self):
        return f"{self.hour:%Y-%m-%d %H}:00 UTC {self.step}: {self.count}"
