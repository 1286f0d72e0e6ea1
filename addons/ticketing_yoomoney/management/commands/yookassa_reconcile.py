"""
``python -m pretix yookassa_reconcile [--days 7] [--organizer SLUG] [--fix]``: every difference between
our payments and refunds and YooKassa's, for accountants and support; ``--fix`` applies YooKassa's state.
"""
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils.timezone import now
from django_scopes import scopes_disabled

from pretix.base.models import Organizer

from ...services.reconcile import find_mismatches


class Command(BaseCommand):
    help = "Print mismatches between Prichal's YooKassa payments/refunds and YooKassa's records."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=7, help="look at objects created in the last N days")
        parser.add_argument("--organizer", help="only this organizer (slug)")
        parser.add_argument("--fix", action="store_true", help="apply YooKassa's state where ours differs")

    @scopes_disabled()
    def handle(self, *args, days: int, organizer: str | None, fix: bool, **options):
        org = None
        if organizer:
            org = Organizer.objects.filter(slug=organizer).first()
            if org is None:
                raise CommandError(f"unknown organizer {organizer!r}")
        found = find_mismatches(now() - timedelta(days=days), organizer=org, fix=fix)
        if not found:
            self.stdout.write(f"No differences with YooKassa in the last {days} days.")
            return
        self.stdout.write(f"{'order':<10} {'reference':<38} {'ours':<15} {'yookassa':<29} problem")
        for m in found:
            self.stdout.write(str(m))
        self.stdout.write(f"{len(found)} difference(s)" + (", fixed where YooKassa's state could be applied." if fix
                                                            else "; run with --fix to apply YooKassa's state."))
