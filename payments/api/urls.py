from django.urls import re_path

from payments.api import views

urlpatterns = [
    re_path(r"^payments/intent/?$", views.IntentView.as_view(), name="payments-intent"),
    re_path(r"^payments/create/?$", views.CreateView.as_view(), name="payments-create"),
    re_path(r"^payments/history/?$", views.HistoryView.as_view(), name="payments-history"),
    re_path(r"^payments/webhook/?$", views.WebhookView.as_view(), name="payments-webhook"),
]
