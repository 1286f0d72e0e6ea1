"""`python -m pretix load_demo`: create (or complete) the demo operator "Нева Круиз"; safe to run again."""
from django.core.management.base import BaseCommand, CommandError

from ticketing_core.demo import NotADemoInstance, load_demo


class Command(BaseCommand):
    help = "Create the demo operator (fleet, piers, events, dates for the next 30 days, an administrator)."

    def handle(self, *args, **options):
        try:
            result = load_demo()
        except NotADemoInstance as e:  # the production image ships this command: never a known password there
            raise CommandError(str(e))
        created = result["created"]
        if created:
            self.stdout.write("Demo data created: " + ", ".join(f"{n} × {what}" for what, n in created.items()))
        else:
            self.stdout.write("Demo data already complete, nothing created.")
        for line in result["skipped"]:
            self.stderr.write(f"Skipped a date: {line}")
        self.stdout.write(f"Storefront:   {result['storefront_url']}")
        self.stdout.write(f"Back office:  {result['control_url']}")
        self.stdout.write(f"Boarding:     {result['boarding_url']}")
        self.stdout.write(f"Dashboard:    {result['dashboard_url']}")
        self.stdout.write(f"Admin login:  {result['admin_email']} / {result['admin_password']}")
