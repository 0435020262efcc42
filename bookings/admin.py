"""Bookings for staff: everything about one booking on one page, changed only by actions that call the
same services as the API (so each change is checked, audited with the staff member as actor, and told)."""

from datetime import datetime

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from bookings import ports, services
from bookings.models import Booking, BookingEvent
from mentorhub.admin_readonly import ReadOnlyAdmin, ReadOnlyInline
from mentorhub.dates import local_time_text, user_zone
from mentorhub.errors import DomainError
from mentors.models import MentorProfile
from notifications.models import Reminder


class BookingEventInline(ReadOnlyInline):
    model = BookingEvent
    verbose_name_plural = "history (audit log)"
    fields = ("created_at", "actor", "from_status", "to_status", "reason_text", "moved_from", "moved_to")
    readonly_fields = fields

    @admin.display(description=_("reason"))
    def reason_text(self, event):
        return event.reason_text  # in the staff member's language, whoever wrote it

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


class ReminderInline(ReadOnlyInline):
    model = Reminder
    fields = ("kind", "slot_start", "sent_at")
    readonly_fields = fields


class MentorFilter(admin.SimpleListFilter):
    """Mentors who have bookings, read in one query (the stock related filter would ask for each name)."""

    title = "mentor"
    parameter_name = "mentor"

    def lookups(self, request, model_admin):
        mentors = (MentorProfile.objects.filter(pk__in=Booking.objects.values("slot__mentor_id"))
                   .select_related("user").order_by("user__full_name", "pk"))
        return [(str(m.pk), f"{m.user.display_name} ({m.user.email})") for m in mentors]

    def queryset(self, request, queryset):
        return queryset.filter(slot__mentor_id=self.value()) if self.value() else queryset


class RefundForm(forms.Form):
    amount = forms.DecimalField(min_value=0.01, max_digits=10, decimal_places=2,
                                help_text=_("Given back from each selected booking's payment, in its currency."))
    reason = forms.CharField(max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
                             help_text=_("Kept in the payment's history."))


class RescheduleForm(forms.Form):
    start = forms.CharField(label=_("New start"), max_length=32,
                            widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))

    def __init__(self, *args, zone, **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = zone
        self.fields["start"].help_text = gettext(
            "In your time zone, %(zone)s (your profile's); it must be one of the mentor's bookable times.") % {
            "zone": getattr(zone, "key", "UTC")}

    def clean_start(self):
        try:
            naive = datetime.fromisoformat(self.cleaned_data["start"].strip().replace(" ", "T"))
        except ValueError:
            raise forms.ValidationError(gettext("Enter a date and time, like 2026-12-01 14:30.")) from None
        return naive.replace(tzinfo=self.zone) if naive.tzinfo is None else naive


def _action_form_page(model_admin, request, queryset, *, form, action: str, title: str, intro: str, submit: str):
    context = {**model_admin.admin_site.each_context(request), "form": form, "items": queryset, "action": action,
               "opts": model_admin.model._meta, "action_checkbox_name": ACTION_CHECKBOX_NAME, "title": title,
               "intro": intro, "submit": submit}
    return TemplateResponse(request, "admin/staff_action_form.html", context)


@admin.register(Booking)
class BookingAdmin(ReadOnlyAdmin):  # made by the product, changed by the actions below
    list_display = ("id", "slot_start", "mentee", "mentor", "status", "payment_status", "price", "currency",
                    "created_at")
    list_display_links = ("id", "slot_start")
    list_filter = ("status", "payment_status", MentorFilter, ("slot__start", admin.DateFieldListFilter))
    search_fields = ("mentee__email", "mentee__full_name", "slot__mentor__user__email",
                     "slot__mentor__user__full_name")
    search_help_text = "A booking id, or a mentee's or mentor's e-mail or name."
    list_select_related = ("mentee", "slot__mentor__user")
    date_hierarchy = "slot__start"
    ordering = ("-slot__start", "-id")
    # mentor_notes are private to the mentor and stay out of the admin.
    fieldsets = [
        (None, {"fields": ("status", "payment_status", "mentee", "mentor", "slot_start", "slot", "service", "price",
                           "currency")}),
        ("Deadlines", {"fields": ("hold_expires_at", "payment_due_at")}),
        ("Cancellation and moves", {"fields": ("cancellation_reason", "cancelled_by", "rescheduled_from")}),
        ("Shared notes", {"fields": ("topic", "notes", "agenda", "mentee_notes")}),
        ("Meeting", {"fields": ("meeting",)}),
        ("Calendar", {"fields": ("ical_uid", "ical_sequence", "created_at", "updated_at")}),
    ]
    readonly_fields = [f.name for f in Booking._meta.fields] + ["mentor", "slot_start", "meeting"]
    # The payments inline comes from payments (bookings.ports), between the history and the reminders.
    inlines = [BookingEventInline, ReminderInline]
    actions = ["cancel_by_policy", "cancel_with_full_refund", "refund_part", "mark_no_show", "reschedule"]
    change_form_template = "admin/bookings/booking/change_form.html"

    def get_inlines(self, request, obj):
        return [BookingEventInline, *ports.money().admin_inlines(), ReminderInline]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("mentee", "slot__mentor__user", "service",
                                                            "cancelled_by", "rescheduled_from")

    def get_search_results(self, request, queryset, search_term):
        queryset, duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip().lstrip("#")
        if term.isdigit():  # a booking id, as people quote it ("#42")
            queryset |= self.model.objects.filter(Q(pk=int(term)))
        return queryset, duplicates

    def response_action(self, request, queryset):
        """An action started from a booking's own page ends back on that page, not on the list."""
        response = super().response_action(request, queryset)
        back = request.POST.get("back", "")
        selected = request.POST.getlist(ACTION_CHECKBOX_NAME)
        if isinstance(response, HttpResponseRedirect) and len(selected) == 1 and \
                back == reverse("admin:bookings_booking_change", args=[selected[0]]):
            return HttpResponseRedirect(back)
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        available = self.get_actions(request)
        extra = {"object_actions": [(name, available[name][2]) for name in self.actions if name in available]}
        return super().change_view(request, object_id, form_url, {**extra, **(extra_context or {})})

    # --- Columns and read-only fields -------------------------------------------------------------

    @admin.display(description=_("start"), ordering="slot__start")
    def slot_start(self, obj):
        # In the viewer's zone (the middleware activates the staff member's own), saying which zone it is.
        return local_time_text(obj.slot.start, timezone.get_current_timezone())

    @admin.display(description=_("mentor"), ordering="slot__mentor__user__full_name")
    def mentor(self, obj):
        return obj.slot.mentor.user

    @admin.display(description=_("meeting"))
    def meeting(self, obj):
        return ports.sessions().meeting_text(obj)  # the room is sessions_app's

    # --- Actions: each one booking at a time, through the services; a refusal is a message ----------

    def _each(self, request, queryset, act, done) -> None:
        for booking in queryset:
            try:
                act(booking)
            except DomainError as exc:
                said = gettext("Booking %(pk)s: %(result)s") % {"pk": booking.pk, "result": exc.message}
                self.message_user(request, said, messages.ERROR)
            else:
                said = gettext("Booking %(pk)s: %(result)s") % {"pk": booking.pk, "result": done(booking)}
                self.message_user(request, said, messages.SUCCESS)

    @staticmethod
    def _last_reason(booking) -> str:
        last = booking.events.order_by("-created_at", "-id").first()
        return last.reason_text if last else ""

    @admin.action(description=_("Cancel, refunding by the mentee's cancellation terms"))
    def cancel_by_policy(self, request, queryset):
        self._each(request, queryset,
                   lambda b: services.booking_cancel(booking_id=b.pk, actor=request.user),
                   self._last_reason)

    @admin.action(description=_("Cancel with a full refund"))
    def cancel_with_full_refund(self, request, queryset):
        self._each(request, queryset,
                   lambda b: services.booking_cancel(booking_id=b.pk, actor=request.user, full_refund=True),
                   self._last_reason)

    @admin.action(description=_("Refund part of the payment (asks an amount)…"))
    def refund_part(self, request, queryset):
        form = RefundForm(request.POST if "apply" in request.POST else None)
        if not form.is_valid():
            return _action_form_page(
                self, request, queryset, form=form, action="refund_part", title=gettext("Refund part of a payment"),
                submit=gettext("Refund"), intro=gettext("Give back this amount of what each booking's payment keeps. "
                                                        "A live booking keeps its whole price: cancel it instead, or "
                                                        "refund all of it from its payment."))
        amount, reason = form.cleaned_data["amount"], form.cleaned_data["reason"]

        def refund(booking):
            ports.money().refund_part_by_staff(booking=booking, staff=request.user, amount=amount, reason=reason)

        self._each(request, queryset, refund, lambda b: gettext("refunded %(amount)s %(currency)s.") % {
            "amount": amount, "currency": b.currency})
        return None

    @admin.action(description=_("Mark as a no-show (the mentee did not come)"))
    def mark_no_show(self, request, queryset):
        self._each(request, queryset,
                   lambda b: ports.sessions().no_show(booking_id=b.pk, user=request.user),
                   lambda b: gettext("marked a no-show."))

    @admin.action(description=_("Reschedule (asks a new start)…"))
    def reschedule(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, gettext("Pick exactly one booking to reschedule."), messages.ERROR)
            return None
        zone = user_zone(request.user)
        form = RescheduleForm(request.POST if "apply" in request.POST else None, zone=zone)
        if not form.is_valid():
            return _action_form_page(
                self, request, queryset, form=form, action="reschedule", title=gettext("Reschedule a booking"),
                submit=gettext("Move"), intro=gettext("Move this booking to a new start: same length, price and "
                                                      "payment; the old seat is freed and both sides get the new "
                                                      "time."))
        start = form.cleaned_data["start"]
        self._each(request, queryset,
                   lambda b: services.booking_reschedule(booking_id=b.pk, actor=request.user, start=start),
                   lambda b: gettext("moved to %(start)s.") % {"start": local_time_text(start, zone)})
        return None
