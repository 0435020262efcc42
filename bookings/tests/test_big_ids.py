"""An id larger than any the database can hold is a 404 or a 400 in the error shape, never a 500."""

import pytest

pytestmark = pytest.mark.django_db

TOO_BIG = "99999999999999999999"  # past a signed 64-bit key


@pytest.mark.parametrize("path, status", [
    (f"/api/v1/reviews/{TOO_BIG}", 200),  # a mentor's reviews by user id: none, as for any unknown id
    (f"/api/v1/booking/{TOO_BIG}", 404),
    (f"/api/v1/sessions/{TOO_BIG}", 404),
    (f"/api/v1/mentors/{TOO_BIG}", 404),
])
def test_a_path_id_past_the_largest_key_is_simply_not_found(api, mentee, path, status):
    response = api(mentee).get(path)
    assert response.status_code == status
    if status == 200:
        assert (response.json()["items"], response.json()["total"]) == ([], 0)


@pytest.mark.parametrize("name", ["mentor_id", "mentee_id"])
def test_a_sessions_filter_id_past_the_largest_key_is_a_400_naming_it(api, mentee, name):
    response = api(mentee).get(f"/api/v1/sessions?{name}={TOO_BIG}")
    assert response.status_code == 400
    assert name in str(response.json())
