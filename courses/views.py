"""Course pages. For now the certificate page anyone can open with its (unguessable) id, printable to PDF."""

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_safe

from courses.models import Enrollment


@require_safe
def certificate(request, certificate_id: str):
    enrollment = (Enrollment.objects.select_related("user", "course__author__user")
                  .filter(certificate_id=certificate_id, completed_at__isnull=False).first())
    if enrollment is None:
        raise Http404("No such certificate.")
    return render(request, "courses/certificate.html", {
        "enrollment": enrollment, "verification_url": request.build_absolute_uri(request.path)})
