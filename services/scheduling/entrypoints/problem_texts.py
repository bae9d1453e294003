"""The problems scheduling's pages can show, in the words of the domain and the schemas.

Each is translated when a page shows it (``shared.pages.problem_text``); the API keeps the
English. A message changed in the domain must change here too, or pages show it in English.
"""

from shared.pages.problem_text import N_

PROBLEMS = (
    # a participant's visits and rankings
    N_("the participant is already booked on this visit"),
    N_("the visit %(title)s is full (%(capacity)s seats)"),
    N_("the visit %(title)s is cancelled"),
    N_("the visit is already cancelled"),
    N_("the event is cancelled"),
    N_("seats on this visit are allocated from ranked preferences: rank it instead"),
    N_(
        "the visit overlaps %(title)s (%(span)s) of this participant, counting a travel "
        "buffer of %(buffer)s between sites"
    ),
    N_("registration %(registration_id)s is not a confirmed registration of this event"),
    N_("the participant is not booked on this visit"),
    N_("a ranking lists each visit once"),
    N_("not a scheduled visit of this block: %(visits)s"),
    N_("the block %(title)s is closed"),
    # the planner
    N_("end must be after start"),
    N_(
        "a visit must lie within the event's days plus a margin of %(margin)s: between "
        "%(first)s and %(last)s"
    ),
    N_("%(organisation)s already receives %(title)s (%(span)s)"),
    N_("the new time would overlap another visit of participant %(registration_id)s"),
    N_(
        "%(count)s participants are booked; remove some before lowering the capacity to "
        "%(capacity)s"
    ),
    N_("a block needs distinct scheduled visits of this event: %(visits)s"),
    N_("already in another block: %(titles)s"),
    # exchanges: the request form, the parties' pages and the organiser's
    N_("an ISO 3166 country code, e.g. DE"),
    N_("the last day of an exchange cannot be before its first day"),
    N_(
        "an exchange lasts at least %(min)s working days; %(first)s to %(last)s has %(days)s "
        "(weekends and public holidays do not count)"
    ),
    N_(
        "an exchange lasts at most one month: starting %(first)s, the last day is %(last)s "
        "at the latest"
    ),
    N_("visitor and host must be in different countries (both are in %(country)s)"),
    N_(
        "the visitor already has an active exchange; it must be completed, cancelled or "
        "rejected before another is requested"
    ),
    N_("an exchange must lie within the programme period (%(start)s to %(end)s)"),
    N_("unknown time zone %(timezone)s"),
    N_("the agenda is empty: add items before confirming"),
    N_("attended days must lie between 0 and %(days)s"),
    N_("an attendance date (%(day)s) cannot be before the start date (%(first)s)"),
    N_("an attendance date (%(day)s) cannot be after the last day (%(last)s)"),
    N_("this token does not belong to a party of this exchange"),
    N_("agenda items lie within the exchange, %(first)s to %(last)s"),
    N_("an agenda item must end after it starts"),
    N_("an all-day item cannot end before it starts"),
    N_("an agenda item has either start and end or first and last day"),
    N_("an agenda item is one of %(kinds)s"),
    N_("no agenda item %(item_id)s"),
    N_("only the host may do this"),
    N_("only the organiser may do this"),
    N_("only the visitor or the host may do this"),
    N_("only the organiser or the host may do this"),
    N_("only the organiser or the visitor or the host may do this"),
    N_("the exchange is %(status)s; this needs it to be %(needed)s"),
    N_("no such exchange"),
    N_("a certificate is issued once an attended exchange is completed"),
)
