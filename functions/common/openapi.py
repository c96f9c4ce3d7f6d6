"""The OpenAPI document, generated from the pydantic models the routes parse."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

REF = "#/components/schemas/{model}"
PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
            },
        },
    },
}


class OpenApiBuilder:
    def __init__(self, title: str, version: str) -> None:
        self._paths: dict[str, dict[str, Any]] = {}
        self._schemas: dict[str, Any] = {"Problem": PROBLEM_SCHEMA}
        self._title = title
        self._version = version

    def _schema_ref(self, model: type[BaseModel], name: str | None = None) -> dict[str, str]:
        schema = model.model_json_schema(ref_template=REF)
        for def_name, definition in schema.pop("$defs", {}).items():
            self._schemas[def_name] = definition
        schema_name = name or model.__name__
        self._schemas[schema_name] = schema
        return {"$ref": REF.format(model=schema_name)}

    def component(self, model: type[BaseModel]) -> None:
        """A schema that more than one body shape of a route may take (named in the route's summary)."""
        self._schema_ref(model)

    def operation(
        self,
        method: str,
        path: str,
        summary: str,
        *,
        body: type[BaseModel] | None = None,
        body_name: str | None = None,
        success: int = 200,
        public: bool = False,
        parameters: list[str] | None = None,
        response: type[BaseModel] | None = None,
    ) -> None:
        operation: dict[str, Any] = {
            "summary": summary,
            "responses": {
                str(success): {"description": "success"},
                "4XX": {
                    "description": "refused; the problem names the field",
                    "content": {"application/problem+json": {"schema": {"$ref": REF.format(model="Problem")}}},
                },
            },
        }
        if response is not None:
            operation["responses"][str(success)]["content"] = {
                "application/json": {"schema": self._schema_ref(response)}
            }
        if body is not None:
            operation["requestBody"] = {
                "required": True,
                "content": {"application/json": {"schema": self._schema_ref(body, body_name)}},
            }
        if parameters:
            operation["parameters"] = [
                {"name": name, "in": "path", "required": True, "schema": {"type": "string"}} for name in parameters
            ]
        if public:
            operation["security"] = []
        self._paths.setdefault(path, {})[method.lower()] = operation

    def document(self) -> dict[str, Any]:
        return {
            "openapi": "3.1.0",
            "info": {"title": self._title, "version": self._version},
            "paths": self._paths,
            "components": {
                "schemas": self._schemas,
                "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
            },
            "security": [{"bearer": []}],
        }
