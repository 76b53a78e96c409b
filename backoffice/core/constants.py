from django.db import models
from django.utils.translation import gettext_lazy as _


class AgencyLevel(models.TextChoices):
    PROVINCE = "province", _("Cấp tỉnh")
    DEPARTMENT = "department", _("Sở, ban, ngành")
    DISTRICT = "district", _("Cấp huyện")
    COMMUNE = "commune", _("Cấp xã")
    OTHER = "other", _("Đơn vị khác")


class Role(models.TextChoices):
    """Staff roles (vai trò) within one agency."""

    RECEPTION = "reception", _("Cán bộ tiếp nhận và trả kết quả")
    CLERK = "clerk", _("Văn thư")
    SPECIALIST = "specialist", _("Chuyên viên")
    LEADER = "leader", _("Lãnh đạo")
    ADMIN = "admin", _("Quản trị")


class Permission(models.TextChoices):
    """What a role may do. Checked by selectors and services, never by templates."""

    VIEW_DOSSIERS = "view_dossiers", _("Xem hồ sơ")
    RECEIVE_DOSSIERS = "receive_dossiers", _("Tiếp nhận hồ sơ")
    PROCESS_DOSSIERS = "process_dossiers", _("Xử lý hồ sơ")
    APPROVE = "approve", _("Phê duyệt, ký")
    KEEP_REGISTERS = "keep_registers", _("Vào sổ văn bản")
    PUBLISH_DOCUMENTS = "publish_documents", _("Đăng văn bản lên cổng")
    MANAGE_CATALOGUE = "manage_catalogue", _("Quản lý danh mục thủ tục")
    MANAGE_CALENDAR = "manage_calendar", _("Quản lý lịch làm việc")
    MANAGE_STAFF = "manage_staff", _("Quản lý cán bộ")
    VIEW_AUDIT = "view_audit", _("Xem nhật ký")
    VIEW_SUBTREE = "view_subtree", _("Xem các đơn vị trực thuộc")


ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.RECEPTION: frozenset({Permission.VIEW_DOSSIERS, Permission.RECEIVE_DOSSIERS}),
    Role.CLERK: frozenset(
        {
            Permission.VIEW_DOSSIERS,
            Permission.KEEP_REGISTERS,
            Permission.PUBLISH_DOCUMENTS,
        }
    ),
    Role.SPECIALIST: frozenset({Permission.VIEW_DOSSIERS, Permission.PROCESS_DOSSIERS}),
    Role.LEADER: frozenset(
        {
            Permission.VIEW_DOSSIERS,
            Permission.PROCESS_DOSSIERS,
            Permission.APPROVE,
            Permission.VIEW_AUDIT,
            Permission.VIEW_SUBTREE,
        }
    ),
    Role.ADMIN: frozenset(
        {
            Permission.MANAGE_CATALOGUE,
            Permission.MANAGE_CALENDAR,
            Permission.MANAGE_STAFF,
            Permission.VIEW_AUDIT,
            Permission.VIEW_SUBTREE,
        }
    ),
}


class CalendarDayKind(models.TextChoices):
    DAY_OFF = "day_off", _("Ngày nghỉ thêm")
    WORKING_DAY = "working_day", _("Ngày làm việc bù")
