"""Demo data for `make run`: idempotent, safe to run on every start."""

from allauth.account.models import EmailAddress
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import User

DEMO_PASSWORD = "mentorhub-demo"

DEMO_USERS = [
    # email, full name, role, staff, timezone
    ("admin@mentorhub.local", "Ada Admin", User.Role.ADMIN, True, "UTC"),
    ("maria.mentor@mentorhub.local", "Maria Petrova", User.Role.MENTOR, False, "Europe/Moscow"),
    ("james.mentor@mentorhub.local", "James Carter", User.Role.MENTOR, False, "America/New_York"),
    ("aiko.mentor@mentorhub.local", "Aiko Tanaka", User.Role.MENTOR, False, "Asia/Tokyo"),
    ("ivan.student@mentorhub.local", "Ivan Ivanov", User.Role.STUDENT, False, "Europe/Moscow"),
    ("emma.student@mentorhub.local", "Emma Smith", User.Role.STUDENT, False, "Europe/London"),
]


class Command(BaseCommand):
    help = "Create (or refresh) the demo accounts. Running it again changes nothing but the passwords."

    @transaction.atomic
    def handle(self, *args, **options):
        for email, full_name, role, staff, tz in DEMO_USERS:
            user, created = User.objects.get_or_create(
                email=email,
                defaults={"full_name": full_name, "role": role, "is_staff": staff, "is_superuser": staff,
                          "timezone": tz},
            )
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            EmailAddress.objects.update_or_create(
                user=user, email=email, defaults={"primary": True, "verified": True}
            )
        self.stdout.write(self.style.SUCCESS(f"Demo data ready. Log in with any of these (password: {DEMO_PASSWORD}):"))
        for email, _, role, staff, _ in DEMO_USERS:
            self.stdout.write(f"  {email:<34} {role}{' (staff: /admin)' if staff else ''}")
