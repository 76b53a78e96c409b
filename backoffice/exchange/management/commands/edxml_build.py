"""Build the edXML packet of a released outgoing document.

    manage.py edxml_build --outgoing ID -o FILE.edxml

To: every recipient agency of the document. Files: the signed main file and
attachments of the release. Signed with the sending agency's key (PKCS#12).
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from backoffice.exchange.keys import KeyUnavailable
from backoffice.exchange.outbound import ExchangeRejected, organ_of, outgoing_packet
from backoffice.outgoing.models import OutgoingDocument


class Command(BaseCommand):
    help = "Write the signed edXML packet of a released outgoing document."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--outgoing", type=int, required=True, metavar="ID")
        parser.add_argument("-o", "--output", required=True, metavar="FILE")

    def handle(self, *args: object, **options: object) -> None:
        document = (
            OutgoingDocument.objects.select_related("agency")
            .filter(pk=options["outgoing"])
            .first()
        )
        if document is None:
            raise CommandError(
                _("Không có văn bản đi #%(id)s.") % {"id": options["outgoing"]}
            )
        recipients = [
            organ_of(r.agency)
            for r in document.recipients.select_related("agency")
            if r.agency_id
        ]
        try:
            data = outgoing_packet(document=document, recipients=recipients)
        except (ExchangeRejected, KeyUnavailable) as exc:
            raise CommandError(str(exc)) from exc
        output = Path(str(options["output"]))
        output.write_bytes(data)
        self.stdout.write(f"{output}: {len(data)} byte")
