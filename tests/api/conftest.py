import json
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from certiprev.accounts.api_tokens import api_token_create


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


class Api:
    """A test client speaking JSON to /api/v1/ with a bearer token."""

    def __init__(self, token: str | None):
        self.client = Client()
        self.token = token

    def _headers(self, headers: dict | None) -> dict:
        result = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        result.update(headers or {})
        return result

    def get(self, path: str, params: dict | None = None, headers: dict | None = None):
        return self.client.get(_url(path), params or {}, headers=self._headers(headers))

    def _send(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        raw: bytes | str | None = None,
        content_type: str = "application/json",
        headers: dict | None = None,
    ):
        data = raw if raw is not None else (json.dumps(body) if body is not None else "")
        return getattr(self.client, method)(
            _url(path), data=data, content_type=content_type, headers=self._headers(headers)
        )

    def post(self, path: str, body: Any = None, **kwargs):
        return self._send("post", path, body, **kwargs)

    def put(self, path: str, body: Any = None, **kwargs):
        return self._send("put", path, body, **kwargs)

    def patch(self, path: str, body: Any = None, **kwargs):
        return self._send("patch", path, body, **kwargs)

    def delete(self, path: str, **kwargs):
        return self._send("delete", path, None, **kwargs)

    def upload(
        self,
        path: str,
        filename: str,
        content: bytes,
        *,
        dry_run: bool | None = None,
        content_type: str = "application/octet-stream",
    ):
        from django.core.files.uploadedfile import SimpleUploadedFile

        data: dict[str, Any] = {"file": SimpleUploadedFile(filename, content, content_type=content_type)}
        if dry_run is not None:
            data["dry_run"] = "true" if dry_run else "false"
        return self.client.post(_url(path), data=data, headers=self._headers(None))


def _url(path: str) -> str:
    if path.startswith("http://testserver/"):
        return path.removeprefix("http://testserver")
    return path if path.startswith("/") else f"/api/v1/{path}"


def api_for(user) -> Api:
    return Api(api_token_create(by=user, user=user)[1])


@pytest.fixture
def as_member(member) -> Api:
    return api_for(member)


@pytest.fixture
def as_other_member(other_member) -> Api:
    return api_for(other_member)


@pytest.fixture
def as_trainer(trainer) -> Api:
    return api_for(trainer.user)


@pytest.fixture
def as_other_trainer(other_trainer) -> Api:
    return api_for(other_trainer.user)


@pytest.fixture
def as_admin(network_admin) -> Api:
    return api_for(network_admin)


@pytest.fixture
def anonymous_api() -> Api:
    return Api(None)


def assert_error(response, status: int, code: str) -> dict:
    """The response is the API's JSON error with this status and code, and a French message."""
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] == code, body
    assert isinstance(body["detail"], str) and body["detail"]
    assert isinstance(body["errors"], list)
    return body
