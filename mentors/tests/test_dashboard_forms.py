"""The dashboard's forms: every input has its own id (so its label works), and a refused save says so at
the top and marks the field, however far down the page the form is."""

import re
from collections import Counter

import pytest

from mentors.tests.factories import MentorProfileFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def profile(mentor):
    return MentorProfileFactory(user=mentor, timezone="Europe/Moscow")


def test_every_id_on_the_dashboard_is_unique_and_every_label_points_at_one(client, profile):
    client.force_login(profile.user)
    html = client.get("/mentor/dashboard/").content.decode()
    ids = Counter(re.findall(r'\sid="([^"]+)"', html))
    assert [name for name, count in ids.items() if count > 1] == []
    targets = re.findall(r'<label for="([^"]+)"', html)
    assert targets and all(ids[target] == 1 for target in targets)


def test_a_refused_save_says_so_at_the_top_and_marks_the_field(client, profile):
    client.force_login(profile.user)
    response = client.post("/mentor/dashboard/services/", {"service-name": "", "service-duration_minutes": "90",
                                                           "service-session_type": "video", "service-capacity": "1"})
    html = response.content.decode()
    assert response.status_code == 400
    banner = html.index('class="message error"')
    assert "The new service could not be saved" in html[banner:banner + 200]
    assert banner < html.index('name="service-name"')
    assert re.search(r'<input[^>]*name="service-name"[^>]*aria-invalid="true"', html)
    assert 'data-focus-errors' in html and "js/form-errors.js" in html


def test_a_refusal_from_the_rules_names_the_field_too(client, profile):
    client.force_login(profile.user)
    response = client.post("/mentor/dashboard/hours/", {"hours-monday": "18:00-10:00"})
    html = response.content.decode()
    assert response.status_code == 400 and "Weekly hours could not be saved" in html
    assert re.search(r'<input[^>]*name="hours-monday"[^>]*aria-invalid="true"', html)
