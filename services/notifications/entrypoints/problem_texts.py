"""The problems the notifications pages can show, in the words of the domain and the schemas.

Each is translated when a page shows it (``shared.pages.problem_text``); the API keeps the
English. A message changed in the domain must change here too, or pages show it in English.
"""

from shared.pages.problem_text import N_

PROBLEMS = (
    N_("the recipient's personal data was erased"),
    N_("the URL must be an absolute http:// or https:// URL"),
    N_("the URL must not carry credentials; the signature authenticates"),
    N_("choose at least one message type"),
    N_("no webhook endpoint %(endpoint_id)s"),
    N_("no delivery %(delivery_id)s of endpoint %(endpoint_id)s"),
)
