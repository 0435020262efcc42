from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from accounts import services
from accounts.forms import ProfileForm
from mentorhub.errors import DomainError


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_update_profile(user=request.user, **{f: form.cleaned_data[f] for f in form.Meta.fields})
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            # In the language the next page will be in: the one just chosen, if any.
            with translation.override(form.cleaned_data["language"] or translation.get_language()):
                messages.success(request, _("Your profile was saved."))
            return redirect("profile")
    return render(request, "accounts/profile.html", {"form": form})


@login_required
@require_POST
def use_timezone(request):
    """The footer's "Use <the browser's zone>": the profile's zone becomes the browser's, and back to the page."""
    try:
        services.user_update_profile(user=request.user, timezone=request.POST.get("timezone", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Times are now shown in %(zone)s.") % {"zone": request.POST["timezone"]})
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = "profile"
    return redirect(back)


@login_required
@require_POST
def sms_preference(request):
    """The notification centre's switch for SMS reminders (they also need a phone number on the profile);
    back to the centre's tab it was posted from."""
    wanted = request.POST.get("sms_opt_in") == "on"
    if wanted and not request.user.phone:
        messages.error(request, _("Add a phone number to your profile first."))
    else:
        try:
            services.user_update_profile(user=request.user, sms_opt_in=wanted)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("SMS reminders are on.") if wanted else _("SMS reminders are off."))
    # Only a known tab is a return target: a free-form "next" would be an open redirect.
    response = redirect("notifications:index")
    if request.POST.get("tab") == "unread":
        response["Location"] += "?tab=unread"
    return response


@require_POST
def language(request):
    """The footer's language switcher: the cookie for everyone (Django's ``set_language``), the profile too
    for a signed-in user, so e-mails and reminders follow the choice."""
    response = set_language(request)
    chosen = request.POST.get("language", "")
    if request.user.is_authenticated and chosen in dict(settings.LANGUAGES) and chosen != request.user.language:
        services.user_update_profile(user=request.user, language=chosen)
    return response
