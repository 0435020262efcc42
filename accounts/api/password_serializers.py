"""Shapes of the password and e-mail confirmation endpoints (accounts.api.password)."""

from django.utils.translation import gettext
from rest_framework import serializers

from accounts.api.serializers import TokenPairOutput

PASSWORD_STYLE = {"input_type": "password"}


class DetailOutput(serializers.Serializer):
    detail = serializers.CharField(help_text="What happened or what happens next, for a person to read.")


class PasswordResetInput(serializers.Serializer):
    email = serializers.EmailField(max_length=254)


class PasswordResetConfirmInput(serializers.Serializer):
    uid = serializers.CharField(
        max_length=64,
        help_text="The account part of the reset link: in `/accounts/password/reset/key/<uid>-<token>/` "
                  "everything before the first hyphen.",
    )
    token = serializers.CharField(
        max_length=128, help_text="The rest of that last path segment, after the first hyphen.",
    )
    new_password = serializers.CharField(max_length=128, write_only=True, style=PASSWORD_STYLE)


class PasswordChangeInput(serializers.Serializer):
    old_password = serializers.CharField(max_length=128, required=False, write_only=True, style=PASSWORD_STYLE,
                                         help_text="The current password.")
    current_password = serializers.CharField(max_length=128, required=False, write_only=True,
                                             style=PASSWORD_STYLE, help_text="Alias of old_password.")
    new_password = serializers.CharField(max_length=128, write_only=True, style=PASSWORD_STYLE)

    def validate(self, attrs):
        old = attrs.pop("old_password", None) or attrs.pop("current_password", None)
        attrs.pop("current_password", None)
        if not old:
            raise serializers.ValidationError({"old_password": [gettext("This field is required.")]})
        attrs["old_password"] = old
        return attrs


class PasswordChangeOutput(TokenPairOutput):
    detail = serializers.CharField(help_text="What happened, for a person to read.")


class VerifyEmailInput(serializers.Serializer):
    key = serializers.CharField(
        max_length=256,
        help_text="The last path segment of the confirmation link: `/accounts/confirm-email/<key>/`.",
    )


class VerifyEmailOutput(DetailOutput):
    email = serializers.EmailField(help_text="The address now confirmed.")


class VerificationResendInput(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
