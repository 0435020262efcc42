"""What courses asks of payments, the app above it that holds the money for a paid enrollment.

courses owns enrollments: it decides who may enrol, cancel or be refunded (``REFUND_DAYS``,
``REFUND_MAX_PROGRESS``) and what access each status gives. payments builds on courses (it calls
``enrollment_mark_paid`` and ``enrollment_end_refunded`` when the money moves), so courses may not
import it, not even inside a function (docs/ARCHITECTURE.md, "Layers"). payments registers
``CourseMoney`` in its ``AppConfig.ready()`` instead.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class CourseMoney:
    # (*, enrollment, now) -> the open payment of an enrollment waiting to be paid (enrollment locked)
    payment_start: Callable
    # (*, enrollment): void the open checkouts of an enrollment given up
    void_open_payments: Callable
    # (*, enrollment, reason) -> amount: give back everything it paid
    refund_in_full: Callable
    # (enrollment) -> what its payments still keep
    paid_amount: Callable
    # (enrollment_ids) -> {enrollment_id: id of its oldest payment still to complete}
    open_payment_ids: Callable


_registered: list[CourseMoney] = []


def register_course_money(money: CourseMoney) -> None:
    _registered[:] = [money]


def money() -> CourseMoney:
    if not _registered:
        raise ImproperlyConfigured("courses needs payments installed: it registers courses' money port.")
    return _registered[0]
