"""A mentor's currency is an ISO 4217 code, and prices have a ceiling, in the API, the pages and the admin."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from mentors.models import MAX_PRICE, MentorProfile, Service
from mentors.tests.factories import MentorProfileFactory, ServiceFactory

pytestmark = pytest.mark.django_db

APPLY = "/api/v1/mentors/apply"
ME = "/api/v1/mentors/me"
SERVICES = f"{ME}/services"
TOO_MUCH = "999999.01"


def errors_of(response) -> dict[str, str]:
    return {error["field"]: error["message"] for error in response.json()["errors"]}


@pytest.fixture
def profile(mentor):
    return MentorProfileFactory(user=mentor, price_per_hour=Decimal("3000"), currency="RUB")


# --- currency -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("currency", ["RUBLES", "XYZ", "12", "", "€"])
def test_a_currency_that_is_not_an_iso_4217_code_is_refused(api, profile, currency):
    response = api(profile.user).patch(ME, {"currency": currency})
    assert response.status_code == 400
    assert "ISO 4217" in errors_of(response)["currency"]
    profile.refresh_from_db()
    assert profile.currency == "RUB"


def test_an_iso_4217_code_is_accepted_in_any_case_and_stored_upper_case(api, profile):
    response = api(profile.user).patch(ME, {"currency": "eur"})
    assert response.status_code == 200 and response.json()["currency"] == "EUR"
    profile.refresh_from_db()
    assert profile.currency == "EUR"


def test_applying_takes_a_currency_and_refuses_an_unknown_one(api, mentee):
    body = {"title": "Go mentor", "price_per_hour": 50}
    refused = api(mentee).post(APPLY, {**body, "currency": "BTC"})
    assert refused.status_code == 400 and "currency" in errors_of(refused)
    assert not MentorProfile.objects.exists()
    assert api(mentee).post(APPLY, {**body, "currency": "USD"}).status_code == 201
    assert MentorProfile.objects.get(user=mentee).currency == "USD"


def test_the_schema_lists_the_currencies(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    components = schema["components"]["schemas"]
    for component in ("PatchedOwnProfileRequest", "ApplyInputRequest", "MentorCard"):
        field = components[component]["properties"]["currency"]
        ref = field.get("$ref") or field["allOf"][0]["$ref"]
        enum = components[ref.split("/")[-1]]["enum"]
        assert {"RUB", "USD", "EUR", "JPY"} <= set(enum) and "XYZ" not in enum, component


def test_the_model_refuses_a_free_text_currency():
    profile = MentorProfileFactory.build(currency="ABC")
    with pytest.raises(ValidationError) as caught:
        profile.full_clean(exclude=["user"])
    assert "currency" in caught.value.message_dict


# --- price ceiling --------------------------------------------------------------------------------------------


def test_an_hourly_rate_above_the_ceiling_is_refused_with_a_human_message(api, profile, mentee):
    response = api(profile.user).patch(ME, {"price_per_hour": TOO_MUCH})
    assert response.status_code == 400
    assert errors_of(response)["price_per_hour"] == "A price can be at most 999,999."
    assert api(profile.user).patch(ME, {"price_per_hour": str(MAX_PRICE)}).status_code == 200

    refused = api(mentee).post(APPLY, {"title": "Rich", "price_per_hour": TOO_MUCH})
    assert refused.status_code == 400
    assert errors_of(refused)["price_per_hour"] == "A price can be at most 999,999."


def test_a_service_price_above_the_ceiling_is_refused(api, profile):
    response = api(profile.user).post(SERVICES, {"name": "Gold", "duration_minutes": 60, "price": TOO_MUCH})
    assert response.status_code == 400
    assert errors_of(response)["price"] == "A price can be at most 999,999."
    service = ServiceFactory(mentor=profile)
    assert api(profile.user).patch(f"{SERVICES}/{service.pk}", {"price": TOO_MUCH}).status_code == 400
    assert not Service.objects.filter(price__gt=MAX_PRICE).exists()


def test_a_long_service_at_a_high_hourly_rate_must_be_given_its_own_price(api, profile):
    profile.price_per_hour = MAX_PRICE
    profile.save()
    response = api(profile.user).post(SERVICES, {"name": "Full day", "duration_minutes": 480})
    assert response.status_code == 400
    assert "own price" in errors_of(response)["price"]
    given = api(profile.user).post(SERVICES, {"name": "Full day", "duration_minutes": 480, "price": 900000})
    assert given.status_code == 201


def test_the_model_refuses_prices_above_the_ceiling():
    profile = MentorProfileFactory.build(price_per_hour=Decimal(TOO_MUCH))
    with pytest.raises(ValidationError) as caught:
        profile.full_clean(exclude=["user"])
    assert caught.value.message_dict["price_per_hour"] == ["A price can be at most 999,999."]


# --- pages and admin -----------------------------------------------------------------------------------------

SETTINGS = {"title": "Principal Engineer", "company": "", "description": "", "price_per_hour": "5000",
            "currency": "RUB", "timezone": "UTC", "accepts_bookings": "on", "min_notice_minutes": 60,
            "buffer_minutes": 0, "hold_minutes": 120, "skills_text": "", "full_refund_hours": 24,
            "late_refund_percent": 0, "default_session_minutes": 60}


@pytest.mark.parametrize("change,field", [({"currency": "XYZ"}, "currency"),
                                          ({"price_per_hour": TOO_MUCH}, "price_per_hour")])
def test_the_dashboard_settings_refuse_a_bad_currency_or_price(client, profile, change, field):
    client.force_login(profile.user)
    data = {f"settings-{name}": value for name, value in {**SETTINGS, **change}.items()}  # the dashboard's prefix
    response = client.post("/mentor/dashboard/settings/", data)
    assert response.status_code == 400
    assert field in response.context["settings_form"].errors
    profile.refresh_from_db()
    assert (profile.currency, profile.price_per_hour) == ("RUB", Decimal("3000"))


def test_the_dashboard_refuses_a_service_price_above_the_ceiling(client, profile):
    client.force_login(profile.user)
    response = client.post("/mentor/dashboard/services/", {"service-name": "Gold", "service-duration_minutes": 60,
                                                           "service-price": TOO_MUCH, "service-session_type": "video",
                                                           "service-capacity": 1})
    assert response.status_code == 400
    assert response.context["service_form"].errors["price"] == ["A price can be at most 999,999."]
    assert not Service.objects.exists()


def test_the_apply_page_offers_the_currencies_and_refuses_a_price_above_the_ceiling(client, mentee):
    client.force_login(mentee)
    html = client.get("/mentors/apply/").content.decode()
    assert '<option value="USD">' in html and 'value="RUB" selected' in html
    response = client.post("/mentors/apply/", {"title": "X", "price_per_hour": TOO_MUCH, "currency": "RUB",
                                               "timezone": "UTC"})
    assert response.status_code == 200
    assert response.context["form"].errors["price_per_hour"] == ["A price can be at most 999,999."]


def test_the_admin_refuses_a_bad_currency_and_a_price_above_the_ceiling(client, staff, profile):
    client.force_login(staff)
    url = f"/admin/mentors/mentorprofile/{profile.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name != "skills"}
    data.update({"user": profile.user.pk, "currency": "XYZ", "price_per_hour": TOO_MUCH,
                 "services-TOTAL_FORMS": 0, "services-INITIAL_FORMS": 0,
                 "weekly_rules-TOTAL_FORMS": 0, "weekly_rules-INITIAL_FORMS": 0})
    response = client.post(url, data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert {"currency", "price_per_hour"} <= set(errors)
    profile.refresh_from_db()
    assert (profile.currency, profile.price_per_hour) == ("RUB", Decimal("3000"))
