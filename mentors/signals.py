"""Cache invalidation only: whatever changes a mentor's public face bumps the catalogue version.

Receivers rather than calls in each service, because staff also edit these
rows in the admin and a missed call would serve stale profiles. No business
rule lives here.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from accounts.models import User
from mentors.cache import invalidate_catalog
from mentors.models import DateOverride, MentorProfile, Service, Slot, WeeklyRule

# Reviews change the cards too (rating, latest reviews); reviews/signals.py connects them to the same
# invalidate_catalog, since reviews builds on mentors and not the other way round.
CATALOGUE_MODELS = (MentorProfile, Service, WeeklyRule, DateOverride, Slot)
# Fields of a user that appear on mentor cards and profiles.
USER_CARD_FIELDS = {"full_name", "avatar_url", "email"}


def _changed(**kwargs):
    invalidate_catalog()


for model in CATALOGUE_MODELS:
    post_save.connect(_changed, sender=model, dispatch_uid=f"catalog-save-{model.__name__}")
    post_delete.connect(_changed, sender=model, dispatch_uid=f"catalog-delete-{model.__name__}")
m2m_changed.connect(_changed, sender=MentorProfile.skills.through, dispatch_uid="catalog-skills")


@receiver(post_save, sender=User, dispatch_uid="catalog-user")
def _user_changed(sender, instance, update_fields=None, **kwargs):
    if update_fields is not None and not (set(update_fields) & USER_CARD_FIELDS):
        return  # logins and password changes do not change any card
    invalidate_catalog()
