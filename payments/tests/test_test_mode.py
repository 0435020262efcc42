"""The offline provider is a test mode, and every payment page says so while it is in use."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from payments.models import Payment

pytestmark = pytest.mark.django_db


def _payment(mentee, *, provider="offline", status=Payment.Status.PENDING):
    return Payment.objects.create(
        payer=mentee, description="Mentoring session", amount=Decimal("1500"), currency="RUB", provider=provider,
        provider_intent_id=f"{provider}_pi_1", status=status, idempotency_key=f"{provider}-1",
        expires_at=timezone.now() + timedelta(hours=1),
    )


@pytest.fixture
def signed_in(client, mentee):
    client.force_login(mentee)
    return client


@pytest.mark.parametrize("page,status", [
    ("checkout", Payment.Status.PENDING),
    ("result", Payment.Status.PENDING),
    ("result", Payment.Status.SUCCEEDED),
    ("receipt", Payment.Status.SUCCEEDED),
])
def test_every_offline_payment_page_says_it_is_a_test_mode(signed_in, mentee, page, status):
    payment = _payment(mentee, status=status)
    response = signed_in.get(f"/payments/{payment.pk}/{page}/")
    assert response.status_code == 200
    assert 'data-testid="test-mode"' in response.content.decode()


def test_the_payment_history_says_so_while_payments_are_offline(signed_in, mentee):
    _payment(mentee, status=Payment.Status.SUCCEEDED)
    assert 'data-testid="test-mode"' in signed_in.get("/payments/").content.decode()


def test_real_payments_carry_no_test_mode_banner(signed_in, mentee, settings):
    settings.STRIPE_SECRET_KEY = "sk_test_placeholder"
    payment = _payment(mentee, provider="stripe", status=Payment.Status.SUCCEEDED)
    for page in (f"/payments/{payment.pk}/result/", f"/payments/{payment.pk}/receipt/", "/payments/"):
        assert 'data-testid="test-mode"' not in signed_in.get(page).content.decode()
