import pytest

from accounts.tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("mentorhub.tests.urls")]

URL = "/api/v1/test-users/"


@pytest.fixture
def listed(mentee):
    UserFactory.create_batch(44)  # 45 users with the mentee


def test_lists_are_wrapped_with_total_page_and_pages(api, mentee, listed):
    body = api(mentee).get(URL).json()
    assert set(body) == {"items", "total", "page", "pages"}
    assert (body["total"], body["page"], body["pages"], len(body["items"])) == (45, 1, 3, 20)


@pytest.mark.parametrize("name", ["limit", "page_size"])
def test_limit_and_page_size_both_set_the_page_size(api, mentee, listed, name):
    body = api(mentee).get(URL, {name: 10, "page": 2}).json()
    assert (body["page"], body["pages"], len(body["items"])) == (2, 5, 10)
    assert body["items"][0]["id"] < body["items"][-1]["id"]


def test_the_last_page_holds_the_remainder(api, mentee, listed):
    body = api(mentee).get(URL, {"page": 3}).json()
    assert len(body["items"]) == 5


def test_a_page_past_the_end_is_empty_not_an_error(api, mentee, listed):
    body = api(mentee).get(URL, {"page": 99}).json()
    assert body["items"] == [] and body["total"] == 45 and body["pages"] == 3


@pytest.mark.parametrize(
    "params,field",
    [({"limit": 0}, "limit"), ({"limit": 101}, "limit"), ({"page_size": "ten"}, "page_size"),
     ({"page": 0}, "page"), ({"page": -1}, "page"), ({"page": "x"}, "page")],
)
def test_out_of_bounds_or_malformed_paging_is_a_400_naming_the_parameter(api, mentee, listed, params, field):
    response = api(mentee).get(URL, params)
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == [field]


def test_an_empty_list_has_one_empty_page(api, mentee):
    body = api(mentee).get(URL, {"page": 1}).json()
    assert body == {"items": [{"id": mentee.id, "email": mentee.email}], "total": 1, "page": 1, "pages": 1}
