"""Cache invalidation only: a review saved or deleted (staff also edit them in the admin) changes the
mentor cards and profiles, so it bumps the catalogue version like mentors/signals.py does for its own rows.
"""

from django.db.models.signals import post_delete, post_save

from mentors.cache import invalidate_catalog
from reviews.models import Review


def _changed(**kwargs):
    invalidate_catalog()


post_save.connect(_changed, sender=Review, dispatch_uid="catalog-save-Review")
post_delete.connect(_changed, sender=Review, dispatch_uid="catalog-delete-Review")
