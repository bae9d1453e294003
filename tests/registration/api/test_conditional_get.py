"""An event's JSON carries a strong ETag; If-None-Match answers 304 until the event changes."""


def test_an_unchanged_event_is_a_304_and_an_edit_gives_a_new_etag(
    client, organiser, published_event
):
    event = published_event()
    url = f"/api/v1/events/{event['id']}"
    first = client.get(url)
    etag = first.headers["ETag"]

    again = client.get(url, headers={"If-None-Match": etag})
    other = client.get(url, headers={"If-None-Match": '"something-else"'})
    client.patch(url, json={"title": "Renamed workshop"}, headers=organiser)
    after = client.get(url, headers={"If-None-Match": etag})

    assert etag.startswith('"') and not etag.startswith("W/")
    assert (again.status_code, again.data) == (304, b"")
    assert again.headers["ETag"] == etag
    assert other.status_code == 200 and other.json == first.json
    assert after.status_code == 200 and after.headers["ETag"] != etag
    assert after.json["title"] == "Renamed workshop"
