from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "payments"
    verbose_name = "Payments"

    def ready(self):
        # bookings and courses sit below payments (docs/ARCHITECTURE.md, "Layers"): they reach the money
        # through the ports they own, which payments fills here.
        from bookings.ports import Money, register_money
        from courses.ports import CourseMoney, register_course_money
        from payments import policy, services

        def admin_inlines():
            from payments.admin import BookingPaymentInline

            return [BookingPaymentInline]

        register_money(Money(
            refund_for_cancellation=services.refund_for_cancellation,
            refund_in_full=services.refund_booking_in_full,
            refund_quote=policy.refund_quote,
            refund_rule_text=policy.rule_text,
            refund_terms=policy.refund_terms,
            refund_part_by_staff=services.refund_part_for_booking,
            admin_inlines=admin_inlines,
        ))
        register_course_money(CourseMoney(
            payment_start=services.payment_start_for_enrollment,
            void_open_payments=services.enrollment_void_open_payments,
            refund_in_full=services.refund_enrollment_in_full,
            paid_amount=policy.paid_amount,
            open_payment_ids=services.open_enrollment_payment_ids,
        ))
