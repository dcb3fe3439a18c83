"""Loopback endpoints that fail the way a network can, and moto's server: pytest fixtures shared
by the fault tests (the handler on DynamoDB) and the integration tests (the adapter itself).

Registered for every test folder through ``pytest_plugins`` in tests/conftest.py. Only
loopback addresses; every thread is a daemon and is joined at teardown.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest
from moto.server import ThreadedMotoServer

LOOPBACK = "127.0.0.1"


@pytest.fixture
def silent_endpoint() -> Iterator[str]:
    """A loopback HTTP endpoint that accepts every connection and never answers a byte."""
    server = socket.create_server((LOOPBACK, 0))
    server.settimeout(0.05)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                connection, _address = server.accept()
            except TimeoutError:
                continue
            except OSError:
                return  # closed under us
            accepted.append(connection)

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://{LOOPBACK}:{server.getsockname()[1]}"
    stop.set()
    thread.join(timeout=2)
    for connection in accepted:
        connection.close()
    server.close()


@pytest.fixture
def refused_endpoint() -> str:
    """A loopback port nothing listens on: connections are refused at once."""
    with socket.create_server((LOOPBACK, 0)) as probe:
        port = probe.getsockname()[1]
    return f"http://{LOOPBACK}:{port}"


@pytest.fixture(scope="session")
def moto_server() -> Iterator[str]:
    """moto's server in a daemon thread on the loopback address (a free port); its URL. One per
    test session, shared: tests that use it reset it or use their own table."""
    server = ThreadedMotoServer(ip_address=LOOPBACK, port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()
