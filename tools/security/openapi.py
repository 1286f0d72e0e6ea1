"""
The OpenAPI description of Prichal's own endpoints, for API fuzzing (tools/test_api_fuzz.py) and for API users.

The REST endpoints are pretix API viewsets of our addons, described by drf-spectacular from their serializers
(pretix's own endpoints are left out: pretix tests them). The two receivers that outside services call are
plain Django views and are described here by hand: YooKassa's webhook and the SMS gateway's delivery callback.

``python tools/security/openapi.py > var/openapi.json`` (``make openapi``) writes it.
"""
from __future__ import annotations

import json
import os
import sys

ADDON_PREFIX = "ticketing_"

HAND_WRITTEN_PATHS = {
    "/_yookassa/webhook/": {
        "post": {
            "operationId": "yookassa_webhook",
            "summary": "YooKassa notification (a hint only: the object is re-fetched from YooKassa)",
            "security": [{}],
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "object",
                "required": ["type", "event", "object"],
                "properties": {
                    "type": {"type": "string", "enum": ["notification"]},
                    "event": {"type": "string", "enum": [
                        "payment.succeeded", "payment.waiting_for_capture", "payment.canceled",
                        "refund.succeeded"]},
                    "object": {"type": "object", "required": ["id"], "properties": {
                        "id": {"type": "string", "maxLength": 64}, "status": {"type": "string"}}},
                },
            }}}},
            "responses": {
                "200": {"description": "understood (handled, ignored or unknown object)", "content": {
                    "application/json": {"schema": {"type": "object"}}}},
                "400": {"description": "not a YooKassa notification"},
                "403": {"description": "sender outside YooKassa's networks"},
                "503": {"description": "YooKassa cannot be asked right now; it sends the notification again"},
            },
        },
    },
    "/_sms/{organizer}/callback/{token}/": {
        "post": {
            "operationId": "sms_delivery_callback",
            "summary": "SMS.ru delivery report, at the organizer's secret callback address",
            "security": [{}],
            "parameters": [
                {"name": "organizer", "in": "path", "required": True, "schema": {"type": "string"}},
                {"name": "token", "in": "path", "required": True,
                 "schema": {"type": "string", "pattern": "^[A-Za-z0-9_-]{1,64}$"}},
            ],
            "requestBody": {"content": {"application/x-www-form-urlencoded": {"schema": {
                "type": "object", "additionalProperties": {"type": "string"}}}}},
            "responses": {
                "200": {"description": "accepted"},
                "400": {"description": "not a delivery report"},
                "403": {"description": "not from the gateway"},
                "404": {"description": "no such organizer or gateway"},
            },
        },
    },
}


def _register_pretix_extensions() -> None:
    """drf-spectacular knows neither pretix's multilingual field nor its authenticators; these describe them."""
    from drf_spectacular.extensions import OpenApiAuthenticationExtension, OpenApiSerializerFieldExtension

    class I18nFieldExtension(OpenApiSerializerFieldExtension):
        target_class = "pretix.api.serializers.i18n.I18nField"

        def map_serializer_field(self, auto_schema, direction):
            # pretix answers {"ru": "…", "en": "…"} and accepts that or a plain string
            per_language = {"type": "object", "additionalProperties": {"type": "string", "nullable": True}}
            if direction == "response":
                return {**per_language, "nullable": True}
            return {"oneOf": [{"type": "string"}, per_language], "nullable": True}

    class TeamToken(OpenApiAuthenticationExtension):
        target_class = "pretix.api.auth.token.TeamTokenAuthentication"
        name = "tokenAuth"

        def get_security_definition(self, auto_schema):
            return {"type": "apiKey", "in": "header", "name": "Authorization",
                    "description": "pretix team API token: `Token <token>`"}

    class DeviceToken(TeamToken):
        target_class = "pretix.api.auth.device.DeviceTokenAuthentication"
        name = "deviceAuth"

        def get_security_definition(self, auto_schema):
            return {"type": "apiKey", "in": "header", "name": "Authorization",
                    "description": "pretixSCAN device token: `Device <token>`"}

    class Session(TeamToken):
        target_class = "pretix.api.auth.session.SessionAuthentication"
        name = "cookieAuth"

        def get_security_definition(self, auto_schema):
            return {"type": "apiKey", "in": "cookie", "name": "pretix_session"}


def build_schema() -> dict:
    """Needs configured Django (pretix settings): the viewsets are found in the URLconf like pretix's own."""
    from django.conf import settings
    from rest_framework.settings import api_settings

    _register_pretix_extensions()

    previous = settings.REST_FRAMEWORK
    settings.REST_FRAMEWORK = {**previous, "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema"}
    api_settings.reload()
    try:
        from drf_spectacular.generators import SchemaGenerator

        class OurEndpoints(SchemaGenerator):
            def _initialise_endpoints(self):
                super()._initialise_endpoints()
                self.endpoints = [e for e in self.endpoints
                                  if getattr(e[3], "cls", None) and e[3].cls.__module__.startswith(ADDON_PREFIX)]

        # pretix's API is namespaced by version ("api-v1"), which drf-spectacular must be told
        schema = OurEndpoints(title="Prichal API", version="1", api_version="api-v1").get_schema(
            request=None, public=True)
    finally:
        settings.REST_FRAMEWORK = previous
        api_settings.reload()
    schema = json.loads(json.dumps(schema, default=str))  # lazy translations and decimals to plain JSON
    schema["paths"].update(HAND_WRITTEN_PATHS)
    return schema


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pretix.settings")
    import django

    django.setup()
    json.dump(build_schema(), sys.stdout, indent=1, ensure_ascii=False)
    sys.stdout.write("\n")
