"""
The support-case part of the demo operator: SLA targets, the business-hours calendar with Russian public
holidays, and three cases in different states (one waiting for the customer, one new from the contact form,
one resolved) so the list, the SLA columns and the reports have something to show. Called from
``ticketing_core.demo.load_demo`` (see ``LOADERS``); idempotent (nothing is created twice, staff changes are kept).
"""
from datetime import date, time

from pretix.base.models import Organizer, User

from ticketing_core.demo import ADMIN_EMAIL, FLEET_POSITION, DemoLoader

from .cases.services import change, open_case, reply
from .models import BusinessHours, Holiday, SlaPolicy, SupportCase

# (priority, category, first response, resolution) in business minutes
POLICIES = (
    ("urgent", "", 30, 4 * 60),
    ("high", "", 2 * 60, 9 * 60),
    ("normal", "", 4 * 60, 3 * 9 * 60),
    ("normal", "complaint", 2 * 60, 2 * 9 * 60),
    ("low", "", 9 * 60, 5 * 9 * 60),
)
# Monday–Friday 09:00–18:00, Saturday 10:00–16:00 (the season's busiest day)
HOURS = {**{d: (time(9), time(18)) for d in range(5)}, 5: (time(10), time(16))}
HOLIDAYS = {
    date(2026, 12, 31): "Выходной перед Новым годом",
    **{date(2027, 1, d): "Новогодние каникулы" for d in range(1, 9)},
    date(2027, 2, 23): "День защитника Отечества",
    date(2027, 3, 8): "Международный женский день",
    date(2027, 5, 1): "Праздник Весны и Труда",
    date(2027, 5, 10): "День Победы (перенос)",
    date(2027, 6, 14): "День России (перенос)",
    date(2027, 11, 4): "День народного единства",
}
CASES = (
    {"subject": "Можно ли с коляской на теплоход?", "category": "accessibility", "channel": "web",
     "name": "Анна Смирнова", "email": "anna.smirnova@example.org", "locale": "ru",
     "body": "Здравствуйте! Планируем прогулку с мамой, она на инвалидной коляске. Есть ли пандус?",
     "reply": "Здравствуйте! Да, на «Неве-1» есть пандус и место для коляски на нижней палубе. "
              "Подойдите к причалу за 20 минут до отправления — матрос поможет.", "status": "waiting"},
    {"subject": "Charter for a birthday, 25 guests", "category": "charter", "channel": "email",
     "name": "John Miller", "email": "john.miller@example.org", "locale": "en",
     "body": "Hello, do you have a yacht for 25 guests on a Saturday evening in June?"},
    {"subject": "Потерял билет", "category": "lost_ticket", "channel": "phone", "phone": "+7 921 555-12-34",
     "name": "Игорь Волков", "locale": "ru", "body": "Звонил: удалил письмо с билетами, просит прислать снова.",
     "reply": "Отправили билеты повторно на вашу почту.", "status": "resolved"},
)


def load_cases_demo(organizer: Organizer, tally) -> None:
    admin = User.objects.filter(email=ADMIN_EMAIL).first()
    if not SlaPolicy.objects.filter(organizer=organizer).exists():
        for priority, category, first, resolution in POLICIES:
            SlaPolicy.objects.create(organizer=organizer, priority=priority, category=category,
                                     first_response_minutes=first, resolution_minutes=resolution)
            tally.add("SLA target")
    if not BusinessHours.objects.filter(organizer=organizer).exists():
        for weekday, (start, end) in HOURS.items():
            BusinessHours.objects.create(organizer=organizer, weekday=weekday, start=start, end=end)
        tally.add("business-hours calendar")
    for day, name in HOLIDAYS.items():
        _holiday, created = Holiday.objects.get_or_create(organizer=organizer, date=day, defaults={"name": name})
        tally.add("holiday", created)
    for spec in CASES:
        if SupportCase.objects.filter(organizer=organizer, subject=spec["subject"]).exists():
            continue
        case = open_case(organizer, subject=spec["subject"], body=spec["body"], channel=spec["channel"],
                         category=spec["category"], name=spec["name"], email=spec.get("email", ""),
                         phone=spec.get("phone", ""), locale=spec["locale"], user=admin if spec["channel"] in (
                             "phone", "in_person") else None)
        if admin is not None and spec.get("reply"):
            change(case, admin, assignee=admin)
            reply(case, admin, spec["reply"], status=spec["status"])
        tally.add("support case")


def _load(context) -> None:
    load_cases_demo(context.organizer, context.tally)


# last: cases may name the demo's orders and events
LOADERS = [DemoLoader(FLEET_POSITION + 40, _load)]
