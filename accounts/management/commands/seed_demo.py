"""Demo data for `make run`: idempotent, safe to run on every start."""

from datetime import time, timedelta
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from mentors.models import MentorProfile, Service, Skill, Slot, WeeklyRule
from reviews.models import Review
from reviews.services import mentor_rating_recompute

DEMO_PASSWORD = "mentorhub-demo"

DEMO_USERS = [
    # email, full name, role, staff, timezone
    ("admin@mentorhub.local", "Ada Admin", User.Role.ADMIN, True, "UTC"),
    ("maria.mentor@mentorhub.local", "Maria Petrova", User.Role.MENTOR, False, "Europe/Moscow"),
    ("james.mentor@mentorhub.local", "James Carter", User.Role.MENTOR, False, "America/New_York"),
    ("aiko.mentor@mentorhub.local", "Aiko Tanaka", User.Role.MENTOR, False, "Asia/Tokyo"),
    ("lena.mentor@mentorhub.local", "Lena Vogel", User.Role.MENTOR, False, "Europe/Berlin"),
    ("omar.mentor@mentorhub.local", "Omar Haddad", User.Role.MENTOR, False, "Europe/London"),
    ("sofia.mentor@mentorhub.local", "Sofia Rossi", User.Role.MENTOR, False, "Europe/Rome"),
    ("ivan.student@mentorhub.local", "Ivan Ivanov", User.Role.STUDENT, False, "Europe/Moscow"),
    ("emma.student@mentorhub.local", "Emma Smith", User.Role.STUDENT, False, "Europe/London"),
]

# email -> title, company, price/hour, skills, weekly hours {weekday: [(start, end)]}, description
DEMO_MENTORS = {
    "maria.mentor@mentorhub.local": (
        "Senior Python Developer", "Yandex", "3000", ["Python", "Django", "FastAPI", "PostgreSQL"],
        {0: [(10, 18)], 2: [(14, 20)], 4: [(10, 14)]},
        "Ten years of backend work. I help with Python interviews, Django architecture and code review.",
    ),
    "james.mentor@mentorhub.local": (
        "Staff Engineer", "Stripe", "9000", ["System Design", "Go", "Career Growth"],
        {1: [(9, 12), (13, 17)], 3: [(9, 17)]},
        "From senior to staff: system design interviews, technical leadership and promotion packets.",
    ),
    "aiko.mentor@mentorhub.local": (
        "Frontend Lead", "Mercari", "4500", ["React", "TypeScript", "Accessibility"],
        {0: [(18, 21)], 1: [(18, 21)], 5: [(10, 13)]},
        "Modern React, TypeScript at scale and building accessible interfaces.",
    ),
    "lena.mentor@mentorhub.local": (
        "Data Scientist", "Zalando", "5000", ["Python", "Machine Learning", "SQL"],
        {0: [(8, 12)], 1: [(8, 12)], 2: [(8, 12)], 3: [(8, 12)]},
        "Statistics, ML in production and the SQL you need for analytics interviews.",
    ),
    "omar.mentor@mentorhub.local": (
        "Engineering Manager", "Monzo", "7000", ["Leadership", "Career Growth", "Hiring"],
        {2: [(12, 18)], 4: [(12, 18)]},
        "First-time managers: one-on-ones, hiring loops and giving feedback that lands.",
    ),
    "sofia.mentor@mentorhub.local": (
        "Product Designer", "Bending Spoons", "3500", ["UX Design", "Figma", "Portfolio Review"],
        {1: [(15, 19)], 3: [(15, 19)]},
        "Portfolio reviews and design critiques for junior and mid-level designers.",
    ),
}

DEMO_REVIEWS = ["Very practical advice, thank you!", "Helped me prepare for my interview.",
                "Clear explanations and great examples.", "Would book again."]


class Command(BaseCommand):
    help = "Create (or refresh) the demo accounts and mentors. Running it again changes nothing but passwords."

    def add_arguments(self, parser):
        parser.add_argument("--password", default=DEMO_PASSWORD,
                            help=f"Password for every demo account (default: {DEMO_PASSWORD}, only with DEBUG on).")

    @transaction.atomic
    def handle(self, *args, password, **options):
        if password == DEMO_PASSWORD and not settings.DEBUG:
            # The demo password is printed in the README: on a reachable site these would be open accounts,
            # one of them staff.
            raise CommandError(f"Refusing to create accounts with the public demo password ({DEMO_PASSWORD}) "
                               "while DEBUG is off. Pass --password with a private one.")
        users = {}
        for email, full_name, role, staff, tz in DEMO_USERS:
            user, _ = User.objects.get_or_create(
                email=email,
                defaults={"full_name": full_name, "role": role, "is_staff": staff, "is_superuser": staff,
                          "timezone": tz},
            )
            user.set_password(password)
            user.save(update_fields=["password"])
            EmailAddress.objects.update_or_create(user=user, email=email, defaults={"primary": True, "verified": True})
            users[email] = user
        students = [users["ivan.student@mentorhub.local"], users["emma.student@mentorhub.local"]]
        for index, (email, spec) in enumerate(DEMO_MENTORS.items()):
            self._mentor(users[email], spec, students, index)
        self.stdout.write(self.style.SUCCESS(f"Demo data ready. Log in with any of these (password: {password}):"))
        for email, _, role, staff, _ in DEMO_USERS:
            self.stdout.write(f"  {email:<34} {role}{' (staff: /admin)' if staff else ''}")

    def _mentor(self, user, spec, students, index):
        title, company, price, skills, weekly, description = spec
        profile, created = MentorProfile.objects.get_or_create(
            user=user,
            defaults={"title": title, "company": company, "price_per_hour": Decimal(price), "description": description,
                      "status": MentorProfile.Status.APPROVED, "timezone": user.timezone, "min_notice_minutes": 120,
                      "requires_confirmation": index % 2 == 1, "reviewed_at": timezone.now(),
                      "total_sessions": 12 + index * 7},
        )
        if not created:
            return
        profile.skills.set(
            Skill.objects.get_or_create(slug=name.lower().replace(" ", "-"), defaults={"name": name})[0]
            for name in skills
        )
        WeeklyRule.objects.bulk_create(
            WeeklyRule(mentor=profile, weekday=day, start_time=time(start), end_time=time(end))
            for day, ranges in weekly.items() for start, end in ranges
        )
        hourly = Decimal(price)
        one_on_one = Service.objects.create(mentor=profile, name="One-on-one session", duration_minutes=60,
                                            price=hourly)
        Service.objects.create(mentor=profile, name="Quick question", duration_minutes=30,
                               price=(hourly / 2).quantize(Decimal("1")), session_type=Service.SessionType.CHAT)
        group = Service.objects.create(mentor=profile, name="Group workshop", duration_minutes=90,
                                       price=(hourly / 3).quantize(Decimal("1")), capacity=6)
        # A group slot on the mentor's next working day, a week out, clear of their weekly hours' start.
        day = min(weekly)
        start_local = (timezone.localtime(timezone=profile_zone(profile)) + timedelta(days=7)).replace(
            hour=weekly[day][0][0], minute=0, second=0, microsecond=0)
        start_local += timedelta(days=(day - start_local.weekday()) % 7)
        Slot.objects.create(mentor=profile, service=group, start=start_local, end=start_local + timedelta(minutes=90),
                            capacity=group.capacity)
        for offset, student in enumerate(students):
            Review.objects.create(mentor=profile, author=student, rating=5 - (index + offset) % 2,
                                  comment=DEMO_REVIEWS[(index + offset) % len(DEMO_REVIEWS)])
        mentor_rating_recompute(mentor_id=profile.pk)
        del one_on_one


def profile_zone(profile):
    import zoneinfo

    return zoneinfo.ZoneInfo(profile.timezone)
