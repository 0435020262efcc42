"""The token answers and the refresh-token cookie, shared by every auth view that hands out tokens."""

from django.conf import settings
from django.utils.translation import gettext
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

from mentorhub.errors import PermissionDenied

REFRESH_COOKIE_NOTE = (
    "Browsers can keep the refresh token out of JavaScript: log in with `\"refresh_cookie\": true` and it "
    "comes back as an HttpOnly cookie (`mentorhub_refresh`, Path `/api/v1/auth/`, SameSite and Secure per "
    "settings, Max-Age the refresh lifetime) instead of in the body. Call the canonical `/api/v1/auth/...` "
    "routes with `credentials: 'include'` so the browser sends it. A page of another origin must be listed "
    "in `CORS_ALLOWED_ORIGINS`; a request that uses the cookie from any other origin is refused (403)."
)


def access_seconds() -> int:
    # The class attribute simplejwt sets each access token's expiry from, so the two always agree.
    return int(AccessToken.lifetime.total_seconds())


def tokens_body(access: str, refresh: str | None) -> dict:
    body = {"access_token": access, "refresh_token": refresh, "token_type": "bearer", "expires_in": access_seconds()}
    if refresh is None:
        del body["refresh_token"]  # it went into the HttpOnly cookie: the point is that scripts never see it
    return body


def token_body(refresh) -> dict:
    """The answer for a fresh RefreshToken whose refresh token goes in the body."""
    return tokens_body(str(refresh.access_token), str(refresh))


def set_refresh_cookie(response, token: str) -> None:
    response.set_cookie(
        settings.AUTH_REFRESH_COOKIE_NAME, token,
        max_age=int(RefreshToken.lifetime.total_seconds()),
        path=settings.AUTH_REFRESH_COOKIE_PATH,
        secure=settings.AUTH_REFRESH_COOKIE_SECURE,
        httponly=True,
        samesite=settings.AUTH_REFRESH_COOKIE_SAMESITE,
    )


def clear_refresh_cookie(response) -> None:
    response.delete_cookie(settings.AUTH_REFRESH_COOKIE_NAME, path=settings.AUTH_REFRESH_COOKIE_PATH,
                           samesite=settings.AUTH_REFRESH_COOKIE_SAMESITE)


def check_cookie_origin(request) -> None:
    """Only this site and the listed SPA origins may use the refresh cookie.

    Why the cookie needs this at all (CSRF): a browser attaches it to a request that another page
    makes, and a POST with no body is a "simple" request that goes out without a CORS preflight.
    What such a request could do: rotate the token (the new one is set back as the cookie and the
    access token is in a body the other page cannot read without CORS, so it gains nothing) or log
    the user out (a nuisance). SameSite=Lax already keeps the cookie off requests from other sites;
    this check also turns away other origins of the same site (another subdomain, another port).
    Browsers send Origin on every POST, cross-origin or not; clients with no Origin are not
    browsers, so no other page can be acting through them.
    """
    origin = request.headers.get("Origin")
    if not origin:
        return
    own = f"{request.scheme}://{request.get_host()}"
    if origin != own and origin not in settings.CORS_ALLOWED_ORIGINS:
        raise PermissionDenied(gettext("This origin may not use the refresh-token cookie."))
