"""OpenAPI generation: every operation documents the error shape it can answer with, and every
response carries an example (written by hand with OpenApiExample, or generated from its schema)."""

import re

from django.conf import settings
from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from rest_framework import serializers
from rest_framework.permissions import AllowAny

from mentorhub.api.fields import LegacyDateTimeField


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

    def _get_serializer_field_meta(self, field, direction):
        meta = super()._get_serializer_field_meta(field, direction)
        if isinstance(field, LegacyDateTimeField):
            meta["deprecated"] = True
        return meta

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for code in self._error_codes():
            if code not in responses:
                # A compatibility adapter (bookings/compat_spec001.py) answers errors in its spec's own shape.
                error_serializer = getattr(self.view, "error_serializer", ErrorSerializer)
                response = self._get_response_for_code(error_serializer, code)
                response["description"] = ERROR_DESCRIPTIONS.get(code, response.get("description", ""))
                responses[code] = response
        return responses


# Routes outside /api/ that are documented too: spec 001's compatibility adapter (bookings/compat_spec001.py).
DOCUMENTED_OUTSIDE_API = ("/session/",)


def only_canonical_paths(endpoints, **kwargs):
    """Every API route is mounted under /api/v1/ and the /api/ alias; document the canonical one."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith(("/api/v1/", *DOCUMENTED_OUTSIDE_API))]


# --- Examples -------------------------------------------------------------------------------------
# Client authors read /docs by its examples; a response documented without one would show nothing.
# Values are fixed (no clock, no randomness) so the schema is the same on every generation.

# Levels of real nesting (object properties, array items; resolving $ref/allOf/oneOf does not count):
# deeper than any real response, so only a self-referring schema stops here.
EXAMPLE_DEPTH = 8
STRING_EXAMPLES = {
    "date-time": "2026-03-02T14:30:00+01:00",
    "date": "2026-03-02",
    "time": "14:30:00",
    "email": "mia@example.com",
    "uri": "https://mentorhub.example/",
    "url": "https://mentorhub.example/",
    "uuid": "3f2b8c1e-6a4d-4e1f-9b7a-2c5d8e9f0a1b",
    "decimal": "50.00",
    "duration": "01:00:00",
    "ipv4": "192.0.2.1",
    "ipv6": "2001:db8::1",
    "hostname": "mentorhub.example",
    "binary": "",
}


def example_from_schema(schema: dict, components: dict, depth: int = 0):
    """A value that validates against ``schema`` (OpenAPI 3.0; ``$ref`` resolved against ``components``)."""
    if "example" in schema:
        return schema["example"]
    if "$ref" in schema:
        target = components.get(schema["$ref"].rsplit("/", 1)[-1], {})
        return example_from_schema(target, components, depth)
    if "enum" in schema:
        return next((value for value in schema["enum"] if value is not None), None)
    if "allOf" in schema:
        parts = [example_from_schema(part, components, depth) for part in schema["allOf"]]
        if all(isinstance(part, dict) for part in parts):
            return {key: value for part in parts for key, value in part.items()}
        return parts[0] if parts else None
    for keyword in ("oneOf", "anyOf"):
        if schema.get(keyword):
            # The first choice that is not a null placeholder (drf-spectacular's NullEnum/BlankEnum come last).
            options = [o for o in schema[keyword] if o.get("enum") != [None]] or schema[keyword]
            return example_from_schema(options[0], components, depth)
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        if depth >= EXAMPLE_DEPTH:
            return {}
        value = {
            name: example_from_schema(prop, components, depth + 1)
            for name, prop in schema.get("properties", {}).items()
            if not prop.get("writeOnly")
        }
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict) and extra and not value:
            value["key"] = example_from_schema(extra, components, depth + 1)
        return value
    if kind == "array":
        if depth >= EXAMPLE_DEPTH or schema.get("maxItems") == 0:
            return []
        return [example_from_schema(schema.get("items", {}), components, depth + 1)]
    if kind == "string":
        return _string_example(schema)
    if kind in ("integer", "number"):
        value = 1 if kind == "integer" else 1.5
        if "minimum" in schema:
            value = max(value, schema["minimum"])
        if "maximum" in schema:
            value = min(value, schema["maximum"])
        return value
    if kind == "boolean":
        return True
    return None  # any value: the schema does not say


def _string_example(schema: dict) -> str:
    value = STRING_EXAMPLES.get(schema.get("format", ""), "string")
    if "pattern" in schema:
        # Decimals and phone numbers come with a pattern: the first candidate it accepts.
        candidates = (value, "5.00", "0.50", "1", "0", "+1 555 0100", "")
        value = next((c for c in candidates if re.search(schema["pattern"], c)), value)
    if "maxLength" in schema:
        value = value[: schema["maxLength"]]
    if len(value) < schema.get("minLength", 0):
        value = value.ljust(schema["minLength"], "x")
    return value


# What the error handler (mentorhub/api/errors.py) answers most often with each code.
ERROR_EXAMPLE_DETAILS = {
    "400": ("email: This field is required.", [{"field": "email", "message": "This field is required."}]),
    "401": ("Authentication credentials were not provided.", []),
    "403": ("You do not have permission to perform this action.", []),
    "404": ("Not found.", []),
    "409": ("This request expired before it was confirmed.", []),
    "413": ("Request body too large: at most {limit} bytes.", []),
    "429": ("Request was throttled. Expected available in 55 seconds.", []),
}


def _error_example(code: str) -> dict:
    detail, errors = ERROR_EXAMPLE_DETAILS.get(code, ("Something went wrong.", []))
    detail = detail.format(limit=settings.MAX_REQUEST_BODY_BYTES)
    return {"detail": detail, "status_code": int(code), "errors": errors}


def add_response_examples(result, generator, request, public):
    """Postprocessing hook: give every response body without an example one made from its schema."""
    components = result.get("components", {}).get("schemas", {})
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if method == "parameters":
                continue
            for code, response in operation.get("responses", {}).items():
                for media in response.get("content", {}).values():
                    if "schema" not in media or "example" in media or "examples" in media:
                        continue
                    if media["schema"].get("$ref", "").endswith("/Error") and code.isdigit():
                        media["example"] = _error_example(code)
                    else:
                        media["example"] = example_from_schema(media["schema"], components)
    return result
