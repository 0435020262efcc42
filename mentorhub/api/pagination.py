import math

from django.core.paginator import Paginator
from django.utils.translation import gettext
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.response import Response


def _positive_int(request, name: str, maximum: int | None = None) -> int | None:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return None
    try:
        value = int(raw)
    except ValueError:
        message = gettext("Must be a whole number, not %(value)s.") % {"value": repr(raw)}
        raise ValidationError({name: [message]}) from None
    if value < 1:
        raise ValidationError({name: [gettext("Must be 1 or more.")]})
    if maximum is not None and value > maximum:
        raise ValidationError({name: [gettext("Must be at most %(maximum)s.") % {"maximum": maximum}]})
    return value


class PagePagination(BasePagination):
    """``?page=P&limit=N`` (or ``page_size=N``) -> ``{"items", "total", "page", "pages"}``.

    A page past the end is an empty page, not an error: the client learns
    ``total`` and ``pages`` from it.
    """

    page_size = 20
    max_page_size = 100

    def get_page_size(self, request) -> int:
        for name in ("limit", "page_size"):
            value = _positive_int(request, name, self.max_page_size)
            if value is not None:
                return value
        return self.page_size

    def paginate_queryset(self, queryset, request, view=None):
        page_size = self.get_page_size(request)
        self.page_number = _positive_int(request, "page") or 1
        paginator = Paginator(queryset, page_size)
        self.total = paginator.count
        self.pages = max(1, math.ceil(self.total / page_size))
        if self.page_number > self.pages:
            return []
        return list(paginator.page(self.page_number).object_list)

    def get_paginated_response(self, data):
        return Response({"items": data, "total": self.total, "page": self.page_number, "pages": self.pages})

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["items", "total", "page", "pages"],
            "properties": {
                "items": {**schema, "description": "This page's items."},
                "total": {"type": "integer", "example": 42, "description": "Items on all pages."},
                "page": {"type": "integer", "example": 1, "description": "This page's number, from 1."},
                "pages": {"type": "integer", "example": 3,
                          "description": "How many pages there are (at least 1); a page past the end is empty."},
            },
        }

    def get_schema_operation_parameters(self, view):
        def param(name, description):
            return {
                "name": name,
                "required": False,
                "in": "query",
                "description": description,
                "schema": {"type": "integer", "minimum": 1},
            }

        bounded = {"type": "integer", "minimum": 1, "maximum": self.max_page_size}
        return [
            param("page", "Page number, from 1."),
            {**param("limit", f"Items per page, at most {self.max_page_size}."), "schema": bounded},
            {**param("page_size", "Same as limit."), "schema": bounded},
        ]
