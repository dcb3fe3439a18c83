"""The one mapper from a rendered ``Reply`` to the SDK's ``Response``.

Used for every answer, the last-resort one included. The end of the session is always explicit:
a reprompt keeps it open, no reprompt ends it (only inside a session: a request outside one,
such as a skill event, gets a response with no session flag).
"""

from __future__ import annotations

from typing import Any

from ask_sdk_model import RequestEnvelope, Response
from ask_sdk_model.ui import (
    AskForPermissionsConsentCard,
    Card,
    Reprompt,
    SimpleCard,
    SsmlOutputSpeech,
)

from upper_back.edge.alexa_services import REMINDERS_SCOPE, permission_token
from upper_back.render import screen as screens
from upper_back.render.speech import Reply
from upper_back.render.ssml import Ssml


def _speech(body: Ssml) -> SsmlOutputSpeech:
    return SsmlOutputSpeech(ssml=f"<speak>{body}</speak>")


def has_screen(envelope: RequestEnvelope) -> bool:
    """Whether the device renders the screen document: it has APL, of the document's version or
    newer (an older runtime would refuse it; that device gets the card, as one without a
    screen). A request without context or device has no screen."""
    system = getattr(envelope.context, "system", None)
    interfaces = getattr(getattr(system, "device", None), "supported_interfaces", None)
    apl = getattr(interfaces, "alexa_presentation_apl", None)
    if apl is None:
        return False
    runs = _version(getattr(getattr(apl, "runtime", None), "max_version", None))
    return runs is None or runs >= (_version(screens.document()["version"]) or (0,))


def _version(value: object) -> tuple[int, ...] | None:
    """ "2023.3" as (2023, 3); None for anything else."""
    parts = value.split(".") if isinstance(value, str) else []
    return tuple(int(p) for p in parts) if parts and all(p.isdigit() for p in parts) else None


def _ask_permission(reply: Reply) -> Response:
    """Alexa asks for the reminders permission in its own words (``Connections.SendRequest``);
    its answer comes back as ``Connections.Response``, with the token. As in Amazon's own
    examples, the response has no speech and no session flag: Alexa runs the exchange."""
    from ask_sdk_model.interfaces.connections import SendRequestDirective  # noqa: PLC0415

    assert reply.ask_permission is not None
    payload: dict[str, object] = {
        "@type": "AskForPermissionsConsentRequest",
        "@version": "2",
        "permissionScopes": [{"permissionScope": REMINDERS_SCOPE, "consentLevel": "ACCOUNT"}],
    }
    directive = SendRequestDirective(
        name="AskFor", payload=payload, token=permission_token(reply.ask_permission)
    )
    return Response(directives=[directive])


def to_response(
    reply: Reply, *, screen: bool, in_session: bool, token: str = screens.TOKEN
) -> Response:
    """Alexa's response for ``reply``: speech, reprompt, card and (for a screen) the APL, its
    document named by ``token`` (``screens.token``: a tap sends it back)."""
    if reply.ask_permission is not None:
        return _ask_permission(reply)
    if not reply.speech:
        return Response()
    directives: list[Any] = []
    if screen:
        # Every spoken reply repaints the screen, so it never shows a move the user has left.
        # Imported here: the APL model is hundreds of modules, and most devices have no screen.
        from ask_sdk_model.interfaces.alexa.presentation.apl import (  # noqa: PLC0415
            RenderDocumentDirective,
        )

        directives.append(
            RenderDocumentDirective(
                token=token,
                document=screens.document(),
                datasources=screens.datasources(reply.screen),
            )
        )
    card = reply.screen.card()
    end = reply.reprompt is None
    shown: Card | None = None if card is None else SimpleCard(title=card[0], content=card[1])
    if reply.permission_card:
        # The Alexa app's card that asks for the reminders permission (where voice consent is
        # not available, or the permission was taken away).
        shown = AskForPermissionsConsentCard(permissions=[REMINDERS_SCOPE])
    return Response(
        output_speech=_speech(reply.speech),
        reprompt=None
        if reply.reprompt is None
        else Reprompt(output_speech=_speech(reply.reprompt)),
        card=shown,
        directives=directives or None,
        should_end_session=(end if in_session or not end else None),
    )
