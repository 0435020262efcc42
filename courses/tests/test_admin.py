import pytest

from courses.models import Course, Enrollment
from courses.tests.factories import EnrollmentFactory
from payments.models import Payment

pytestmark = pytest.mark.django_db


def test_staff_unpublish_a_course_from_the_admin_and_learners_keep_it(client, staff, mentee, paid_course):
    EnrollmentFactory(course=paid_course, user=mentee)
    client.force_login(staff)
    assert client.get("/admin/courses/course/", {"q": "Python"}).status_code == 200
    assert client.get(f"/admin/courses/course/{paid_course.pk}/change/").status_code == 200
    client.post("/admin/courses/course/", {"action": "unpublish", "_selected_action": [paid_course.pk]})
    assert Course.objects.get().status == "draft" and Enrollment.objects.get().status == "active"


def test_staff_refund_an_enrollment_from_the_admin_through_its_payment(client, staff, mentee, paid_course):
    from courses import services
    from payments import services as payment_services

    result = services.course_enroll(course_id=paid_course.pk, user=mentee)
    payment_services.offline_checkout_decide(payment_id=result.payment.pk, payer=mentee, succeed=True)
    client.force_login(staff)
    response = client.post("/admin/courses/enrollment/", {"action": "refund_in_full",
                                                           "_selected_action": [result.enrollment.pk]}, follow=True)
    assert b"refunded." in response.content
    assert Enrollment.objects.get().status == "refunded" and Payment.objects.get().status == "refunded"


def test_the_admin_refuses_hand_edits(client, staff, paid_course):
    client.force_login(staff)
    assert client.get("/admin/courses/course/add/").status_code == 403
    assert client.post(f"/admin/courses/course/{paid_course.pk}/delete/", {"post": "yes"}).status_code == 403
