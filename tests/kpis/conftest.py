import pytest

from tests.support.source_server import SourceServer


@pytest.fixture
def source_server():
    with SourceServer() as server:
        yield server


@pytest.fixture
def private_networks_allowed(settings):
    """The test server listens on 127.0.0.1: allowed, as on an on-premise install."""
    settings.KPI_CONNECTORS_ALLOW_PRIVATE_NETWORKS = True
