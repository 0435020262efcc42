"""The benchmark's data set: many approved mentors with skills, services, hours and reviews. Idempotent."""

import random
from datetime import time
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import connection, transaction

from accounts.models import User
from mentors.models import MentorProfile, Service, Skill, WeeklyRule
from reviews.models import Review

SKILLS = ["Python", "Django", "Go", "Rust", "Java", "Kotlin", "React", "TypeScript", "SQL", "PostgreSQL",
          "System Design", "Machine Learning", "Data Science", "DevOps", "Kubernetes", "AWS", "Security",
          "iOS", "Android", "Career Growth", "Leadership", "Product Management", "UX Design", "Figma",
          "Interviews", "Algorithms", "C++", "Elixir", "Scala", "Testing"]
EMAIL = "bench-mentor-{}@bench.mentorhub.local"
BATCH = 1000


class Command(BaseCommand):
    help = "Seed N approved mentors for `make bench` (keeps what exists; adds the missing ones)."

    def add_arguments(self, parser):
        parser.add_argument("--mentors", type=int, default=10_000)

    def handle(self, *args, mentors: int, **options):
        existing = User.objects.filter(email__endswith="@bench.mentorhub.local", role=User.Role.MENTOR).count()
        skills = [Skill.objects.get_or_create(slug=name.lower().replace(" ", "-").replace("+", "p"),
                                              defaults={"name": name})[0] for name in SKILLS]
        reviewers = [User.objects.get_or_create(email=f"bench-student-{i}@bench.mentorhub.local",
                                                defaults={"full_name": f"Student {i}"})[0] for i in range(20)]
        password = make_password(None)  # unusable; hashed once, not 10,000 times
        for start in range(existing, mentors, BATCH):
            self._batch(range(start, min(start + BATCH, mentors)), skills, reviewers, password)
            self.stdout.write(f"  {min(start + BATCH, mentors)} / {mentors} mentors")
        # Fresh statistics, as autovacuum would gather a minute or so after a bulk load in production: measured
        # before it had, the planner took 10,000 new mentors for 2 and one search cost 0.8 s (README, Performance).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        self.stdout.write(self.style.SUCCESS(f"Bench data ready: {mentors} mentors."))

    @transaction.atomic
    def _batch(self, numbers, skills, reviewers, password):
        rng = random.Random(numbers.start)
        users = User.objects.bulk_create(
            User(email=EMAIL.format(n), full_name=f"Bench Mentor {n}", role=User.Role.MENTOR, password=password)
            for n in numbers
        )
        profiles = MentorProfile.objects.bulk_create(
            MentorProfile(user=user, title=f"{rng.choice(SKILLS)} mentor", description="Benchmark profile. " * 5,
                          price_per_hour=Decimal(rng.randrange(500, 15000, 100)),
                          status=MentorProfile.Status.APPROVED, rating_avg=Decimal(rng.randint(30, 50)) / 10,
                          rating_count=3, total_sessions=rng.randint(0, 500))
            for user in users
        )
        through = MentorProfile.skills.through
        through.objects.bulk_create(
            through(mentorprofile_id=p.pk, skill_id=skill.pk) for p in profiles for skill in rng.sample(skills, 3)
        )
        Service.objects.bulk_create(
            Service(mentor=p, name=name, duration_minutes=minutes, price=p.price_per_hour * minutes / 60)
            for p in profiles for name, minutes in (("Session", 60), ("Quick call", 30))
        )
        WeeklyRule.objects.bulk_create(
            WeeklyRule(mentor=p, weekday=day, start_time=time(10), end_time=time(18))
            for p in profiles for day in rng.sample(range(7), 3)
        )
        Review.objects.bulk_create(
            Review(mentor=p, author=rng.choice(reviewers), rating=rng.randint(3, 5), comment="Helpful session.")
            for p in profiles for _ in range(3)
        )
