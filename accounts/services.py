"""Account use cases shared by the API and the pages."""

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.models import update_last_login
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.serializers import TokenRefreshSerializer
from rest_framework_simplejwt.settings import api_settings as jwt_settings
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.models import User
from mentorhub.errors import InvalidInput, PermissionDenied

SELF_REGISTRABLE_ROLES = (User.Role.STUDENT, User.Role.MENTOR)
PROFILE_FIELDS = ("full_name", "bio", "phone", "avatar_url", "timezone", "sms_opt_in")


def _validation_error(exc: DjangoValidationError, field: str) -> InvalidInput:
    return InvalidInput(" ".join(exc.messages), field=field)


def normalized_email(raw: str) -> str:
    """How an address is stored and compared: trimmed, lower case."""
    return User.objects.normalize_email(raw.strip()).lower()


def registration_hides_existing_accounts() -> bool:
    """Whether sign-up answers alike for new and taken addresses (the owner of a taken one is e-mailed).

    Only when a confirmation mail goes out: with verification off a new
    account is ready at once, so there is no "check your e-mail" to hide behind.
    """
    return bool(settings.ACCOUNT_PREVENT_ENUMERATION) and settings.ACCOUNT_EMAIL_VERIFICATION != "none"


def _tell_owner_someone_signed_up_again(request, email: str) -> None:
    # allauth's own notice ("an account using that address already exists", with a password reset
    # link), under the same per-address cooldown as its verification mails, so the owner's inbox
    # cannot be flooded through this endpoint.
    from allauth.account.adapter import get_adapter
    from allauth.core import context, ratelimit

    with context.request_context(request):
        if ratelimit.consume(request, action="confirm_email", key=email):
            get_adapter(request).send_account_already_exists_mail(email)


@transaction.atomic
def user_register(
    *, email: str, password: str, full_name: str = "", role: str = User.Role.STUDENT, request=None
) -> User | None:
    """Create an account that can log in through the API and the pages alike.

    The e-mail is stored lower-case; the password must pass Django's
    validators; nobody can register as admin. All of that is checked before
    the address is looked up. A confirmation link is mailed after commit
    unless verification is off (``request`` lets links carry the right host).

    An address that already has an account creates nothing and returns None;
    its owner is told by e-mail instead, so callers can answer exactly as for
    a new account (see ``registration_hides_existing_accounts``; without it,
    a taken address is refused).
    """
    email = normalized_email(email)
    if role not in SELF_REGISTRABLE_ROLES:
        raise InvalidInput("Choose student or mentor.", field="role")
    user = User(email=email, full_name=full_name.strip(), role=role)
    try:
        password_validation.validate_password(password, user=user)
    except DjangoValidationError as exc:
        raise _validation_error(exc, "password") from exc
    user.set_password(password)  # hashed for taken addresses too, so the answer's timing tells nothing
    taken = User.objects.filter(email__iexact=email).exists() or EmailAddress.objects.filter(
        email__iexact=email).exists()
    if not taken:
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError:  # a concurrent registration won the race
            taken = True
    if taken:
        if not registration_hides_existing_accounts():
            raise InvalidInput("An account with this e-mail already exists.", field="email")
        # robust: the answer must not depend on whether a mail could be sent (nor give away that one was).
        transaction.on_commit(lambda: _tell_owner_someone_signed_up_again(request, email), robust=True)
        return None
    # The browser side (allauth) tracks addresses and their verification here.
    address = EmailAddress.objects.create(user=user, email=email, primary=True, verified=False)
    if settings.ACCOUNT_EMAIL_VERIFICATION != "none":
        # robust: the account exists by now; a mail server that refuses is logged, the link can be sent again.
        transaction.on_commit(lambda: address.send_confirmation(request, signup=True), robust=True)
    return user


def email_verification_pending(*, user: User) -> bool:
    """True when the site requires a confirmed e-mail and this user has none yet."""
    if settings.ACCOUNT_EMAIL_VERIFICATION != "mandatory":
        return False
    return not EmailAddress.objects.filter(user=user, verified=True).exists()


@transaction.atomic
def user_update_profile(*, user: User, **changes) -> User:
    """Change the profile fields a user may edit themselves (never e-mail, role or premium)."""
    unknown = set(changes) - set(PROFILE_FIELDS)
    if unknown:
        raise InvalidInput(f"{', '.join(sorted(unknown))} cannot be changed here.", field=sorted(unknown)[0])
    user = User.objects.select_for_update().get(pk=user.pk)
    if "phone" in changes and not changes["phone"] and "sms_opt_in" not in changes:
        changes["sms_opt_in"] = False  # removing the number ends the texts rather than refusing the removal
    for name, value in changes.items():
        setattr(user, name, value)
    try:
        user.full_clean(exclude=["password", "email", "calendar_token"])
    except DjangoValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise InvalidInput(" ".join(messages), field=field) from exc
    user.save(update_fields=[*changes, "updated_at"])
    return user


def user_issue_tokens(*, user: User) -> RefreshToken:
    """A fresh refresh/access pair for a user who just proved who they are."""
    if email_verification_pending(user=user):
        raise PermissionDenied("Confirm your e-mail address first: follow the link we sent you.")
    update_last_login(None, user)
    return RefreshToken.for_user(user)


def _lock_user(user_id) -> bool:
    return bool(list(User.objects.select_for_update().filter(pk=user_id).values_list("pk", flat=True)))


@transaction.atomic
def refresh_token_rotate(*, token: str) -> tuple[str, str]:
    """A new (access, refresh) pair for a refresh token, which can never be used again.

    Raises simplejwt's ``TokenError`` for a token that is malformed, expired or already used.
    The owner's row is locked first, so a rotation and ``user_sessions_end`` of the same user
    never interleave: a token rotated while every session ends is either ended with the rest
    or refused, never the one that survives.
    """
    user_id = RefreshToken(token).payload.get(jwt_settings.USER_ID_CLAIM)
    if not _lock_user(user_id):
        raise TokenError("No account has this token any more.")
    rotation = TokenRefreshSerializer(data={"refresh": token})  # checks the blacklist again, under the lock
    rotation.is_valid(raise_exception=True)
    return rotation.validated_data["access"], rotation.validated_data["refresh"]


@transaction.atomic
def user_sessions_end(*, user: User) -> int:
    """Log out everywhere: every refresh token the user still holds is revoked. Returns how many.

    No device can get a new access token afterwards; access tokens already handed out are not
    recorded anywhere and keep working until they expire (ACCESS_TOKEN_LIFETIME, 30 minutes).
    """
    _lock_user(user.pk)
    live = (OutstandingToken.objects
            .filter(user=user, expires_at__gt=timezone.now(), blacklistedtoken__isnull=True)
            .values_list("pk", flat=True))
    revoked = BlacklistedToken.objects.bulk_create(
        [BlacklistedToken(token_id=pk) for pk in live], ignore_conflicts=True,
    )
    return len(revoked)


def refresh_token_revoke(*, token: str) -> None:
    """Log out: the refresh token can never be used again."""
    try:
        RefreshToken(token).blacklist()
    except TokenError as exc:
        raise InvalidInput(str(exc), field="refresh_token") from exc
