import contextlib
import zoneinfo

from allauth.account.adapter import DefaultAccountAdapter
from django.core.exceptions import ObjectDoesNotExist
from django.urls import reverse

from accounts.middleware import browser_zone_name
from accounts.models import User
from accounts.services import visitor_language
from mentorhub.addresses import client_ip
from mentorhub.i18n import speaking_to


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        # Store the sign-up form's full name with the user in the same save.
        user = super().save_user(request, user, form, commit=False)
        user.email = user.email.lower()
        user.full_name = form.cleaned_data.get("full_name", "").strip()
        # A new account reads times where its browser is (the zone the visitor has been shown), not in UTC.
        zone = browser_zone_name(request)
        if zone in zoneinfo.available_timezones():
            user.timezone = zone
        # And the language it has been reading the site in: its e-mails come in that language.
        user.language = visitor_language()
        if commit:
            user.save()
        return user

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """allauth's mails (confirmation, password reset, "an account already exists", notices) in the
        language of the account they go to, whoever asked for them; to an address with no account, or an
        account with no language chosen, in the language of the page or request that set them off."""
        recipient = context.get("user") or _account_using(email)
        language_chosen = bool(getattr(recipient, "language", ""))
        with speaking_to(recipient) if language_chosen else contextlib.nullcontext():
            super().send_mail(template_prefix, email, context)

    def get_login_redirect_url(self, request) -> str:
        """Where someone lands after logging in when no ``?next=`` names the page they came from
        (allauth follows a safe ``next`` before asking here): where they work, not the marketing page."""
        user = request.user
        try:
            user.mentor_profile  # noqa: B018 (the reverse one-to-one: the mentors app is not imported here)
        except ObjectDoesNotExist:
            pass
        else:
            return reverse("mentors:dashboard")  # applicants too: it shows how their application stands
        if user.is_staff:
            return reverse("admin:index")
        return reverse("bookings:mine")

    def get_client_ip(self, request) -> str:
        # allauth's own rule trusts the first X-Forwarded-For entry, which the client writes.
        return client_ip(request)

    def _get_login_attempts_cache_key(self, request, **credentials):
        # allauth counts failed logins per account ("key"), so five wrong passwords from anywhere
        # locked the owner out. Counting per address and account keeps the guesser's budget small
        # and leaves the owner, elsewhere, theirs.
        return f"{super()._get_login_attempts_cache_key(request, **credentials)}@{client_ip(request)}"


def _account_using(email: str) -> User | None:
    return User.objects.filter(email__iexact=email).only("id", "language").first()
