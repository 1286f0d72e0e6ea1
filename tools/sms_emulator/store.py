"""
State and rules of the emulated SMS.ru account(s): balances, approved sender names, the message log with
each message's way through the statuses, callback URLs and "next outcome" overrides.

A queued message carries a *plan*: the statuses still ahead and when each becomes due (by default
100 → 102 after one step, → 103 after two; ``step_seconds`` is 0.2 s). :meth:`Store.advance` applies
whatever is due; a ticker thread calls it (so callbacks go out on time) and so does every read (so a status
is never stale). Everything lives under one re-entrant lock and is optionally written to a JSON state file
after each change, so messages and balances survive a restart of ``make run`` (``load``/``save``:
``tools/emulator_kit/state.py``).
"""
import copy
import threading
import time
from collections import OrderedDict
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path

from tools.emulator_kit.state import StateFile

from . import segments
from .codes import ERROR_TEXT, FAILURE_STATUSES, FINAL_STATUSES, HOLD_STATUSES, OK, STATUS_TEXT, parse_number
from .faults import Faults

STATE_VERSION = 1
DEFAULT_API_ID = "prichal-demo-api-id"
DEFAULT_BALANCE = Decimal("1000.00")
DEFAULT_PRICE = Decimal("5.00")  # roubles per SMS part
DEFAULT_SENDERS = ("Prichal",)
DEFAULT_STEP_SECONDS = 0.2
MAX_RECIPIENTS = 100
MAX_DELAY = 60 * 24 * 3600  # "time": at most 60 days ahead
CENT = Decimal("0.01")


class ApiError(Exception):
    """A whole request refused: ``{"status": "ERROR", "status_code": code, "status_text": …}``."""

    def __init__(self, code: int, text: str | None = None):
        super().__init__(code)
        self.code = code
        self.text = text or ERROR_TEXT.get(code, "Ошибка")

    def body(self) -> dict:
        return {"status": "ERROR", "status_code": self.code, "status_text": self.text}


def number_error(code: int) -> dict:
    return {"status": "ERROR", "status_code": code, "status_text": ERROR_TEXT.get(code, "Ошибка")}


def money(value) -> Decimal:
    try:
        return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError):
        raise ValueError(f"not an amount: {value!r}")


def masked(api_id: str) -> str:
    return api_id if len(api_id) < 10 else f"{api_id[:4]}…{api_id[-3:]}"


class Store(StateFile):
    def __init__(self, api_ids: dict[str, Decimal] | None = None, *, senders=DEFAULT_SENDERS,
                 price: Decimal = DEFAULT_PRICE, step_seconds: float = DEFAULT_STEP_SECONDS,
                 state_file: str | Path | None = None, faults: Faults | None = None, daily_limit: int = 100,
                 same_per_minute: int = 0, same_per_day: int = 0, max_messages: int = 5000, clock=time.time):
        self.lock = threading.RLock()
        accounts = api_ids or {DEFAULT_API_ID: DEFAULT_BALANCE}
        self.initial_balances = {key: money(value) for key, value in accounts.items()}
        self.balances = dict(self.initial_balances)
        self.senders = list(senders)
        self.price = money(price)
        self.step_seconds = float(step_seconds)
        self.daily_limit = daily_limit  # messages to one number per day (code 230); 0: no limit
        self.same_per_minute = same_per_minute  # the same text to one number per minute (231); 0: no limit
        self.same_per_day = same_per_day  # the same text to one number per day (232); 0: no limit
        self.max_messages = max_messages
        self.state_file = Path(state_file) if state_file else None
        self.faults = faults or Faults()
        self.clock = clock
        self.messages: OrderedDict[str, dict] = OrderedDict()
        self.callback_urls: list[str] = []
        self.outcomes: list[dict] = []  # {"phone": digits, "status": code, "remaining": n}
        self.seq = 0
        self._active: set[str] = set()  # ids with a plan left
        # hooks set by the server
        self.notify = lambda message, status, at: None  # a status change, for callbacks
        self.wake = lambda: None  # a new plan: the ticker should look again
        self.load()

    # ------------------------------------------------------------------ persistence

    def restore_state(self, data: dict) -> None:
        self.messages = OrderedDict((m["sms_id"], m) for m in data.get("messages", []))
        self.balances.update({key: money(value) for key, value in data.get("balances", {}).items()
                              if key in self.balances})
        self.callback_urls[:] = [u for u in data.get("callback_urls", []) if u not in self.callback_urls]
        self.outcomes = data.get("outcomes", [])
        self.seq = data.get("seq", 0)
        self._active = {sms_id for sms_id, m in self.messages.items() if m.get("plan")}

    def dump_state(self) -> dict:
        return {"version": STATE_VERSION, "seq": self.seq, "callback_urls": self.callback_urls,
                "balances": {key: str(value) for key, value in self.balances.items()},
                "outcomes": self.outcomes, "messages": list(self.messages.values())}

    def reset(self, *, callbacks: bool = False) -> None:
        with self.lock:
            self.messages.clear()
            self._active.clear()
            self.outcomes.clear()
            self.balances = dict(self.initial_balances)
            if callbacks:
                self.callback_urls.clear()
            self.save()

    # ------------------------------------------------------------------ accounts

    def authenticate(self, api_id: str | None) -> bool:
        return bool(api_id) and api_id in self.balances

    def balance(self, api_id: str) -> Decimal:
        with self.lock:
            return self.balances[api_id]

    def set_balance(self, api_id: str | None, value) -> dict:
        with self.lock:
            for key in [api_id] if api_id else list(self.balances):
                if key not in self.balances:
                    raise KeyError(key)
                self.balances[key] = money(value)
            self.save()
            return {masked(k): str(v) for k, v in self.balances.items()}

    # ------------------------------------------------------------------ sending

    def _account_prefix(self, api_id: str) -> str:
        return f"{100500 + list(self.balances).index(api_id):06d}"

    def _limit_code(self, api_id: str, number: str, text: str, now: float) -> int | None:
        """SMS.ru's own limits per number (codes 230, 231, 232), when configured."""
        if not (self.daily_limit or self.same_per_minute or self.same_per_day):
            return None
        day = minute = same_day = 0
        for m in reversed(self.messages.values()):
            if m["created_at"] < now - 86400:
                break
            if m["api_id"] != api_id or m["phone"] != number or m["test"]:
                continue
            day += 1
            if m["text"] == text:
                same_day += 1
                if m["created_at"] >= now - 60:
                    minute += 1
        if self.daily_limit and day >= self.daily_limit:
            return 230
        if self.same_per_minute and minute >= self.same_per_minute:
            return 231
        if self.same_per_day and same_day >= self.same_per_day:
            return 232
        return None

    def _final_status(self, number: str) -> int:
        """103, unless an outcome set for this number or a fail_delivery fault says otherwise."""
        for outcome in self.outcomes:
            if outcome["phone"] == number:
                outcome["remaining"] -= 1
                if outcome["remaining"] <= 0:
                    self.outcomes.remove(outcome)
                return outcome["status"]
        fault = self.faults.take("fail_delivery", number)
        return fault.status if fault else 103

    def _plan(self, final: int, start: float) -> list[list]:
        step = self.step_seconds
        if final == 100:
            return []
        if final in (101, 102):
            return [[final, start + step]]
        if final == 150:  # no route: it never left
            return [[150, start + step]]
        plan = [[102, start + step], [final if final != 110 else 103, start + 2 * step]]
        if final == 110:
            plan.append([110, start + 3 * step])
        return plan

    def send(self, api_id: str, recipients: list[tuple[str, str]], *, sender: str | None = None,
             test: bool = False, at: int | None = None, ttl: int | None = None, partner_id: str | None = None,
             cost_only: bool = False, path: str = "/sms/send") -> dict:
        """
        ``/sms/send`` (or ``/sms/cost`` with ``cost_only``) for (number as given, text) pairs: the request-level
        checks raise :class:`ApiError`; each number gets its own answer under ``"sms"``.
        """
        with self.lock:
            now = self.clock()
            if sender is not None and sender not in self.senders:
                raise ApiError(204)
            if not recipients:
                raise ApiError(202)
            if len(recipients) > MAX_RECIPIENTS:
                raise ApiError(207)
            if at is not None and not (now - 60 <= at <= now + MAX_DELAY):
                raise ApiError(208)
            answers: dict[str, dict] = {}
            accepted = []
            for raw, text in recipients:
                number, code = parse_number(raw)
                key = number or raw
                if code is None and not (text or "").strip():
                    code = 203
                counted = segments.count(text or "")
                if code is None and counted.parts > segments.MAX_PARTS:
                    code = 205
                if code is None and not cost_only:
                    fault = self.faults.for_number(path, number)
                    code = fault.status_code if fault else self._limit_code(api_id, number, text, now)
                if code is not None:
                    answers[key] = number_error(code)
                    continue
                answers[key] = {}  # keeps the request's order; filled in below
                accepted.append((key, number, text, counted))
            cost = {key: self.price * counted.parts for key, _, _, counted in accepted}
            if cost_only:
                for key, _, _, counted in accepted:
                    answers[key] = {"status": "OK", "status_code": OK, "cost": float(cost[key]), "sms": counted.parts}
                return {"status": "OK", "status_code": OK, "sms": answers,
                        "total_cost": float(sum(cost.values(), Decimal(0))),
                        "total_sms": sum(c.parts for _, _, _, c in accepted)}
            total = sum(cost.values(), Decimal(0))
            if not test and total > self.balances[api_id]:
                raise ApiError(201)
            for key, number, text, counted in accepted:
                self.seq += 1
                sms_id = f"{self._account_prefix(api_id)}-{1000000 + self.seq}"
                start = max(now, float(at or now))
                final = self._final_status(number) if not test else 100
                message = {
                    "sms_id": sms_id, "api_id": api_id, "phone": number, "text": text,
                    "sender": sender or (self.senders[0] if self.senders else ""), "encoding": counted.encoding,
                    "units": counted.units, "segments": counted.parts, "cost": str(cost[key]), "test": test,
                    "status": OK, "created_at": now, "updated_at": now, "send_at": start, "ttl": ttl,
                    "partner_id": partner_id, "history": [[OK, now]], "plan": [] if test else self._plan(final, start),
                }
                self.messages[sms_id] = message
                if message["plan"]:
                    self._active.add(sms_id)
                answers[key] = {"status": "OK", "status_code": OK, "sms_id": sms_id}
            if not test:
                self.balances[api_id] -= total
            while len(self.messages) > self.max_messages:
                old_id, _ = self.messages.popitem(last=False)
                self._active.discard(old_id)
            self.save()
        self.wake()
        return {"status": "OK", "status_code": OK, "sms": answers, "balance": float(self.balances[api_id])}

    # ------------------------------------------------------------------ statuses

    def advance(self, now: float | None = None) -> float | None:
        """Apply every status that is due; returns when the next one is (None: nothing planned)."""
        changes = []
        with self.lock:
            now = self.clock() if now is None else now
            next_due = None
            for sms_id in list(self._active):
                message = self.messages.get(sms_id)
                if message is None:
                    self._active.discard(sms_id)
                    continue
                plan = message["plan"]
                while plan and plan[0][1] <= now:
                    status, due = plan.pop(0)
                    message["status"], message["updated_at"] = status, due
                    message["history"].append([status, due])
                    changes.append((copy.deepcopy(message), status, due))
                if plan:
                    next_due = plan[0][1] if next_due is None else min(next_due, plan[0][1])
                else:
                    self._active.discard(sms_id)
            for message, status, due in sorted(changes, key=lambda change: change[2]):
                self.notify(message, status, due)
            if changes:
                self.save()
        return next_due

    def set_status(self, sms_id: str, status: int) -> dict:
        """Control API: the message takes ``status`` now (and keeps it: its plan is dropped)."""
        if status not in STATUS_TEXT or status == -1:
            raise ValueError(f"unknown status {status}")
        with self.lock:
            message = self.messages.get(sms_id)
            if message is None:
                raise KeyError(sms_id)
            now = self.clock()
            message["plan"] = []
            self._active.discard(sms_id)
            message["status"], message["updated_at"] = status, now
            message["history"].append([status, now])
            if not message["test"]:
                self.notify(copy.deepcopy(message), status, now)
            self.save()
            return copy.deepcopy(message)

    def add_outcome(self, raw_phone: str, status: int, count: int = 1) -> dict:
        number, code = parse_number(raw_phone)
        if number is None:
            raise ValueError(f"phone {raw_phone!r} is not a number SMS.ru would accept (code {code})")
        if status not in FINAL_STATUSES and status not in HOLD_STATUSES:
            raise ValueError(f"status must be one of {sorted(FINAL_STATUSES | HOLD_STATUSES)}")
        if count < 1:
            raise ValueError("count must be at least 1")
        with self.lock:
            outcome = {"phone": number, "status": status, "remaining": count}
            self.outcomes.append(outcome)
            self.save()
            return dict(outcome)

    def clear_outcomes(self) -> None:
        with self.lock:
            self.outcomes.clear()
            self.save()

    def status_answer(self, api_id: str, sms_ids: list[str]) -> dict:
        self.advance()
        with self.lock:
            answers = {}
            for sms_id in sms_ids:
                message = self.messages.get(sms_id)
                if message is None or message["api_id"] != api_id or message["test"]:
                    answers[sms_id] = {"status": "ERROR", "status_code": -1, "status_text": STATUS_TEXT[-1]}
                    continue
                answers[sms_id] = {"status": "OK", "status_code": message["status"], "cost": float(message["cost"]),
                                   "status_text": STATUS_TEXT.get(message["status"], "")}
            return {"status": "OK", "status_code": OK, "sms": answers, "balance": float(self.balances[api_id])}

    # ------------------------------------------------------------------ views

    @staticmethod
    def public(message: dict) -> dict:
        view = {k: v for k, v in message.items() if k != "api_id"}
        view["api_id"] = masked(message["api_id"])
        view["status_text"] = STATUS_TEXT.get(message["status"], "")
        view["final"] = message["status"] in FINAL_STATUSES
        view["failed"] = message["status"] in FAILURE_STATUSES
        return view

    def list_messages(self, *, phone: str | None = None, status: int | None = None) -> list[dict]:
        self.advance()
        number = parse_number(phone)[0] if phone else None
        with self.lock:
            return [self.public(m) for m in self.messages.values()
                    if (phone is None or m["phone"] == number) and (status is None or m["status"] == status)]

    def get_message(self, sms_id: str) -> dict | None:
        self.advance()
        with self.lock:
            message = self.messages.get(sms_id)
            return self.public(message) if message else None

    def clear_messages(self) -> None:
        with self.lock:
            self.messages.clear()
            self._active.clear()
            self.save()

    def settings(self) -> dict:
        return {"senders": list(self.senders), "price": str(self.price), "step_seconds": self.step_seconds,
                "daily_limit": self.daily_limit, "same_per_minute": self.same_per_minute,
                "same_per_day": self.same_per_day}

    def snapshot(self) -> dict:
        self.advance()
        with self.lock:
            return {"accounts": {masked(k): {"balance": str(v)} for k, v in self.balances.items()},
                    "settings": self.settings(), "callback_urls": list(self.callback_urls),
                    "outcomes": copy.deepcopy(self.outcomes),
                    "messages": [self.public(m) for m in self.messages.values()]}
