import struct

import pytest


@pytest.mark.django_db
def test_favicon_ico_is_the_sites_icon_not_a_404(client):
    # Browsers ask for /favicon.ico wherever a response names no icon (the API's JSON, the schema, files).
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert "max-age" in response["Cache-Control"]
    body = b"".join(response.streaming_content) if response.streaming else response.content
    reserved, kind, count = struct.unpack("<HHH", body[:6])
    assert (reserved, kind) == (0, 1) and count >= 1
    sizes = {body[6 + 16 * i] for i in range(count)}
    assert {16, 32} <= sizes
