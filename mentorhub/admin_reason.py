"""Admin actions that need a reason (reject, suspend, hide): one form page, then the service for each row.

The action is still thin: it only collects the reason and calls the service once per selected object; refusals
(``DomainError``) become messages and the other objects are still handled.
"""

from collections.abc import Callable

from django import forms
from django.contrib import admin, messages
from django.shortcuts import render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mentorhub.errors import DomainError


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 4, "cols": 60}), max_length=2000)


def run_for_each(modeladmin, request, queryset, act: Callable, *, done: str, level=messages.SUCCESS) -> None:
    """Call ``act(obj)`` for each object; say what happened to each, and why where the service refused."""
    for obj in queryset:
        try:
            act(obj)
        except DomainError as exc:
            modeladmin.message_user(request, gettext("%(object)s: %(reason)s") % {"object": obj, "reason": exc.message},
                                    messages.ERROR)
        else:
            modeladmin.message_user(request, gettext("%(done)s %(object)s.") % {"done": done, "object": obj}, level)


def ask_reason_then(
    modeladmin, request, queryset, act: Callable, *, action: str, title: str, intro: str, button: str,
    done: str, help_text: str = "",
):
    """Show the reason form for the selection; once submitted, ``act(obj, reason)`` for each object."""
    form = ReasonForm(request.POST if "apply" in request.POST else None)
    form.fields["reason"].help_text = help_text
    if form.is_valid():
        reason = form.cleaned_data["reason"]
        run_for_each(modeladmin, request, queryset, lambda obj: act(obj, reason), done=done, level=messages.WARNING)
        return None
    context = {**modeladmin.admin_site.each_context(request), "form": form, "items": queryset,
               "opts": modeladmin.model._meta, "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
               "title": title, "intro": intro, "action": action, "button": button}
    return render(request, "admin/action_with_reason.html", context)
