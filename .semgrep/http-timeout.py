import urllib.request

import requests


def bad(url, session, http_session):
    # ruleid: prichal-http-without-timeout
    requests.get(url)
    # ruleid: prichal-http-without-timeout
    requests.post(url, json={})
    # ruleid: prichal-http-without-timeout
    session.post(url, data=b"")
    # ruleid: prichal-http-without-timeout
    http_session.request("GET", url)


def good(url, session, payload):
    # ok: prichal-http-without-timeout
    requests.get(url, timeout=10)
    # ok: prichal-http-without-timeout
    session.post(url, data=b"", timeout=(3, 10))
    # ok: prichal-http-without-timeout
    urllib.request.urlopen(url, timeout=5)
    # ok: prichal-http-without-timeout
    payload.get("key")
