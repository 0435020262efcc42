from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.validators import validate_single_line
from mentorhub import dates


class BookForm(forms.Form):
    slot = forms.IntegerField(required=False, widget=forms.HiddenInput)
    service = forms.IntegerField(required=False, widget=forms.HiddenInput)
    start = dates.DateTimeField(required=False, widget=forms.HiddenInput,
                                input_formats=["%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%S.%f%z", "%Y-%m-%dT%H:%M%z"])
    topic = forms.CharField(max_length=200, required=False, label=_("Topic"), validators=[validate_single_line],
                            widget=forms.TextInput(
                                attrs={"placeholder": _("e.g. Preparing for a system design interview")}))
    agenda = forms.CharField(max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 4}),
                             label=_("Agenda"), help_text=_("What would you like to cover? The mentor sees this."))
    # The conversation the booking was started from ("Book a session" in a chat): it gets a note linking it.
    from_conversation = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        if not data.get("slot") and not data.get("start"):
            raise forms.ValidationError(_("Pick a time first."))
        return data


class CancelForm(forms.Form):
    reason = forms.CharField(max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3}),
                             label=_("Reason (optional, shared with the other side)"))
    # What the person saw when they confirmed: the booking's state and the refund it would give.
    expected_status = forms.CharField(max_length=16, required=False, widget=forms.HiddenInput)
    quoted_refund = forms.DecimalField(max_digits=10, decimal_places=2, required=False, widget=forms.HiddenInput)


class DeclineForm(forms.Form):
    reason = forms.CharField(max_length=2000, required=False, label=_("Reason (optional)"))


class RescheduleForm(forms.Form):
    start = dates.DateTimeField(input_formats=["%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M%z"], widget=forms.HiddenInput)
