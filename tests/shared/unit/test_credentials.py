"""Organiser credentials: minted once, stored hashed, revoked at once for every reader."""

import json

from shared.credentials import CredentialStore, main


def test_a_minted_token_authenticates_and_only_its_hash_is_stored(tmp_path):
    store = CredentialStore(tmp_path / "org.json")
    credential_id, token = store.mint("Tess")
    assert store.authenticate(token).name == "Tess"
    assert token not in (tmp_path / "org.json").read_text()
    assert len(token) > 40  # 256 random bits


def test_revocation_is_seen_by_another_reader_of_the_same_file(tmp_path):
    writer, reader = CredentialStore(tmp_path / "o.json"), CredentialStore(tmp_path / "o.json")
    credential_id, token = writer.mint("Tess")
    assert reader.authenticate(token) is not None
    assert writer.revoke(credential_id)
    assert reader.authenticate(token) is None
    assert not writer.revoke(credential_id)


def test_wrong_or_missing_tokens_do_not_authenticate(tmp_path):
    store = CredentialStore(tmp_path / "absent.json")
    assert store.authenticate(None) is None
    assert store.authenticate("cxo_nothing") is None
    store.mint("Tess")
    assert store.authenticate("Bearer-ish") is None


def test_the_cli_mints_lists_and_revokes(tmp_path, monkeypatch, capsys):
    path = tmp_path / "cli.json"
    monkeypatch.setenv("ORGANISER_CREDENTIALS_FILE", str(path))
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    assert main(["mint", "Ana"]) == 0
    token = capsys.readouterr().out.strip().splitlines()[-1]
    assert CredentialStore(path).authenticate(token).name == "Ana"
    credential_id = json.loads(path.read_text())[0]["id"]
    main(["list"])
    assert f"{credential_id}\tAna" in capsys.readouterr().out
    assert main(["revoke", credential_id]) == 0
    assert CredentialStore(path).authenticate(token) is None
