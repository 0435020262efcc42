"""Demo data for `make run`: idempotent, safe to run on every start.

It should read like a real marketplace, so that search, sorting and time zones mean something: mentors in
many zones who work mornings, evenings or weekends, prices from cheap to premium (in one currency, so sorting
by price compares like with like), a few brand-new mentors without reviews, and ratings that differ.
"""

import zoneinfo
from datetime import time, timedelta
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import User
from courses.demo import seed_courses
from mentorhub.config import is_local_host
from mentors.models import MentorProfile, Service, Skill, Slot, WeeklyRule
from reviews.models import Review
from reviews.services import mentor_rating_recompute

DEMO_PASSWORD = "mentorhub-demo"
CURRENCY = "RUB"

DEMO_USERS = [
    # email, full name, role, staff, timezone
    ("admin@mentorhub.local", "Ada Admin", User.Role.ADMIN, True, "UTC"),
    ("maria.mentor@mentorhub.local", "Maria Petrova", User.Role.MENTOR, False, "Europe/Moscow"),
    ("james.mentor@mentorhub.local", "James Carter", User.Role.MENTOR, False, "America/New_York"),
    ("aiko.mentor@mentorhub.local", "Aiko Tanaka", User.Role.MENTOR, False, "Asia/Tokyo"),
    ("lena.mentor@mentorhub.local", "Lena Vogel", User.Role.MENTOR, False, "Europe/Berlin"),
    ("omar.mentor@mentorhub.local", "Omar Haddad", User.Role.MENTOR, False, "Europe/London"),
    ("sofia.mentor@mentorhub.local", "Sofia Rossi", User.Role.MENTOR, False, "Europe/Rome"),
    ("rahul.mentor@mentorhub.local", "Rahul Mehta", User.Role.MENTOR, False, "Asia/Kolkata"),
    ("carlos.mentor@mentorhub.local", "Carlos Souza", User.Role.MENTOR, False, "America/Sao_Paulo"),
    ("grace.mentor@mentorhub.local", "Grace Kim", User.Role.MENTOR, False, "Australia/Sydney"),
    ("ethan.mentor@mentorhub.local", "Ethan Brooks", User.Role.MENTOR, False, "America/Los_Angeles"),
    ("wei.mentor@mentorhub.local", "Wei Chen", User.Role.MENTOR, False, "Asia/Singapore"),
    ("amara.mentor@mentorhub.local", "Amara Okafor", User.Role.MENTOR, False, "Africa/Lagos"),
    ("piotr.mentor@mentorhub.local", "Piotr Nowak", User.Role.MENTOR, False, "Europe/Warsaw"),
    ("chloe.mentor@mentorhub.local", "Chloé Martin", User.Role.MENTOR, False, "America/Toronto"),
    ("alexey.mentor@mentorhub.local", "Алексей Смирнов", User.Role.MENTOR, False, "Europe/Moscow"),
    ("ekaterina.mentor@mentorhub.local", "Екатерина Волкова", User.Role.MENTOR, False, "Europe/Moscow"),
    ("dmitry.mentor@mentorhub.local", "Дмитрий Козлов", User.Role.MENTOR, False, "Asia/Yekaterinburg"),
    ("ivan.student@mentorhub.local", "Ivan Ivanov", User.Role.STUDENT, False, "Europe/Moscow"),
    ("emma.student@mentorhub.local", "Emma Smith", User.Role.STUDENT, False, "Europe/London"),
]

# Users who read the site, their e-mails and reminders in Russian (the others follow their browser).
RUSSIAN_SPEAKING = {"alexey.mentor@mentorhub.local", "ekaterina.mentor@mentorhub.local",
                    "dmitry.mentor@mentorhub.local"}

# Mentees who wrote the demo reviews. They cannot log in (no usable password): only the accounts above can.
REVIEWERS = [
    ("anna.k", "Anna Kuznetsova"), ("ben.o", "Ben Okafor"), ("chen.l", "Chen Li"), ("diego.r", "Diego Ramírez"),
    ("elif.y", "Elif Yılmaz"), ("farah.n", "Farah Nasser"), ("george.p", "George Papadopoulos"),
    ("hana.s", "Hana Sato"), ("igor.v", "Igor Volkov"), ("julia.m", "Julia Müller"), ("kofi.a", "Kofi Asante"),
    ("lucia.f", "Lucía Fernández"), ("maya.r", "Maya Rosen"), ("nikhil.j", "Nikhil Joshi"),
]
REVIEWER_EMAIL = "{}@reviewers.mentorhub.local"

# email -> title, company, price/hour (RUB), skills, weekly hours {weekday: [(start, end)]} in the mentor's zone,
# ratings of their reviews (latest first; empty for a new mentor), sessions held, confirms each request, text
DEMO_MENTORS = {
    "maria.mentor@mentorhub.local": (
        "Senior Python Developer", "Yandex", "3000", ["Python", "Django", "FastAPI", "PostgreSQL"],
        {0: [(10, 18)], 2: [(14, 20)], 4: [(10, 14)]},
        [5, 5, 5, 4, 5, 5, 5, 5, 4, 5, 5, 5, 5, 5], 64, False,
        "Ten years of backend work. I help with Python interviews, Django architecture and code review.",
    ),
    "james.mentor@mentorhub.local": (
        "Staff Engineer", "Stripe", "12000", ["System Design", "Go", "Career Growth"],
        {1: [(9, 12), (13, 17)], 3: [(9, 17)]},
        [5, 5, 4, 5, 5, 5, 4, 5, 5, 5, 5, 4, 5, 5, 5, 5, 4, 5, 5, 5, 5, 5], 181, True,
        "From senior to staff: system design interviews, technical leadership and promotion packets.",
    ),
    "aiko.mentor@mentorhub.local": (
        "Frontend Lead", "Mercari", "4500", ["React", "TypeScript", "Accessibility"],
        {0: [(19, 22)], 1: [(19, 22)], 5: [(10, 13)]},
        [5, 4, 5, 4, 5, 5, 4, 5, 4], 37, False,
        "Modern React, TypeScript at scale and building accessible interfaces. Evenings and Saturdays (Tokyo).",
    ),
    "lena.mentor@mentorhub.local": (
        "Data Scientist", "Zalando", "5000", ["Python", "Machine Learning", "SQL"],
        {0: [(7, 10)], 1: [(7, 10)], 2: [(7, 10)], 3: [(7, 10)]},
        [4, 5, 4, 3, 5], 21, True,
        "Statistics, ML in production and the SQL you need for analytics interviews. Early mornings, Berlin time.",
    ),
    "omar.mentor@mentorhub.local": (
        "Engineering Manager", "Monzo", "7000", ["Leadership", "Career Growth", "Hiring"],
        {2: [(12, 18)], 4: [(12, 18)]},
        [5, 5, 4, 5, 5, 5, 4, 5, 5, 4, 5, 5, 5, 4, 5, 5, 5], 88, False,
        "First-time managers: one-on-ones, hiring loops and giving feedback that lands.",
    ),
    "sofia.mentor@mentorhub.local": (
        "Product Designer", "Bending Spoons", "3500", ["UX Design", "Figma", "Portfolio Review"],
        {1: [(15, 19)], 3: [(15, 19)]},
        [4, 3, 4], 9, True,
        "Portfolio reviews and design critiques for junior and mid-level designers.",
    ),
    "rahul.mentor@mentorhub.local": (
        "Senior Backend Engineer", "Flipkart", "1800", ["Java", "Spring", "Algorithms", "Interviews"],
        {5: [(9, 13), (15, 19)], 6: [(9, 13)]},
        [5, 4, 5, 4, 4, 5, 4, 5, 5, 4, 4], 52, False,
        "Weekend mock interviews: data structures, algorithms and Java backend design.",
    ),
    "carlos.mentor@mentorhub.local": (
        "Mobile Developer", "Nubank", "2500", ["Kotlin", "Android", "Flutter"],
        {0: [(18, 21)], 2: [(18, 21)], 3: [(18, 21)]},
        [4, 4, 3, 5, 4, 4], 19, False,
        "Android with Kotlin and cross-platform apps with Flutter, from first app to the store.",
    ),
    "grace.mentor@mentorhub.local": (
        "Cloud Architect", "Atlassian", "8000", ["AWS", "Kubernetes", "DevOps"],
        {1: [(8, 11)], 3: [(8, 11)], 5: [(9, 12)]},
        [], 2, True,
        "Cloud architecture reviews, Kubernetes in production and AWS certification prep. New on MentorHub.",
    ),
    "ethan.mentor@mentorhub.local": (
        "Principal Engineer", "Netflix", "15000", ["System Design", "Distributed Systems", "Java"],
        {1: [(16, 19)], 4: [(9, 12)]},
        [5, 5, 5, 5, 4, 5, 5, 5], 44, True,
        "Distributed systems at scale and the principal-level interview loop.",
    ),
    "wei.mentor@mentorhub.local": (
        "Machine Learning Engineer", "Grab", "6000", ["Machine Learning", "Python", "MLOps"],
        {0: [(20, 23)], 2: [(20, 23)], 6: [(14, 18)]},
        [5, 4, 4, 5], 15, False,
        "From notebook to production: ML pipelines, model serving and MLOps interviews.",
    ),
    "amara.mentor@mentorhub.local": (
        "Product Manager", "Paystack", "4000", ["Product Management", "Career Growth", "Fintech"],
        {1: [(10, 14)], 2: [(10, 14)], 4: [(14, 17)]},
        [5, 5], 6, False,
        "Breaking into product management, writing specs engineers love and fintech product sense.",
    ),
    "piotr.mentor@mentorhub.local": (
        "QA Automation Lead", "Allegro", "2200", ["Testing", "Python", "Playwright", "CI/CD"],
        {0: [(8, 12)], 1: [(8, 12)], 2: [(8, 12)], 3: [(8, 12)], 4: [(8, 12)]},
        [4, 5, 3, 4, 4, 5, 4, 4, 3, 5, 4, 4], 58, False,
        "Test automation that stays green: Playwright, pytest and CI pipelines.",
    ),
    "chloe.mentor@mentorhub.local": (
        "iOS Engineer", "Shopify", "5500", ["Swift", "iOS", "SwiftUI"],
        {2: [(17, 20)], 5: [(11, 15)]},
        [], 0, True,
        "SwiftUI, app architecture and getting your first iOS job. Just joined: book the first session!",
    ),
    # Russian-speaking mentors, with profiles written in Russian (skills keep the field's usual Latin names).
    "alexey.mentor@mentorhub.local": (
        "Ведущий backend-разработчик", "Т-Банк", "3200", ["Python", "Django", "PostgreSQL", "Interviews"],
        {0: [(19, 22)], 2: [(19, 22)], 5: [(11, 15)]},
        [5, 5, 4, 5, 5, 5, 4, 5], 47, False,
        "Десять лет пишу бэкенд на Python. Готовлю к собеседованиям, разбираю архитектуру Django-проектов "
        "и провожу код-ревью. Объясняю просто, на примерах из реальных задач.",
    ),
    "ekaterina.mentor@mentorhub.local": (
        "Продуктовый дизайнер", "VK", "4200", ["UX Design", "Figma", "Portfolio Review"],
        {1: [(10, 14)], 3: [(10, 14), (16, 19)]},
        [5, 4, 5, 5, 5], 23, True,
        "Помогаю дизайнерам собрать сильное портфолио, пройти дизайн-ревью и подготовиться к собеседованию "
        "в продуктовую команду. Смотрю работы заранее, чтобы на встрече говорить о главном.",
    ),
    "dmitry.mentor@mentorhub.local": (
        "Руководитель группы разработки", "Сбер", "6500", ["Leadership", "Career Growth", "Hiring"],
        {0: [(8, 11)], 1: [(8, 11)], 3: [(18, 21)]},
        [], 1, False,
        "Помогаю новым тимлидам: встречи один на один, найм, обратная связь и планирование. Расскажу, как "
        "вырасти из разработчика в руководителя и не выгореть. Недавно на MentorHub — запишитесь первым!",
    ),
}

COMMENTS = {
    5: ["Very practical advice, thank you!", "Helped me prepare for my interview, and I got the offer.",
        "Clear explanations and great examples.", "Would book again.",
        "Exactly the feedback I needed on my design.", "Generous with time and very well prepared."],
    4: ["Good session, a bit rushed at the end.", "Useful, though I wanted more hands-on examples.",
        "Solid advice; the follow-up notes were great.", ""],
    3: ["Knowledgeable, but the session felt unstructured.", "OK overall; started late."],
}
# What reviewers wrote to a Russian-speaking mentor.
COMMENTS_RU = {
    5: ["Очень практичные советы, спасибо!", "Помог подготовиться к собеседованию — оффер получен.",
        "Понятные объяснения и отличные примеры.", "Обязательно приду ещё."],
    4: ["Хорошая сессия, но под конец немного торопились.", "Полезно, хотелось бы больше практики.", ""],
    3: ["Знаний много, но встрече не хватило структуры."],
}
# The services every demo mentor offers, named in the mentor's language: one-on-one, quick question, workshop.
SERVICE_NAMES = {
    "en": ("One-on-one session", "Quick question", "Group workshop"),
    "ru": ("Индивидуальная сессия", "Короткий вопрос", "Групповой воркшоп"),
}


class Command(BaseCommand):
    help = ("Create (or refresh) the demo accounts, mentors and courses. Running it again changes nothing but "
            "passwords.")

    def add_arguments(self, parser):
        parser.add_argument("--password", default=DEMO_PASSWORD,
                            help=f"Password for every demo account (default: {DEMO_PASSWORD}, only with DEBUG on or "
                                 "local ALLOWED_HOSTS).")

    @transaction.atomic
    def handle(self, *args, password, **options):
        public_hosts = [host for host in settings.ALLOWED_HOSTS if not is_local_host(host)]
        if password == DEMO_PASSWORD and not settings.DEBUG and public_hosts:
            # The demo password is printed in the README: on a reachable site these would be open accounts,
            # one of them staff. `make run` (DEBUG off, served to this machine's names only) may use it.
            raise CommandError(f"Refusing to create accounts with the public demo password ({DEMO_PASSWORD}) "
                               f"while DEBUG is off and ALLOWED_HOSTS names {', '.join(public_hosts)}. "
                               "Pass --password with a private one.")
        users = {}
        for email, full_name, role, staff, tz in DEMO_USERS:
            user, _ = User.objects.get_or_create(
                email=email,
                defaults={"full_name": full_name, "role": role, "is_staff": staff, "is_superuser": staff,
                          "timezone": tz, "language": "ru" if email in RUSSIAN_SPEAKING else ""},
            )
            user.set_password(password)
            user.save(update_fields=["password"])
            EmailAddress.objects.update_or_create(user=user, email=email, defaults={"primary": True, "verified": True})
            users[email] = user
        reviewers = self._reviewers()
        for index, (email, spec) in enumerate(DEMO_MENTORS.items()):
            self._mentor(users[email], spec, reviewers, index)
        seed_courses(reviewers=reviewers)
        self.stdout.write(self.style.SUCCESS(f"Demo data ready. Log in with any of these (password: {password}):"))
        for email, _, role, staff, _ in DEMO_USERS:
            self.stdout.write(f"  {email:<34} {role}{' (staff: /admin)' if staff else ''}")

    def _reviewers(self) -> list[User]:
        unusable = make_password(None)
        return [User.objects.get_or_create(email=REVIEWER_EMAIL.format(handle), defaults={
            "full_name": name, "role": User.Role.STUDENT, "password": unusable})[0] for handle, name in REVIEWERS]

    def _mentor(self, user, spec, reviewers, index):
        title, company, price, skills, weekly, ratings, sessions, confirms, description = spec
        profile, created = MentorProfile.objects.get_or_create(
            user=user,
            defaults={"title": title, "company": company, "price_per_hour": Decimal(price), "currency": CURRENCY,
                      "description": description, "status": MentorProfile.Status.APPROVED, "timezone": user.timezone,
                      "min_notice_minutes": (60, 120, 240, 720)[index % 4], "requires_confirmation": confirms,
                      "reviewed_at": timezone.now(), "total_sessions": sessions},
        )
        if created:
            russian = user.language == "ru"
            self._calendar(profile, skills, weekly, Decimal(price), group=index % 3 != 2 or russian,
                           names=SERVICE_NAMES["ru" if russian else "en"])
        # Reviews are checked apart from the profile, so that a database seeded by an older version of this
        # command gets them too; once there, a run changes nothing.
        if ratings and not Review.objects.filter(mentor=profile, author__in=reviewers).exists():
            now = timezone.now()
            comments = COMMENTS_RU if user.language == "ru" else COMMENTS
            reply = "Спасибо, было приятно поработать!" if user.language == "ru" else "Thank you, it was a pleasure!"
            Review.objects.bulk_create(
                Review(mentor=profile, author=reviewers[(index + number) % len(reviewers)], rating=rating,
                       comment=comments[rating][(index + number) % len(comments[rating])],
                       mentor_reply=reply if number % 4 == 1 else "")
                for number, rating in enumerate(ratings)
            )
            # Spread over the past months, latest first, like reviews that came in one by one.
            for number, row in enumerate(Review.objects.filter(mentor=profile, author__in=reviewers).order_by("id")):
                Review.objects.filter(pk=row.pk).update(created_at=now - timedelta(days=3 + number * (9 + index)))
            mentor_rating_recompute(mentor_id=profile.pk)

    def _calendar(self, profile, skills, weekly, hourly, *, group: bool, names: tuple[str, str, str]):
        profile.skills.set(
            # The slug the mentors' own services give a skill, so a mentor typing "CI/CD" finds the same one.
            Skill.objects.get_or_create(slug=slugify(name), defaults={"name": name})[0] for name in skills
        )
        WeeklyRule.objects.bulk_create(
            WeeklyRule(mentor=profile, weekday=day, start_time=time(start), end_time=time(end))
            for day, ranges in weekly.items() for start, end in ranges
        )
        one_on_one, quick, workshop_name = names
        Service.objects.create(mentor=profile, name=one_on_one, duration_minutes=60, price=hourly)
        Service.objects.create(mentor=profile, name=quick, duration_minutes=30,
                               price=(hourly / 2).quantize(Decimal("1")), session_type=Service.SessionType.CHAT)
        if not group:
            return
        workshop = Service.objects.create(mentor=profile, name=workshop_name, duration_minutes=90,
                                          price=(hourly / 3).quantize(Decimal("1")), capacity=6)
        # A group slot on the mentor's first working day a week out, at the start of their hours that day.
        day = min(weekly)
        start_local = (timezone.localtime(timezone=zoneinfo.ZoneInfo(profile.timezone)) + timedelta(days=7)).replace(
            hour=weekly[day][0][0], minute=0, second=0, microsecond=0)
        start_local += timedelta(days=(day - start_local.weekday()) % 7)
        Slot.objects.create(mentor=profile, service=workshop, start=start_local,
                            end=start_local + timedelta(minutes=90), capacity=workshop.capacity)

