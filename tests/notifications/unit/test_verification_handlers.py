"""Verification and reminder emails of public registration, and forgetting the unverified."""

from datetime import timedelta

from services.notifications.domain.readmodel import Recipient
from tests.notifications import factories as f


def _asked(number: int = 1) -> dict:
    registration = f.registration("confirmed", number)
    return {
        "registration_id": registration["registration_id"],
        "event": registration["event"],
        "participant": registration["participant"],
        "verify_url": f"https://cx.example.eu/verify/v-{number}",
        "expires_at": f.NOW + timedelta(minutes=30),
    }


def _known(uow_factory, registration_id: str) -> bool:
    uow = uow_factory()
    with uow:
        return uow.session.get(Recipient, registration_id) is not None


def test_a_verification_request_queues_the_link_and_no_personal_links(handle, stored, uow_factory):
    handle(f.envelope("registration.verification_requested", _asked()))

    (queued,) = stored()
    assert (queued.kind, queued.recipient_email) == ("registration_verify", "anna1@example.eu")
    assert queued.context["verify_url"] == "https://cx.example.eu/verify/v-1"
    assert queued.context["manage_url"] == queued.context["feed_url"] == ""
    assert queued.calendar is None
    assert not _known(uow_factory, "reg-1")  # an unverified person is not a recipient


def test_an_already_registered_notice_gives_the_manage_link(handle, stored):
    payload = {k: v for k, v in _asked().items() if k not in {"verify_url", "expires_at"}}
    payload["manage_url"] = "https://cx.example.eu/manage/token-1"

    handle(f.envelope("registration.already_registered", payload))

    (queued,) = stored()
    assert queued.kind == "registration_already"
    assert queued.context["manage_url"] == "https://cx.example.eu/manage/token-1"


def test_an_expired_registration_drops_its_queued_verification_email(handle, stored):
    handle(f.envelope("registration.verification_requested", _asked()))
    expired = {"registration_id": "reg-1", "event_id": f.EVENT_ID, "expired_at": f.NOW}

    handle(f.envelope("registration.expired", expired))

    assert stored() == []
