from django.conf import settings
from django.contrib.auth import authenticate
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import AuthenticationFailed, ValidationError
from rest_framework.generics import RetrieveUpdateAPIView
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.exceptions import InvalidToken, TokenError
from rest_framework_simplejwt.serializers import TokenRefreshSerializer

from accounts import services
from accounts.api import serializers as s
from mentorhub.api.throttles import CredentialsThrottleMixin

ACCESS_SECONDS = int(settings.SIMPLE_JWT["ACCESS_TOKEN_LIFETIME"].total_seconds())


def _token_body(refresh) -> dict:
    return {
        "access_token": str(refresh.access_token),
        "refresh_token": str(refresh),
        "token_type": "bearer",
        "expires_in": ACCESS_SECONDS,
    }


def _refresh_token_from(request) -> str:
    data = s.RefreshInput(data=request.data)
    data.is_valid(raise_exception=True)
    token = data.validated_data.get("refresh_token") or data.validated_data.get("refresh")
    if not token:
        scheme, _, value = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() == "bearer" and value.strip():
            token = value.strip()
    if not token:
        raise ValidationError({"refresh_token": ["Send the refresh token in the body or as Authorization: Bearer."]})
    return token


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
            detail = "Your account is ready: log in with this e-mail address and password."
        else:
            detail = f"Check your e-mail: we sent a message to {email} to finish signing up."
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
    )
    def post(self, request):
        data = s.LoginInput(data=request.data)
        data.is_valid(raise_exception=True)
        user = authenticate(request, email=data.validated_data["email"].strip(),
                            password=data.validated_data["password"])
        if user is None:
            # Never say whether the e-mail or the password was wrong.
            raise AuthenticationFailed("Invalid e-mail or password.")
        refresh = services.user_issue_tokens(user=user)
        return Response({**_token_body(refresh), "user": s.LoginUser(user).data})


class RefreshView(CredentialsThrottleMixin, APIView):
    permission_classes = [AllowAny]
    # The Bearer header here carries a refresh token, which must not be read as an access token.
    authentication_classes = []
    extra_error_codes = ["401"]

    @extend_schema(request=s.RefreshInput, responses={200: s.TokenPairOutput}, tags=["auth"],
                   summary="Rotate a refresh token (each one works once)")
    def post(self, request):
        serializer = TokenRefreshSerializer(data={"refresh": _refresh_token_from(request)})
        try:
            serializer.is_valid(raise_exception=True)
        except TokenError as exc:
            raise InvalidToken(str(exc)) from exc
        return Response({
            "access_token": serializer.validated_data["access"],
            "refresh_token": serializer.validated_data["refresh"],
            "token_type": "bearer",
            "expires_in": ACCESS_SECONDS,
        })


class LogoutView(CredentialsThrottleMixin, APIView):
    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(request=s.RefreshInput, responses={204: OpenApiResponse(description="Logged out")},
                   tags=["auth"], summary="Revoke a refresh token")
    def post(self, request):
        services.refresh_token_revoke(token=_refresh_token_from(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["users"])
class MeView(RetrieveUpdateAPIView):
    serializer_class = s.UserSerializer

    def get_object(self):
        return self.request.user

    def perform_update(self, serializer):
        changes = {k: v for k, v in serializer.validated_data.items() if k in services.PROFILE_FIELDS}
        serializer.instance = services.user_update_profile(user=self.request.user, **changes)
