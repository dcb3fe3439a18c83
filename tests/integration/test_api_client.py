"""``BoundedApiClient`` under the SDK's real service clients, against the fake Alexa API over HTTP.

Each test builds the service clients the way the SDK does for a handler (``ServiceClientFactory``
over an ``ApiConfiguration`` holding the client, the endpoint and the access token), so what is
checked is what a handler gets: values deserialized by the SDK, failures as ``ServiceException``.
Timings use the client's default 1.5-second budget unless a test says otherwise.
"""

from __future__ import annotations

import logging
import socket
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.exceptions import ApiClientException
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_core.skill_builder import CustomSkillBuilder
from ask_sdk_model import (
    Application,
    Context,
    Device,
    LaunchRequest,
    RequestEnvelope,
    Response,
    User,
)
from ask_sdk_model.interfaces.system import SystemState
from ask_sdk_model.services import (
    ApiClientRequest,
    ApiConfiguration,
    ServiceClientFactory,
    ServiceException,
)
from ask_sdk_model.services.reminder_management import (
    AlertInfo,
    PushNotification,
    PushNotificationStatus,
    ReminderRequest,
    ReminderResponse,
    SpokenInfo,
    SpokenText,
    Trigger,
    TriggerType,
)
from ask_sdk_model.ui import SsmlOutputSpeech

from tests.fakes.alexa_api import REMINDERS, TIME_ZONE, FakeAlexaApi
from tests.fakes.store import MemoryStore
from upper_back.edge.api_client import BoundedApiClient, checked_origin
from upper_back.edge.app import build_skill

TOKEN = "fake.api.access.token"
DEVICE = "amzn1.ask.device.FAKEDEVICE"
TIME_ZONE_PATH = f"/v2/devices/{DEVICE}/settings/System.timeZone"
SLACK = 0.1  # seconds of scheduling noise allowed on top of a bound


@pytest.fixture
def client() -> Iterator[BoundedApiClient]:
    """The client with its defaults; its pooled connections closed at teardown."""
    api_client = BoundedApiClient()
    yield api_client
    api_client.close()


def services(client: BoundedApiClient, endpoint: str) -> ServiceClientFactory:
    """The SDK's service clients over ``client``, as ``CustomSkill.invoke`` builds them."""
    return ServiceClientFactory(
        ApiConfiguration(
            serializer=DefaultSerializer(),
            api_client=client,
            authorization_value=TOKEN,
            api_endpoint=endpoint,
        )
    )


def time_zone(client: BoundedApiClient, endpoint: str) -> Any:
    return services(client, endpoint).get_ups_service().get_system_time_zone(DEVICE)


def reminder() -> ReminderRequest:
    return ReminderRequest(
        request_time=datetime(2024, 1, 1, tzinfo=UTC),
        trigger=Trigger(object_type=TriggerType.SCHEDULED_RELATIVE, offset_in_seconds=3600),
        alert_info=AlertInfo(
            spoken_info=SpokenInfo(content=[SpokenText(locale="en-GB", text="Upper back time")])
        ),
        push_notification=PushNotification(status=PushNotificationStatus.ENABLED),
    )


def failure(call: Callable[[], object]) -> tuple[ServiceException, float]:
    """The ``ServiceException`` that ``call`` raises, and the seconds it took."""
    started = time.monotonic()
    with pytest.raises(ServiceException) as caught:
        call()
    return caught.value, time.monotonic() - started


@pytest.fixture
def silent_tls() -> Iterator[str]:
    """An https URL on loopback whose port accepts TCP (the kernel's backlog) but never speaks:
    the TLS handshake never completes."""
    with socket.create_server(("127.0.0.1", 0), backlog=8) as listener:
        yield f"https://127.0.0.1:{listener.getsockname()[1]}"


@pytest.fixture
def closed_port() -> str:
    """An https URL on a loopback port nothing listens on: refused at once."""
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]
    return f"https://127.0.0.1:{port}"


# Through the SDK's service clients ------------------------------------------------------------


def test_the_time_zone_comes_back(client: BoundedApiClient, alexa_api: FakeAlexaApi) -> None:
    assert time_zone(client, alexa_api.endpoint) == "Europe/London"

    [seen] = alexa_api.received
    assert (seen.method, seen.path) == ("GET", TIME_ZONE_PATH)


def test_the_authorization_header_carries_the_bearer_token(
    client: BoundedApiClient, alexa_api: FakeAlexaApi
) -> None:
    time_zone(client, alexa_api.endpoint)

    [seen] = alexa_api.received
    assert seen.headers["authorization"] == f"Bearer {TOKEN}"


def test_a_reminder_is_created_and_deleted(
    client: BoundedApiClient, alexa_api: FakeAlexaApi
) -> None:
    reminders = services(client, alexa_api.endpoint).get_reminder_management_service()

    created = reminders.create_reminder(reminder())
    assert isinstance(created, ReminderResponse)
    token = created.alert_token
    assert token is not None
    reminders.delete_reminder(token)

    assert token == "fake-alert-token-1"
    create, delete = alexa_api.received
    assert (create.method, create.path) == ("POST", REMINDERS)
    assert create.headers["content-type"] == "application/json"
    assert create.body["trigger"] == {"type": "SCHEDULED_RELATIVE", "offsetInSeconds": 3600}
    assert create.body["alertInfo"]["spokenInfo"]["content"][0]["text"] == "Upper back time"
    assert (delete.method, delete.path) == ("DELETE", f"{REMINDERS}/fake-alert-token-1")


def test_the_skill_builder_hands_the_client_to_handlers(
    client: BoundedApiClient, alexa_api: FakeAlexaApi
) -> None:
    class SpeakTimeZone(AbstractRequestHandler):
        def can_handle(self, handler_input: HandlerInput) -> bool:  # noqa: ARG002
            return True

        def handle(self, handler_input: HandlerInput) -> Response:
            factory = handler_input.service_client_factory
            assert factory is not None
            zone = factory.get_ups_service().get_system_time_zone(DEVICE)
            return handler_input.response_builder.speak(f"It is {zone} time.").response

    builder = CustomSkillBuilder(api_client=client)
    builder.add_request_handler(SpeakTimeZone())
    envelope = RequestEnvelope(
        version="1.0",
        context=Context(
            system=SystemState(
                application=Application(application_id="amzn1.ask.skill.FAKE"),
                user=User(user_id="amzn1.ask.account.FAKE"),
                device=Device(device_id=DEVICE),
                api_endpoint=alexa_api.endpoint,
                api_access_token=TOKEN,
            )
        ),
        request=LaunchRequest(request_id="r1", timestamp=datetime.now(UTC), locale="en-GB"),
    )

    answer = builder.create().invoke(request_envelope=envelope, context=None)

    assert answer.response is not None
    speech = answer.response.output_speech
    assert isinstance(speech, SsmlOutputSpeech)
    assert speech.ssml is not None
    assert "It is Europe/London time." in speech.ssml
    [seen] = alexa_api.received
    assert seen.headers["authorization"] == f"Bearer {TOKEN}"


@pytest.mark.parametrize("status", [400, 401, 403, 404, 429, 500, 503])
def test_an_error_status_surfaces_as_a_service_exception_with_that_status(
    client: BoundedApiClient, alexa_api: FakeAlexaApi, status: int
) -> None:
    alexa_api.answer("GET", TIME_ZONE, status, {"code": "INVALID_TOKEN", "message": "No."})

    error, _ = failure(lambda: time_zone(client, alexa_api.endpoint))

    assert error.status_code == status
    assert len(alexa_api.received) == 1


# Bounded time, one attempt -------------------------------------------------------------------


def test_a_hanging_route_costs_at_most_the_budget(
    client: BoundedApiClient, alexa_api: FakeAlexaApi
) -> None:
    alexa_api.hang("GET", TIME_ZONE)

    error, took = failure(lambda: time_zone(client, alexa_api.endpoint))

    assert client.read_timeout - SLACK < took < client.timeout + SLACK
    assert error.status_code == 500
    assert "ReadTimeout" in str(error)
    assert len(alexa_api.received) == 1


def test_a_hanging_reminder_create_is_attempted_once(alexa_api: FakeAlexaApi) -> None:
    client = BoundedApiClient(timeout=0.3)  # the budget does not matter here: be quick
    alexa_api.hang("POST", REMINDERS)
    reminders = services(client, alexa_api.endpoint).get_reminder_management_service()
    try:
        error, took = failure(lambda: reminders.create_reminder(reminder()))
    finally:
        client.close()

    assert took < client.timeout + SLACK
    assert error.status_code == 500
    assert [seen.method for seen in alexa_api.received] == ["POST"]


def test_a_dropped_reminder_create_is_not_retried(
    client: BoundedApiClient, alexa_api: FakeAlexaApi
) -> None:
    alexa_api.drop("POST", REMINDERS)
    reminders = services(client, alexa_api.endpoint).get_reminder_management_service()

    error, _ = failure(lambda: reminders.create_reminder(reminder()))

    assert error.status_code == 500
    assert [seen.method for seen in alexa_api.received] == ["POST"]


def test_a_body_that_trickles_in_is_cut_at_the_deadline(alexa_api: FakeAlexaApi) -> None:
    """Each byte arrives well within the read timeout, so only the whole-call deadline stops it
    (the whole body would take 4 s)."""
    client = BoundedApiClient(timeout=0.6)
    alexa_api.drip("GET", TIME_ZONE, "Europe/London" * 4, interval=0.075)
    try:
        error, took = failure(lambda: time_zone(client, alexa_api.endpoint))
    finally:
        client.close()

    assert client.timeout - SLACK < took < client.timeout + SLACK
    assert error.status_code == 500


def test_a_body_that_stalls_is_cut_at_the_deadline_not_at_the_next_byte(
    client: BoundedApiClient, alexa_api: FakeAlexaApi
) -> None:
    """The first byte comes 0.85 s after the headers (within the 1 s read timeout), the next at
    1.7 s: the read waiting for it is given only the time left, so the call ends at 1.5 s."""
    alexa_api.drip("GET", TIME_ZONE, "Europe/London", interval=0.85)

    error, took = failure(lambda: time_zone(client, alexa_api.endpoint))

    assert client.timeout - SLACK < took < client.timeout + SLACK
    assert error.status_code == 500


def test_an_https_endpoint_that_never_answers_fails_within_the_connect_timeout(
    client: BoundedApiClient, silent_tls: str
) -> None:
    error, took = failure(lambda: time_zone(client, silent_tls))

    assert took < client.connect_timeout + SLACK
    assert error.status_code == 500


def test_an_https_endpoint_that_refuses_fails_at_once(
    client: BoundedApiClient, closed_port: str
) -> None:
    error, took = failure(lambda: time_zone(client, closed_port))

    assert took < SLACK
    assert error.status_code == 500


# Only https, or http to loopback ---------------------------------------------------------------


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Every name lookup or connect attempted from now on (each also fails)."""
    attempts: list[object] = []

    def refuse(*args: object, **kwargs: object) -> Any:
        attempts.append(args)
        raise OSError("this test allows no network use")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    return attempts


@pytest.mark.parametrize(
    "endpoint",
    [
        "http://example.invalid",
        "http://10.0.0.1:8080",
        "http://api.amazonalexa.com",
        "http://127.0.0.1.example.invalid",
        "http://[::ffff:127.0.0.1]",
        "ftp://127.0.0.1",
        "https://user:secret@api.amazonalexa.com",
        "api.amazonalexa.com",
    ],
)
def test_anything_but_https_or_loopback_http_is_refused_without_network(
    client: BoundedApiClient, alexa_api: FakeAlexaApi, no_network: list[object], endpoint: str
) -> None:
    error, took = failure(lambda: time_zone(client, endpoint))

    assert took < 0.05
    assert error.status_code == 500
    assert str(error).startswith("Call to service failed: Refused")
    assert no_network == []
    assert alexa_api.received == []


@pytest.mark.parametrize(
    ("url", "origin"),
    [
        ("https://api.amazonalexa.com/v1/x?y=1", "https://api.amazonalexa.com"),
        ("HTTPS://API.EU.AmazonAlexa.com:443/v1", "https://api.eu.amazonalexa.com:443"),
        ("http://127.0.0.1:8080/v1", "http://127.0.0.1:8080"),
        ("http://127.5.6.7/v1", "http://127.5.6.7"),
        ("http://[::1]:9000/v1", "http://[::1]:9000"),
        ("http://localhost:9000", "http://localhost:9000"),
    ],
)
def test_https_anywhere_and_http_to_loopback_are_allowed(url: str, origin: str) -> None:
    assert checked_origin(url) == origin


def test_an_unknown_method_is_refused_without_network(
    client: BoundedApiClient, alexa_api: FakeAlexaApi, no_network: list[object]
) -> None:
    request = ApiClientRequest(url=f"{alexa_api.endpoint}/v1/x", method="TRACE", headers=[])

    with pytest.raises(ApiClientException, match="TRACE"):
        client.invoke(request)

    assert no_network == []


# Same mapping as the SDK's client; connections; secrets ----------------------------------------


def test_requests_and_responses_are_mapped_as_the_sdk_client_does(
    client: BoundedApiClient, alexa_api: FakeAlexaApi
) -> None:
    alexa_api.answer("POST", "/v1/echo", 201, {"ok": True}, headers={"X-Multi": "a, b,,c"})
    request = ApiClientRequest(
        url=f"{alexa_api.endpoint}/v1/echo",
        method="POST",
        headers=[("Content-type", "application/json"), ("X-Dup", "1"), ("X-Dup", "2")],
        # What the SDK's serializer hands over is JSON-ready data, whatever the annotation says.
        body={"hello": ["world"]},  # type: ignore[arg-type]
    )

    response = client.invoke(request)

    assert response.status_code == 201
    assert response.body == '{"ok": true}'
    assert ("Content-Type", "application/json") in response.headers
    assert [v for k, v in response.headers if k == "X-Multi"] == ["a", "b", "c"]
    [seen] = alexa_api.received
    assert seen.headers["x-dup"] == "1, 2"
    assert seen.body == {"hello": ["world"]}


def test_a_connection_is_reused_while_fresh(
    client: BoundedApiClient, alexa_api: FakeAlexaApi
) -> None:
    time_zone(client, alexa_api.endpoint)
    time_zone(client, alexa_api.endpoint)

    first, second = alexa_api.received
    assert first.peer == second.peer


def test_an_idle_connection_is_not_reused(alexa_api: FakeAlexaApi) -> None:
    client = BoundedApiClient(max_idle=0)
    try:
        time_zone(client, alexa_api.endpoint)
        time.sleep(0.01)
        time_zone(client, alexa_api.endpoint)
    finally:
        client.close()

    first, second = alexa_api.received
    assert first.peer != second.peer


def test_neither_the_token_nor_the_path_is_logged_or_raised(
    client: BoundedApiClient, alexa_api: FakeAlexaApi, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="upper_back")
    alexa_api.drop("POST", REMINDERS)
    reminders = services(client, alexa_api.endpoint).get_reminder_management_service()

    time_zone(client, alexa_api.endpoint)
    dropped, _ = failure(lambda: reminders.create_reminder(reminder()))
    refused, _ = failure(lambda: time_zone(client, f"http://example.invalid{TIME_ZONE_PATH}"))

    ours = [r for r in caplog.records if r.name.startswith("upper_back")]
    assert {r.getMessage() for r in ours} == {
        "alexa api call",
        "alexa api call failed",
        "alexa api call refused",
    }
    written = " ".join(str(vars(record)) for record in ours) + str(dropped) + str(refused)
    for secret in (TOKEN, DEVICE, "/v2/", "/v1/", "Bearer"):
        assert secret not in written


def test_the_budget_is_split_into_connect_and_read() -> None:
    client = BoundedApiClient()

    assert client.timeout == 1.5
    assert client.connect_timeout + client.read_timeout == pytest.approx(1.5)
    assert 0 < client.connect_timeout < client.read_timeout
    client.close()


@pytest.mark.parametrize("timeout", [0, -1, float("nan"), float("inf")])
def test_a_budget_must_be_a_positive_number(timeout: float) -> None:
    with pytest.raises(ValueError, match="timeout"):
        BoundedApiClient(timeout=timeout)


def test_the_skill_is_built_with_the_bounded_client_by_default() -> None:
    """The production composition root hands every handler this client, not the SDK's
    DefaultApiClient (which has no timeout at all)."""
    skill = build_skill(MemoryStore())
    assert isinstance(skill.api_client, BoundedApiClient)
    assert skill.api_client.timeout == 1.5
