"""The API's routes come before the pages' (cheaper routing for API requests) without changing what resolves."""

import re

from django.urls import URLResolver, resolve, reverse

from mentorhub import urls

API = ("api/schema/", "api/v1/", "api/", "^api/")


def leaves(patterns, prefix=""):
    """(full regex, route) of every route under ``patterns``."""
    for pattern in patterns:
        regex = prefix + pattern.pattern.regex.pattern.lstrip("^")
        if isinstance(pattern, URLResolver):
            yield from leaves(pattern.url_patterns, regex)
        else:
            yield regex, pattern


def names(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from names(pattern.url_patterns, namespace + (f"{pattern.namespace}:" if pattern.namespace else ""))
        elif pattern.name:
            yield namespace + pattern.name


def split():
    api = [p for p in urls.urlpatterns if str(p.pattern) in API]
    return api, [p for p in urls.urlpatterns if str(p.pattern) not in API]


def test_no_page_route_could_answer_a_path_under_api():
    _, pages = split()
    could = [regex for regex, _ in leaves(pages)
             if re.match(regex.replace(r"\Z", ""), "api/") or not re.match(r"(\\Z|[\w-])", regex)
             or regex.startswith("api")]
    assert could == [r"\Z"]  # the home page, which answers "/" alone


def test_no_page_route_shares_a_name_with_an_api_route():
    api, pages = split()
    assert not set(names(api)) & set(names(pages))


def test_api_routes_come_first_and_resolve_as_named():
    assert [str(p.pattern) for p in urls.urlpatterns[1:5]] == list(API)
    assert resolve("/api/v1/mentors").view_name == "mentor-list"
    assert resolve("/api/v1/mentors/7").view_name == "mentor-detail"
    assert resolve("/api/v1/mentors/bookings/").view_name == "bookings-list"
    assert resolve("/api/v1/mentors/me/requests").view_name == "mentor-requests"
    assert resolve("/api/v1/mentors/me").view_name == "mentor-me"
    assert resolve("/api/mentors/7").view_name == "mentor-detail"
    assert resolve("/api/schema/").view_name == "schema"
    assert resolve("/mentors/7/").view_name == "mentors:detail"
    assert reverse("mentor-list") == "/api/mentors"  # as before the move: the later of the two mounts
