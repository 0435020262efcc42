"""Page forms. They validate shape only; the services decide and write."""

import zoneinfo
from datetime import datetime

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from accounts.forms import TIMEZONE_CHOICES
from accounts.validators import validate_single_line
from mentorhub import dates
from mentors.availability import DAY_NAMES
from mentors.currencies import CURRENCY_CHOICES, CURRENCY_MESSAGE, DEFAULT_CURRENCY
from mentors.models import MAX_PRICE, MAX_PRICE_MESSAGE, MentorProfile, Service
from mentors.selectors import ORDERINGS

# The stored day keys stay English identifiers; people read these.
DAY_LABELS = {
    "monday": _("Monday"), "tuesday": _("Tuesday"), "wednesday": _("Wednesday"), "thursday": _("Thursday"),
    "friday": _("Friday"), "saturday": _("Saturday"), "sunday": _("Sunday"),
}


def split_list(text: str) -> list[str]:
    return [part.strip() for part in (text or "").split(",") if part.strip()]


class WeeklyHoursMixin(forms.Form):
    """One text box a day: "10:00-18:00, 19:00-21:00"; empty means no hours that day."""

    def __init__(self, *args, weekly: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        for day in DAY_NAMES:
            self.fields[day] = forms.CharField(
                required=False, max_length=200, label=DAY_LABELS[day],
                widget=forms.TextInput(attrs={"placeholder": _("e.g. 10:00-18:00"), "data-day": day,
                                              "class": "hours-input"}),
            )
            if weekly is not None:
                self.initial[day] = ", ".join(weekly.get(day, []))

    def day_fields(self):
        return [self[day] for day in DAY_NAMES]

    def weekly(self) -> dict[str, list[str]]:
        return {day: split_list(self.cleaned_data.get(day, "")) for day in DAY_NAMES
                if split_list(self.cleaned_data.get(day, ""))}


class ApplyForm(WeeklyHoursMixin):
    title = forms.CharField(max_length=150, validators=[validate_single_line], label=pgettext_lazy("job", "Title"),
                            widget=forms.TextInput(attrs={"placeholder": _("Senior Python Developer")}))
    company = forms.CharField(max_length=150, required=False, validators=[validate_single_line],
                              label=_("Company"))
    description = forms.CharField(max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 5}),
                                  label=_("Description"), help_text=_("What you can help with, and your experience."))
    skills = forms.CharField(max_length=500, required=False, label=_("Skills"),
                             help_text=_("Comma-separated: Python, Django, SQL"),
                             widget=forms.TextInput(attrs={"placeholder": "Python, Django, SQL"}))
    price_per_hour = forms.DecimalField(min_value=0, max_value=MAX_PRICE, max_digits=10, decimal_places=2,
                                        label=_("Price per hour"), error_messages={"max_value": MAX_PRICE_MESSAGE})
    currency = forms.ChoiceField(choices=CURRENCY_CHOICES, initial=DEFAULT_CURRENCY, label=_("Currency"),
                                 error_messages={"invalid_choice": CURRENCY_MESSAGE})
    timezone = forms.ChoiceField(choices=TIMEZONE_CHOICES, label=_("Timezone"),
                                 help_text=_("The zone your weekly hours are in."))


class ProfileSettingsForm(forms.ModelForm):
    title = forms.CharField(max_length=150, validators=[validate_single_line], label=pgettext_lazy("job", "Title"))
    company = forms.CharField(max_length=150, required=False, validators=[validate_single_line],
                              label=_("Company"))
    skills_text = forms.CharField(label=_("Skills"), max_length=500, required=False,
                                  help_text=_("Comma-separated."))
    timezone = forms.ChoiceField(choices=TIMEZONE_CHOICES, label=_("Timezone"))

    class Meta:
        model = MentorProfile
        fields = ["title", "company", "description", "price_per_hour", "currency", "timezone", "accepts_bookings",
                  "requires_confirmation", "confirm_reschedules", "min_notice_minutes", "buffer_minutes",
                  "default_session_minutes", "hold_minutes", "full_refund_hours", "late_refund_percent"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}
        labels = {"description": _("Description"), "price_per_hour": _("Price per hour"),
                  "currency": _("Currency"),
                  "accepts_bookings": _("Accepting bookings"), "requires_confirmation": _("I confirm each request"),
                  "confirm_reschedules": _("I also confirm when a mentee moves a booked session"),
                  "min_notice_minutes": _("Minimum notice (minutes)"),
                  "buffer_minutes": _("Buffer between sessions (minutes)"),
                  "default_session_minutes": _("Default session length (minutes)"),
                  "hold_minutes": _("Requests expire after (minutes)"),
                  "full_refund_hours": _("Full refund hours"),
                  "late_refund_percent": _("Late refund percent")}
        # Said to the mentor, in the dashboard's words (the model's texts are for the admin).
        help_texts = {"accepts_bookings": _("Off: you are paused and nobody can book you."),
                      "confirm_reschedules": _("Applies when you confirm each request: a mentee moving a booked "
                                               "session waits for your answer again."),
                      "currency": _("The currency of all your prices."),
                      "default_session_minutes": _("A slot you publish without a service or a length lasts this "
                                                   "long."),
                      "hold_minutes": _("How long a booking request waits for the mentor before it expires."),
                      "full_refund_hours": _("A mentee who cancels at least this many hours before gets a full "
                                             "refund (24 or fewer)."),
                      "late_refund_percent": _("Refund for later cancellations, in percent.")}


class WeeklyHoursForm(WeeklyHoursMixin):
    pass


class ServiceForm(forms.ModelForm):
    price = forms.DecimalField(min_value=0, max_value=MAX_PRICE, max_digits=10, decimal_places=2, required=False,
                               error_messages={"max_value": MAX_PRICE_MESSAGE},
                               label=_("Price"), help_text=_("Empty: your hourly rate for this length."))

    class Meta:
        model = Service
        fields = ["name", "duration_minutes", "price", "session_type", "capacity", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}
        labels = {"name": pgettext_lazy("service", "Name"), "duration_minutes": _("Duration minutes"),
                  "session_type": _("Session type"), "capacity": _("Capacity"), "description": _("Description")}
        help_texts = {"capacity": _("1 = one-on-one; more = a group session.")}


class OverrideForm(forms.Form):
    date = dates.DateField(widget=forms.DateInput(attrs={"type": "date"}), label=_("Date"))
    ranges = forms.CharField(required=False, max_length=200, label=_("Hours that day"),
                             help_text=_("Empty = day off. Or other hours: 12:00-15:00"),
                             widget=forms.TextInput(attrs={"placeholder": _("empty = day off")}))


class SlotForm(forms.Form):
    start = dates.DateTimeField(widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
                                input_formats=["%Y-%m-%dT%H:%M"], label=_("Start"), help_text=_("In your zone."))
    service = forms.ModelChoiceField(queryset=Service.objects.none(), required=False, label=_("Service"),
                                     empty_label=_("— by duration —"))
    duration_minutes = forms.IntegerField(min_value=15, max_value=480, required=False, label=_("Duration minutes"),
                                          help_text=_("Empty: your default session length."))
    quota = forms.IntegerField(min_value=1, max_value=50, initial=1, label=_("Seats (quota)"))

    def __init__(self, *args, profile: MentorProfile, **kwargs):
        super().__init__(*args, **kwargs)
        self.profile = profile
        self.fields["service"].queryset = profile.services.filter(is_active=True)
        self.fields["duration_minutes"].initial = profile.default_session_minutes

    def clean_start(self) -> datetime:
        naive = self.cleaned_data["start"].replace(tzinfo=None)
        return timezone.make_aware(naive, zoneinfo.ZoneInfo(self.profile.timezone))


# Skill suggestions as you type (static/js/suggest.js fills the <datalist> from the skills endpoint).
SUGGEST = {"autocomplete": "off", "data-suggest": "/api/v1/skills"}


class SearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=100, label=_("Search"), widget=forms.TextInput(attrs={
        "placeholder": _("Name, title or skill"), "type": "search", "list": "q-suggestions", **SUGGEST}))
    skill = forms.CharField(required=False, max_length=64, label=_("Skill"),
                            help_text=_("Part of a name is enough: “pyth”."),
                            widget=forms.TextInput(attrs={"list": "skill-suggestions", "data-suggest-many": "",
                                                          **SUGGEST}))
    min_price = forms.DecimalField(required=False, min_value=0, label=_("Min price / h"))
    max_price = forms.DecimalField(required=False, min_value=0, label=_("Max price / h"))
    min_rating = forms.DecimalField(required=False, min_value=0, max_value=5, label=_("Min rating"))
    session_type = forms.ChoiceField(required=False, choices=[("", _("Any format")), *Service.SessionType.choices],
                                     label=_("Format"))
    available_on = dates.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}),
                                   label=_("Available on"))
    ordering = forms.ChoiceField(required=False, label=_("Sort by"), choices=[
        ("rating", _("Top rated")), ("price", _("Price: low to high")), ("-price", _("Price: high to low")),
        ("total_sessions", _("Most sessions")), ("newest", _("Newest")),
    ])

    def clean_available_on(self):
        day = self.cleaned_data["available_on"]
        if day is not None and day < timezone.localdate():
            raise forms.ValidationError(gettext("%(day)s has passed. Pick today or a later date.")
                                        % {"day": date_format(day, gettext("d M Y"))})
        return day

    def clean(self):
        data = super().clean()
        low, high = data.get("min_price"), data.get("max_price")
        if low is not None and high is not None and low > high:
            self.add_error("max_price", gettext("The max price is below the min price (%(low)s). "
                                                "Raise it or lower the min.") % {"low": f"{low.normalize():f}"})
        return data

    def filters(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}
        data["skills"] = split_list(data.pop("skill", ""))
        if data.get("ordering") not in ORDERINGS:
            data.pop("ordering", None)
        return data
