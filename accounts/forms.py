import zoneinfo

from django import forms

from accounts.models import User
from accounts.validators import PHONE_MESSAGE, PHONE_REGEX, validate_single_line

TIMEZONE_CHOICES = [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())]


class SignupExtraForm(forms.Form):
    """Fields allauth's sign-up page asks for on top of e-mail and password."""

    full_name = forms.CharField(max_length=150, label="Full name", validators=[validate_single_line],
                                widget=forms.TextInput(attrs={"autocomplete": "name", "placeholder": "Jane Doe"}))
    field_order = ["full_name", "email", "password1", "password2"]

    def signup(self, request, user):
        # Required by allauth's interface; the adapter already stored full_name.
        return user


class ProfileForm(forms.ModelForm):
    timezone = forms.ChoiceField(choices=TIMEZONE_CHOICES)
    phone = forms.RegexField(regex=PHONE_REGEX, required=False, max_length=32,
                             error_messages={"invalid": PHONE_MESSAGE})

    class Meta:
        model = User
        fields = ["full_name", "bio", "phone", "avatar_url", "timezone"]
        widgets = {"bio": forms.Textarea(attrs={"rows": 4})}
        labels = {"avatar_url": "Avatar URL"}
