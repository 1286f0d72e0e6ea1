"""Issue 22, finding 6: odd input to the webhook is a 400, never a server error."""
import pytest

DEEP = "[" * 10000 + "]" * 10000


@pytest.mark.django_db
@pytest.mark.parametrize("body", [DEEP, '{"type": "notification", "object": ' + DEEP[:-1] + "}", b"\xff\xfe",
                                  '{"type": "notification", "event": "payment.succeeded", "object": {"id": 1e999}}'])
def test_deep_or_broken_json_is_a_400(client, body):
    resp = client.post("/_yookassa/webhook/", body, content_type="application/json")
    assert resp.status_code == 400
