"""
Calls to YooKassa through the official SDK, safely for several shops in one process.

The SDK keeps its credentials in a process-wide ``Configuration`` and builds a fresh ``ApiClient``
from it inside every call, so two organizers' shops could swap credentials under concurrency. Here
each call runs with a client built for one shop (under a short lock while the SDK reads its global
configuration) and handed to the SDK's own classes through a context variable. The SDK's requests
carry no network timeout; ours do, so a hanging API can never hold a worker.
"""
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import partial

import requests
from requests.adapters import HTTPAdapter
from urllib3 import Retry
from yookassa import Configuration, Payment, Receipt, Refund, Settings
from yookassa.client import ApiClient

from .config import DEFAULT_API_URL

REQUEST_TIMEOUT = (5, 20)  # seconds: connect, read

_configuration_lock = threading.Lock()
_client: ContextVar["ShopApiClient"] = ContextVar("ticketing_yoomoney_client")


@dataclass(frozen=True)
class ShopCredentials:
    shop_id: str
    secret_key: str
    api_url: str = DEFAULT_API_URL  # always from the configuration (config.py), never from a setting

    def __repr__(self) -> str:  # never print the secret
        return f"ShopCredentials(shop_id={self.shop_id!r}, api_url={self.api_url!r})"


class ShopApiClient(ApiClient):
    def get_session(self) -> requests.Session:
        session = requests.Session()
        # One quick retry of a lost answer or a 202 ("come back later"); idempotence keys make it safe.
        retries = Retry(total=1, backoff_factor=0.5, allowed_methods=["GET", "POST"],
                        status_forcelist=[202])
        session.mount("https://", HTTPAdapter(max_retries=retries))
        session.mount("http://", HTTPAdapter(max_retries=retries))
        session.request = partial(session.request, timeout=REQUEST_TIMEOUT)
        return session


class _ClientFromContext:
    def __init__(self):
        self.client = _client.get()


class ShopPayment(_ClientFromContext, Payment):
    pass


class ShopRefund(_ClientFromContext, Refund):
    pass


class ShopReceipt(_ClientFromContext, Receipt):
    pass


class ShopSettings(_ClientFromContext, Settings):
    pass


@contextmanager
def shop(credentials: ShopCredentials) -> Iterator[None]:
    """Within this block, ShopPayment/ShopRefund/ShopReceipt talk to YooKassa as this shop."""
    with _configuration_lock:
        Configuration.configure(credentials.shop_id, credentials.secret_key, api_url=credentials.api_url,
                                max_attempts=2)
        client = ShopApiClient()
        Configuration.configure(None, None)
    token = _client.set(client)
    try:
        yield
    finally:
        _client.reset(token)
