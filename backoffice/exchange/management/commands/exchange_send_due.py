"""Try again every queued exchange packet whose backoff has elapsed (what the
beat's sweep does), and print how many were tried."""

from django.core.management.base import BaseCommand

from backoffice.exchange.tasks import send_due_exchange_packets


class Command(BaseCommand):
    help = "Send the exchange packets whose next try is due."

    def handle(self, *args: object, **options: object) -> None:
        self.stdout.write(str(send_due_exchange_packets()))
