from django.conf import settings
from django.contrib.auth import authenticate
from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import AuthenticationFailed, ValidationError
from rest_framework.generics import RetrieveUpdateAPIView
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import InvalidToken, TokenError
from rest_framework_simplejwt.settings import api_settings as jwt_settings
from rest_framework_simplejwt.tokens import AccessToken, UntypedToken

from accounts import services
from accounts.api import serializers as s
from accounts.api import tokens
from mentorhub.api.throttles import CredentialsThrottleMixin


def _sent_refresh_token(request) -> tuple[str, str]:
    """The refresh token sent and where it came from: "body", "cookie" or "header", in that order.

    The cookie comes before the header, so an SPA that adds its access token to every request
    still refreshes and logs out with its cookie.
    """
    data = s.RefreshInput(data=request.data)
    data.is_valid(raise_exception=True)
    token = data.validated_data.get("refresh_token") or data.validated_data.get("refresh")
    if token:
        return token, "body"
    token = request.COOKIES.get(settings.AUTH_REFRESH_COOKIE_NAME)
    if token:
        tokens.check_cookie_origin(request)
        request.refresh_cookie_used = True
        return token, "cookie"
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip(), "header"
    raise ValidationError({"refresh_token": [
        gettext("Send the refresh token in the body, as Authorization: Bearer, or as the refresh cookie.")
    ]})


def _token_type(raw: str) -> str | None:
    """The type claim of a genuine, unexpired token of this site; None for anything else."""
    try:
        return UntypedToken(raw).payload.get(jwt_settings.TOKEN_TYPE_CLAIM)
    except TokenError:
        return None


class RegisterView(CredentialsThrottleMixin, APIView):
    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(
        request=s.RegisterInput, responses={202: s.RegisterOutput}, tags=["auth"], summary="Create an account",
        description="Answers 202 with the same body whether or not the address already has an account, so it "
                    "cannot be used to find out who is registered: a new account gets a confirmation link, the "
                    "owner of an existing one a notice. Log in with `auth/login` (with mandatory verification, "
                    "after following the link). With `ACCOUNT_EMAIL_VERIFICATION=none` a taken address is a 400.",
    )
    def post(self, request):
        data = s.RegisterInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.user_register(**data.validated_data, request=request._request)
        email = services.normalized_email(data.validated_data["email"])
        if settings.ACCOUNT_EMAIL_VERIFICATION == "none":
            detail = gettext("Your account is ready: log in with this e-mail address and password.")
        else:
            detail = gettext("Check your e-mail: we sent a message to %(email)s to finish signing up.") % {
                "email": email}
        return Response({"detail": detail, "email": email}, status=status.HTTP_202_ACCEPTED)


class LoginView(CredentialsThrottleMixin, APIView):
    permission_classes = [AllowAny]
    authentication_classes = []
    extra_error_codes = ["401", "403"]

    @extend_schema(
        request=s.LoginInput,
        responses={200: s.LoginOutput},
        tags=["auth"],
        summary="Exchange e-mail and password for tokens",
        description="Answers the access token (send it as `Authorization: Bearer <access_token>`) and the "
                    "refresh token, or with `refresh_cookie` the refresh token as a cookie only. "
                    + tokens.REFRESH_COOKIE_NOTE,
    )
    def post(self, request):
        data = s.LoginInput(data=request.data)
        data.is_valid(raise_exception=True)
        in_cookie = data.validated_data["refresh_cookie"]
        if in_cookie:
            tokens.check_cookie_origin(request)
        user = authenticate(request, email=data.validated_data["email"].strip(),
                            password=data.validated_data["password"])
        if user is None:
            # Never say whether the e-mail or the password was wrong.
            raise AuthenticationFailed(gettext("Invalid e-mail or password."))
        refresh = services.user_issue_tokens(user=user)
        body = tokens.tokens_body(str(refresh.access_token), None) if in_cookie else tokens.token_body(refresh)
        response = Response({**body, "user": s.LoginUser(user).data})
        if in_cookie:
            tokens.set_refresh_cookie(response, str(refresh))
        return response


class RefreshView(CredentialsThrottleMixin, APIView):
    permission_classes = [AllowAny]
    # The Bearer header here carries a refresh token, which must not be read as an access token.
    authentication_classes = []
    extra_error_codes = ["401", "403"]

    @extend_schema(
        request=s.RefreshInput, responses={200: s.TokenPairOutput}, tags=["auth"],
        summary="Rotate a refresh token (each one works once)",
        description="The refresh token is read from the body (`refresh_token`), else the refresh cookie, else "
                    "`Authorization: Bearer <refresh_token>`. The answer carries a new access token and a new "
                    "refresh token; the old one is dead. When the token came from the cookie, the new one is "
                    "set as the cookie and left out of the body. " + tokens.REFRESH_COOKIE_NOTE,
    )
    def post(self, request):
        token, source = _sent_refresh_token(request)
        try:
            access, refresh = services.refresh_token_rotate(token=token)
        except TokenError as exc:
            raise InvalidToken(str(exc)) from exc
        in_cookie = source == "cookie"
        response = Response(tokens.tokens_body(access, None if in_cookie else refresh))
        if in_cookie:
            tokens.set_refresh_cookie(response, refresh)
        return response


class LogoutView(CredentialsThrottleMixin, APIView):
    permission_classes = [AllowAny]
    authentication_classes = []
    extra_error_codes = ["401", "403"]

    @extend_schema(
        request=s.RefreshInput, responses={204: OpenApiResponse(description="Logged out")},
        tags=["auth"], summary="Log out: revoke a refresh token, or end every session of a user",
        description="With a refresh token (in the body, the refresh cookie or `Authorization: Bearer`, read in "
                    "that order) that token is revoked: that one login ends, other devices stay logged in. "
                    "With only `Authorization: Bearer <access_token>` the user's sessions end everywhere: "
                    "every refresh token they hold is revoked, so no device can get a new access token. "
                    "Access tokens already issued are not recorded and keep working until they expire "
                    "(`expires_in`, 30 minutes), so a client should drop its own at once. The refresh cookie, "
                    "when sent, is cleared. A token that is not a live refresh token of this site is a 400; "
                    "an access token that is expired or belongs to no active user is a 401. "
                    + tokens.REFRESH_COOKIE_NOTE,
    )
    def post(self, request):
        token, source = _sent_refresh_token(request)
        if source == "header" and _token_type(token) == AccessToken.token_type:
            auth = JWTAuthentication()
            services.user_sessions_end(user=auth.get_user(auth.get_validated_token(token)))
        else:
            services.refresh_token_revoke(token=token)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        # A cookie read for logging out goes, even when its token was already dead (400): the session is over
        # either way. (Not when the origin was refused: that request never got as far as reading it.)
        if getattr(request, "refresh_cookie_used", False):
            tokens.clear_refresh_cookie(response)
        return response


@extend_schema(tags=["users"])
class MeView(RetrieveUpdateAPIView):
    serializer_class = s.UserSerializer

    def get_object(self):
        return self.request.user

    def perform_update(self, serializer):
        changes = {k: v for k, v in serializer.validated_data.items() if k in services.PROFILE_FIELDS}
        serializer.instance = services.user_update_profile(user=self.request.user, **changes)
