"""Production mode sends HSTS, a Content-Security-Policy the pages satisfy, Referrer-Policy and
nosniff, and `manage.py check --deploy` finds nothing to warn about."""

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "mentorhub.example",
    "CSRF_TRUSTED_ORIGINS": "https://mentorhub.example",
    "NUM_PROXIES": "1",
    "STRIPE_SECRET_KEY": "sk_test_placeholder",
    "STRIPE_PUBLISHABLE_KEY": "pk_test_placeholder",
}
# Anything the caller's environment might add that changes what production mode means (the browser
# tests set DJANGO_ALLOW_ASYNC_UNSAFE in this process, which check --deploy rightly calls an error).
CLEARED = ("DJANGO_ALLOW_ASYNC_UNSAFE", "SECRET_KEY_FILE", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS",
           "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD", "SECURE_COOKIES", "PAYMENTS_OFFLINE_ALLOWED",
           "VIDEO_PROVIDER", "JITSI_DOMAIN", "SECURE_REFERRER_POLICY", "CSP_REPORT_URI")

# An API 404 (no database, templates or collected static files needed), asked over HTTPS through the proxy.
PROBE = """
import json, django
django.setup()
from django.test import Client
response = Client(HTTP_HOST="mentorhub.example").get(
    "/api/v1/no-such-endpoint", HTTP_X_FORWARDED_PROTO="https", HTTP_X_FORWARDED_FOR="203.0.113.7")
print(json.dumps({"status": response.status_code, "headers": dict(response.headers)}))
"""


def _production(*args, **env) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in (*PRODUCTION, *CLEARED)}
    environment.update(PRODUCTION, DJANGO_SETTINGS_MODULE="mentorhub.settings", **env)
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=environment, capture_output=True, text=True,
                          timeout=120)


def _production_headers(**env) -> dict:
    result = _production("-c", PROBE, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])["headers"]


def _directives(policy: str) -> dict[str, list[str]]:
    return {name: values for name, *values in (part.split() for part in policy.split(";") if part.strip())}


def test_check_deploy_has_no_warnings_in_a_properly_configured_production():
    # Includes drf-spectacular's checks, which generate the OpenAPI schema: any warning about it fails here too.
    result = _production("manage.py", "check", "--deploy")
    assert result.returncode == 0, result.stdout + result.stderr
    reported = set(re.findall(r"^\S*: \(([\w.]+)\)", result.stdout + result.stderr, re.M))
    assert reported == set(), result.stdout + result.stderr


def test_check_deploy_security_checks_are_clean():
    result = _production("manage.py", "check", "--deploy", "--tag", "security", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    # security.W021 (HSTS preload, the operator's opt-in) and security.W003 (CSRF runs inside BrowserMiddleware,
    # which mentorhub.checks verifies instead).
    assert "System check identified no issues (2 silenced)" in result.stdout


def test_production_sends_hsts_referrer_policy_nosniff_and_a_csp():
    headers = _production_headers()
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    policy = _directives(headers["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    for directive in ("script-src", "style-src"):
        assert "'unsafe-inline'" not in policy[directive] and "'unsafe-eval'" not in policy[directive]


def test_hsts_is_configurable():
    headers = _production_headers(SECURE_HSTS_SECONDS="600", SECURE_HSTS_INCLUDE_SUBDOMAINS="false",
                                  SECURE_HSTS_PRELOAD="true")
    assert headers["Strict-Transport-Security"] == "max-age=600; preload"


def test_plain_http_is_redirected_to_https_except_the_health_probe():
    result = _production("-c", """
import django
django.setup()
from django.test import Client
client = Client(HTTP_HOST="mentorhub.example")
print(client.get("/mentors/").status_code, client.get("/mentors/")["Location"], client.get("/health").status_code)
""")
    assert result.returncode == 0, result.stderr
    mentors_status, location, health_status = result.stdout.split()
    assert (mentors_status, location) == ("301", "https://mentorhub.example/mentors/")
    assert health_status != "301"


def test_with_stripe_the_policy_admits_stripe_js_and_its_frames_only():
    policy = _directives(_production_headers()["Content-Security-Policy"])
    assert "https://js.stripe.com" in policy["script-src"]
    assert {"https://js.stripe.com", "https://hooks.stripe.com"} <= set(policy["frame-src"])
    assert "https://api.stripe.com" in policy["connect-src"]


def test_without_stripe_and_jitsi_no_third_party_may_run_scripts_or_be_framed():
    policy = _directives(_production_headers(STRIPE_SECRET_KEY="", PAYMENTS_OFFLINE_ALLOWED="true")[
        "Content-Security-Policy"])
    assert all(not source.startswith("https:") and "//" not in source for source in policy["script-src"])
    assert policy["frame-src"] == ["'none'"]


def test_jitsi_rooms_admit_the_configured_jitsi_deployment():
    policy = _directives(_production_headers(VIDEO_PROVIDER="jitsi", JITSI_DOMAIN="meet.example.org")[
        "Content-Security-Policy"])
    assert "https://meet.example.org" in policy["script-src"]
    assert "https://meet.example.org" in policy["frame-src"]


def test_x_forwarded_proto_is_believed_only_from_a_configured_proxy():
    headers = _production_headers(NUM_PROXIES="0", SECURE_SSL_REDIRECT="false")
    assert "Strict-Transport-Security" not in headers  # the request was not taken to be HTTPS


# --- The pages satisfy the policy: nothing inline that the policy would block ------------------

TEMPLATES = ROOT / "templates"
EMAIL_TEMPLATES = {"notifications/email.html"}  # read by mail clients, never under the site's policy
INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*\bnonce=)[^>]*>", re.I), "an inline <script> without a nonce"),
    (re.compile(r"<style(?![^>]*\bnonce=)[^>]*>", re.I), "a <style> element without a nonce"),
    (re.compile(r"\sstyle\s*=", re.I), "a style= attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "an inline event handler"),
    (re.compile(r"javascript:", re.I), "a javascript: URL"),
]


SITE_TEMPLATES = [
    name for name in sorted(path.relative_to(TEMPLATES).as_posix() for path in TEMPLATES.rglob("*.html"))
    if name not in EMAIL_TEMPLATES and "/email/" not in name
]


@pytest.mark.parametrize("name", SITE_TEMPLATES)
def test_no_template_has_inline_code_the_policy_would_block(name):
    text = (TEMPLATES / name).read_text()
    found = [what for pattern, what in INLINE if pattern.search(text)]
    assert not found, f"{name} has {', '.join(found)}: move it to static/ or give it the request's nonce"


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/admin/login/", "/docs", "/redoc"])
def test_pages_are_served_with_the_policy(client, path):
    response = client.get(path)
    assert response.status_code == 200
    policy = _directives(response["Content-Security-Policy"])
    assert "'unsafe-inline'" not in policy["script-src"]
    nonces = set(re.findall(r'nonce="([^"]+)"', response.content.decode()))
    assert all(f"'nonce-{nonce}'" in policy["script-src"] for nonce in nonces)
