"""Paid enrolment end to end on the API: enroll -> payment_url -> pay (the offline checkout pages, or a signed
Stripe webhook with the SDK stubbed) -> active -> lessons open -> progress -> completed -> certificate."""

import threading

import pytest
from django.db import connection

from courses.models import Course, Enrollment
from mentorhub.testing import requires_postgresql
from payments.models import Payment, PaymentEvent
from payments.tests.conftest import WEBHOOK_SECRET, charge_refunded_object, intent_object, post_event, signed_event

pytestmark = pytest.mark.django_db


def closed_lesson(course):
    return course.lessons.order_by("position")[1]


def finish_course(api, user, course) -> dict:
    """Open a closed lesson, complete every lesson, and return the last progress answer."""
    url = f"/api/v1/courses/{course.pk}"
    lesson = api(user).get(f"{url}/lessons/{closed_lesson(course).pk}")
    assert lesson.status_code == 200 and lesson.json()["body_html"]
    ids = list(course.lessons.order_by("position").values_list("pk", flat=True))
    half = api(user).put(f"{url}/progress", {"completed_lessons": ids[:2], "current_lesson": ids[2]}, format="json")
    assert half.json()["progress"] == 50 and half.json()["certificate_id"] is None
    return api(user).put(f"{url}/progress", {"completed_lessons": ids[2:]}, format="json").json()


def test_paid_enrolment_through_the_offline_checkout_pages(api, client, mentee, paid_course):
    enrolled = api(mentee).post(f"/api/v1/courses/{paid_course.pk}/enroll").json()
    assert api(mentee).get(f"/api/v1/courses/{paid_course.pk}/lessons/{closed_lesson(paid_course).pk}") \
        .status_code == 404
    checkout = enrolled["payment_url"].removeprefix("http://testserver")
    client.force_login(mentee)
    page = client.get(checkout).content.decode()
    assert "Test mode" in page and "RUB\xa015,000.00" in page and "within 14 days" in page
    result = client.post(f"{checkout}decide/", {"outcome": "succeed"}, follow=True).content.decode()
    assert "is open" in result
    assert Enrollment.objects.get(pk=enrolled["enrollment_id"]).status == "active"
    assert PaymentEvent.objects.get().outcome == "succeeded: enrollment active"
    assert Course.objects.get(pk=paid_course.pk).students_count == 1
    done = finish_course(api, mentee, paid_course)
    assert done["progress"] == 100 and done["completed_at"] and done["certificate_id"]
    assert api().get(f"/api/v1/certificates/{done['certificate_id']}").status_code == 200
    again = api(mentee).post(f"/api/v1/courses/{paid_course.pk}/enroll")
    assert again.status_code == 200 and again.json()["payment_url"] is None and Payment.objects.count() == 1


def test_a_failed_offline_checkout_keeps_the_enrollment_waiting_and_can_be_retried(api, client, mentee,
                                                                                 paid_course):
    enrolled = api(mentee).post(f"/api/v1/courses/{paid_course.pk}/enroll").json()
    checkout = enrolled["payment_url"].removeprefix("http://testserver")
    client.force_login(mentee)
    client.post(f"{checkout}decide/", {"outcome": "fail"})
    assert Enrollment.objects.get().status == "pending_payment"
    retry = api(mentee).post(f"/api/v1/courses/{paid_course.pk}/enroll").json()
    assert retry["payment_url"] == enrolled["payment_url"]  # a failed intent can still be completed
    client.post(f"{checkout}decide/", {"outcome": "succeed"})
    assert Enrollment.objects.get().status == "active"


def test_someone_else_cannot_open_or_decide_my_course_checkout(api, client, mentee, other_user, paid_course):
    checkout = api(mentee).post(f"/api/v1/courses/{paid_course.pk}/enroll").json()["payment_url"] \
        .removeprefix("http://testserver")
    client.force_login(other_user)
    assert client.get(checkout).status_code == 404
    client.post(f"{checkout}decide/", {"outcome": "succeed"})
    assert Enrollment.objects.get().status == "pending_payment"


def test_paid_enrolment_through_a_signed_stripe_webhook(api, client, mentee, paid_course, stripe_http, settings):
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    enrolled = api(mentee).post(f"/api/v1/courses/{paid_course.pk}/enroll").json()
    [create] = stripe_http.calls
    assert create["url"].endswith("/v1/payment_intents") and create["body"]["amount"] == ["1500000"]
    assert create["body"]["metadata[enrollment_id]"] == [str(enrolled["enrollment_id"])]
    payment = Payment.objects.get()
    assert payment.provider == "stripe" and payment.enrollment_id == enrolled["enrollment_id"]

    body, header = signed_event("payment_intent.succeeded", intent_object(payment), event_id="evt_course_paid")
    response = post_event(client, body, header)
    assert response.status_code == 200 and response.json()["outcome"] == "succeeded: enrollment active"
    assert post_event(client, body, header).json()["outcome"] == "duplicate: already handled"
    assert Enrollment.objects.get().status == "active" and Course.objects.get().students_count == 1

    done = finish_course(api, mentee, paid_course)
    assert done["progress"] == 100 and done["certificate_id"]


def test_a_webhook_with_the_wrong_amount_is_flagged_and_the_course_stays_closed(api, client, mentee, paid_course,
                                                                                stripe_http, settings):
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    api(mentee).post(f"/api/v1/courses/{paid_course.pk}/enroll")
    payment = Payment.objects.get()
    body, header = signed_event("payment_intent.succeeded", intent_object(payment, amount_received=100))
    assert post_event(client, body, header).json()["outcome"].startswith("flagged")
    assert Enrollment.objects.get().status == "pending_payment"
    assert Payment.objects.get().flagged


def test_a_stripe_refund_made_in_the_dashboard_ends_the_enrollment(api, client, mentee, paid_course, stripe_http,
                                                                   settings):
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    api(mentee).post(f"/api/v1/courses/{paid_course.pk}/enroll")
    payment = Payment.objects.get()
    post_event(client, *signed_event("payment_intent.succeeded", intent_object(payment)))
    response = post_event(client, *signed_event("charge.refunded", charge_refunded_object(payment)))
    assert response.json()["outcome"].endswith("enrollment refunded")
    assert Enrollment.objects.get().status == "refunded" and Course.objects.get().students_count == 0


def test_a_learner_refund_goes_back_through_stripe(api, client, mentee, paid_course, stripe_http, settings):
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    api(mentee).post(f"/api/v1/courses/{paid_course.pk}/enroll")
    payment = Payment.objects.get()
    post_event(client, *signed_event("payment_intent.succeeded", intent_object(payment)))
    assert api(mentee).post(f"/api/v1/courses/{paid_course.pk}/refund").status_code == 200
    refund = stripe_http.calls[-1]
    assert refund["url"].endswith("/v1/refunds") and refund["body"]["amount"] == ["1500000"]
    assert Payment.objects.get().status == "refunded"


@requires_postgresql
@pytest.mark.django_db(transaction=True)
def test_enrolling_concurrently_makes_one_enrollment_and_one_payment(mentee, paid_course):
    from django.test import Client

    barrier, answers = threading.Barrier(6), []

    def enroll():
        try:
            client = Client()
            client.force_login(mentee)
            barrier.wait()
            response = client.post(f"/api/v1/courses/{paid_course.pk}/enroll")
            answers.append((response.status_code, response.json()["payment_url"]))
        finally:
            connection.close()

    threads = [threading.Thread(target=enroll) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(code for code, _ in answers) == [200, 200, 200, 200, 200, 201]
    assert len({url for _, url in answers}) == 1
    assert Enrollment.objects.count() == 1 and Payment.objects.count() == 1


def test_the_learner_is_told_when_the_course_opens_when_it_is_completed_and_when_it_is_refunded(
        api, client, mentee, paid_course, django_capture_on_commit_callbacks, mailoutbox):
    from notifications.models import Notification

    checkout = api(mentee).post(f"/api/v1/courses/{paid_course.pk}/enroll").json()["payment_url"] \
        .removeprefix("http://testserver")
    client.force_login(mentee)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"{checkout}decide/", {"outcome": "succeed"})
    with django_capture_on_commit_callbacks(execute=True):
        certificate_id = finish_course(api, mentee, paid_course)["certificate_id"]
    with django_capture_on_commit_callbacks(execute=True):
        api(mentee).post(f"/api/v1/courses/{paid_course.pk}/refund")  # refused: completed, past 20 %
    notices = list(Notification.objects.filter(user=mentee).order_by("id").values_list("kind", "link"))
    assert notices == [("course.active", ""), ("course.completed", f"/certificates/{certificate_id}/")]
    assert any("Python для начинающих" in message.subject for message in mailoutbox)


def test_a_refunded_learner_is_told(api, client, mentee, paid_course, django_capture_on_commit_callbacks):
    from notifications.models import Notification

    checkout = api(mentee).post(f"/api/v1/courses/{paid_course.pk}/enroll").json()["payment_url"] \
        .removeprefix("http://testserver")
    client.force_login(mentee)
    client.post(f"{checkout}decide/", {"outcome": "succeed"})
    with django_capture_on_commit_callbacks(execute=True):
        assert api(mentee).post(f"/api/v1/courses/{paid_course.pk}/refund").status_code == 200
    assert Notification.objects.get(user=mentee).kind == "course.refunded"
