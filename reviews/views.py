from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mentorhub.errors import DomainError
from reviews import services
from reviews.models import Review


@login_required
@require_POST
def reply(request, pk: int):
    review = get_object_or_404(Review.objects.only("id", "mentor_id"), pk=pk)
    try:
        services.review_reply(review_id=pk, user=request.user, text=request.POST.get("text", ""))
        messages.success(request, _("Your reply is published."))
    except DomainError as exc:
        messages.error(request, exc.message)
    if request.POST.get("next") == "dashboard":  # a fixed name, never a URL: nothing can send people off-site
        return redirect(reverse("mentors:dashboard") + "#reviews")
    return redirect("mentors:detail", review.mentor_id)
