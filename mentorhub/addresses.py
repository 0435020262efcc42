"""The client's address, the one rule every per-address limit keys on.

With ``NUM_PROXIES = 0`` (the default) nothing sits in front of the app, so
the socket address is the client and ``X-Forwarded-For`` is ignored: anyone
can write that header, and trusting it would let a client pick a fresh
address for every request. Behind N trusted proxies, each appends the
address it received the request from, so the client is the N-th entry from
the right; entries further left were written by the client and mean nothing.
"""

import ipaddress

from django.conf import settings


def client_ip(request) -> str:
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.NUM_PROXIES
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if not forwarded:
        return remote
    candidate = forwarded[-min(proxies, len(forwarded))]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:  # a broken proxy chain; the socket address is at least real
        return remote
