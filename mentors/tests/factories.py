from datetime import time, timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from accounts.tests.factories import MentorUserFactory
from mentors.models import MentorProfile, Service, Skill, Slot, WeeklyRule


class SkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Skill
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Skill {n}")
    slug = factory.LazyAttribute(lambda o: o.name.lower().replace(" ", "-"))


class MentorProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MentorProfile
        skip_postgeneration_save = True

    user = factory.SubFactory(MentorUserFactory)
    title = "Senior Python Developer"
    description = "Ten years of backend work."
    price_per_hour = Decimal("3000.00")
    status = MentorProfile.Status.APPROVED
    timezone = "UTC"
    min_notice_minutes = 0

    @factory.post_generation
    def skills(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.skills.set([SkillFactory(name=name) if isinstance(name, str) else name for name in extracted])


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service

    mentor = factory.SubFactory(MentorProfileFactory)
    name = "Career guidance"
    duration_minutes = 60
    price = Decimal("3000.00")
    session_type = Service.SessionType.VIDEO
    capacity = 1


class WeeklyRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WeeklyRule

    mentor = factory.SubFactory(MentorProfileFactory)
    weekday = 0
    start_time = time(9)
    end_time = time(17)


class SlotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Slot

    mentor = factory.SubFactory(MentorProfileFactory)
    service = None
    start = factory.LazyFunction(lambda: (timezone.now() + timedelta(days=3)).replace(microsecond=0))
    end = factory.LazyAttribute(lambda o: o.start + timedelta(hours=1))
    capacity = 1
