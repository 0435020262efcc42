"""One error shape for the whole API, whatever raised the error.

    {"detail": "...", "status_code": 400, "errors": [{"field": "email", "message": "..."}]}

DRF calls ``exception_handler`` for anything a view raises; ``mentorhub.urls``
points Django's own 400/403/404/500 handlers at ``json_error`` for ``/api/``
paths, so unrouted URLs and crashes outside DRF keep the same shape.
"""

import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import set_rollback

from mentorhub.errors import DomainError

logger = logging.getLogger("mentorhub.api")

NON_FIELD_KEYS = {"non_field_errors", "__all__"}
DATABASE_UNAVAILABLE = _("The service is temporarily unavailable. Please try again shortly.")
INTERNAL_ERROR = _("Internal server error. The problem has been logged.")


def error_body(status_code: int, detail: str, errors: list[dict] | None = None) -> dict:
    return {"detail": str(detail), "status_code": status_code, "errors": errors or []}


def flatten_errors(detail, prefix: str | None = None) -> list[dict]:
    """Turn DRF's nested error structure into a flat list of {field, message}."""
    if isinstance(detail, dict):
        flat = []
        for key, value in detail.items():
            field = prefix if key in NON_FIELD_KEYS else (f"{prefix}.{key}" if prefix else str(key))
            flat.extend(flatten_errors(value, field))
        return flat
    if isinstance(detail, list):
        flat = []
        for index, item in enumerate(detail):
            if isinstance(item, (dict, list)):
                flat.extend(flatten_errors(item, f"{prefix}.{index}" if prefix else str(index)))
            else:
                flat.append({"field": prefix, "message": str(item)})
        return flat
    return [{"field": prefix, "message": str(detail)}]


def summarise(errors: list[dict]) -> str:
    if not errors:
        return gettext("Invalid input.")
    parts = [f"{e['field']}: {e['message']}" if e["field"] else e["message"] for e in errors[:3]]
    more = " " + gettext("(and %(count)d more)") % {"count": len(errors) - 3} if len(errors) > 3 else ""
    return " ".join(parts) + more


def _as_api_exception(exc):
    if isinstance(exc, Http404):
        return exceptions.NotFound()
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied()
    if isinstance(exc, DjangoValidationError):
        return exceptions.ValidationError(as_serializer_error(exc))
    return exc


def exception_handler(exc, context):
    exc = _as_api_exception(exc)
    headers = {}

    if isinstance(exc, DomainError):
        errors = [{"field": exc.field, "message": exc.message}] if exc.field else []
        body = error_body(exc.status_code, exc.message, errors)
        code = exc.status_code
    elif isinstance(exc, exceptions.APIException):
        code = exc.status_code
        if getattr(exc, "auth_header", None):
            headers["WWW-Authenticate"] = exc.auth_header
        if getattr(exc, "wait", None):
            headers["Retry-After"] = str(int(exc.wait))
        if isinstance(exc, exceptions.ValidationError):
            errors = flatten_errors(exc.detail)
            body = error_body(code, summarise(errors), errors)
        elif isinstance(exc.detail, dict) and "detail" in exc.detail:
            body = error_body(code, str(exc.detail["detail"]))
        elif isinstance(exc.detail, (dict, list)):
            errors = flatten_errors(exc.detail)
            body = error_body(code, summarise(errors), errors)
        else:
            body = error_body(code, str(exc.detail))
    elif isinstance(exc, (OperationalError, InterfaceError)):
        # The database is unreachable (or dropped the connection): nothing the client did, and worth a retry.
        logger.error("Database unavailable in %s: %s", context.get("view").__class__.__name__, exc)
        code = status.HTTP_503_SERVICE_UNAVAILABLE
        headers["Retry-After"] = "30"
        body = error_body(code, DATABASE_UNAVAILABLE)
    else:
        logger.exception("Unhandled error in %s", context.get("view").__class__.__name__)
        code = status.HTTP_500_INTERNAL_SERVER_ERROR
        body = error_body(code, INTERNAL_ERROR)

    set_rollback()
    return Response(body, status=code, headers=headers)


_DEFAULT_DETAILS = {
    400: _("Bad request."),
    403: _("You do not have permission to perform this action."),
    404: _("Not found."),
    500: INTERNAL_ERROR,
    503: DATABASE_UNAVAILABLE,
}


def json_error(status_code: int, headers: dict | None = None) -> JsonResponse:
    return JsonResponse(error_body(status_code, _DEFAULT_DETAILS[status_code]), status=status_code, headers=headers)
