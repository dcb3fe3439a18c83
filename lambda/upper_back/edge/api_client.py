"""``BoundedApiClient``: the ASK SDK's API client, with every Alexa API call bounded in time.

The SDK's ``DefaultApiClient`` calls ``requests`` with no timeout, so one hanging Alexa API call
(a time zone lookup, a reminder create) would hold the turn until Alexa's 8-second deadline and
the user hears nothing. This client is a drop-in replacement
(``CustomSkillBuilder(api_client=BoundedApiClient())``): the SDK's service clients
(``handler_input.service_client_factory.get_ups_service()``, ``.get_reminder_management_service()``,
...) build the same ``ApiClientRequest`` and read the same ``ApiClientResponse`` as before.

What it changes, and why:

* Time. Each call gets ``timeout`` seconds (1.5 by default), split into a connect timeout (a
  third: TCP and TLS handshakes) and a read timeout (the rest). The read timeout bounds each
  socket read, not the whole response, so the body is streamed against a deadline: before every
  read the socket's timeout is cut to the time left, and a body still arriving at the deadline is
  abandoned. A hang before the headers costs at most connect + read = ``timeout``; a body that
  trickles in is cut at ``timeout``. Not covered: DNS resolution, a connect that falls back to a
  second address of the host (each address gets the connect timeout), and response headers that
  trickle in a few bytes per read.
* One attempt. No retries, and no redirects followed: a retried reminder create could leave two
  reminders, and a redirect would be a second request against the same budget.
* Transport. HTTPS only, or plain http to a loopback address (127.0.0.0/8, ::1, localhost) for
  tests and the simulator. Anything else is refused before any network use: the bearer token must
  never cross a network in clear text. The environment is not consulted (no proxies from
  ``HTTP(S)_PROXY``, no ``.netrc``), so a loopback URL really stays on this machine.
* Connections. A ``requests.Session`` keeps connections open across calls (and across warm
  invocations). Since there are no retries, a pooled connection the server closed while the
  function was frozen would fail the call, so connections idle for longer than ``max_idle``
  seconds are dropped before a call rather than reused.
* Secrets. Nothing logged or raised carries the URL's path or query (device ids, alert tokens)
  or any header: only the method, the scheme and host, the outcome and the time taken.

The request and response mapping is the SDK's: header tuples with repeated names joined by
``", "``, a body sent as JSON when the content type says JSON, response headers split on commas
into tuples, the body decoded to text, the status code as is. One difference: a body whose
response declares no charset is decoded as UTF-8 (JSON's encoding) instead of being guessed.
The SDK's base service client turns the ``ApiClientException`` raised here into a
``ServiceException`` with status 500 (and non-2xx statuses into a ``ServiceException`` with that
status), so callers catch ``ServiceException`` either way.
"""

from __future__ import annotations

import json
import logging
import math
import socket
import time
from collections.abc import Iterable, Mapping
from contextlib import suppress
from typing import TYPE_CHECKING, Any, Final

from ask_sdk_core.exceptions import ApiClientException
from ask_sdk_model.services import ApiClient, ApiClientRequest, ApiClientResponse
from urllib3.util import parse_url

if TYPE_CHECKING:
    import requests
    from urllib3.response import BaseHTTPResponse

log = logging.getLogger(__name__)

_METHODS: Final = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"})
_CONNECT_SHARE: Final = 1 / 3
_CHUNK: Final = 64 * 1024


class DeadlineExceededError(TimeoutError):
    """The response was still arriving when the call's time ran out."""


def checked_origin(url: str) -> str:
    """``scheme://host[:port]`` of ``url`` (safe to log), if the client may call it at all.

    Allowed: https to any host, and http to a loopback address written plainly (``127.x.y.z``,
    ``[::1]``, ``localhost``). Refused, with ``ApiClientException``: any other scheme or host,
    credentials in the URL (requests would turn them into a Basic ``Authorization`` header over
    the SDK's bearer token) and anything unparsable. The URL is parsed with urllib3's parser,
    the one requests itself uses, so the host checked is the host connected to.
    """
    try:
        parts = parse_url(url)
    except ValueError:
        raise ApiClientException("Refused an API URL that does not parse") from None
    scheme = (parts.scheme or "").lower()
    host = (parts.host or "").lower()
    if not host:
        raise ApiClientException("Refused an API URL without a host")
    origin = f"{scheme or '(no scheme)'}://{host}" + (
        f":{parts.port}" if parts.port is not None else ""
    )
    if parts.auth is not None:
        raise ApiClientException(f"Refused an API URL with credentials in it ({origin})")
    if scheme == "https" or (scheme == "http" and _is_loopback(host)):
        return origin
    raise ApiClientException(
        f"Refused {origin}: only https, or plain http to a loopback address, may be called"
    )


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        import ipaddress  # noqa: PLC0415 (only for plain http, which only tests use)

        return ipaddress.ip_address(host.removeprefix("[").removesuffix("]")).is_loopback
    except ValueError:
        return False


class BoundedApiClient(ApiClient):
    """An ``ApiClient`` whose calls each take at most about ``timeout`` seconds, made once,
    over HTTPS (or http to loopback). See the module docstring for what is and is not bounded.

    Made once per container and shared by every invocation, like the SDK's default client.
    ``close()`` releases its pooled connections (tests do; a Lambda container never needs to).
    """

    def __init__(self, timeout: float = 1.5, *, max_idle: float = 4.0) -> None:
        """``timeout``: seconds per call, all included (split into connect and read timeouts).
        ``max_idle``: seconds a pooled connection may sit unused and still be reused."""
        if not (math.isfinite(timeout) and timeout > 0):
            raise ValueError(f"timeout must be a positive number of seconds, not {timeout!r}")
        if not (math.isfinite(max_idle) and max_idle >= 0):
            raise ValueError(f"max_idle must be a number of seconds >= 0, not {max_idle!r}")
        self._timeout = float(timeout)
        self._connect = self._timeout * _CONNECT_SHARE
        self._read = self._timeout - self._connect
        self._max_idle = float(max_idle)
        self._last_used: float | None = None
        self._http: requests.Session | None = None

    @property
    def _session(self) -> requests.Session:
        """The HTTP session, made on the first call: requests costs ~14 ms to import, and most
        turns (and every cold start) call no Alexa API."""
        if self._http is None:
            import requests  # noqa: PLC0415
            from requests.adapters import HTTPAdapter  # noqa: PLC0415

            session = requests.Session()
            # The environment is for people's shells, not this function: no proxy may see a
            # loopback call's token, and reading ~/.netrc on every call is wasted time.
            session.trust_env = False
            # No retries, whatever requests' default becomes: the first failure is the answer.
            for prefix in ("https://", "http://"):
                session.mount(prefix, HTTPAdapter(max_retries=0))
            self._http = session
        return self._http

    @property
    def timeout(self) -> float:
        """Seconds per call, all included."""
        return self._timeout

    @property
    def connect_timeout(self) -> float:
        """Seconds allowed for the TCP connect and TLS handshake (to each address tried)."""
        return self._connect

    @property
    def read_timeout(self) -> float:
        """Seconds allowed for each socket read; the body is also cut at ``timeout``."""
        return self._read

    def close(self) -> None:
        """Close the pooled connections. The client stays usable: it would reconnect."""
        self._session.close()

    def invoke(self, request: ApiClientRequest) -> ApiClientResponse:
        """Make the request once within the time budget; map the reply as the SDK's client does.

        A non-2xx status is a normal return (the SDK's service client raises for it). Any failure
        to get a complete response (refused URL, connect or read timeout, deadline, reset) raises
        ``ApiClientException`` with a message free of the URL's path and of header values.
        """
        started = time.monotonic()
        method = str(request.method or "").upper()
        try:
            origin = checked_origin(str(request.url or ""))
            if method not in _METHODS:
                raise ApiClientException(f"Refused HTTP method {method!r} for {origin}")
        except ApiClientException as refusal:
            log.warning("alexa api call refused", extra={"method": method, "error": str(refusal)})
            raise
        headers = _headers_dict(request.headers)
        data = _request_body(request.body, headers)
        self._drop_idle_connections(started)
        try:
            response = self._session.request(
                method,
                request.url,
                headers=headers,
                data=data,
                timeout=(self._connect, self._read),
                stream=True,
                allow_redirects=False,
            )
            try:
                content = _read_body(response.raw, started + self._timeout, self._read)
            finally:
                response.close()
        except Exception as error:
            elapsed = time.monotonic() - started
            log.warning(
                "alexa api call failed",
                extra={
                    "method": method,
                    "origin": origin,
                    "error": type(error).__name__,
                    "elapsed_ms": round(elapsed * 1000),
                },
            )
            # The cause is dropped on purpose: requests' messages quote the URL's path.
            raise ApiClientException(
                f"{method} {origin} failed after {elapsed:.2f} s "
                f"(budget {self._timeout:.2f} s): {type(error).__name__}"
            ) from None
        finally:
            self._last_used = time.monotonic()
        log.debug(
            "alexa api call",
            extra={
                "method": method,
                "origin": origin,
                "status": response.status_code,
                "elapsed_ms": round((time.monotonic() - started) * 1000),
            },
        )
        return ApiClientResponse(
            headers=_header_tuples(response.headers),
            body=_text(content, response.encoding),
            status_code=response.status_code,
        )

    def _drop_idle_connections(self, now: float) -> None:
        """Forget pooled connections unused for longer than ``max_idle``: the server may have
        closed them while the function was frozen, and a call is never retried on a new one."""
        if self._last_used is not None and now - self._last_used > self._max_idle:
            self._session.close()  # empties the pools; the session reconnects on demand


def _read_body(raw: BaseHTTPResponse, deadline: float, read_timeout: float) -> bytes:
    """The (decoded) body, read one socket read at a time so that no read outlives the
    deadline: each read gets the time left, at most the read timeout."""
    chunks: list[bytes] = []
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise DeadlineExceededError("the response body was still arriving at the deadline")
        sock = getattr(raw.connection, "sock", None)
        if isinstance(sock, socket.socket):  # SSLSocket included; absent once fully read
            with suppress(OSError):
                sock.settimeout(min(left, read_timeout))
        chunk = raw.read1(_CHUNK, decode_content=True)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def _headers_dict(headers: Iterable[tuple[str, str]] | None) -> dict[str, str]:
    """The SDK's header tuples as requests wants them: a repeated name's values joined."""
    merged: dict[str, str] = {}
    for key, value in headers or ():
        merged[key] = f"{merged[key]}, {value}" if key in merged else value
    return merged


def _request_body(body: Any, headers: Mapping[str, str]) -> Any:
    """What the SDK's client sends: the serialized model as JSON text for a JSON content type,
    anything else as given."""
    if not body:
        return None
    content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
    return json.dumps(body) if "json" in content_type else body


def _header_tuples(headers: Mapping[str, str]) -> list[tuple[str, str]]:
    """Response headers as the SDK's client gives them: each value split on commas."""
    return [
        (key, part.strip())
        for key, value in headers.items()
        for part in value.split(",")
        if part.strip()
    ]


def _text(content: bytes, encoding: str | None) -> str:
    """The body as text: the declared charset (requests' reading of the headers), else UTF-8."""
    try:
        return content.decode(encoding or "utf-8", errors="replace")
    except LookupError:  # a charset Python does not know
        return content.decode("utf-8", errors="replace")
