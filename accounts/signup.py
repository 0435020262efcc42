"""The web sign-up form: the same "check your e-mail" answer whether or not the address has an account.

allauth hides existing accounts only with mandatory verification; with
optional verification it refuses a taken address on the form, and signs a
new one in at once, which tells a visitor who is registered. Here every
sign-up (unless verification is "none") ends on allauth's "we sent you an
e-mail" page without signing in: a new address gets its confirmation link,
a taken one allauth's "an account already exists" notice. A new user may
still log in with the password straight away when verification is optional.
"""

from allauth.account.adapter import get_adapter
from allauth.account.app_settings import EmailVerificationMethod
from allauth.account.forms import SignupForm as AllauthSignupForm
from allauth.account.utils import complete_signup, filter_users_by_email, perform_login
from allauth.core.exceptions import ImmediateHttpResponse
from django.urls import reverse

from accounts.services import registration_hides_existing_accounts


class SignupForm(AllauthSignupForm):
    def validate_unique_email(self, value) -> str:
        if not registration_hides_existing_accounts():
            return super().validate_unique_email(value)
        value = get_adapter().validate_unique_email(value)
        self.account_already_exists = bool(filter_users_by_email(value))
        return value

    def try_save(self, request):
        if not registration_hides_existing_accounts():
            return super().try_save(request)
        email = self.cleaned_data["email"]
        # "Mandatory" for this one answer only: it is what makes allauth reply "we sent you an e-mail"
        # (and mail the owner of a taken address) instead of signing in.
        try:
            if self.account_already_exists:
                return None, perform_login(request, None, email_verification=EmailVerificationMethod.MANDATORY,
                                           signup=True, email=email)
            user = self.save(request)
            return user, complete_signup(request, user, EmailVerificationMethod.MANDATORY, reverse("home"))
        except ImmediateHttpResponse as exc:
            return None, exc.response
