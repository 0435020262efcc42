"""Account use cases shared by the API and the pages."""

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.models import update_last_login
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.serializers import TokenRefreshSerializer
from rest_framework_simplejwt.settings import api_settings as jwt_settings
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.models import User
from mentorhub.errors import InvalidInput, PermissionDenied

SELF_REGISTRABLE_ROLES = (User.Role.STUDENT, User.Role.MENTOR)
PROFILE_FIELDS = ("full_name", "bio", "phone", "avatar_url", "timezone", "sms_opt_in", "language")


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


def visitor_language() -> str:
    """The language the visitor is reading the site in (one of ``LANGUAGES``): a new account keeps it, so
    its e-mails and reminders come in that language, not whichever language a sender happens to use."""
    try:
        return translation.get_supported_language_variant(translation.get_language() or settings.LANGUAGE_CODE)
    except LookupError:
        return ""


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
    unless verification is off (``request`` lets links carry the right host). The account keeps the
    language the visitor is reading the site in.

    An address that already has an account creates nothing and returns None;
    its owner is told by e-mail instead, so callers can answer exactly as for
    a new account (see ``registration_hides_existing_accounts``; without it,
    a taken address is refused).
    """
    email = normalized_email(email)
    if role not in SELF_REGISTRABLE_ROLES:
        raise InvalidInput(gettext("Choose student or mentor."), field="role")
    user = User(email=email, full_name=full_name.strip(), role=role, language=visitor_language())
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
            raise InvalidInput(gettext("An account with this e-mail already exists."), field="email")
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


# --- Passwords and e-mail confirmation (the API's side of allauth's pages) ----------------------------
# The pages under /accounts/ and these services share allauth's forms, token generator, confirmation
# keys, rate limits and mail templates, so a link from either side works on the other. Unlike the
# pages they set no flash messages: an API response must not carry a messages cookie.


def _in_allauth_context(request, send) -> None:
    # allauth's adapter reads the current request from a context variable to build absolute links
    # and name the site; a mail sent after commit may run outside the request that queued it.
    from allauth.core import context

    with context.request_context(request):
        send()


def refresh_tokens_revoke_all(*, user: User) -> int:
    """Every refresh token issued to the user stops working (access tokens run out on their own,
    within ACCESS_TOKEN_LIFETIME). Returns how many were revoked. Runs in the caller's transaction."""
    from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

    live = OutstandingToken.objects.filter(user=user, blacklistedtoken__isnull=True)
    revoked = [BlacklistedToken(token=token) for token in live]
    BlacklistedToken.objects.bulk_create(revoked, ignore_conflicts=True)
    return len(revoked)


def _validated_new_password(password: str, user: User, field: str = "new_password") -> str:
    try:
        password_validation.validate_password(password, user=user)
    except DjangoValidationError as exc:
        raise _validation_error(exc, field) from exc
    return password


@transaction.atomic
def user_password_reset_request(*, email: str, request) -> None:
    """Mail a password reset link to the account using ``email``, exactly as the page does.

    Gives nothing away: the caller answers the same whatever happens here. A known address gets
    allauth's reset mail (its link opens /accounts/password/reset/key/<uid>-<token>/); an unknown one
    gets allauth's "no account uses this address" notice when ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS is on
    (its default). allauth's per-address limit ("reset_password") applies: past it, nothing is sent.
    """
    from allauth.account import app_settings as allauth_settings
    from allauth.account.forms import ResetPasswordForm
    from allauth.core import ratelimit
    from allauth.utils import get_form_class

    email = normalized_email(email)
    form_class = get_form_class(allauth_settings.FORMS, "reset_password", ResetPasswordForm)
    form = form_class(data={"email": email})
    if not form.is_valid():  # with enumeration prevention on, only a malformed address gets here
        messages = form.errors.get("email", [gettext("Enter a valid e-mail address.")])
        raise InvalidInput(" ".join(messages), field="email")
    if not ratelimit.consume(request, action="reset_password", key=email):
        return  # the earlier mails' links still work; a further one would only flood the inbox
    # robust: the answer must not depend on whether a mail could be sent (nor give away that one was).
    transaction.on_commit(lambda: _in_allauth_context(request, lambda: form.save(request)), robust=True)


def _user_for_reset_token(uid: str, token: str) -> User:
    from allauth.account.forms import default_token_generator
    from allauth.account.utils import url_str_to_user_pk

    refused = InvalidInput(
        gettext("This password reset link is invalid, expired or already used: ask for a new one."), field="token")
    try:
        pk = url_str_to_user_pk(uid)
        user = User.objects.select_for_update().get(pk=pk)
    except (ValueError, TypeError, OverflowError, DjangoValidationError, User.DoesNotExist):
        raise refused from None
    if not default_token_generator.check_token(user, token):
        raise refused
    return user


@transaction.atomic
def user_password_reset_confirm(*, uid: str, token: str, new_password: str, request=None) -> User:
    """Set a new password with the uid and token from a reset mail, and sign the account out everywhere.

    The token is allauth's (the page accepts the same one); it stops working once the password
    changes, so a link works once. Every refresh token the user holds is revoked.
    """
    from allauth.account import signals
    from allauth.account.adapter import get_adapter
    from allauth.account.internal.flows.password_reset import reset_password

    user = _user_for_reset_token(uid, token)
    _validated_new_password(new_password, user)
    reset_password(user, new_password)
    refresh_tokens_revoke_all(user=user)
    signals.password_reset.send(sender=User, request=request, user=user)
    addresses = {user.email, *EmailAddress.objects.filter(user=user).values_list("email", flat=True)}

    def after_reset():
        adapter = get_adapter(request)
        if request is not None:  # as the page does: failed logins from here no longer count against it
            for address in addresses:
                adapter._delete_login_attempts_cached_email(request, email=address)
        # allauth's optional "your password was reset" notice (ACCOUNT_EMAIL_NOTIFICATIONS).
        adapter.send_notification_mail("account/email/password_reset", user)

    transaction.on_commit(lambda: _in_allauth_context(request, after_reset), robust=True)
    return user


@transaction.atomic
def user_password_change(*, user: User, old_password: str, new_password: str, request=None) -> RefreshToken:
    """Change a signed-in user's password; every refresh token they hold is revoked.

    Returns a fresh token pair for the client that made the change, so it stays signed in while
    every other device has to log in again.
    """
    from allauth.account import signals
    from allauth.account.adapter import get_adapter
    from allauth.account.internal.flows.password_change import change_password

    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.check_password(old_password):
        raise InvalidInput(gettext("Your current password was entered incorrectly."), field="old_password")
    _validated_new_password(new_password, user)
    change_password(user, new_password)
    refresh_tokens_revoke_all(user=user)
    signals.password_changed.send(sender=User, request=request, user=user)
    transaction.on_commit(lambda: _in_allauth_context(request, lambda: get_adapter(request).send_notification_mail(
        "account/email/password_changed", user)), robust=True)
    return RefreshToken.for_user(user)


def _verified_address_for_key(key: str) -> EmailAddress | None:
    # A key whose address is confirmed already: allauth's lookups skip those, but a second click
    # on the same link should succeed again rather than read as an error.
    from allauth.account import app_settings as allauth_settings
    from allauth.account.models import EmailConfirmation
    from django.core import signing

    if allauth_settings.EMAIL_CONFIRMATION_HMAC:
        try:
            pk = signing.loads(key, max_age=60 * 60 * 24 * allauth_settings.EMAIL_CONFIRMATION_EXPIRE_DAYS,
                               salt=allauth_settings.SALT)
        except signing.BadSignature:  # expired ones included
            pk = None
        if pk is not None:
            return EmailAddress.objects.filter(pk=pk, verified=True).first()
    confirmation = EmailConfirmation.objects.filter(key=key.lower(), email_address__verified=True).first()
    return confirmation.email_address if confirmation else None


@transaction.atomic
def email_verify(*, key: str, request=None) -> EmailAddress:
    """Confirm an address with the key from its confirmation mail (the same key the page takes).

    A key for an address that is confirmed already succeeds again; an unknown, tampered or
    expired key is refused naming ``key``.
    """
    from allauth.account import app_settings as allauth_settings
    from allauth.account import signals
    from allauth.account.models import get_emailconfirmation_model

    confirmation = get_emailconfirmation_model().from_key(key)
    if confirmation is None:
        address = _verified_address_for_key(key)
        if address is None:
            raise InvalidInput(gettext("This confirmation link is invalid or has expired: ask for a new one."),
                               field="key")
        return address
    address = EmailAddress.objects.select_for_update().get(pk=confirmation.email_address.pk)
    if address.verified:
        return address
    # allauth's verify_email without its flash message.
    if not address.set_verified(commit=False):
        raise InvalidInput(gettext("Another account has confirmed this address already."), field="key")
    address.set_as_primary(conditional=not allauth_settings.CHANGE_EMAIL)
    address.save()
    signals.email_confirmed.send(sender=EmailAddress, request=request, email_address=address)
    return address


@transaction.atomic
def email_verification_resend(*, email: str, request) -> None:
    """Mail a new confirmation link to ``email`` if it belongs to an account and is not confirmed yet.

    Gives nothing away: the caller answers the same whatever happens here. Under allauth's
    per-address cooldown ("confirm_email"), as on the pages: within it, nothing is sent (the
    earlier link still works).
    """
    from allauth.core import ratelimit

    if settings.ACCOUNT_EMAIL_VERIFICATION == "none":
        return
    email = normalized_email(email)
    address = (EmailAddress.objects.select_related("user")
               .filter(email__iexact=email, verified=False, user__is_active=True).first())
    if address is None:
        return
    if not ratelimit.consume(request, action="confirm_email", key=email):
        return
    transaction.on_commit(lambda: _in_allauth_context(request, lambda: address.send_confirmation(request)),
                          robust=True)


@transaction.atomic
def user_update_profile(*, user: User, **changes) -> User:
    """Change the profile fields a user may edit themselves (never e-mail, role or premium)."""
    unknown = set(changes) - set(PROFILE_FIELDS)
    if unknown:
        raise InvalidInput(gettext("%(fields)s cannot be changed here.") % {"fields": ", ".join(sorted(unknown))},
                           field=sorted(unknown)[0])
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
        raise PermissionDenied(gettext("Confirm your e-mail address first: follow the link we sent you."))
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
        raise TokenError(gettext("No account has this token any more."))
    rotation = TokenRefreshSerializer(data={"refresh": token})  # checks the blacklist again, under the lock
    rotation.is_valid(raise_exception=True)
    return rotation.validated_data["access"], rotation.validated_data["refresh"]


@transaction.atomic
def user_sessions_end(*, user: User) -> int:
    """Log out everywhere (``auth/logout`` with only an access token): every refresh token the user
    still holds is revoked, so no device can get a new access token. Returns how many.

    Access tokens already handed out are not recorded anywhere and keep working until they expire
    (ACCESS_TOKEN_LIFETIME, 30 minutes). The user's row is locked as ``refresh_token_rotate`` locks
    it, so a rotation in flight cannot leave one token alive.
    """
    _lock_user(user.pk)
    return refresh_tokens_revoke_all(user=user)


def refresh_token_revoke(*, token: str) -> None:
    """Log out: the refresh token can never be used again."""
    try:
        RefreshToken(token).blacklist()
    except TokenError as exc:
        raise InvalidInput(str(exc), field="refresh_token") from exc
