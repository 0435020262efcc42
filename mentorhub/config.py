"""Reading configuration from the environment, and refusing unsafe combinations.

Kept apart from ``settings.py`` so the rules can be tested without reloading
Django's settings.
"""

import ipaddress
import math
import os
import secrets
import tempfile
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

# Keys that have been published (this one was the repository's development default until
# `make run` started generating its own). Anyone can sign with them, so nothing may use them.
PUBLIC_SECRET_KEYS = frozenset({"django-insecure-mentorhub-development-key-do-not-use-in-production"})
MIN_GENERATED_KEY_LENGTH = 50

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


def env_float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = float(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a number, not {raw!r}.") from exc
    if not math.isfinite(value) or value < 0:
        raise ImproperlyConfigured(f"{name} must be a number of 0 or more, not {raw!r}.")
    return value


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def instance_secret_key(path: Path) -> str:
    """The embedded default's signing key: random, made on the first run, kept in ``path``.

    ``path`` lives in the instance's data directory, which git ignores, so the key
    is never published. The first run writes a complete file and links it into
    place in one step, so processes starting together (runserver's reloader,
    a Celery worker) all end up with the same key, never a half-written one.
    """
    try:
        key = path.read_text().strip()
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, scratch = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")  # mode 0600
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(MIN_GENERATED_KEY_LENGTH) + "\n")
        try:
            os.link(scratch, path)
        except FileExistsError:
            pass  # another process made it first: use theirs
        finally:
            os.unlink(scratch)
        key = path.read_text().strip()
    if len(key) < MIN_GENERATED_KEY_LENGTH or key in PUBLIC_SECRET_KEYS:
        raise ImproperlyConfigured(
            f"{path} does not hold a usable secret key. Delete it and a new one is made on the next start."
        )
    return key


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


def unsafe_configuration_problems(
    *,
    secret_key: str,
    debug: bool,
    allowed_hosts: list[str],
    stripe_configured: bool,
    offline_payments_allowed: bool,
    num_proxies: int,
) -> list[str]:
    """Every reason this combination must not serve real users; empty when safe."""
    problems = []
    if secret_key in PUBLIC_SECRET_KEYS:
        problems.append(
            "SECRET_KEY is a published key: anyone could forge sessions and tokens with it. "
            "Unset it (the embedded default generates a private one) or set a long random value."
        )
    if num_proxies < 0:
        problems.append(f"NUM_PROXIES must be 0 (no proxy) or the number of trusted proxies, not {num_proxies}.")
    if debug:
        public = [host for host in allowed_hosts if not is_local_host(host)]
        if public:
            problems.append(
                "DEBUG is on while ALLOWED_HOSTS names public hosts "
                f"({', '.join(public)}): debug pages would leak settings and source. "
                "Set DEBUG=false, or list only localhost addresses."
            )
    else:
        if not secret_key:
            problems.append(
                "SECRET_KEY is unset: every web process needs the same long random key. "
                "Set SECRET_KEY to a long random value."
            )
        elif len(secret_key) < 32:
            problems.append("SECRET_KEY is shorter than 32 characters. Use a long random value.")
        if not allowed_hosts:
            problems.append("ALLOWED_HOSTS is empty: with DEBUG off no request would be served.")
        if not stripe_configured and not offline_payments_allowed:
            problems.append(
                "STRIPE_SECRET_KEY is unset, so payments would use the offline test provider, where "
                "the payer chooses whether a payment succeeds. Set the Stripe keys, or set "
                "PAYMENTS_OFFLINE_ALLOWED=true if this deployment is a demo (its checkout says so)."
            )
    return problems


def refuse_unsafe_configuration(**kwargs) -> None:
    problems = unsafe_configuration_problems(**kwargs)
    if problems:
        raise ImproperlyConfigured(
            "Refusing to start with an unsafe configuration:\n- " + "\n- ".join(problems)
        )
