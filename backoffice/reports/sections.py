"""The report as titled tables: one definition read by the HTML page, the XLSX
(one sheet per section) and the PDF, so the three always show the same figures."""

import dataclasses

from django.utils.translation import gettext as _


@dataclasses.dataclass
class Section:
    key: str  # also the XLSX sheet name (ASCII, ≤ 31 characters)
    title: str
    headers: list[str]
    rows: list[list[object]]
    chart: str = ""  # the key of its chart in reports.charts, if any


def _channel_rows(items: list[dict]) -> list[list[object]]:
    return [[item["label"], item["count"]] for item in items]


def _timeliness_headers(first: str) -> list[str]:
    return [
        _("Mã"),
        first,
        _("Tiếp nhận"),
        _("Đúng hạn"),
        _("Trễ hạn"),
        _("Đang giải quyết trong hạn"),
        _("Không tính"),
        _("Tỷ lệ đúng hạn (%)"),
        _("Lượt đánh giá"),
        _("Mức hài lòng trung bình (1–5)"),
    ]


def _timeliness_rows(rows: list[dict]) -> list[list[object]]:
    return [
        [
            r["code"],
            r["name"],
            r["received"],
            r["on_time"],
            r["late"],
            r["in_progress"],
            r["excluded"],
            r["on_time_rate"],
            r["ratings"],
            r["rating_avg"],
        ]
        for r in rows
    ]


def report_sections(report: dict) -> list[Section]:
    """Every table of the report, in reading order."""
    inc, out, dos, scans = (
        report["incoming"],
        report["outgoing"],
        report["dossiers"],
        report["scans"],
    )
    figure, value = _("Chỉ tiêu"), _("Số liệu")
    return [
        Section(
            "incoming",
            _("Văn bản đến"),
            [figure, value],
            [
                [_("Tổng số văn bản đến"), inc["total"]],
                [_("Nhận qua kênh điện tử"), inc["electronic"]],
                [_("Tỷ lệ nhận qua kênh điện tử (%)"), inc["electronic_share"]],
                [_("Có chữ ký số"), inc["signed"]],
                [_("Chữ ký số hợp lệ"), inc["signed_valid"]],
                [_("Tỷ lệ có chữ ký số (%)"), inc["signed_share"]],
                [_("Đã vào sổ"), inc["registered"]],
                [_("Từ chối tiếp nhận"), inc["refused"]],
                [_("Đã báo nhận"), inc["acknowledged"]],
                [_("Thời gian báo nhận trung bình (giờ)"), inc["ack_hours_avg"]],
                [_("Thời gian báo nhận trung vị (giờ)"), inc["ack_hours_median"]],
            ],
        ),
        Section(
            "incoming_channels",
            _("Văn bản đến theo kênh nhận"),
            [_("Kênh nhận"), _("Số văn bản")],
            _channel_rows(inc["by_channel"]),
            chart="incoming_channels",
        ),
        Section(
            "outgoing",
            _("Văn bản đi"),
            [figure, value],
            [
                [_("Tổng số văn bản đi đã phát hành"), out["total"]],
                [_("Có chữ ký số"), out["signed"]],
                [_("Tỷ lệ có chữ ký số (%)"), out["signed_share"]],
                [_("Có gửi kèm bản giấy"), out["paper"]],
                [_("Tỷ lệ có gửi kèm bản giấy (%)"), out["paper_share"]],
                [_("Số lượt gửi (nơi nhận)"), out["recipients"]],
                [_("Tỷ lệ lượt gửi điện tử (%)"), out["recipients_electronic_share"]],
                [_("Nơi nhận đã xác nhận"), out["acknowledged"]],
                [_("Thời gian xác nhận trung bình (giờ)"), out["ack_hours_avg"]],
                [_("Thời gian xác nhận trung vị (giờ)"), out["ack_hours_median"]],
            ],
        ),
        Section(
            "outgoing_channels",
            _("Lượt gửi văn bản đi theo kênh"),
            [_("Kênh gửi"), _("Số lượt gửi")],
            _channel_rows(out["recipients_by_channel"]),
            chart="outgoing_channels",
        ),
        Section(
            "dossiers",
            _("Hồ sơ thủ tục hành chính"),
            [figure, value],
            [
                [_("Tổng số hồ sơ tiếp nhận"), dos["total"]],
                [_("Nộp trực tuyến"), dos["online"]],
                [_("Tỷ lệ nộp trực tuyến (%)"), dos["online_share"]],
                [_("Giải quyết đúng hạn"), dos["on_time"]],
                [_("Giải quyết trễ hạn (kể cả đang quá hạn)"), dos["late"]],
                [_("Đang giải quyết trong hạn"), dos["in_progress"]],
                [_("Không tính (không tiếp nhận, rút, dừng)"), dos["excluded"]],
                [_("Tỷ lệ đúng hạn (%)"), dos["on_time_rate"]],
                [_("Lượt đánh giá"), dos["ratings"]],
                [_("Mức hài lòng trung bình (1–5)"), dos["rating_avg"]],
            ],
            chart="dossier_timeliness",
        ),
        Section(
            "dossier_channels",
            _("Hồ sơ theo kênh nộp"),
            [_("Kênh nộp"), _("Số hồ sơ")],
            _channel_rows(dos["by_channel"]),
            chart="dossier_channels",
        ),
        Section(
            "dossier_status",
            _("Hồ sơ theo trạng thái hiện tại"),
            [_("Trạng thái"), _("Số hồ sơ")],
            _channel_rows(dos["by_status"]),
        ),
        Section(
            "on_time_agency",
            _("Tỷ lệ giải quyết đúng hạn theo cơ quan"),
            _timeliness_headers(_("Cơ quan")),
            _timeliness_rows(report["on_time_by_agency"]),
            chart="on_time_by_agency",
        ),
        Section(
            "on_time_procedure",
            _("Tỷ lệ giải quyết đúng hạn theo thủ tục"),
            _timeliness_headers(_("Thủ tục")),
            _timeliness_rows(report["on_time_by_procedure"]),
        ),
        Section(
            "scans",
            _("Số hóa hồ sơ giấy tại Bộ phận Một cửa"),
            [figure, value],
            [
                [_("Số lô quét"), scans["batches"]],
                [_("Số trang đã quét"), scans["pages"]],
                [_("Trang đã số hóa vào hồ sơ"), scans["pages_digitised"]],
                [_("Trang trắng bị loại"), scans["blank_pages"]],
                [_("Tờ bìa, tờ phân cách mã QR"), scans["sheets"]],
            ],
        ),
    ]
