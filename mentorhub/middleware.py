"""Two library middlewares, minus per-request work that gives the same result every time.

Measured on ``/bench/ok`` (CPU per request in one process, ``make bench``'s bare view): the whole stack
cost 644 µs against 401 µs for the ceiling's two middlewares; django-csp's rebuilding of the policy
accounted for 105 µs and the messages framework's storage for 40 µs. Both answers are unchanged.
"""

import functools

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject
from csp.middleware import CSPMiddleware as LibraryCSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.messages.storage import default_storage
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.functional import SimpleLazyObject, empty

# What a view's @csp_update / @csp_replace / @csp / @csp_exempt leave on its response.
_PER_RESPONSE = ("_csp_config", "_csp_update", "_csp_replace", "_csp_config_ro", "_csp_update_ro", "_csp_replace_ro")


@functools.cache
def _settings_policies() -> tuple[str, str, tuple[str, ...], tuple[str, ...]]:
    """The policy and report-only policy from settings alone, and each one's excluded URL prefixes."""
    enforced = getattr(settings, "CONTENT_SECURITY_POLICY", None) or {}
    report_only = getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None) or {}
    return (build_policy(), build_policy(report_only=True),
            tuple(enforced.get("EXCLUDE_URL_PREFIXES", None) or ()),
            tuple(report_only.get("EXCLUDE_URL_PREFIXES", None) or ()))


@receiver(setting_changed)
def _forget_policies(*, setting, **kwargs):
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        _settings_policies.cache_clear()


class CSPMiddleware(LibraryCSPMiddleware):
    """django-csp's middleware, with the settings' policy strings built once per process.

    django-csp rebuilds both headers for every response (copying the settings and joining the directives).
    A response whose view changed nothing of the policy, served to a request that used no nonce, gets
    exactly the settings' strings, so those are kept; anything else goes through the library as before.
    """

    def process_response(self, request, response):
        if getattr(request, "_csp_nonce", None) is not None or any(hasattr(response, a) for a in _PER_RESPONSE):
            return super().process_response(request, response)
        if response.status_code in (404, 500) and settings.DEBUG:  # Django's debug pages: left alone, as upstream
            return response
        policy, policy_ro, excluded, excluded_ro = _settings_policies()
        path = request.path_info
        if policy and HEADER not in response and not getattr(response, "_csp_exempt", False) \
                and not path.startswith(excluded):
            response[HEADER] = policy
        if policy_ro and HEADER_REPORT_ONLY not in response and not getattr(response, "_csp_exempt_ro", False) \
                and not path.startswith(excluded_ro):
            response[HEADER_REPORT_ONLY] = policy_ro
        # As upstream: a nonce asked for after the header went out would be a silent hole, so it raises.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response


class LazyMessageMiddleware(MessageMiddleware):
    """Django's messages, with the storage made only when a view or template touches it.

    Most requests (every API call) never do; for them the storage's two backends were built and
    consulted for nothing. ``request._messages`` is still there for ``messages.add_message`` and the
    context processor, which evaluate it on first use.
    """

    def process_request(self, request):
        request._messages = SimpleLazyObject(lambda: default_storage(request))

    def process_response(self, request, response):
        storage = getattr(request, "_messages", None)
        if isinstance(storage, SimpleLazyObject) and storage._wrapped is empty:
            return response  # never used: nothing to store or clear
        return super().process_response(request, response)
