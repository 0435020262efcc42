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
from django.core.exceptions import MiddlewareNotUsed
from django.core.handlers.exception import convert_exception_to_response
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.functional import SimpleLazyObject, empty
from django.utils.module_loading import import_string

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


def is_cookieless_api_call(request) -> bool:
    """An API call that carries no cookie at all: a token client's (mobile, server), never a browser session's.

    Such a call cannot be signed in by a session, so it has no session, CSRF token or flash messages to
    keep, and no ambient credential a cross-site request could borrow. Any cookie, even one the browser
    sent unasked, puts the request back on the full browser path.
    """
    return request.path_info.startswith("/api/") and not request.META.get("HTTP_COOKIE")


class BrowserMiddleware:
    """Runs ``settings.BROWSER_MIDDLEWARE`` (sessions, CSRF, auth, messages) as one block, in order,
    except for cookieless API calls, which go straight on.

    Measured on the bare API view (CPU per request in one process, the same call with and without a
    cookie): skipping these four cut 1,056 µs to 953 µs for calls that use none of them, since DRF
    authenticates tokens in the view and checks CSRF itself for session users. The block behaves exactly
    as if its middlewares were listed in ``MIDDLEWARE`` at this place: each is wrapped the way Django
    wraps them (an exception becomes that layer's response) and their ``process_view`` /
    ``process_template_response`` / ``process_exception`` hooks run at this position, for the requests
    that went through them.
    """

    sync_capable = True
    async_capable = False

    def __init__(self, get_response):
        self.get_response = get_response
        handler = get_response
        self._view_hooks, self._template_hooks, self._exception_hooks = [], [], []
        for path in reversed(settings.BROWSER_MIDDLEWARE):
            try:
                instance = import_string(path)(handler)
            except MiddlewareNotUsed:
                continue
            # The same order Django's handler keeps: view hooks first to last, the others last to first.
            if hasattr(instance, "process_view"):
                self._view_hooks.insert(0, instance.process_view)
            if hasattr(instance, "process_template_response"):
                self._template_hooks.append(instance.process_template_response)
            if hasattr(instance, "process_exception"):
                self._exception_hooks.append(instance.process_exception)
            handler = convert_exception_to_response(instance)
        self._browser = handler

    def __call__(self, request):
        if is_cookieless_api_call(request):
            request._browser_middleware_skipped = True
            return self.get_response(request)
        return self._browser(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if getattr(request, "_browser_middleware_skipped", False):
            return None
        for hook in self._view_hooks:
            response = hook(request, view_func, view_args, view_kwargs)
            if response is not None:
                return response
        return None

    def process_template_response(self, request, response):
        if not getattr(request, "_browser_middleware_skipped", False):
            for hook in self._template_hooks:
                response = hook(request, response)
        return response

    def process_exception(self, request, exception):
        if getattr(request, "_browser_middleware_skipped", False):
            return None
        for hook in self._exception_hooks:
            response = hook(request, exception)
            if response is not None:
                return response
        return None
