from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import User
from accounts.validators import PHONE_MESSAGE, PHONE_REGEX, validate_single_line, validate_timezone


class RegisterInput(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(write_only=True, max_length=128, style={"input_type": "password"})
    full_name = serializers.CharField(max_length=150, required=False, allow_blank=True, default="",
                                      validators=[validate_single_line])
    role = serializers.ChoiceField(
        choices=[User.Role.STUDENT, User.Role.MENTOR], default=User.Role.STUDENT,
        help_text="student or mentor; admin accounts are made by staff.",
    )


class RegisterOutput(serializers.Serializer):
    """The same answer whether or not the address already had an account."""

    detail = serializers.CharField(help_text="What happens next, for a person to read.")
    email = serializers.EmailField(help_text="The address, as stored (lower case).")


class LoginInput(serializers.Serializer):
    email = serializers.CharField(max_length=254)
    password = serializers.CharField(max_length=128, style={"input_type": "password"})
    refresh_cookie = serializers.BooleanField(
        required=False, default=False,
        help_text="For browsers: set the refresh token as an HttpOnly cookie scoped to `/api/v1/auth/` and leave "
                  "it out of the body, so scripts never hold it.",
    )


class LoginUser(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "email", "full_name"]


class TokenPairOutput(serializers.Serializer):
    access_token = serializers.CharField()
    refresh_token = serializers.CharField(
        required=False,
        help_text="The refresh token. Absent when it was set as the refresh cookie instead (`refresh_cookie`).",
    )
    token_type = serializers.CharField(default="bearer")
    expires_in = serializers.IntegerField(help_text="Seconds until the access token expires.")


class LoginOutput(TokenPairOutput):
    user = LoginUser()


class RefreshInput(serializers.Serializer):
    refresh_token = serializers.CharField(
        required=False,
        help_text="The refresh token; it may instead come from the refresh cookie or be sent as "
                  "`Authorization: Bearer <refresh_token>`.",
    )
    refresh = serializers.CharField(required=False, help_text="Alias of refresh_token.")


@extend_schema_field({"type": "string", "format": "uri", "nullable": True, "maxLength": 500})
class OptionalURLField(serializers.URLField):
    """A URL that may be absent: null (or "") in, null out, stored as ""."""

    def __init__(self, **kwargs):
        super().__init__(allow_blank=True, allow_null=True, max_length=500, required=False, **kwargs)

    def to_internal_value(self, data):
        return "" if data in ("", None) else super().to_internal_value(data)

    def to_representation(self, value):
        return value or None

    def validate_empty_values(self, data):
        if data is None:
            return True, ""
        return super().validate_empty_values(data)


class UserSerializer(serializers.ModelSerializer):
    """The signed-in user. email, role and is_premium are shown but cannot be changed here."""

    phone = serializers.RegexField(PHONE_REGEX, max_length=32, allow_blank=True, required=False,
                                   error_messages={"invalid": PHONE_MESSAGE})
    timezone = serializers.CharField(max_length=64, required=False, validators=[validate_timezone])
    avatar_url = OptionalURLField()

    class Meta:
        model = User
        fields = [
            "id", "email", "full_name", "role", "avatar_url", "bio", "phone",
            "timezone", "language", "sms_opt_in", "is_premium", "created_at",
        ]
        read_only_fields = ["id", "email", "role", "is_premium", "created_at"]
        extra_kwargs = {"full_name": {"required": False}}

    LOCKED = ("email", "role", "is_premium")

    def validate(self, attrs):
        # Echoing the current value back (GET, edit, PUT) is fine; changing it is refused.
        errors = {}
        for name in self.LOCKED:
            if name in self.initial_data and self.instance is not None:
                sent = self.initial_data[name]
                current = getattr(self.instance, name)
                if str(sent).lower() != str(current).lower():
                    errors[name] = [_("This field cannot be changed here.")]
        if errors:
            raise serializers.ValidationError(errors)
        return attrs
