"""Wagtail admin: the trust store (chứng thư tin cậy), agency signing certificates
and imported CRLs as snippets.

Create/edit/delete made there are audited by the hooks in backoffice.core, because
the models set `audit_in_admin = True`.
"""

from django.forms import FileInput
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .forms import (
    AgencySigningCertificateAdminForm,
    RevocationListAdminForm,
    StaffSigningKeyAdminForm,
)
from .models import (
    AgencySigningCertificate,
    RevocationList,
    StaffSigningKey,
    TrustedCertificate,
)

TOKEN_PANELS = [
    FieldPanel("pkcs11_module"),
    FieldPanel("token_label"),
    FieldPanel("key_label"),
    FieldPanel("cert_label"),
]


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


def signing_key_panels(*holder: str, image: str) -> list[FieldPanel]:
    """The form of a signing key: who holds it, its kind, the key (a PKCS#12 file
    or a token), the image stamped with the signature, active or not."""
    return [
        *(FieldPanel(name) for name in holder),
        FieldPanel("kind"),
        # A plain file input: the stored key has no URL to link to.
        FieldPanel("pkcs12_file", widget=FileInput(attrs={"accept": ".p12,.pfx"})),
        FieldPanel("password_env"),
        *TOKEN_PANELS,
        FieldPanel(image, widget=FileInput(attrs={"accept": ".png"})),
        FieldPanel("is_active"),
    ]


class SigningKeyViewSet(SnippetViewSet):
    """Shared by the agency's and the staff's signing keys."""

    icon = "key"
    list_filter = ["kind", "is_active"]
    add_to_admin_menu = True


class AgencySigningCertificateViewSet(SigningKeyViewSet):
    model = AgencySigningCertificate
    menu_label = _("Chứng thư ký số của cơ quan")
    list_display = ["agency", "kind", "subject", "not_after", "is_active"]
    menu_order = 241
    edit_handler = ObjectList(
        signing_key_panels("agency", image="seal_image"),
        base_form_class=AgencySigningCertificateAdminForm,
    )


class StaffSigningKeyViewSet(SigningKeyViewSet):
    model = StaffSigningKey
    menu_label = _("Chữ ký số cá nhân")
    list_display = ["user", "position", "kind", "subject", "not_after", "is_active"]
    menu_order = 243
    edit_handler = ObjectList(
        signing_key_panels("user", "position", image="signature_image"),
        base_form_class=StaffSigningKeyAdminForm,
    )


class RevocationListViewSet(SnippetViewSet):
    model = RevocationList
    icon = "warning"
    menu_label = _("Danh sách thu hồi (CRL)")
    list_display = ["issuer", "number", "this_update", "next_update", "revoked_count"]
    add_to_admin_menu = True
    menu_order = 242
    edit_handler = ObjectList(
        [FieldPanel("crl_file")], base_form_class=RevocationListAdminForm
    )


register_snippet(TrustedCertificateViewSet)
register_snippet(AgencySigningCertificateViewSet)
register_snippet(StaffSigningKeyViewSet)
register_snippet(RevocationListViewSet)
