"""Admin: peers (other installations, their agencies and certificate), and the
packets sent and received — failures listed with their last error and a
"send again" action (audited)."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .constants import PacketState
from .models import ExchangePacket, ExchangeRecall, ExchangeStatus, Peer, PeerAgency
from .outbound import ExchangeRejected, packet_retry


class PeerAgencyInline(admin.TabularInline):
    model = PeerAgency
    extra = 1


@admin.register(Peer)
class PeerAdmin(admin.ModelAdmin):
    list_display = ("name", "base_url", "is_active")
    inlines = [PeerAgencyInline]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(ExchangePacket)
class ExchangePacketAdmin(ReadOnlyAdmin):
    list_display = (
        "created_at",
        "direction",
        "kind",
        "document_id",
        "status_code",
        "peer",
        "state",
        "attempts",
        "next_attempt_at",
        "last_error",
    )
    list_filter = ("state", "direction", "kind", "peer")
    search_fields = ("document_id", "subject", "last_error")
    exclude = ("content",)
    readonly_fields = ("sha256", "size")
    actions = ["send_again"]

    @admin.action(description=gettext_lazy("Gửi lại các gói tin gửi lỗi đã chọn"))
    def send_again(
        self, request: HttpRequest, queryset: QuerySet[ExchangePacket]
    ) -> None:
        done = 0
        for packet in queryset.filter(state=PacketState.FAILED):
            try:
                packet_retry(packet=packet, actor=request.user)
            except ExchangeRejected as exc:
                self.message_user(request, str(exc), messages.ERROR)
            else:
                done += 1
        self.message_user(
            request,
            _("Đã xếp lại %(count)s gói tin để gửi.") % {"count": done},
            messages.SUCCESS,
        )


@admin.register(ExchangeStatus)
class ExchangeStatusAdmin(ReadOnlyAdmin):
    list_display = ("at", "direction", "document_id", "organ_id", "code", "description")
    list_filter = ("direction", "code")
    search_fields = ("document_id", "organ_id")


@admin.register(ExchangeRecall)
class ExchangeRecallAdmin(ReadOnlyAdmin):
    list_display = ("requested_at", "document_id", "agency", "state", "decided_at")
    list_filter = ("state",)
    search_fields = ("document_id",)
