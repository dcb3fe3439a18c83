"""The Alexa service APIs the habit needs: the device's time zone, and the daily reminder.

Every call goes through the SDK's own service clients and the skill's bounded API client (about
1.5 s each, one attempt). A turn makes at most one call that fails: once Alexa did not answer
(or refused), the turn makes no other call, so a hanging API costs a turn one timeout at most.
Nothing here raises: a failure is a value (``None`` for the zone, ``Refused`` for a reminder)
and a log line without the device id, the token or the access token.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, assert_never
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import get_device_id
from ask_sdk_model.services import ServiceException

from upper_back.core.habit import clock_text, clock_time
from upper_back.core.outcomes import CreateReminder, DeleteReminder, ReminderProblem
from upper_back.core.reminders import (
    Created,
    Deleted,
    PermissionMissing,
    Refused,
    ReminderResult,
)
from upper_back.edge import observability
from upper_back.render import phrases

log = logging.getLogger(__name__)

REMINDERS_SCOPE = "alexa::alerts:reminders:skill:readwrite"
PERMISSION_TOKEN = "reminder@"
"""The voice permission request's token, echoed back in ``Connections.Response``, is this and
the reminder time ("reminder@08:00"): the time the person agreed to, whatever became of the
session meanwhile."""
_ZONE_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_+\-]*(/[A-Za-z0-9_+\-]+)*$")


def permission_token(at: time) -> str:
    """The voice permission request's token for a reminder at ``at``."""
    return PERMISSION_TOKEN + clock_text(at)


def time_from_token(token: object) -> time | None:
    """The reminder time a permission answer's token carries; None if it does not read."""
    if not (isinstance(token, str) and token.startswith(PERMISSION_TOKEN)):
        return None
    return clock_time(token.removeprefix(PERMISSION_TOKEN))


def zone_info(name: str | None) -> ZoneInfo | None:
    """The IANA zone ``name`` names, or None (unknown, damaged, or a path in disguise)."""
    if not name or len(name) > 64 or not _ZONE_NAME.match(name):
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: "Europe" is a folder
        return None


def local_date(now: datetime, zone: str | None) -> date:
    """``now`` as a date in ``zone`` (UTC when the zone is not known)."""
    info = zone_info(zone)
    aware = now if now.tzinfo else now.replace(tzinfo=UTC)
    return aware.astimezone(info).date() if info is not None else aware.astimezone(UTC).date()


def reminders_permitted(handler_input: HandlerInput) -> bool:
    """Whether the person has granted the reminders permission (as the request says)."""
    user = getattr(getattr(handler_input.request_envelope.context, "system", None), "user", None)
    scopes = getattr(getattr(user, "permissions", None), "scopes", None) or {}
    scope = scopes.get(REMINDERS_SCOPE) if isinstance(scopes, dict) else None
    status = getattr(getattr(scope, "status", None), "value", None)
    return status == "GRANTED"


@dataclass
class AlexaServices:
    """The Alexa APIs as one request sees them: once a call fails, the rest of the request
    leaves them alone (so a hanging API costs one bounded call, not one per attempt)."""

    handler_input: HandlerInput
    locale: str = "en-US"
    reachable: bool = True
    calls: list[str] = field(default_factory=list)
    """The calls made, by name, in order (for the logs and the benchmark)."""

    def _factory(self) -> Any:
        system = getattr(self.handler_input.request_envelope.context, "system", None)
        if not getattr(system, "api_endpoint", None) or not getattr(
            system, "api_access_token", None
        ):
            return None  # not an Alexa request with API access (a skill event, a test envelope)
        return self.handler_input.service_client_factory

    def time_zone(self) -> str | None:
        """The device's time zone name, or None when it cannot be had in time (any failure,
        the SDK's own included: an error body it cannot read raises SerializationException)."""
        factory = self._factory()
        device = get_device_id(self.handler_input)  # the app gives every request a context
        if factory is None or not device or not self.reachable:
            return None
        self.calls.append("time_zone")
        try:
            zone = factory.get_ups_service().get_system_time_zone(device)
        except ServiceException as error:
            self._failed("time zone lookup failed", error.status_code)
            return None
        except Exception as error:  # an unreadable error body: SerializationException
            self._failed("time zone lookup failed", None, type(error).__name__)
            return None
        if not isinstance(zone, str) or zone_info(zone) is None:
            log.warning("time zone lookup gave no usable zone")
            return None
        return zone

    def run(
        self, effect: CreateReminder | DeleteReminder, zone: str | None, now: datetime
    ) -> ReminderResult:
        """Carry out a reminder effect; never raises, never retries."""
        match effect:
            case CreateReminder(at=at, replacing=old):
                if not (reminders_permitted(self.handler_input) or self._just_granted()):
                    return PermissionMissing()
                if old is not None:
                    deleted = self.delete(old)
                    if isinstance(deleted, Refused):
                        return deleted  # the old one stands: never two daily reminders
                created = self._create(at, zone, now)
                if isinstance(created, Refused) and old is not None:
                    return Refused(created.problem, old_deleted=True)
                return created
            case DeleteReminder(token=token):
                return self.delete(token)
            case _:
                assert_never(effect)

    def _just_granted(self) -> bool:
        """This request is Alexa's answer to the permission question, and a create is asked of
        it only when the answer was yes: the request's own permission scopes may not say so
        yet, and asking again would go round in circles (a 401 then sends the card)."""
        request = self.handler_input.request_envelope.request
        return getattr(request, "object_type", None) == "Connections.Response"

    def _client(self) -> Any:
        factory = self._factory()
        if factory is None or not self.reachable:
            return None
        return factory.get_reminder_management_service()

    def _create(self, at: time, zone: str | None, now: datetime) -> Created | Refused:
        client = self._client()
        if client is None:
            return Refused(ReminderProblem.UNAVAILABLE)
        self.calls.append("create_reminder")
        try:
            answer = client.create_reminder(reminder_request(at, zone, now, self.locale))
        except ServiceException as error:
            return Refused(self._failed("reminder create failed", error.status_code))
        except Exception as error:  # an unreadable body: SerializationException
            # It may have been created; its token is unknown. Said as not set, like a timeout.
            return Refused(self._failed("reminder create failed", None, type(error).__name__))
        token = getattr(answer, "alert_token", None)
        if not isinstance(token, str) or not token:
            log.error("reminder created without a token")
            return Refused(ReminderProblem.UNAVAILABLE)
        return Created(token)

    def delete(self, token: str) -> Deleted | Refused:
        """Delete the reminder ``token``; Deleted also when Alexa no longer has it."""
        client = self._client()
        if client is None:
            return Refused(ReminderProblem.UNAVAILABLE)
        self.calls.append("delete_reminder")
        try:
            client.delete_reminder(token)
        except ServiceException as error:
            if error.status_code == 404:  # already gone (deleted in the Alexa app)
                return Deleted()
            return Refused(self._failed("reminder delete failed", error.status_code))
        except Exception as error:  # an unreadable body: SerializationException
            return Refused(self._failed("reminder delete failed", None, type(error).__name__))
        return Deleted()

    def _failed(
        self, message: str, status: int | None, error: str | None = None
    ) -> ReminderProblem:
        """Log a failed call, stop calling for the rest of the request, and say why it failed."""
        self.reachable = False
        log.warning(message, extra={"status": status, "error": error})
        observability.count("AlexaApiFailed")
        match status:
            case 401:
                return ReminderProblem.NO_PERMISSION
            case 403:
                return ReminderProblem.UNSUPPORTED
            case _:
                return ReminderProblem.UNAVAILABLE


def reminder_request(at: time, zone: str | None, now: datetime, locale: str) -> Any:
    """The Reminders API request for a daily reminder at local time ``at``: the first one at
    the next ``at`` in ``zone`` (local time without an offset, as the API requires), then every
    day by the rule's hour and minute. Without a known zone, Alexa uses the device's own."""
    from ask_sdk_model.services.reminder_management import (  # noqa: PLC0415 (rarely needed)
        AlertInfo,
        PushNotification,
        PushNotificationStatus,
        Recurrence,
        ReminderRequest,
        SpokenInfo,
        SpokenText,
        Trigger,
        TriggerType,
    )

    info = zone_info(zone)
    local_now = now.astimezone(info) if info is not None else now.astimezone(UTC)
    first = datetime.combine(local_now.date(), at)
    if first <= local_now.replace(tzinfo=None) or info is None:
        # Without the zone the device's "now" is not known: tomorrow's date is in the future
        # almost everywhere (the rule's hour and minute decide the time of day anyway).
        first += timedelta(days=1)
    rule = f"FREQ=DAILY;BYHOUR={at.hour};BYMINUTE={at.minute};BYSECOND=0"
    return ReminderRequest(
        request_time=now.astimezone(UTC).replace(tzinfo=None, microsecond=0),
        trigger=Trigger(
            object_type=TriggerType.SCHEDULED_ABSOLUTE,
            scheduled_time=first,
            time_zone_id=zone if info is not None else None,
            recurrence=Recurrence(start_date_time=first, recurrence_rules=[rule]),
        ),
        alert_info=AlertInfo(
            spoken_info=SpokenInfo(content=[SpokenText(locale=locale, text=phrases.REMINDER_TEXT)])
        ),
        push_notification=PushNotification(status=PushNotificationStatus.ENABLED),
    )
