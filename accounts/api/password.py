"""Password reset, password change and e-mail confirmation over the API.

The same allauth machinery as the pages under /accounts/ (accounts.services): the mails are the
ones users know, and their links open those pages. An SPA that wants its own screens takes the
values out of the link: `/accounts/password/reset/key/<uid>-<token>/` (split at the first hyphen)
for `auth/password-reset/confirm`, `/accounts/confirm-email/<key>/` for `auth/verify-email`.
"""

from django.conf import settings
from django.contrib.auth import update_session_auth_hash
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import Throttled
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import services
from accounts.api import password_serializers as s
from accounts.api import tokens
from mentorhub.api.throttles import CredentialsThrottleMixin

RESET_REQUESTED = _("If an account uses this address, we have sent it a link to choose a new password. "
                    "It can take a few minutes to arrive.")
RESEND_REQUESTED = _("If this address belongs to an account that has not confirmed it yet, we have sent it "
                     "a new confirmation link.")


def _allauth_limit(request, action: str) -> None:
    """The page's own allauth limit for ``action`` (ACCOUNT_RATE_LIMITS), per signed-in user: one budget
    for the page and the API, so a stolen access token cannot guess the current password from many
    addresses."""
    from allauth.account import app_settings as allauth_settings
    from allauth.core import ratelimit
    from allauth.core.internal.ratelimit import parse_rates

    if not ratelimit.consume(request._request, action=action, user=request.user):
        longest = max((rate.duration for rate in parse_rates(allauth_settings.RATE_LIMITS.get(action))), default=60)
        raise Throttled(wait=longest)


class _PublicCredentialsView(CredentialsThrottleMixin, APIView):
    permission_classes = [AllowAny]
    authentication_classes = []


class PasswordResetView(_PublicCredentialsView):
    @extend_schema(
        request=s.PasswordResetInput, responses={202: s.DetailOutput}, tags=["auth"],
        summary="Mail a password reset link",
        description="Always answers 202 with the same body, whether or not an account uses the address, so "
                    "it cannot be used to find out who is registered. A known address gets the same mail the "
                    "`/accounts/password/reset/` page sends; its link opens "
                    "`/accounts/password/reset/key/<uid>-<token>/`, which works in any browser. An SPA can "
                    "instead take `uid` (before the first hyphen) and `token` (the rest) from that link and "
                    "call `auth/password-reset/confirm`. An unknown address gets a short notice that no "
                    "account uses it (allauth's `ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS`). Repeated requests for one "
                    "address within a minute send nothing more.",
    )
    def post(self, request):
        data = s.PasswordResetInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.user_password_reset_request(email=data.validated_data["email"], request=request._request)
        return Response({"detail": str(RESET_REQUESTED)}, status=status.HTTP_202_ACCEPTED)


class PasswordResetConfirmView(_PublicCredentialsView):
    @extend_schema(
        request=s.PasswordResetConfirmInput, responses={200: s.DetailOutput}, tags=["auth"],
        summary="Choose a new password with the link from the reset mail",
        description="`uid` and `token` come from the reset link (see `auth/password-reset`). The new password "
                    "must pass the password rules (errors name `new_password`); an invalid, expired or used "
                    "link is a 400 naming `token` (a link works once). On success every refresh token of the "
                    "account is revoked, so every device has to log in again with `auth/login`.",
    )
    def post(self, request):
        data = s.PasswordResetConfirmInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.user_password_reset_confirm(**data.validated_data, request=request._request)
        return Response({"detail": gettext("Your password has been changed: log in with the new one.")})


class PasswordChangeView(CredentialsThrottleMixin, APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=s.PasswordChangeInput, responses={200: s.PasswordChangeOutput}, tags=["auth"],
        summary="Change the signed-in user's password",
        description="Needs the current password (`old_password`, or its alias `current_password`; a wrong "
                    "one is a 400 naming `old_password`) and a new one that passes the password rules. Every "
                    "refresh token of the account is revoked, so other devices have to log in again; the "
                    "answer carries a fresh token pair so this client stays signed in (a client that sent the "
                    "refresh cookie gets the new refresh token as that cookie, not in the body). Access tokens "
                    "already issued keep working until they expire (`expires_in`).",
    )
    def post(self, request):
        data = s.PasswordChangeInput(data=request.data)
        data.is_valid(raise_exception=True)
        _allauth_limit(request, "change_password")
        # A client that keeps its refresh token in the cookie (the change revokes it) gets the new one there
        # too, and still never sees it in a body.
        in_cookie = settings.AUTH_REFRESH_COOKIE_NAME in request.COOKIES
        if in_cookie:
            tokens.check_cookie_origin(request)
        refresh = services.user_password_change(user=request.user, **data.validated_data,
                                                request=request._request)
        if isinstance(request.successful_authenticator, SessionAuthentication):
            # A browser session that made the change stays signed in, as on the allauth page.
            request.user.refresh_from_db(fields=["password"])
            update_session_auth_hash(request._request, request.user)
        body = tokens.tokens_body(str(refresh.access_token), None if in_cookie else str(refresh))
        detail = gettext("Your password has been changed. Other devices have to log in again.")
        response = Response({"detail": detail, **body})
        if in_cookie:
            tokens.set_refresh_cookie(response, str(refresh))
        return response


class VerifyEmailView(_PublicCredentialsView):
    @extend_schema(
        request=s.VerifyEmailInput, responses={200: s.VerifyEmailOutput}, tags=["auth"],
        summary="Confirm an e-mail address with the key from its confirmation mail",
        description="`key` is the last path segment of the link in the confirmation mail "
                    "(`/accounts/confirm-email/<key>/`; the page and this endpoint take the same key). A key "
                    "whose address is confirmed already succeeds again; an invalid or expired one is a 400 "
                    "naming `key`. It does not log in: with mandatory verification, `auth/login` works from "
                    "now on.",
    )
    def post(self, request):
        data = s.VerifyEmailInput(data=request.data)
        data.is_valid(raise_exception=True)
        address = services.email_verify(key=data.validated_data["key"], request=request._request)
        return Response({"detail": gettext("Your e-mail address is confirmed."), "email": address.email})


class VerificationResendView(_PublicCredentialsView):
    @extend_schema(
        request=s.VerificationResendInput, responses={202: s.DetailOutput}, tags=["auth"],
        summary="Mail a new confirmation link",
        description="Always answers 202 with the same body, whether or not the address has an account or is "
                    "confirmed already. An unconfirmed address of an account gets the confirmation mail again, "
                    "at most once every few minutes (allauth's `ACCOUNT_EMAIL_CONFIRMATION_COOLDOWN`); the "
                    "earlier link keeps working.",
    )
    def post(self, request):
        data = s.VerificationResendInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.email_verification_resend(email=data.validated_data["email"], request=request._request)
        return Response({"detail": str(RESEND_REQUESTED)}, status=status.HTTP_202_ACCEPTED)
