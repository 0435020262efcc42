"""The notification centre: my notices, newest first, marked read one at a time or all at once."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from mentorhub.errors import NotFound
from notifications import selectors, services

TABS = ("all", "unread")


def _tab(value: str | None) -> str:
    return value if value in TABS else "all"


def _back(request):
    # Only a known tab is a return target: a free-form "next" would be an open redirect.
    response = redirect("notifications:index")
    if _tab(request.POST.get("tab")) == "unread":
        response["Location"] += "?tab=unread"
    return response


@login_required
def index(request):
    tab = _tab(request.GET.get("tab"))
    notices = selectors.notifications_for_user(user=request.user, unread=True if tab == "unread" else None)
    page = Paginator(notices, 20).get_page(request.GET.get("page"))
    # Given here too, so the page works on its own and the bell reuses this count instead of a second query.
    unread = selectors.unread_count(user=request.user)
    return render(request, "notifications/index.html", {"tab": tab, "page": page, "unread_notifications": unread})


@login_required
@require_POST
def mark_read(request, pk: int):
    """Mark one notice read; with ``open`` set, go on to the page it points to."""
    try:
        notice = services.notification_mark_read(user=request.user, notification_id=pk)
    except NotFound:
        raise Http404("No such notification.") from None
    if request.POST.get("open") and notice.link and url_has_allowed_host_and_scheme(
            notice.link, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(notice.link)
    return _back(request)


@login_required
@require_POST
def mark_all_read(request):
    marked = services.notification_mark_all_read(user=request.user)
    if marked:
        text = ngettext("Marked %(count)d notification as read.", "Marked %(count)d notifications as read.", marked)
        messages.success(request, text % {"count": marked})
    return _back(request)
