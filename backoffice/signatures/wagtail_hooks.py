"""Wagtail admin: the trust store (chứng thư tin cậy) as a snippet.

Create/edit/delete made there are audited by the hooks in backoffice.core, because
TrustedCertificate sets `audit_in_admin = True`.
"""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import TrustedCertificate


class TrustedCertificateViewSet(SnippetViewSet):
    model = TrustedCertificate
    icon = "key"
    menu_label = _("Chứng thư tin cậy")
    list_display = ["name", "kind", "subject", "not_after", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "subject", "fingerprint_sha256"]
    add_to_admin_menu = True
    menu_order = 240
    panels = [
        FieldPanel("name"),
        FieldPanel("kind"),
        FieldPanel("pem"),
        FieldPanel("is_active"),
    ]


register_snippet(TrustedCertificateViewSet)
