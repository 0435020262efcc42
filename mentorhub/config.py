"""Reading configuration from the environment, and refusing unsafe combinations.

Kept apart from ``settings.py`` so the rules can be tested without reloading
Django's settings.
"""

import ipaddress
import os

from django.core.exceptions import ImproperlyConfigured

# The key `make run` uses on a laptop. It is public (it is in the repository),
# so production mode refuses to start with it.
DEVELOPMENT_SECRET_KEY = "django-insecure-mentorhub-development-key-do-not-use-in-production"

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of true/false/1/0/yes/no/on/off, not {raw!r}.")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from exc


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def is_local_host(host: str) -> bool:
    """True for host names that only this machine can reach."""
    name = host.strip().lower()
    if name.startswith("[") and name.endswith("]"):
        name = name[1:-1]
    if name in {"localhost", "testserver"} or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def unsafe_configuration_problems(*, secret_key: str, debug: bool, allowed_hosts: list[str]) -> list[str]:
    """Every reason this combination must not serve real users; empty when safe."""
    problems = []
    if debug:
        public = [host for host in allowed_hosts if not is_local_host(host)]
        if public:
            problems.append(
                "DEBUG is on while ALLOWED_HOSTS names public hosts "
                f"({', '.join(public)}): debug pages would leak settings and source. "
                "Set DEBUG=false, or list only localhost addresses."
            )
    else:
        if not secret_key or secret_key == DEVELOPMENT_SECRET_KEY:
            problems.append(
                "SECRET_KEY is unset or the public development key: anyone could forge sessions "
                "and tokens. Set SECRET_KEY to a long random value."
            )
        elif len(secret_key) < 32:
            problems.append("SECRET_KEY is shorter than 32 characters. Use a long random value.")
        if not allowed_hosts:
            problems.append("ALLOWED_HOSTS is empty: with DEBUG off no request would be served.")
    return problems


def refuse_unsafe_configuration(**kwargs) -> None:
    problems = unsafe_configuration_problems(**kwargs)
    if problems:
        raise ImproperlyConfigured(
            "Refusing to start with an unsafe configuration:\n- " + "\n- ".join(problems)
        )
