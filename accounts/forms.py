import zoneinfo

from allauth.account.adapter import get_adapter
from allauth.core import ratelimit
from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.validators import PHONE_MESSAGE, PHONE_REGEX, validate_single_line

TIMEZONE_CHOICES = [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())]


class SignupExtraForm(forms.Form):
    """Fields allauth's sign-up page asks for on top of e-mail and password."""

    full_name = forms.CharField(max_length=150, label=_("Full name"), validators=[validate_single_line],
                                widget=forms.TextInput(attrs={"autocomplete": "name", "placeholder": _("Jane Doe")}))
    field_order = ["full_name", "email", "password1", "password2"]

    def signup(self, request, user):
        # Required by allauth's interface; the adapter already stored full_name.
        return user


class ProfileForm(forms.ModelForm):
    timezone = forms.ChoiceField(label=_("Time zone"), choices=TIMEZONE_CHOICES)
    phone = forms.RegexField(label=_("Phone"), regex=PHONE_REGEX, required=False, max_length=32,
                             error_messages={"invalid": PHONE_MESSAGE})

    class Meta:
        model = User
        fields = ["full_name", "bio", "phone", "avatar_url", "timezone", "language"]
        widgets = {"bio": forms.Textarea(attrs={"rows": 4})}
        labels = {"full_name": _("Full name"), "bio": _("Bio"), "avatar_url": _("Avatar URL"),
                  "language": _("Language")}


class AdminLoginForm(AdminAuthenticationForm):
    """The admin's login, under the same rate limits as the site's (allauth's counters, shared).

    Every post counts against the per-address login limit; a wrong password also counts against
    the per-address and per-address-and-account failure limits, and a right one is not counted.
    """

    def clean(self):
        if not ratelimit.consume(self.request, action="login"):
            raise ValidationError(get_adapter(self.request).error_messages["too_many_login_attempts"],
                                  code="too_many_login_attempts")
        email = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if email is not None and password:
            # Raises "too many failed login attempts" before checking the password once over the limit.
            self.user_cache = get_adapter(self.request).authenticate(self.request, email=email, password=password)
            if self.user_cache is None:
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data
