"""/openapi.json as client generators read it: for every operation there is, and every one
that lands later."""

from __future__ import annotations

import re

import pytest

import domain.errors
from domain.errors import DomainError, PolicyViolation
from entrypoints.http.errors import ERROR_CODES, status_for


@pytest.fixture
async def schema(client) -> dict:
    return (await client.get("/openapi.json")).json()


def operations(schema: dict):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield method, path, operation


def references(node) -> set[str]:
    """Every component name `node` refers to, directly."""
    found: set[str] = set()
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            found.add(node["$ref"].rsplit("/", 1)[1])
        for value in node.values():
            found |= references(value)
    elif isinstance(node, list):
        for value in node:
            found |= references(value)
    return found


def reachable(schema: dict, roots: set[str]) -> set[str]:
    seen: set[str] = set()
    todo = list(roots)
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo.extend(references(schema["components"]["schemas"][name]))
    return seen


async def test_operation_ids_are_short_and_unique(schema) -> None:
    ids = [operation["operationId"] for _, _, operation in operations(schema)]
    assert len(ids) == len(set(ids))
    for method, path, operation in operations(schema):
        tag = operation["tags"][0]
        assert re.fullmatch(rf"{tag}_[a-z][a-z_]*", operation["operationId"]), (method, path)
        assert "api_v1" not in operation["operationId"]


async def test_every_schema_is_named_for_what_it_is(schema) -> None:
    for name in schema["components"]["schemas"]:
        assert not name.startswith("Body_"), name
        assert "Api" not in name and "Type0" not in name, name


async def test_request_bodies_are_named_models(schema) -> None:
    for method, path, operation in operations(schema):
        for media in operation.get("requestBody", {}).get("content", {}).values():
            assert set(media["schema"]) == {"$ref"}, (method, path)


async def test_fields_that_are_always_sent_are_required(schema) -> None:
    responses = set().union(
        *(references(op.get("responses", {})) for _, _, op in operations(schema))
    )
    requests = set().union(
        *(
            references(op.get("requestBody", {})) | references(op.get("parameters", []))
            for _, _, op in operations(schema)
        )
    )
    response_only = reachable(schema, responses) - reachable(schema, requests)
    # FastAPI's 422 problem carries `input` and `ctx` only where they apply.
    response_only.discard("ValidationProblem")
    assert {"Token", "UserOut", "ConflictError"} <= response_only
    for name in response_only:
        model = schema["components"]["schemas"][name]
        assert set(model.get("required", [])) == set(model.get("properties", {})), name


async def test_timestamps_are_date_times(schema) -> None:
    for name, model in schema["components"]["schemas"].items():
        for field, spec in model.get("properties", {}).items():
            if field.endswith("_at"):
                options = spec.get("anyOf", [spec])
                assert any(o.get("format") == "date-time" for o in options), (name, field)


async def test_descriptions_render_as_paragraphs(schema) -> None:
    for method, path, operation in operations(schema):
        for line in operation.get("description", "").splitlines():
            assert not line.startswith("    "), (method, path, line)


async def test_the_description_promises_only_what_is_served(schema) -> None:
    tags = {tag for _, _, operation in operations(schema) for tag in operation["tags"]}
    assert {t["name"] for t in schema["tags"]} == tags
    for tag in ("items", "posts", "products", "orders", "files", "chat"):
        assert (f"**{tag}**" in schema["info"]["description"]) == (tag in tags)


def _domain_errors() -> list[type[DomainError]]:
    return [
        value
        for value in vars(domain.errors).values()
        if isinstance(value, type) and issubclass(value, DomainError)
    ]


@pytest.mark.parametrize("error", _domain_errors(), ids=lambda e: e.__name__)
def test_every_domain_code_is_published_for_its_status(error: type[DomainError]) -> None:
    if issubclass(error, PolicyViolation) or error.code in {"error", "conflict"}:
        return  # 422s, and the bases whose subclasses carry the real codes
    status = status_for(error.__new__(error))
    assert error.code in ERROR_CODES[status]


async def test_request_fields_with_defaults_are_optional_without_a_published_default(
    schema,
) -> None:
    create = schema["components"]["schemas"]["UserCreate"]
    assert "is_active" not in create["required"]
    assert "default" not in create["properties"]["is_active"]
    assert "true" in create["properties"]["is_active"]["description"]
    login = schema["components"]["schemas"]["LoginForm"]
    assert set(login["required"]) == {"username", "password"}


async def test_examples_are_valid_requests(client, schema) -> None:
    register = schema["components"]["schemas"]["RegisterRequest"]["properties"]
    body = {field: spec["examples"][0] for field, spec in register.items()}
    assert (await client.post("/api/v1/auth/register", json=body)).status_code == 201
