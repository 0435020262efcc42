from django.urls import path

from payments import views

app_name = "payments"

urlpatterns = [
    path("bookings/<int:booking_id>/pay/", views.pay_booking, name="pay"),
    path("payments/", views.history, name="history"),
    path("payments/earnings.csv", views.earnings_csv, name="earnings-csv"),
    path("payments/<int:pk>/checkout/", views.checkout, name="checkout"),
    path("payments/<int:pk>/checkout/decide/", views.decide, name="decide"),
    path("payments/<int:pk>/result/", views.result, name="result"),
    path("payments/<int:pk>/receipt/", views.receipt, name="receipt"),
]
