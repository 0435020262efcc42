"""OpenAPI generation: every operation documents the error shape it can answer with."""

from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from rest_framework import serializers
from rest_framework.permissions import AllowAny


class BearerJWTScheme(SimpleJWTScheme):
    """Document our JWT authentication as the Bearer scheme it is.

    drf-spectacular matches authentication classes exactly, so simplejwt's own
    extension does not cover our subclass; without this the schema would offer
    only the session cookie (no token field in Swagger's Authorize, and fuzzers
    could not authenticate the way clients do).
    """

    target_class = "mentorhub.api.authentication.JWTAuthentication"


class ErrorItemSerializer(serializers.Serializer):
    field = serializers.CharField(allow_null=True, help_text="The input field at fault, or null.")
    message = serializers.CharField()


class ErrorSerializer(serializers.Serializer):
    """The one error shape of the API."""

    detail = serializers.CharField()
    status_code = serializers.IntegerField()
    errors = ErrorItemSerializer(many=True)


ERROR_DESCRIPTIONS = {
    "400": "Invalid input; `errors` names each field at fault.",
    "401": "Missing, invalid or expired credentials.",
    "403": "Authenticated but not allowed (or a session request without its CSRF token).",
    "404": "No such object, or not one of yours.",
    "409": "Conflicts with the object's current state.",
    "413": "The request body is larger than MAX_REQUEST_BODY_BYTES.",
    "429": "Rate limit exceeded; see the Retry-After header.",
}


class AutoSchema(SpectacularAutoSchema):
    def _error_codes(self) -> list[str]:
        codes = ["429"]
        # A DELETE may carry a body too (a cancellation's reason) and be refused for the object's state.
        has_input = self.method in ("POST", "PUT", "PATCH", "DELETE") or self._is_list_view()
        if has_input or self.get_filter_backends():
            codes.append("400")
        if self.method in ("POST", "PUT", "PATCH"):
            codes.append("413")
        public = all(isinstance(p, AllowAny) for p in self.view.get_permissions())
        if not public:
            codes += ["401", "403"]
        if "{" in self.path:
            codes.append("404")
        codes += getattr(self.view, "extra_error_codes", [])
        return codes

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for code in self._error_codes():
            if code not in responses:
                response = self._get_response_for_code(ErrorSerializer, code)
                response["description"] = ERROR_DESCRIPTIONS.get(code, response.get("description", ""))
                responses[code] = response
        return responses


def only_canonical_paths(endpoints, **kwargs):
    """Every API route is mounted under /api/v1/ and the /api/ alias; document the canonical one."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]
