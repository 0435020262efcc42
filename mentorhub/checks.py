"""System checks for what Django's own checks cannot see through ``BrowserMiddleware``.

Django's admin (admin.E408–E410) and deploy (security.W003) checks look for sessions, auth, messages
and CSRF in ``MIDDLEWARE`` itself; here they run inside ``BrowserMiddleware``'s block, so those checks
are silenced in settings and this one asks the same of ``BROWSER_MIDDLEWARE``, in the order they need.
"""

from django.conf import settings
from django.core.checks import Error, register

REQUIRED_IN_ORDER = (
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
)


def _position(required: str, listed: list[str]) -> int | None:
    from django.utils.module_loading import import_string

    wanted = import_string(required)
    for index, path in enumerate(listed):
        if issubclass(import_string(path), wanted):
            return index
    return None


@register()
def browser_middleware_complete(app_configs, **kwargs):
    if "mentorhub.middleware.BrowserMiddleware" not in settings.MIDDLEWARE:
        return []
    listed = list(getattr(settings, "BROWSER_MIDDLEWARE", []))
    positions = [_position(required, listed) for required in REQUIRED_IN_ORDER]
    missing = [required for required, at in zip(REQUIRED_IN_ORDER, positions, strict=True) if at is None]
    if missing:
        return [Error(f"BROWSER_MIDDLEWARE must include {', '.join(missing)}.", id="mentorhub.E001")]
    if positions != sorted(positions):
        return [Error(f"BROWSER_MIDDLEWARE must list {', '.join(REQUIRED_IN_ORDER)} in that order.",
                      id="mentorhub.E002")]
    return []
