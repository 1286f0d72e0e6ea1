"""
The restore drill (issue 20): the demo operator with orders, payments (YooKassa and at the pier), a refund,
54-FZ receipt states, a seat, a charter, a support case with an attachment and a check-in is backed up with
``deploy/backup.py backup``, restored with ``deploy/backup.py restore`` into a fresh database and data directory,
migrated with ``python -m pretix migrate``, and checked: row counts of every table, Σ confirmed payments − Σ done
refunds, every YooKassa payment still mapped to its order, attachments readable, and the customer logs in and sees
her QR ticket. The restore time is printed.

The source is a copy of the test database (built from the models, as pytest builds it) marked as migrated with
``migrate --fake``, as a production database is; the drill's databases are dropped at the end.
"""
import hashlib
import os
import re
import subprocess
import sys
import time
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.utils.timezone import now
from django_scopes import scopes_disabled

ROOT = Path(__file__).resolve().parent.parent
BACKUP = ROOT / "deploy" / "backup.py"
TEST_CFG = ROOT / "addons" / "ticketing_core" / "testing" / "pretix-test.cfg"
PASSWORD = "drill-customer-password-1"  # noqa: S105 - test credential of a throw-away database
MSK_ZONE = "Europe/Moscow"


def _pg(sql: str, database: str = "postgres") -> str:
    db = connection.settings_dict
    result = subprocess.run(["psql", "-h", db["HOST"], "-p", str(db["PORT"]), "-U", db["USER"], "-d", database,
                             "-Atc", sql], capture_output=True, text=True, check=True)
    return result.stdout.strip()


def _env(database: str, data_dir: Path, **extra) -> dict:
    """pretix's real settings (migrations on) and the deploy scripts' PRETIX_DB_* for ``database``."""
    db = connection.settings_dict
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PRETIX_", "DJANGO_"))}
    env.update({
        "PRETIX_CONFIG_FILE": str(TEST_CFG), "DJANGO_SETTINGS_MODULE": "pretix.settings",
        "PRETIX_DATABASE_NAME": database, "PRETIX_DATABASE_HOST": db["HOST"], "PRETIX_DATABASE_PORT": str(db["PORT"]),
        "PRETIX_DATABASE_USER": db["USER"], "PRETIX_PRETIX_DATADIR": str(data_dir),
        "PRETIX_DB_NAME": database, "PRETIX_DB_HOST": db["HOST"], "PRETIX_DB_PORT": str(db["PORT"]),
        "PRETIX_DB_USER": db["USER"], "PRETIX_DB_SSLMODE": "disable", "PRICHAL_DATA_DIR": str(data_dir),
    })
    env.update(extra)
    return env


def _run(argv: list[str], env: dict) -> str:
    result = subprocess.run(argv, env=env, capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, f"{argv[:4]} failed:\n{result.stdout[-2000:]}\n{result.stderr[-4000:]}"
    return result.stdout


class Use:
    """Point this process's Django connection (and DATA_DIR) at another database for a while."""

    def __init__(self, database: str, data_dir: Path):
        self.database, self.data_dir = database, data_dir

    def __enter__(self):
        self.saved = (connection.settings_dict["NAME"], settings.DATA_DIR)
        connection.close()
        connection.settings_dict["NAME"], settings.DATA_DIR = self.database, str(self.data_dir)
        cache.clear()
        return self

    def __exit__(self, *exc):
        connection.close()
        connection.settings_dict["NAME"], settings.DATA_DIR = self.saved
        cache.clear()


def migrate(fake: bool = False) -> str:
    """
    ``pretix migrate`` with the real migrations, in this process (the test settings switch them off to build test
    databases from the models; a subprocess would pay pretix's start-up twice).
    """
    import io

    from django.core.management import call_command
    from django.test.utils import override_settings

    out = io.StringIO()
    with override_settings(MIGRATION_MODULES={}):
        call_command("migrate", fake=fake, verbosity=1, stdout=out, interactive=False)
    return out.getvalue()


# --- what the drill puts into the demo --------------------------------------------------------------------------


def _charter(organizer, cart_module, perform_order):
    """A charter of the demo yacht, booked through pretix's cart and placed as an order paid at the pier."""
    from zoneinfo import ZoneInfo

    from ticketing_rentals.models import RentalOffer

    offer = RentalOffer.objects.select_related("event").get(event__organizer=organizer)
    vessel = offer.offer_vessels.first().vessel
    day = (now() + timedelta(days=10)).astimezone(ZoneInfo(MSK_ZONE)).date()
    start = datetime(day.year, day.month, day.day, 12, 0, tzinfo=ZoneInfo(MSK_ZONE))
    channel = organizer.sales_channels.get(identifier="web")
    cart_id = "drill-charter-cart"
    cart_module.book(offer, vessel, start, 120, 6, [], cart_id, channel)
    positions = [str(p.pk) for p in offer.event.cartposition_set.filter(cart_id=cart_id)]
    manual = [{"provider": "manual", "max_value": None, "min_value": None, "multi_use_supported": False,
               "info_data": {}}]
    perform_order(offer.event.pk, manual, positions, email="charter@example.org", locale="ru", cart_id=cart_id)
    return offer.event.orders.get(email="charter@example.org")


def build_drill_data() -> dict:
    """The demo plus the records a restore must keep; returns what the checks expect."""
    from pretix.base.models import Checkin, Customer, Order, OrderPayment, OrderRefund, Organizer, User
    from pretix.base.services.orders import perform_order

    from ticketing_core.demo import ADMIN_EMAIL, ORGANIZER_SLUG, load_demo
    from ticketing_core.models import Sailing, Vessel
    from ticketing_core.testing import factories
    from ticketing_helpdesk.cases import attachments
    from ticketing_helpdesk.cases.services import open_case
    from ticketing_rentals import cart as rental_cart
    from ticketing_yoomoney.models import YooKassaObject

    load_demo()
    with scopes_disabled():
        # the demo brings paid orders of its own (the dashboard's season, the accountant's month, boarding)
        from django.db.models import Sum

        demo_balance = ((OrderPayment.objects.filter(state=OrderPayment.PAYMENT_STATE_CONFIRMED)
                         .aggregate(s=Sum("amount"))["s"] or Decimal("0"))
                        - (OrderRefund.objects.filter(state=OrderRefund.REFUND_STATE_DONE)
                           .aggregate(s=Sum("amount"))["s"] or Decimal("0")))
        org = Organizer.objects.get(slug=ORGANIZER_SLUG)
        admin = User.objects.get(email=ADMIN_EMAIL)
        customer = Customer.objects.create(organizer=org, email="anna.drill@example.org", is_active=True,
                                           is_verified=True, name_parts={"_legacy": "Анна Смирнова"}, locale="ru")
        customer.set_password(PASSWORD)
        customer.save()
        seated = Sailing.objects.filter(vessel__organizer=org, vessel__seating_mode=Vessel.SEATING_ASSIGNED,
                                        subevent__isnull=False, subevent__date_from__gt=now()).order_by(
            "subevent__date_from").select_related("subevent__event").first()
        plain = Sailing.objects.filter(vessel__organizer=org, subevent__isnull=False, subevent__date_from__gt=now(),
                                       ).exclude(vessel__seating_mode=Vessel.SEATING_ASSIGNED).order_by(
            "subevent__date_from").select_related("subevent__event").first()
        assert seated is not None and plain is not None, "the demo has seated and general-admission sailings"

        # 1. YooKassa: a seated ticket of the customer, paid, with its receipt; then partly refunded
        event = seated.subevent.event
        adult = event.items.filter(admission=True, default_price__gt=0).order_by("pk").first()
        yk = factories.make_order(event, seated.subevent, [adult], status=Order.STATUS_PENDING,
                                  email=customer.email)
        yk.customer = customer
        yk.save(update_fields=["customer"])
        position = yk.positions.get()
        position.seat = seated.subevent.seats.filter(blocked=False).order_by("pk").first()
        position.save(update_fields=["seat"])
        payment = yk.payments.create(provider="yookassa", amount=yk.total, state=OrderPayment.PAYMENT_STATE_CREATED,
                                     info='{"id": "2f0c1a7e-000f-5000-9000-1d1c0ffee001", "status": "succeeded"}')
        payment.confirm()
        YooKassaObject.objects.create(reference="2f0c1a7e-000f-5000-9000-1d1c0ffee001", kind="payment",
                                      shop_id="100500", order=yk, payment=payment, status="succeeded",
                                      receipt_status="succeeded", final=True)
        refund_amount = (yk.total / 2).quantize(Decimal("0.01"))
        refund = yk.refunds.create(provider="yookassa", amount=refund_amount, payment=payment,
                                   source=OrderRefund.REFUND_SOURCE_ADMIN, state=OrderRefund.REFUND_STATE_DONE,
                                   execution_date=now(), info='{"id": "2f0c1b00-0015-5000-8000-1d1c0ffee002"}')
        YooKassaObject.objects.create(reference="2f0c1b00-0015-5000-8000-1d1c0ffee002", kind="refund",
                                      shop_id="100500", order=yk, payment=payment, refund=refund,
                                      status="succeeded", receipt_status="succeeded", final=True)

        # 2. at the pier: a general-admission ticket, paid in cash, checked in
        pier_event = plain.subevent.event
        pier_item = pier_event.items.filter(admission=True, default_price__gt=0).order_by("pk").first()
        pier = factories.make_order(pier_event, plain.subevent, [pier_item], email="pier@example.org")
        checkin_list = pier_event.checkin_lists.first() or pier_event.checkin_lists.create(name="Посадка")
        Checkin.objects.create(position=pier.positions.get(), list=checkin_list, type=Checkin.TYPE_ENTRY)

        # 3. a charter, placed and paid at the pier
        charter = _charter(org, rental_cart, perform_order)
        charter.payments.get().confirm()

        # 4. a support case about the YooKassa order, with the customer's PDF
        case = open_case(org, subject="Возврат за рейс", body="Прошу вернуть половину.", email=customer.email,
                         order=yk, user=admin, consent=True)
        pdf = b"%PDF-1.4\n% drill attachment\n" + os.urandom(2048) + b"\n%%EOF\n"
        attachments.store(case, SimpleUploadedFile("чек.pdf", pdf, content_type="application/pdf"), user=admin)

        confirmed = sum((Order.objects.get(pk=o.pk).total for o in (yk, pier, charter)), Decimal("0"))
        return {"organizer": org.slug, "order": yk.code, "order_secret": yk.secret, "ticket_secret": position.secret,
                "balance": demo_balance + confirmed - refund_amount, "customer": customer.email,
                "yookassa": {"2f0c1a7e-000f-5000-9000-1d1c0ffee001": yk.code}}


# --- the checks ---------------------------------------------------------------------------------------------------


def row_counts(database: str) -> dict:
    tables = _pg("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1", database).split()
    sql = " UNION ALL ".join(f"SELECT '{t}', count(*) FROM \"{t}\"" for t in tables)  # noqa: S608 - catalog names
    return {name: int(n) for name, n in (line.split("|") for line in _pg(sql, database).splitlines())}


def balance(database: str) -> Decimal:
    paid = _pg("SELECT coalesce(sum(amount), 0) FROM pretixbase_orderpayment WHERE state = 'confirmed'", database)
    refunded = _pg("SELECT coalesce(sum(amount), 0) FROM pretixbase_orderrefund WHERE state = 'done'", database)
    return Decimal(paid) - Decimal(refunded)


def yookassa_mapping(database: str) -> dict:
    rows = _pg("SELECT y.reference, o.code FROM ticketing_yoomoney_yookassaobject y "
               "JOIN pretixbase_orderpayment p ON p.id = y.payment_id AND p.order_id = y.order_id "
               "JOIN pretixbase_order o ON o.id = y.order_id WHERE y.kind = 'payment'", database)
    return dict(line.split("|") for line in rows.splitlines())


def attachments_readable(database: str, data_dir: Path) -> int:
    rows = _pg("SELECT storage_name, sha256 FROM ticketing_helpdesk_caseattachment", database).splitlines()
    for line in rows:
        name, digest = line.split("|")
        path = data_dir / "ticketing_helpdesk" / "attachments" / name
        assert path.is_file(), f"attachment {name} missing after restore"
        assert hashlib.sha256(path.read_bytes()).hexdigest() == digest, f"attachment {name} damaged"
    return len(rows)


@pytest.fixture
def drill_databases(django_db_setup, django_db_blocker):
    base = connection.settings_dict["NAME"]
    names = (f"{base}_drill_src", f"{base}_drill_restored")
    with django_db_blocker.unblock():
        for name in names:
            _pg(f'DROP DATABASE IF EXISTS "{name}"')
        connection.close()
        # a template must have no other session: earlier tests' live-server threads may still hold one (idle)
        _pg(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{base}' "  # noqa: S608 - our test database's name
            "AND pid <> pg_backend_pid()")
        _pg(f'CREATE DATABASE "{names[0]}" TEMPLATE "{base}"')
        yield names
        connection.close()
        # dropped in the background (about 10 s on a busy server); a leftover is dropped by the next run's start
        db = connection.settings_dict
        drops = [arg for name in names for arg in ("-c", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')]
        subprocess.Popen(["psql", "-h", db["HOST"], "-p", str(db["PORT"]), "-U", db["USER"], "-d", "postgres", "-q",
                          *drops],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)  # the test database is created; the drill uses copies of it
def test_backup_restore_migrate_and_the_shop_still_works(drill_databases, tmp_path, monkeypatch, capsys):
    source, restored = drill_databases
    src_data, new_data, backups, textfile = (tmp_path / d for d in ("data", "restored", "backups", "textfile"))
    for d in (src_data, backups, textfile):
        d.mkdir()
    monkeypatch.setenv("PRICHAL_DEMO", "1")
    # the whole demo (every event, product, seat map, charter offer, case), with a week of dates instead of 30 days:
    # the drill restores rows, not days, and the dates are most of load_demo's time
    from ticketing_core import demo

    monkeypatch.setattr(demo, "WINDOW", timedelta(days=7))
    python = sys.executable

    # the source: marked as migrated like production, then the demo and the drill's records
    t_start = time.monotonic()
    with Use(source, src_data):
        migrate(fake=True)
        t_fake = time.monotonic()
        expected = build_drill_data()
    t_data = time.monotonic()
    before = row_counts(source)
    for table in ("pretixbase_order", "pretixbase_orderpayment", "pretixbase_orderrefund", "pretixbase_checkin",
                  "pretixbase_seat", "ticketing_core_vesseloccupancy", "ticketing_helpdesk_caseattachment",
                  "ticketing_yoomoney_yookassaobject", "pretixbase_customer", "django_migrations"):
        assert before[table] > 0, f"the drill has no rows in {table}"

    # backup with the project's script: dump + data directory + checksums + the metric the alerts watch
    started = time.time()
    out = _run([python, str(BACKUP), "backup", "--dest", str(backups)],
               _env(source, src_data, PRICHAL_BACKUP_TEXTFILE_DIR=str(textfile)))
    folder = Path(re.search(r"backup: (\S+)", out).group(1))
    metric = (textfile / "prichal_backup.prom").read_text()
    stamp = float(re.search(r"^prichal_backup_last_success_timestamp_seconds (\d+)$", metric, re.M).group(1))
    assert started - 5 <= stamp <= time.time() + 1

    # restore into a fresh database and data directory, then migrate as after any restore
    t0 = time.monotonic()
    _run([python, str(BACKUP), "restore", "--from", str(folder), "--database", restored, "--data-dir",
          str(new_data)], _env(restored, new_data))
    restore_seconds = time.monotonic() - t0
    with Use(restored, new_data):
        migrate_out = migrate()
    total_seconds = time.monotonic() - t0
    assert "No migrations to apply" in migrate_out

    # invariants
    assert row_counts(restored) == before
    assert balance(restored) == balance(source) == expected["balance"]
    assert yookassa_mapping(restored) == yookassa_mapping(source) == expected["yookassa"]
    assert attachments_readable(restored, new_data) == 1

    # the customer logs in on the restored instance and sees her QR ticket
    with Use(restored, new_data):
        client = Client()
        org = expected["organizer"]
        response = client.post(f"/{org}/account/login", {"email": expected["customer"], "password": PASSWORD})
        assert response.status_code == 302, response.content.decode()[-1500:]
        assert expected["order"] in client.get(f"/{org}/account/").content.decode()
        with scopes_disabled():
            from pretix.base.models import Order

            from ticketing_website.testing import order_url

            url = order_url(Order.objects.get(code=expected["order"]))
        html = client.get(url).content.decode()
        assert f'data-secret="{expected["ticket_secret"]}"' in html and 'class="ticketing-qr-svg"' in html

    with capsys.disabled():
        print(f"\nrestore drill: restore {restore_seconds:.1f} s, with migrate {total_seconds:.1f} s "
              f"({sum(before.values())} rows in {len(before)} tables; setup: migrate --fake {t_fake - t_start:.1f} s, "
              f"demo and drill data {t_data - t_fake:.1f} s)")
