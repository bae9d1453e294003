import pytest

from services.notifications.adapters.smtp import SmtpMailer


def test_an_unknown_security_mode_is_refused():
    with pytest.raises(ValueError, match="ssl"):
        SmtpMailer("smtp.example.eu", 587, security="ssl")


@pytest.mark.parametrize("username, password", [("relay-user", None), (None, "secret")])
def test_a_username_without_password_or_the_reverse_is_refused(username, password):
    with pytest.raises(ValueError, match="username and password"):
        SmtpMailer("smtp.example.eu", 587, username=username, password=password)
