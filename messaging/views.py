"""The site's messaging pages: the inbox, a conversation (sending works without JavaScript), a new one.

static/js/chat.js makes a conversation live over /ws/chat; without it every send is a POST to the same
service followed by a redirect, and opening the page marks what it shows read.
"""

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import User
from mentorhub.errors import DomainError, NotFound
from messaging import contacts, selectors, services
from messaging.models import Conversation

PAGE_SIZE = 30


def _conversation_or_404(request, pk: int) -> Conversation:
    try:
        return selectors.conversation_for_user(user=request.user, conversation_id=pk)
    except NotFound:
        raise Http404("No such conversation.") from None


def _other(conversation: Conversation, user) -> User:
    return conversation.user_high if conversation.user_low_id == user.pk else conversation.user_low


@login_required
def inbox(request):
    page = Paginator(selectors.conversations_for_user(user=request.user), 20).get_page(request.GET.get("page"))
    for conversation in page.object_list:
        conversation.other = _other(conversation, request.user)
    return render(request, "messaging/inbox.html", {"page": page})


def _before(request) -> int | None:
    value = request.GET.get("before", "")
    return int(value) if value.isdigit() else None


@login_required
def conversation(request, pk: int):
    """GET: the latest messages (or older ones with ``?before=``), marked read. POST ``text``: send, then back here."""
    chat = _conversation_or_404(request, pk)
    other = _other(chat, request.user)
    text, error = "", None
    if request.method == "POST":
        text = request.POST.get("text", "")
        try:
            services.message_send(sender=request.user, recipient_id=other.pk, text=text)
        except DomainError as exc:
            error = exc.message
        else:
            return redirect("messaging:conversation", chat.pk)
    before = _before(request)
    shown, has_older = selectors.messages_before(conversation=chat, before_id=before, limit=PAGE_SIZE)
    if before is None and request.method == "GET":
        services.conversation_mark_read(user=request.user, conversation_id=chat.pk)
    shown.reverse()  # oldest at the top, like any chat
    mine_blocked = getattr(chat, f"{chat.side(request.user.pk)}_blocked")
    theirs_blocked = getattr(chat, f"{chat.side(other.pk)}_blocked")
    profile_url = contacts.profile_link(other) if request.user.pk != other.pk else None
    context = {
        "chat": chat, "other": other, "shown": shown, "has_older": has_older,
        "oldest_id": shown[0].pk if shown else None, "older_view": before is not None,
        "text": text, "error": error, "mine_blocked": mine_blocked, "theirs_blocked": theirs_blocked,
        "profile_url": profile_url,
    }
    return render(request, "messaging/conversation.html", context, status=400 if error else 200)


@login_required
def start(request, user_id: int):
    """Write to someone: their conversation with me if it has messages, else a form that starts it."""
    other = get_object_or_404(User, pk=user_id, is_active=True)
    if other.pk == request.user.pk:
        return redirect("messaging:inbox")
    existing = selectors.conversations_for_user(user=request.user).filter(
        user_low_id=min(other.pk, request.user.pk), user_high_id=max(other.pk, request.user.pk)).first()
    if existing is not None:
        return redirect("messaging:conversation", existing.pk)
    if not services.message_may_write(sender=request.user, recipient=other):
        raise Http404("No such person to write to.")
    text, error = "", None
    if request.method == "POST":
        text = request.POST.get("text", "")
        try:
            message = services.message_send(sender=request.user, recipient_id=other.pk, text=text)
        except DomainError as exc:
            error = exc.message
        else:
            return redirect("messaging:conversation", message.conversation_id)
    return render(request, "messaging/start.html", {"other": other, "text": text, "error": error},
                  status=400 if error else 200)


@login_required
@require_POST
def block(request, pk: int):
    chat = _conversation_or_404(request, pk)
    blocked = request.POST.get("blocked") == "1"
    services.conversation_block(user=request.user, conversation_id=chat.pk, blocked=blocked)
    flash.success(request, _("Conversation blocked: neither of you can write in it.") if blocked
                  else _("Conversation unblocked."))
    return redirect("messaging:conversation", chat.pk)
