from __future__ import annotations

from tests.support.api import bearer, login, register


async def test_register_login_me_on_every_sql_backend(make_client, sql_database_url):
    client = await make_client(sql_database_url)
    user = await register(client, email="Mixed.Case@Example.com")
    assert user["email"] == "mixed.case@example.com"
    tokens = await login(client, "MIXED.case@example.com")
    me = await client.get("/api/v1/users/me", headers=bearer(tokens["access_token"]))
    assert me.status_code == 200
    assert me.json()["id"] == user["id"]
