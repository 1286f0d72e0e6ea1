"""
Structured JSON logs for production, with personal data masked.

``[ticketing_core] log_format=json`` in pretix.cfg (deploy/pretix.cfg.template: ``PRICHAL_LOG_FORMAT``, default
json in production, text in development) gives every handler of pretix's logging configuration — web (gunicorn),
Celery workers and the periodic ``runperiodic`` — the :class:`JsonFormatter`: one JSON object a line with time,
level, logger, message, pretix's request id (``X-Request-ID`` from nginx when ``[pretix] request_id_header`` is set;
inside a Celery task the task id, and ``origin_request_id`` the id of the web request that queued it, which pretix
passes along in the ``X-Pretix-Trace`` task header), organizer and event slugs and the order code where the URL
names one. In every format the :class:`PersonalDataFilter` masks e-mail addresses, phone numbers, card numbers and
secret keys (YooKassa keys, HTTP Basic/Bearer credentials, ``api_id``/``password``/``token`` parameters) in the
message and in tracebacks, so a log shipped to a log store holds no personal data (152-FZ).
"""
import json
import logging
import re
from datetime import UTC, datetime

from django.conf import settings

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
PHONE = re.compile(r"(?<![\w+])(?:\+7|8|\+\d{1,3})[\s(-]{0,2}\d{3}[\s)-]{0,2}\d{3}[\s-]?\d{2}[\s-]?\d{2}(?!\d)"
                   r"|(?<![\w+])\+\d{10,14}(?!\d)|(?<![\d+])[78]9\d{9}(?!\d)")
CARD = re.compile(r"(?<!\d)(?:\d[ -]?){12,18}\d(?!\d)")
SECRETS = [
    (re.compile(r"\b(?:live|test)_[A-Za-z0-9_-]{6,}"), "<secret>"),  # YooKassa secret keys
    (re.compile(r"(?i)\b(Basic|Bearer|Token)\s+[A-Za-z0-9._~+/=-]{8,}"), r"\1 <secret>"),
    (re.compile(r"(?i)\b(api_id|apikey|api_key|password|passphrase|secret|secret_key|token)"
                r"(=|:\s*|\"\s*:\s*\"|'\s*:\s*')[^&\s\",;']+"), r"\1\2<secret>"),
]


def _luhn(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _card(match: re.Match) -> str:
    digits = re.sub(r"\D", "", match.group())
    return "<card>" if 13 <= len(digits) <= 19 and _luhn(digits) else match.group()


def _phone(match: re.Match) -> str:
    digits = re.sub(r"\D", "", match.group())
    return "+" + "*" * max(len(digits) - 2, 0) + digits[-2:] if len(digits) >= 10 else match.group()


def _email(match: re.Match) -> str:
    return "***@" + match.group().rsplit("@", 1)[1]


def mask(text: str) -> str:
    """Personal data and secrets out of one log text (idempotent)."""
    if not text:
        return text
    for pattern, replacement in SECRETS:
        text = pattern.sub(replacement, text)
    text = EMAIL.sub(_email, text)
    text = CARD.sub(_card, text)
    text = PHONE.sub(_phone, text)
    return text


class PersonalDataFilter(logging.Filter):
    """Renders the message (and traceback) once and masks it; handlers then format the masked text."""

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "_prichal_masked", False):
            return True
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken format string is logged as it is, masked
            message = str(record.msg)
        record.msg, record.args = mask(message), ()
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask(record.exc_text)
        if record.stack_info:
            record.stack_info = mask(record.stack_info)
        record._prichal_masked = True
        return True


def context() -> dict:
    """Request id, the web request a task came from, organizer/event/order of the current request."""
    from pretix.helpers.logs import local

    out = {}
    request_id = getattr(local, "request_id", None)
    if request_id:
        out["request_id"] = request_id
    trace = getattr(local, "trace", None) or []
    if trace and trace[0] != request_id:
        out["origin_request_id"] = trace[0]
    out.update(getattr(local, "prichal_context", None) or {})
    return out


class JsonFormatter(logging.Formatter):
    FIELDS = ("organizer", "event", "order", "task_name")

    def format(self, record: logging.LogRecord) -> str:
        PersonalDataFilter().filter(record)
        data = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            **context(),
        }
        for field in self.FIELDS:  # passed as extra={...} by the code that logs
            value = getattr(record, field, None)
            if value is not None:
                data[field] = mask(str(value))
        if record.exc_text:
            data["exception"] = record.exc_text
        return json.dumps(data, ensure_ascii=False, default=str)


ORDER_CODE = re.compile(r"[A-Z0-9]{5,16}")


class LogContextMiddleware:
    """Puts the organizer, event and order code of the request where the log formatter finds them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from pretix.helpers.logs import local

        local.prichal_context = {}
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        from pretix.helpers.logs import local

        ctx = {}
        organizer = getattr(request, "organizer", None)
        event = getattr(request, "event", None)
        if organizer is not None:
            ctx["organizer"] = organizer.slug
        elif isinstance(view_kwargs.get("organizer"), str):
            ctx["organizer"] = view_kwargs["organizer"][:64]
        if event is not None:
            ctx["event"] = event.slug
        elif isinstance(view_kwargs.get("event"), str):
            ctx["event"] = view_kwargs["event"][:64]
        code = view_kwargs.get("order") or view_kwargs.get("code")
        if isinstance(code, str) and ORDER_CODE.fullmatch(code):
            ctx["order"] = code
        local.prichal_context = ctx
        return None


MIDDLEWARE_PATH = "ticketing_core.observability.logs.LogContextMiddleware"


def log_format() -> str:
    return str(settings.CONFIG_FILE.get("ticketing_core", "log_format", fallback="text") or "text").strip().lower()


def apply_to(handlers, json_format: bool | None = None) -> None:
    """Mask on every handler; JSON lines where the configuration asks for them."""
    json_format = log_format() == "json" if json_format is None else json_format
    for handler in handlers:
        if not any(isinstance(f, PersonalDataFilter) for f in handler.filters):
            handler.addFilter(PersonalDataFilter())
        if json_format and not isinstance(handler.formatter, JsonFormatter):
            handler.setFormatter(JsonFormatter())


def _all_handlers():
    loggers = [logging.getLogger()] + [logging.getLogger(name) for name in list(logging.root.manager.loggerDict)]
    seen = []
    for lg in loggers:
        for h in getattr(lg, "handlers", []):
            if h not in seen:
                seen.append(h)
    return seen


def install() -> None:
    """At app start-up (AppConfig.ready): the middleware, the filter and the formatter; Celery's loggers too."""
    from celery import signals

    if MIDDLEWARE_PATH not in settings.MIDDLEWARE:
        settings.MIDDLEWARE = [*settings.MIDDLEWARE, MIDDLEWARE_PATH]
    apply_to(_all_handlers())

    def on_celery_logger(logger=None, **kwargs):
        apply_to(_all_handlers() + list(getattr(logger, "handlers", [])))

    signals.after_setup_logger.connect(on_celery_logger, weak=False, dispatch_uid="prichal_logs_setup")
    signals.after_setup_task_logger.connect(on_celery_logger, weak=False, dispatch_uid="prichal_logs_task")
