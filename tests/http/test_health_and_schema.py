"""GET /health, and the OpenAPI description of the auth operations."""

from __future__ import annotations

import pytest

from entrypoints.http.errors import ERROR_CODES, error_model
from tests.support.api import bearer

EXPECTED_STATUSES = {
    ("post", "/api/v1/auth/register"): {"201", "409", "422"},
    ("post", "/api/v1/auth/login"): {"200", "401", "403", "422", "429"},
    ("post", "/api/v1/auth/refresh"): {"200", "401", "422"},
    ("post", "/api/v1/auth/logout"): {"204", "401", "422"},
    ("get", "/api/v1/users/me"): {"200", "401"},
    ("get", "/health"): {"200"},
}


async def test_health_is_healthy_without_credentials(client) -> None:
    response = await client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "healthy"}
    assert (await client.get("/health", headers=bearer("garbage"))).status_code == 200


@pytest.fixture
async def schema(client) -> dict:
    response = await client.get("/openapi.json")
    assert response.status_code == 200
    return response.json()


@pytest.mark.parametrize(("method", "path"), list(EXPECTED_STATUSES))
async def test_each_operation_documents_its_statuses(schema, method, path) -> None:
    operation = schema["paths"][path][method]
    assert EXPECTED_STATUSES[method, path] <= set(operation["responses"])
    assert operation.get("description") or operation.get("summary")
    if "401" in operation["responses"]:
        assert "WWW-Authenticate" in operation["responses"]["401"]["headers"]
    for status, response in operation["responses"].items():
        if status.startswith(("4", "5")):
            reference = response["content"]["application/json"]["schema"]
            assert reference["$ref"].endswith(error_model(int(status)).__name__)
            if status != "422":
                code = model(schema, reference)["properties"]["code"]
                assert code["enum"] == list(ERROR_CODES[int(status)])


async def test_login_is_an_oauth2_password_form(schema) -> None:
    body = schema["paths"]["/api/v1/auth/login"]["post"]["requestBody"]["content"]
    assert list(body) == ["application/x-www-form-urlencoded"]
    flows = schema["components"]["securitySchemes"]["OAuth2PasswordBearer"]["flows"]
    assert flows["password"]["tokenUrl"] == "/api/v1/auth/login"
    assert schema["paths"]["/api/v1/users/me"]["get"]["security"]


def model(schema: dict, reference: dict) -> dict:
    return schema["components"]["schemas"][reference["$ref"].rsplit("/", 1)[1]]


def body_of(schema: dict, method: str, path: str, status: str) -> dict:
    reference = schema["paths"][path][method]["responses"][status]["content"]["application/json"]
    return model(schema, reference["schema"])


async def test_models_match_the_contract(schema) -> None:
    token = body_of(schema, "post", "/api/v1/auth/login", "200")
    assert set(token["properties"]) == {"access_token", "refresh_token", "token_type", "expires_in"}
    assert body_of(schema, "post", "/api/v1/auth/refresh", "200") == token
    user = body_of(schema, "get", "/api/v1/users/me", "200")
    assert set(user["properties"]) == {
        "id",
        "email",
        "name",
        "is_active",
        "is_superuser",
        "created_at",
        "updated_at",
    }
    assert body_of(schema, "post", "/api/v1/auth/register", "201") == user
    request = schema["paths"]["/api/v1/auth/register"]["post"]["requestBody"]["content"]
    register = model(schema, request["application/json"]["schema"])
    assert set(register["properties"]) == {"email", "name", "password"}
    assert register.get("additionalProperties") is False


async def test_every_operation_with_a_body_documents_the_body_limit(schema) -> None:
    with_body = [
        (method, path, operation)
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if "requestBody" in operation
    ]
    assert len(with_body) >= 10
    for method, path, operation in with_body:
        assert "413" in operation["responses"], f"{method.upper()} {path}"
