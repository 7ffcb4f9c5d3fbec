"""The OpenAPI schema as front ends see it: the source their clients are generated from.

Short operation ids, named models for every body, dedented descriptions, and an API
description that lists what the running app really serves. Everything here applies to every
route, so a resource that lands later gets it by being included.
"""

from __future__ import annotations

import inspect
import json
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute

# What each tag is, in the order the docs show them. The API description lists the tags that
# have routes, so it never promises a feature that is not there.
TAGS: dict[str, str] = {
    "auth": "Registration, login, token refresh, logout and password reset.",
    "users": "Accounts, their administration, profiles and avatars.",
    "items": "Things users own.",
    "posts": "What users publish: drafts and published posts.",
    "products": "The shop's catalogue.",
    "orders": "Orders that take stock atomically.",
    "files": "File uploads, downloads and signed download links.",
    "chat": "Chat rooms: live over WebSocket, history over HTTP.",
    "health": "Liveness and readiness.",
}
_SUMMARY = "A backend API for web and mobile front ends."

# Named schemas for bodies FastAPI cannot describe by itself (streamed multipart uploads),
# registered by `multipart_body` and published under components.schemas.
_BODY_SCHEMAS: dict[str, dict[str, Any]] = {}


def operation_id(route: APIRoute) -> str:
    """`<tag>_<verb>`: the route function's name, prefixed with its tag unless it already is."""
    tag = str(route.tags[0]) if route.tags else ""
    if not tag or route.name.startswith(f"{tag}_"):
        return route.name
    return f"{tag}_{route.name}"


def multipart_body(
    model_name: str, properties: dict[str, Any], required: list[str]
) -> dict[str, Any]:
    """The `openapi_extra` of a route that streams a multipart body itself: the body is
    published as the named schema `model_name`, so generators name their model after it."""
    _BODY_SCHEMAS[model_name] = {
        "title": model_name,
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }
    return {
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {"schema": {"$ref": f"#/components/schemas/{model_name}"}}
            },
        }
    }


def takes_multipart(route: Any) -> bool:
    """Whether `route` is an upload route: its `openapi_extra` declares a multipart body
    (as `multipart_body` writes it). Only these routes get the upload body ceiling."""
    extra = getattr(route, "openapi_extra", None) or {}
    content = extra.get("requestBody", {}).get("content", {})
    return "multipart/form-data" in content


def api_description(tags: set[str]) -> str:
    lines = [f"- **{tag}**: {TAGS[tag]}" for tag in TAGS if tag in tags]
    return _SUMMARY + "\n\n" + "\n".join(lines)


def install_openapi(app: FastAPI) -> None:
    """Finish the schema once, when it is first asked for: tag metadata, the description,
    dedented operation descriptions and the named multipart bodies."""
    build_schema = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = build_schema()
            tags: set[str] = set()
            for operations in schema["paths"].values():
                for operation in operations.values():
                    tags.update(operation.get("tags", ()))
                    if operation.get("description"):
                        # Indented docstrings would render as code blocks in Markdown.
                        operation["description"] = inspect.cleandoc(operation["description"])
            schema["info"]["description"] = api_description(tags)
            schema["tags"] = [{"name": t, "description": d} for t, d in TAGS.items() if t in tags]
            _defaults_in_words(schema)
            if _BODY_SCHEMAS:
                schema.setdefault("components", {}).setdefault("schemas", {}).update(_BODY_SCHEMAS)
        return schema_built(app)

    app.openapi = openapi  # type: ignore[method-assign]


def _defaults_in_words(schema: dict[str, Any]) -> None:
    """Publish the defaults of request-body fields in their descriptions rather than as
    `default`: openapi-typescript makes a field with a default required, which for a request
    means a client must send what it may leave out."""
    bodies = [
        media["schema"]
        for operations in schema["paths"].values()
        for operation in operations.values()
        for media in operation.get("requestBody", {}).get("content", {}).values()
    ]
    for node in _nodes(bodies, schema.get("components", {}).get("schemas", {})):
        for field in node.get("properties", {}).values():
            default = field.pop("default", None)
            if default is not None:
                said = f"Defaults to `{json.dumps(default)}`."
                field["description"] = " ".join(filter(None, (field.get("description"), said)))


def _nodes(roots: list[Any], models: dict[str, Any]) -> list[dict[str, Any]]:
    """Every schema object under `roots`, following `$ref`s into `models`, each once."""
    found: list[dict[str, Any]] = []
    seen: set[int] = set()
    todo = list(roots)
    while todo:
        node = todo.pop()
        if isinstance(node, list):
            todo.extend(node)
        elif isinstance(node, dict) and id(node) not in seen:
            seen.add(id(node))
            found.append(node)
            if isinstance(node.get("$ref"), str):
                todo.append(models.get(node["$ref"].rsplit("/", 1)[1]))
            todo.extend(node.values())
    return found


def schema_built(app: FastAPI) -> dict[str, Any]:
    """The schema FastAPI keeps once it has been built."""
    assert app.openapi_schema is not None
    return app.openapi_schema
