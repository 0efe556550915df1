"""E-mail each confirmed follower of a place or campaign the events recorded since their last digest
(run it from cron, e.g. daily). Mail goes through the configured backend: SMTP from the environment
(EMAIL_URL or EMAIL_HOST...), else the console."""

from django.core.management.base import BaseCommand

from web import services


class Command(BaseCommand):
    help = "E-mail confirmed followers the events recorded since the last digest."

    def handle(self, *args, **options):
        sent, checked = services.follow_digest_send()
        self.stdout.write(f"{sent} digest(s) sent to {checked} confirmed follower(s).")
