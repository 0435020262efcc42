"""Every example request of the specifications, replayed against the app: none may answer 404, 405 or 500
(unless the spec itself prescribes that status), and the README's table of them must be the one this
test writes.

The requests are in docs/specs/examples.json, each with the spec it comes from. They are replayed in
order against one prepared world, on the day before the specs' dates (2024-10-01), so a spec's example
time is still ahead. Regenerate the README's table after a change with

    SPEC_TABLE_WRITE=1 .venv/bin/python -m pytest tests/test_spec_examples.py
"""

import json
import os
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import stripe
from django.urls import Resolver404, resolve
from freezegun import freeze_time
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.tests.factories import UserFactory
from bookings import services as bookings
from bookings.models import Booking
from bookings.tests.factories import BookingFactory
from courses.tests.factories import CourseFactory, LessonFactory
from mentors.tests.factories import MentorProfileFactory, ServiceFactory, SlotFactory, WeeklyRuleFactory
from payments import services as payments
from payments.providers import to_minor

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = json.loads((ROOT / "docs" / "specs" / "examples.json").read_text(encoding="utf-8"))["examples"]
README = ROOT / "README.md"
BEGIN = "<!-- spec-examples:begin (written by tests/test_spec_examples.py) -->"
END = "<!-- spec-examples:end -->"
SPEC_TODAY = datetime(2024, 10, 1, 9, 0, tzinfo=UTC)
WEBHOOK_SECRET = "whsec_spec_examples"
REFUSED = {404, 405, 500}


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2024, 10, day, hour, minute, tzinfo=UTC)


def slot_at(profile, start: datetime, **kwargs):
    return SlotFactory(mentor=profile, start=start, end=start + timedelta(hours=1), **kwargs)


def world() -> dict:
    """The people and objects the examples name, in the states their requests need."""
    profile = MentorProfileFactory(user__full_name="Jane Doe", requires_confirmation=True, min_notice_minutes=0,
                                   skills=["Python", "Web Development"])
    for weekday in range(7):
        WeeklyRuleFactory(mentor=profile, weekday=weekday)
    service = ServiceFactory(mentor=profile, duration_minutes=60)
    mentee = UserFactory(full_name="John Doe")

    def held(start: datetime, *, confirm: bool = True) -> Booking:
        booking = bookings.booking_hold(mentee=mentee, slot_id=slot_at(profile, start).pk)
        return bookings.booking_confirm(booking_id=booking.pk, actor=profile.user) if confirm else booking

    def ended(start: datetime, status=Booking.Status.SCHEDULED) -> Booking:
        return BookingFactory(slot=slot_at(profile, start, seats_taken=1), mentee=mentee, status=status,
                              payment_status=Booking.PaymentStatus.NOT_REQUIRED, price=0)

    booking = held(at(2, 12))
    payment = payments.payment_start(booking_id=booking.pk, payer=mentee)
    course = CourseFactory(author=profile, price=0)
    lessons = [LessonFactory(course=course) for _ in range(4)]
    ids = {
        "mentor": profile.pk, "mentor_user": profile.user.pk, "service": service.pk,
        "free_slot": slot_at(profile, at(2, 10)).pk, "requested_booking": held(at(2, 11), confirm=False).pk,
        "booking": booking.pk, "cancellable_booking": held(at(4, 10)).pk, "cancellable_booking_2": held(at(4, 11)).pk,
        "cancellable_booking_3": held(at(4, 12)).pk, "unpaid_booking": held(at(5, 10)).pk,
        "group_slot": slot_at(profile, at(6, 10), capacity=5).pk,
        "past_booking": ended(at(1, 6)).pk, "past_booking_2": ended(at(1, 7)).pk,
        "completed_booking": ended(at(1, 3), Booking.Status.COMPLETED).pk,
        "completed_booking_2": ended(at(1, 4), Booking.Status.COMPLETED).pk,
        "free_time": at(7, 10).isoformat(), "course": course.pk,
        "lesson_ids": [lesson.pk for lesson in lessons[:3]], "next_lesson": lessons[3].pk,
        "intent": payment.provider_intent_id, "intent_amount": to_minor(payment.amount, payment.currency),
        "intent_currency": payment.currency.lower(),
    }
    users = {"mentee": mentee, "mentor": profile.user, "applicant": UserFactory(full_name="Иван Иванов")}
    return {"ids": ids, "users": users}


def fill(value, ids: dict, placeholders: dict):
    if isinstance(value, dict):
        return {key: fill(item, ids, placeholders) for key, item in value.items()}
    if isinstance(value, list):
        return [fill(item, ids, placeholders) for item in value]
    if isinstance(value, str) and value in placeholders:
        return ids[placeholders[value]]
    return value


def send(example: dict, state: dict):
    ids, users = state["ids"], state["users"]
    placeholders = example.get("fill", {})
    path = example["path"]
    for token, name in placeholders.items():
        path = path.replace(token, str(ids[name]))
    body = fill(example.get("body"), ids, placeholders)
    client, extra = APIClient(), {}
    who = example["as"]
    if who in users:
        token = str(RefreshToken.for_user(users[who]).access_token)
        if example.get("cookie"):
            client.cookies["auth"] = token
        else:
            extra["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    elif who == "refresh":
        extra["HTTP_AUTHORIZATION"] = f"Bearer {RefreshToken.for_user(users['mentee'])}"
    raw = json.dumps(body) if body is not None else ""
    if who == "stripe":
        stamp = int(time.time())
        signature = stripe.WebhookSignature._compute_signature(f"{stamp}.{raw}", WEBHOOK_SECRET)
        extra["HTTP_STRIPE_SIGNATURE"] = f"t={stamp},v1={signature}"
    return path, client.generic(example["method"], path, raw, content_type="application/json", **extra)


def served_by(path: str, method: str) -> str:
    try:
        match = resolve(path.split("?")[0])
    except Resolver404:
        return "(no route)"
    view = getattr(match.func, "view_class", None) or getattr(match.func, "cls", None)
    if view is None:
        return f"`{match.func.__module__}.{match.func.__name__}`"
    action = (getattr(match.func, "actions", None) or {}).get(method.lower())
    return f"`{view.__module__}.{view.__name__}{'.' + action if action else ''}`"


def table(rows: list[tuple]) -> str:
    lines = ["| spec | request | the product's route (its view) | status |", "|---|---|---|---|"]
    lines += [f"| {spec} | `{method} {path}` | {view} | {status} |" for spec, method, path, view, status in rows]
    return "\n".join(lines)


def readme_table() -> str:
    text = README.read_text(encoding="utf-8")
    return text[text.index(BEGIN) + len(BEGIN):text.index(END)].strip()


@freeze_time(SPEC_TODAY)
def test_every_example_request_of_the_specs_is_served_and_the_readme_lists_each_one(settings):
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK,
                               "DEFAULT_THROTTLE_RATES": dict.fromkeys(("anon", "user", "premium", "auth"), "1000/min")}
    state = world()
    rows, refused = [], []
    for example in EXAMPLES:
        path, response = send(example, state)
        if example.get("save"):
            state["ids"].update({name: response.json()["data"]["id"] for name in example["save"]})
        status = response.status_code
        expected = example.get("expect")
        if (status in REFUSED and status != expected) or (expected and status != expected):
            refused.append(f"spec {example['spec']}: {example['method']} {path} -> {status} {response.content[:300]}")
        rows.append((example["spec"], example["method"], example["path"], served_by(path, example["method"]),
                     f"{status} (as the spec says)" if expected else status))
    assert refused == [], "\n".join(refused)
    written = table(rows)
    if os.environ.get("SPEC_TABLE_WRITE"):
        text = README.read_text(encoding="utf-8")
        README.write_text(text[:text.index(BEGIN) + len(BEGIN)] + "\n" + written + "\n" + text[text.index(END):],
                          encoding="utf-8")
    assert readme_table() == written, "the README's table is stale: run with SPEC_TABLE_WRITE=1 (see this file's doc)"


def test_every_spec_has_its_examples_listed_and_every_listed_spec_is_in_the_repository():
    specs = {path.name[:3] for path in (ROOT / "docs" / "specs").glob("0*.md")}
    assert specs == {"000", "001", "002", "003", "004"}
    assert {example["spec"] for example in EXAMPLES} == specs


def test_every_listed_request_appears_in_its_spec_as_written():
    for example in EXAMPLES:
        text = next((ROOT / "docs" / "specs").glob(f"{example['spec']}_*.md")).read_text(encoding="utf-8")
        path = example["path"].split("?")[0]
        for prefix in ("/api/v1", "/api"):  # specs write paths with or without the API base
            if path.startswith(prefix + "/") and path not in text:
                path = path[len(prefix):]
        assert example.get("named", path.rstrip("/")) in text, (example["spec"], example["path"])
