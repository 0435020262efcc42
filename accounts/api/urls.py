from django.urls import re_path

from accounts.api import password, views

urlpatterns = [
    re_path(r"^auth/register/?$", views.RegisterView.as_view(), name="auth-register"),
    re_path(r"^auth/login/?$", views.LoginView.as_view(), name="auth-login"),
    re_path(r"^auth/refresh/?$", views.RefreshView.as_view(), name="auth-refresh"),
    re_path(r"^auth/logout/?$", views.LogoutView.as_view(), name="auth-logout"),
    re_path(r"^auth/password-reset/?$", password.PasswordResetView.as_view(), name="auth-password-reset"),
    re_path(r"^auth/password-reset/confirm/?$", password.PasswordResetConfirmView.as_view(),
            name="auth-password-reset-confirm"),
    re_path(r"^auth/password-change/?$", password.PasswordChangeView.as_view(), name="auth-password-change"),
    re_path(r"^auth/verify-email/?$", password.VerifyEmailView.as_view(), name="auth-verify-email"),
    re_path(r"^auth/verify-email/resend/?$", password.VerificationResendView.as_view(),
            name="auth-verify-email-resend"),
    re_path(r"^users/me/?$", views.MeView.as_view(), name="users-me"),
]
