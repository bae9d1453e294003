"""The problems registration's pages can show, in the words of the domain and the schemas.

Each is translated when a page shows it (``shared.pages.problem_text``); the API keeps the
English. A message changed in the domain must change here too, or pages show it in English.
"""

from shared.pages.problem_text import N_

PROBLEMS = (
    # registering (the participant's form)
    N_("a name has 1 to %(max)s characters"),
    N_("a name may hold only letters, spaces and the marks ' - ."),
    N_("a name needs at least one letter"),
    N_("consent to the privacy notice is required to register"),
    N_("this email is already registered for the event"),
    N_("the event is full and keeps no waiting list"),
    N_("the event is %(status)s, not open for registration"),
    N_("registration has not opened yet"),
    N_("registration has closed"),
    N_("unknown or replaced partner code"),
    N_("unknown or revoked link"),
    N_("no such registration"),
    N_("the registration was erased"),
    # the event form
    N_("unknown IANA timezone %(timezone)s"),
    N_("unknown timezone %(timezone)s"),
    N_("end must be after start"),
    N_("capacity must be at least 1"),
    N_("registration must close after it opens"),
    N_("registration must close before the event ends"),
    N_("waitlist_offer_hours must lie between 0 and %(max)s"),
    N_("personal data must be kept at least until the event ends"),
    N_("each partner may have one quota only"),
    N_("each partner may hold only one quota"),
    N_("partner quotas add up to more seats than the capacity"),
    N_(
        "capacity %(capacity)s is below the %(taken)s confirmed or offered seats; cancel some first"
    ),
    N_("a cancelled event cannot be edited"),
    N_("the event is cancelled"),
    N_("the event is already cancelled"),
    N_("only a draft can be published (event is %(status)s)"),
    N_("only a draft can be deleted (event is %(status)s); cancel it instead"),
    N_("no event %(event_id)s"),
    # the roster's actions
    N_("the registration is %(status)s, not pending"),
    N_("the registration is %(status)s, not waitlisted"),
    N_("the registration is already %(status)s"),
    N_("no seat is free; raise the capacity first"),
    N_("no seat is free and the event keeps no waiting list"),
    N_("no such registration for this event"),
    # the check-in desk
    N_("%(day)s is not a date (YYYY-MM-DD)"),
    N_("%(day)s is not a day of this event"),
    N_("nobody with this registration is checked in on this day"),
    N_("nobody with this registration is checked in on this visit"),
)
