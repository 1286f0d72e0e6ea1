import requests
from yookassa import Configuration

API_URL = "https://api.yookassa.ru/v3"


def bad(event, session, form, secret):
    url = event.settings.get("payment_yookassa_api_url")
    # ruleid: prichal-secret-to-editable-address
    requests.get(url + "/me", auth=("shop", secret), timeout=5)
    # ruleid: prichal-secret-to-editable-address
    session.post(event.organizer.settings.sms_gateway_url, data={"api_id": secret}, timeout=5)
    # ruleid: prichal-secret-to-editable-address
    Configuration.configure("shop", secret, api_url=form.cleaned_data["api_url"])


def good(session, config, secret):
    # ok: prichal-secret-to-editable-address
    requests.get(API_URL + "/me", auth=("shop", secret), timeout=5)
    # ok: prichal-secret-to-editable-address
    session.post(config.get("ticketing_yoomoney", "api_url"), data={}, timeout=5)
