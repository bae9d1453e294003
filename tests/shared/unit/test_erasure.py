"""Traces: what of an erased person a message body may hold, replaced wherever it occurs."""

from shared.erasure import ERASED, Traces

TOKEN = "m4nage-t0ken-0123456789abcdefghij"
TRACES = Traces(
    "reg-1", {"Anna Müller": ERASED, "anna@example.eu": "erased-reg-1@invalid"}, (TOKEN,)
)


def test_personal_values_are_replaced_whole_and_emails_in_any_case():
    body = {"participant": {"name": "Anna Müller", "email": "Anna@Example.EU", "language": "de"}}

    assert TRACES.scrub(body) == {
        "participant": {"name": ERASED, "email": "erased-reg-1@invalid", "language": "de"}
    }


def test_tokens_are_cut_out_of_the_urls_that_carry_them():
    body = {"manage_url": f"https://cx.example/manage/{TOKEN}", "links": [f"{TOKEN}.ics", 3]}

    assert TRACES.scrub(body) == {
        "manage_url": f"https://cx.example/manage/{ERASED}",
        "links": [f"{ERASED}.ics", 3],
    }


def test_text_that_merely_contains_a_name_is_left_alone():
    body = {"event": {"title": "Anna Müller's workshop", "capacity": 10, "open": True}}

    assert TRACES.scrub(body) == body
