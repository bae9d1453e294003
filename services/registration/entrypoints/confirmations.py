"""What the registration pages' confirmation pages say before a destructive action acts."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _

from shared.pages.confirm import Confirmation


def _who(row: dict) -> str:
    return f"{row['name']} <{row['email']}>" if row.get("email") else _("the participant")


def cancel_event(event: dict) -> Confirmation:
    """Cancelling an event emails everybody still registered, with the reason."""
    seats = event["seats"]
    registered = seats["confirmed"] + seats["held"] + seats["waitlisted"] + seats["pending"]
    emailed = (
        _(
            "Everyone still registered (%(count)s, whether confirmed, waiting or pending "
            "approval), each in their own language.",
            count=registered,
        )
        if registered
        else ""
    )
    return Confirmation(
        title=_("Cancel the event “%(title)s”?", title=event["title"]),
        consequence=_(
            "The event is cancelled for good: registration closes, every registration ends and "
            "the calendar feeds show it as cancelled. This cannot be undone."
        ),
        emailed=emailed,
        button=_("Cancel the event"),
        back=url_for("organiser_pages.event", event_id=event["id"]),
        reason_label=_("Reason, quoted in the email"),
    )


def delete_draft(event: dict) -> Confirmation:
    """Deleting a draft removes it; nobody has seen it, so nobody is emailed."""
    return Confirmation(
        title=_("Delete the draft “%(title)s”?", title=event["title"]),
        consequence=_(
            "The draft and its partner quotas are deleted. It was never published, so nobody "
            "could register. This cannot be undone."
        ),
        emailed="",
        button=_("Delete the draft"),
        back=url_for("organiser_pages.event", event_id=event["id"]),
    )


def reject(row: dict) -> Confirmation:
    """Rejecting a pending registration emails its participant, with the reason."""
    return Confirmation(
        title=_("Reject the registration of %(name)s?", name=row["name"] or _("the participant")),
        consequence=_(
            "The registration is rejected: it takes no seat and cannot be approved later."
        ),
        emailed=_who(row),
        button=_("Reject the registration"),
        back=url_for("organiser_pages.event", event_id=row["event_id"]),
        reason_label=_("Reason, quoted in the email"),
    )


def reject_many(event_id: str, rows: list[dict]) -> Confirmation:
    """Rejecting several pending registrations at once emails each participant."""
    names = ", ".join(_who(row) for row in rows)
    return Confirmation(
        title=_("Reject %(count)s registrations?", count=len(rows)),
        consequence=_(
            "These registrations are rejected: they take no seat and cannot be approved later."
        ),
        emailed=names,
        button=_("Reject the registrations"),
        back=url_for("organiser_pages.event", event_id=event_id),
        reason_label=_("Reason, quoted in the email"),
        hidden=(("action", "reject"), *(("ids", row["id"]) for row in rows)),
    )


def cancel_registration(row: dict) -> Confirmation:
    """An organiser cancelling a registration frees its seat for the waiting list."""
    return Confirmation(
        title=_("Cancel the registration of %(name)s?", name=row["name"] or _("the participant")),
        consequence=_(
            "The registration is cancelled and its seat goes to the next person waiting, who "
            "is told by email too."
        ),
        emailed=_who(row),
        button=_("Cancel the registration"),
        back=url_for("organiser_pages.event", event_id=row["event_id"]),
    )


def cancel_own(own: dict, token: str) -> Confirmation:
    """A participant cancelling their own registration."""
    return Confirmation(
        title=_("Cancel your registration for “%(title)s”?", title=own["event_title"]),
        consequence=_(
            "Your registration is cancelled and your seat goes to the next person waiting. "
            "To come after all, you would have to register again."
        ),
        emailed=_("You, at %(email)s: a confirmation of the cancellation.", email=own["email"]),
        button=_("Cancel my registration"),
        back=url_for("participant_pages.manage", token=token),
    )


def erase_own(own: dict, token: str) -> Confirmation:
    """A participant erasing their personal data: nothing can be sent to them afterwards."""
    return Confirmation(
        title=_("Erase your personal data?"),
        consequence=_(
            "Your name, email and details are erased here and in the scheduling and email "
            "services; your registration ends and this page's link stops working. This cannot "
            "be undone."
        ),
        emailed="",
        button=_("Erase my personal data"),
        back=url_for("participant_pages.manage", token=token),
    )


def correct_email(row: dict, correction: dict) -> Confirmation:
    """Correcting an address: from which to which, and whether the failed emails go again."""
    name, old, new = row["name"] or _("the participant"), row["email"], correction["email"]
    consequence = _(
        "%(old)s is replaced by %(new)s: from now on every email goes to the new address, and "
        "the change is recorded in the registration's history.",
        old=old,
        new=new,
    )
    if not correction["resend_failed"]:
        consequence += " " + _("Failed emails go again only if you resend them (delivery log).")
    emailed = (
        _(
            "%(name)s at %(new)s: the emails that failed to reach %(old)s.",
            name=name,
            new=new,
            old=old,
        )
        if correction["resend_failed"]
        else ""
    )
    return Confirmation(
        title=_("Correct the email address of %(name)s?", name=name),
        consequence=consequence,
        emailed=emailed,
        button=_("Correct the email address"),
        back=url_for("registration_page.registration", registration_id=row["id"]),
        hidden=(
            ("email", new),
            ("reason", correction["reason"] or ""),
            ("resend_failed", "true" if correction["resend_failed"] else "false"),
        ),
    )
