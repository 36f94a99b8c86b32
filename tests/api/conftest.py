import pytest
from rest_framework.test import APIClient

from api.tokens import create_api_token


@pytest.fixture
def anonymous() -> APIClient:
    return APIClient()


def client_with_token(member, *, read_only: bool = False) -> APIClient:
    _token, secret = create_api_token(owner=member, name="Test", read_only=read_only)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


@pytest.fixture
def as_member(member) -> APIClient:
    return client_with_token(member)


@pytest.fixture
def as_other(other_member) -> APIClient:
    return client_with_token(other_member)


@pytest.fixture
def as_manager(manager) -> APIClient:
    return client_with_token(manager)
