import pytest
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.validation import validate_schema

pytestmark = pytest.mark.django_db

SPEC001_PATHS = "/session/"  # bookings/compat_spec001.py, outside /api/ as spec 001 wants it
SPEC001_TAG = "spec 001 compatibility"

# Actions whose request is the URL alone.
BODYLESS_ACTIONS = ("/join", "/no-show", "/complete", "/logout", "/read-all", "/read", "/regenerate", "/block",
                    "/unblock", "/enroll", "/publish", "/unpublish", "/refund")


@pytest.fixture
def schema(client):
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def test_the_schema_is_valid_openapi_3(schema):
    assert schema["openapi"].startswith("3.")
    validate_schema(schema)


def test_the_schema_generates_without_a_warning_or_an_error(client):
    # /docs and /redoc fetch this on every load: each warning would land in the log every time.
    GENERATOR_STATS.reset()
    with GENERATOR_STATS.silence():
        response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    reported = [*GENERATOR_STATS._warn_cache, *GENERATOR_STATS._error_cache]
    assert reported == [], "\n".join(reported)


def test_the_schema_documents_the_canonical_routes_only(schema):
    paths = set(schema["paths"])
    assert {"/api/v1/auth/register", "/api/v1/auth/login", "/api/v1/auth/refresh", "/api/v1/users/me"} <= {
        p.rstrip("/") for p in paths
    }
    assert all(p.startswith(("/api/v1/", SPEC001_PATHS)) for p in paths)


def test_spec_001s_compatibility_adapter_is_documented_under_its_own_tag(schema):
    adapter = {p: ops for p, ops in schema["paths"].items() if p.startswith(SPEC001_PATHS)}
    assert {(method.upper(), path.rstrip("/")) for path, ops in adapter.items() for method in ops} == {
        ("POST", "/session/api/addSession"), ("PUT", "/session/api/updateSession/{session_id}"),
        ("GET", "/session/getSession/{mentor_id}"), ("DELETE", "/session/api/deleteSession/{session_id}"),
        ("POST", "/session/api/student/bookSession/{mentor_id}"),
    }
    assert all(op["tags"] == [SPEC001_TAG] for ops in adapter.values() for op in ops.values())
    tag = next(t for t in schema["tags"] if t["name"] == SPEC001_TAG)
    assert "spec 001 compatibility API" in tag["description"]
    schemes = schema["components"]["securitySchemes"]
    assert schemes["spec001AuthCookie"] == {**schemes["spec001AuthCookie"], "type": "apiKey", "in": "cookie",
                                            "name": "auth"}
    add = adapter["/session/api/addSession/"]["post"]
    assert {"jwtAuth": []} in add["security"] and {"spec001AuthCookie": []} in add["security"]


def test_every_operation_documents_its_bodies_and_error_responses(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if method == "parameters":
                continue
            codes = set(operation["responses"])
            assert any(code.startswith("2") for code in codes), (method, path)
            assert "429" in codes, (method, path)
            if method in ("post", "put", "patch", "delete"):
                assert "400" in codes, (method, path)
            if method in ("post", "put", "patch"):
                assert "413" in codes, (method, path)
                if not path.rstrip("/").endswith(BODYLESS_ACTIONS):
                    assert "requestBody" in operation, (method, path)
            for code in {c for c in codes if not c.startswith("2")}:
                ref = operation["responses"][code]["content"]["application/json"]["schema"]["$ref"]
                # Spec 001's adapter answers errors in that spec's shape, {"success": false, "message"}.
                assert ref.endswith("/Spec001Error" if path.startswith(SPEC001_PATHS) else "/Error"), (method, path,
                                                                                                       code)


def test_login_documents_the_token_pair_and_the_user(schema):
    login = next(ops for p, ops in schema["paths"].items() if p.rstrip("/").endswith("auth/login"))
    ref = login["post"]["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].split("/")[-1]
    props = schema["components"]["schemas"][ref]["properties"]
    assert {"access_token", "refresh_token", "token_type", "expires_in", "user"} <= set(props)


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
def test_the_docs_render_from_local_assets_only(client, path):
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert "/api/schema/" in html
    assert "cdn." not in html and "unpkg" not in html and "jsdelivr" not in html
    assert "/static/drf_spectacular_sidecar/" in html


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
def test_the_docs_pages_answer_other_methods_with_a_405_not_an_error(client, path):
    assert client.options(path).status_code == 405
    assert client.post(path).status_code == 405
    assert client.head(path).status_code == 200


def test_the_docs_assets_are_served_by_the_app(client):
    html = client.get("/docs").content.decode()
    import re

    assets = re.findall(r'(?:src|href)="(/static/[^"]+)"', html)
    assert assets
    for asset in assets:
        assert client.get(asset).status_code == 200, asset


def test_the_schema_documents_bearer_jwt_so_swagger_and_fuzzers_can_send_a_token(schema):
    schemes = schema["components"]["securitySchemes"]
    bearer = [name for name, scheme in schemes.items() if scheme.get("type") == "http"]
    assert len(bearer) == 1
    assert schemes[bearer[0]] == {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
    me = next(ops for p, ops in schema["paths"].items() if p.rstrip("/").endswith("/users/me"))
    for method in ("get", "put", "patch"):
        assert {bearer[0]: []} in me[method]["security"], method
        assert {} not in me[method]["security"], method  # signing in is required, not optional
