"""What client authors can count on across the whole API, checked on the generated schema so that
endpoints added later are held to it without anyone listing them: lists are paginated the one way,
timestamps are ``*_at`` with an offset, and every response has an example that matches its schema."""

import copy
import re
from datetime import timedelta

import jsonschema
import pytest
from django.utils import timezone

pytestmark = pytest.mark.django_db

ENVELOPE = {"items", "total", "page", "pages"}

# GETs that may answer a bare array, each with why it needs no pages. Anything else returning an
# array fails test_no_get_answers_an_unpaginated_array_unless_allowed: paginate it instead.
UNPAGINATED_ARRAYS = {
    # Spec 002: "Get next 10 upcoming bookings" - a fixed, tiny list, and an array in the spec.
    "/api/v1/mentors/bookings/upcoming/": "at most 10 items",
    # A window query: from/to (at most 62 days) is the page; a client asks for the next window.
    "/api/v1/mentors/{id}/availability/": "bounded by its from/to window",
}

# GETs paged by a cursor instead of page numbers, each with why. They answer {"items", "next_before"}:
# the newest page first, then ?before=<next_before> for the older one (checked by
# test_cursor_pages_document_their_cursor).
CURSOR_PAGINATED = {
    # A chat is read from its newest message backwards while new ones arrive: page numbers would shift.
    "/api/v1/messages/chats/{id}/": "scrolled back from the newest message",
    "/api/v1/bookings/{id}/chat/": "a session's chat, scrolled back from the newest message",
}

# date-time properties not named *_at, only where a spec names them so ("Endpoints and fields named
# there must exist and behave as described"). Anything else is renamed, or kept under its old name
# as a LegacyDateTimeField (deprecated in the schema) next to its *_at twin.
SPEC_TIMESTAMP_NAMES = {
    # Spec 002 (BookingViewSet item): "session_date": "2025-10-15T14:30:00Z".
    "session_date": "spec 002, the BookingViewSet item",
    # Spec 002 (BookingViewSet item): "session_end_date": "2025-10-15T15:30:00Z".
    "session_end_date": "spec 002, the BookingViewSet item",
    # Spec 001 (its compatibility adapter, bookings/compat_spec001.py): "scheduledAt" : "2024-10-03T14:30:00Z".
    "scheduledAt": "spec 001, the mentor-sessions API",
}

# ISO 8601 with seconds (fractions allowed) and an offset: Z or +hh:mm.
ISO_WITH_OFFSET = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
LOOKS_LIKE_A_MOMENT = re.compile(r"^\d{4}-\d\d-\d\dT")


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    from django.test import Client

    with django_db_blocker.unblock():
        response = Client().get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method != "parameters":
                yield path, method, operation


def resolve(schema, node: dict) -> dict:
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    if len(node.get("allOf", [])) == 1:  # drf-spectacular's way to add nullable/readOnly to a $ref
        return resolve(schema, node["allOf"][0])
    return node


def success_schema(schema, operation) -> dict | None:
    for code in ("200", "201"):
        content = operation["responses"].get(code, {}).get("content", {})
        if "application/json" in content:
            return resolve(schema, content["application/json"]["schema"])
    return None


def is_envelope(body: dict) -> bool:
    return body.get("type") == "object" and "items" in body.get("properties", {})


# --- Pagination -------------------------------------------------------------------------------


def test_every_paginated_list_documents_its_envelope_and_its_page_parameters(schema):
    lists = []
    for path, method, operation in operations(schema):
        body = success_schema(schema, operation)
        if method != "get" or body is None or not is_envelope(body) or path in CURSOR_PAGINATED:
            continue
        lists.append(path)
        assert set(body["required"]) == ENVELOPE and set(body["properties"]) == ENVELOPE, path
        assert body["properties"]["items"]["type"] == "array", path
        for name in ("total", "page", "pages"):
            assert body["properties"][name]["type"] == "integer", (path, name)
        params = {p["name"]: p for p in operation.get("parameters", []) if p["in"] == "query"}
        assert {"page", "page_size", "limit"} <= set(params), path
        assert params["page"]["schema"]["minimum"] == 1, path
        for name in ("page_size", "limit"):
            assert params[name]["schema"]["minimum"] == 1, path
            assert params[name]["schema"]["maximum"] == 100, path
            assert params[name]["description"], path
    assert "/api/v1/mentors/" in lists and "/api/v1/mentors/bookings/past/" in lists


def test_every_list_operation_answers_the_paginated_envelope(schema):
    # drf-spectacular names a list view's operation *_list; each must be paginated or allowed.
    for path, _method, operation in operations(schema):
        if operation["operationId"].endswith("_list") and path not in UNPAGINATED_ARRAYS:
            assert is_envelope(success_schema(schema, operation)), path


def test_no_get_answers_an_unpaginated_array_unless_allowed(schema):
    arrays = {path for path, method, operation in operations(schema)
              if method == "get" and (success_schema(schema, operation) or {}).get("type") == "array"}
    unexpected = arrays - set(UNPAGINATED_ARRAYS)
    assert not unexpected, f"paginate these or allow them with a reason: {unexpected}"
    assert set(UNPAGINATED_ARRAYS) <= arrays, "allowed but gone: drop them from UNPAGINATED_ARRAYS"


def test_cursor_pages_document_their_cursor(schema):
    for path in CURSOR_PAGINATED:
        operation = schema["paths"][path]["get"]
        body = success_schema(schema, operation)
        assert set(body["properties"]) == {"items", "next_before"}, path
        assert resolve(schema, body["properties"]["items"])["type"] == "array", path
        params = {p["name"]: p for p in operation.get("parameters", []) if p["in"] == "query"}
        assert {"before", "limit"} <= set(params), path


# --- Timestamps -------------------------------------------------------------------------------


def date_time_properties(schema):
    for component, body in schema["components"]["schemas"].items():
        for name, prop in body.get("properties", {}).items():
            prop = resolve(schema, prop)
            if prop.get("format") == "date-time" or prop.get("items", {}).get("format") == "date-time":
                yield component, name, prop, body


def test_every_timestamp_is_named_at_unless_a_spec_names_it_or_it_is_a_deprecated_alias(schema):
    wrong = []
    for component, name, prop, body in date_time_properties(schema):
        if name.endswith("_at") or name in SPEC_TIMESTAMP_NAMES:
            continue
        twin = re.search(r"the same as `(\w+_at)`", prop.get("description", ""))
        if prop.get("deprecated") and twin and twin.group(1) in body["properties"]:
            continue
        wrong.append(f"{component}.{name}")
    assert wrong == [], "name these *_at (or keep the old name as a LegacyDateTimeField next to a *_at twin)"


def test_the_timestamp_allowlist_holds_only_names_still_in_the_schema(schema):
    named = {name for _, name, _, _ in date_time_properties(schema)}
    assert set(SPEC_TIMESTAMP_NAMES) <= named


@pytest.fixture
def everything(mentee, mentor):
    """A booking, a slot, a notification: something behind every GET, seen from Tokyo."""
    from bookings import services as bookings
    from mentors.tests.factories import MentorProfileFactory, ServiceFactory, SlotFactory, WeeklyRuleFactory
    from notifications.tests.factories import NotificationFactory

    profile = MentorProfileFactory(user=mentor)
    ServiceFactory(mentor=profile)
    WeeklyRuleFactory(mentor=profile)
    start = (timezone.now() + timedelta(days=3)).replace(minute=0, second=0, microsecond=0)
    slot = SlotFactory(mentor=profile, start=start, end=start + timedelta(hours=1), capacity=3)
    booking = bookings.booking_hold(mentee=mentee, slot_id=slot.pk)
    NotificationFactory(user=mentee)
    mentee.timezone = "Asia/Tokyo"
    mentee.save()
    return {"{id}": {"booking": booking.pk, "mentors": profile.pk, "sessions": booking.pk}}


def test_datetimes_are_aware_and_rendered_as_iso_8601(settings):
    from rest_framework.settings import api_settings

    # Naive datetimes would render without an offset; another format would not be ISO 8601.
    assert settings.USE_TZ is True
    assert api_settings.DATETIME_FORMAT == "iso-8601"


def moments(value, key=None):
    if isinstance(value, dict):
        for k, v in value.items():
            yield from moments(v, k)
    elif isinstance(value, list):
        for item in value:
            yield from moments(item, key)
    elif isinstance(value, str) and LOOKS_LIKE_A_MOMENT.match(value):
        yield key, value


def test_responses_write_every_timestamp_in_iso_8601_with_an_offset(schema, api, mentee, mentor, everything):
    seen = []
    for path, method, _operation in operations(schema):
        if method != "get":
            continue
        if "{id}" in path:
            first = path.split("/")[3]
            if first not in everything["{id}"] or path.count("{") > 1:
                continue
            path = path.replace("{id}", str(everything["{id}"][first]))
        for user in (mentee, mentor):
            response = api(user).get(path)
            if response.status_code == 200 and response["Content-Type"] == "application/json":
                for key, value in moments(response.json()):
                    assert ISO_WITH_OFFSET.match(value), (path, key, value)
                    seen.append(value)
    assert any(value.endswith("+09:00") for value in seen), "the mentee's own zone"
    assert len(seen) >= 10


# --- Examples ---------------------------------------------------------------------------------


def to_json_schema(node):
    """OpenAPI 3.0 schema -> JSON Schema (draft 4, whose boolean exclusiveMinimum 3.0 shares)."""
    if isinstance(node, list):
        return [to_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {key: to_json_schema(value) for key, value in node.items() if key not in ("nullable", "example")}
    if node.get("nullable"):
        return {"anyOf": [converted, {"type": "null"}]}
    return converted


def test_every_response_body_has_an_example(schema):
    missing = [(method, path, code) for path, method, operation in operations(schema)
               for code, response in operation["responses"].items()
               for media in response.get("content", {}).values()
               if "example" not in media and "examples" not in media]
    assert missing == []


def test_every_example_validates_against_its_own_schema(schema):
    components = to_json_schema(copy.deepcopy(schema["components"]))
    checked = 0
    for path, method, operation in operations(schema):
        for code, response in operation["responses"].items():
            for media in response.get("content", {}).values():
                examples = [media["example"]] if "example" in media else [
                    e["value"] for e in media.get("examples", {}).values()]
                root = {"allOf": [to_json_schema(media["schema"])], "components": components}
                for example in examples:
                    errors = list(jsonschema.Draft4Validator(root).iter_errors(example))
                    assert errors == [], (method, path, code, [e.message for e in errors])
                    checked += 1
    assert checked > 100


def test_generated_timestamps_in_examples_carry_an_offset(schema):
    values = [value for _, _, operation in operations(schema)
              for response in operation["responses"].values()
              for media in response.get("content", {}).values()
              for _, value in moments(media.get("example"))]
    assert values and all(ISO_WITH_OFFSET.match(value) for value in values)


def test_a_hand_written_example_takes_precedence_over_a_generated_one():
    from mentorhub.api.schema import add_response_examples

    media = {"schema": {"type": "integer"}, "examples": {"Mine": {"value": 7}}}
    other = {"schema": {"type": "object", "properties": {"at": {"type": "string", "format": "date-time"}}}}
    result = {"paths": {"/x": {"get": {"responses": {"200": {"content": {"a": media, "b": other}}}}}}}
    add_response_examples(result, generator=None, request=None, public=True)
    assert "example" not in media and media["examples"] == {"Mine": {"value": 7}}
    assert ISO_WITH_OFFSET.match(other["example"]["at"])


def test_example_generation_follows_refs_and_stops_on_a_schema_that_contains_itself():
    from mentorhub.api.schema import example_from_schema

    components = {"Node": {"type": "object", "properties": {
        "name": {"type": "string", "maxLength": 3},
        "kind": {"oneOf": [{"enum": ["a", "b"]}, {"enum": [None]}]},
        "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}},
    }}}
    example = example_from_schema({"$ref": "#/components/schemas/Node"}, components)
    assert example["name"] == "str" and example["kind"] == "a"
    depth = 0
    while example.get("children"):
        example, depth = example["children"][0], depth + 1
    assert 0 < depth < 10


def test_a_hand_written_example_on_a_view_is_kept_and_errors_show_their_own_status(schema):
    weekly = schema["paths"]["/api/v1/mentors/me/availability/"]["get"]["responses"]
    media = weekly["200"]["content"]["application/json"]
    assert "example" not in media and media["examples"]["WeeklyHours"]["value"]["monday"] == ["10:00-18:00"]
    for path, method, operation in operations(schema):
        for code, response in operation["responses"].items():
            if not code.startswith("2"):
                example = response["content"]["application/json"]["example"]
                if path.startswith("/session/"):  # spec 001's error shape carries no status code
                    assert example["success"] is False and example["message"], (method, path, code)
                    continue
                assert example["status_code"] == int(code) and example["detail"], (method, path, code)
