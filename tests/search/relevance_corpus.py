"""A labelled relevance set: realistic Vietnamese official documents and queries.

TARGETS are hand-written documents that queries are labelled against; the generator
adds distractors built from the same vocabulary (same document types, issuers, topics
and number-symbol shapes), so a query must rank the right document above look-alikes.
"""

from __future__ import annotations

import random
from datetime import date

# (id, number-symbol, type, issuer, subject, body)
TARGETS = [
    (
        "t01",
        "15/2016/QĐ-UBND",
        "Quyết định",
        "UBND tỉnh Sóc Trăng",
        "Ban hành Quy định về trao đổi, lưu trữ, xử lý văn bản điện tử trong các cơ quan nhà nước tỉnh Sóc Trăng",
        "Quy định này quy định việc trao đổi, lưu trữ, xử lý văn bản điện tử giữa các cơ quan nhà nước trên địa bàn tỉnh.",
    ),
    (
        "t02",
        "118/2025/NĐ-CP",
        "Nghị định",
        "Chính phủ",
        "Về thực hiện thủ tục hành chính theo cơ chế một cửa, một cửa liên thông tại Bộ phận Một cửa và Cổng Dịch vụ công quốc gia",
        "Nghị định quy định việc tiếp nhận hồ sơ, trả kết quả giải quyết thủ tục hành chính.",
    ),
    (
        "t03",
        "05/2025/NĐ-CP",
        "Nghị định",
        "Chính phủ",
        "Sửa đổi, bổ sung một số điều của Nghị định về đăng ký doanh nghiệp",
        "Đăng ký doanh nghiệp, đăng ký hộ kinh doanh và hộ kinh doanh cá thể.",
    ),
    (
        "t04",
        "12/UBND-VX",
        "Công văn",
        "UBND tỉnh Sóc Trăng",
        "Về việc hỗ trợ hộ nghèo, hộ cận nghèo đón Tết Nguyên đán Bính Ngọ năm 2026",
        "Thực hiện chính sách hỗ trợ hộ nghèo và gia đình chính sách.",
    ),
    (
        "t05",
        "30/KH-UBND",
        "Kế hoạch",
        "UBND huyện Mỹ Xuyên",
        "Kế hoạch nạo vét, cải tạo hồ chứa nước sinh hoạt và kênh thủy lợi nội đồng",
        "Nạo vét hồ chứa, bảo đảm nước sinh hoạt cho người dân mùa khô.",
    ),
    (
        "t06",
        "27/2024/TT-BTC",
        "Thông tư",
        "Bộ Tài chính",
        "Quy định mức thu, chế độ thu, nộp, quản lý và sử dụng lệ phí cấp giấy phép xây dựng",
        "Lệ phí cấp giấy phép xây dựng nhà ở riêng lẻ và công trình.",
    ),
    (
        "t07",
        "08/CT-UBND",
        "Chỉ thị",
        "UBND tỉnh Sóc Trăng",
        "Về tăng cường công tác phòng cháy, chữa cháy và cứu nạn, cứu hộ mùa khô",
        "Các địa phương chủ động phòng cháy chữa cháy rừng tràm.",
    ),
    (
        "t08",
        "45/TB-VP",
        "Thông báo",
        "Văn phòng UBND tỉnh",
        "Kết luận của Chủ tịch UBND tỉnh tại buổi làm việc về chuyển đổi số và Đề án 06",
        "Đẩy mạnh chuyển đổi số, ứng dụng dữ liệu dân cư, định danh và xác thực điện tử.",
    ),
    (
        "t09",
        "1234/QĐ-UBND",
        "Quyết định",
        "UBND tỉnh Sóc Trăng",
        "Công bố danh mục thủ tục hành chính mới ban hành lĩnh vực hộ tịch thuộc thẩm quyền giải quyết của UBND cấp xã",
        "Đăng ký khai sinh, đăng ký kết hôn, đăng ký khai tử.",
    ),
    (
        "t10",
        "22/2023/TT-BGDĐT",
        "Thông tư",
        "Bộ Giáo dục và Đào tạo",
        "Quy định về dạy thêm, học thêm trong các cơ sở giáo dục phổ thông",
        "Quản lý hoạt động dạy thêm, học thêm ngoài nhà trường.",
    ),
    (
        "t11",
        "09/2024/QĐ-UBND",
        "Quyết định",
        "UBND tỉnh Sóc Trăng",
        "Quy định bảng giá đất giai đoạn 2025-2029 trên địa bàn tỉnh Sóc Trăng",
        "Bảng giá đất ở, đất nông nghiệp tại đô thị và nông thôn.",
    ),
    (
        "t12",
        "101/SYT-NVY",
        "Công văn",
        "Sở Y tế",
        "Về việc tăng cường phòng, chống bệnh sốt xuất huyết Dengue",
        "Diệt lăng quăng, phun hóa chất phòng chống dịch sốt xuất huyết.",
    ),
    (
        "t13",
        "03/2025/TT-BCA",
        "Thông tư",
        "Bộ Công an",
        "Quy định về cấp, quản lý thẻ căn cước và giấy chứng nhận căn cước",
        "Thủ tục cấp đổi, cấp lại thẻ căn cước cho công dân.",
    ),
    (
        "t14",
        "56/KH-SNN",
        "Kế hoạch",
        "Sở Nông nghiệp và Môi trường",
        "Kế hoạch phòng, chống xâm nhập mặn, bảo vệ sản xuất lúa vụ Đông Xuân",
        "Theo dõi độ mặn, vận hành cống, bảo vệ lúa và cây ăn trái.",
    ),
    (
        "t15",
        "17/2025/QĐ-UBND",
        "Quyết định",
        "UBND tỉnh Sóc Trăng",
        "Quy định chức năng, nhiệm vụ, quyền hạn và cơ cấu tổ chức của Sở Giao thông vận tải",
        "Sở Giao thông vận tải tham mưu quản lý đường bộ, đường thủy nội địa.",
    ),
    (
        "t16",
        "2468/UBND-KT",
        "Công văn",
        "UBND tỉnh Sóc Trăng",
        "Về việc điều chỉnh chủ trương đầu tư dự án nhà máy điện gió Hòa Bình 5",
        "Điện gió ven biển, điều chỉnh tiến độ dự án.",
    ),
    (
        "t17",
        "11/NQ-HĐND",
        "Nghị quyết",
        "HĐND tỉnh Sóc Trăng",
        "Nghị quyết về kế hoạch đầu tư công trung hạn giai đoạn 2026-2030",
        "Phân bổ vốn đầu tư công cho giao thông, thủy lợi, y tế, giáo dục.",
    ),
    (
        "t18",
        "88/QĐ-STP",
        "Quyết định",
        "Sở Tư pháp",
        "Phê duyệt danh sách tổ chức hành nghề công chứng được chuyển đổi thành văn phòng công chứng",
        "Văn phòng công chứng, công chứng viên, hợp đồng chứng thực.",
    ),
    (
        "t19",
        "14/2024/TT-BTNMT",
        "Thông tư",
        "Bộ Tài nguyên và Môi trường",
        "Quy định về hồ sơ địa chính và cấp giấy chứng nhận quyền sử dụng đất",
        "Cấp giấy chứng nhận quyền sử dụng đất, quyền sở hữu nhà ở và tài sản gắn liền với đất.",
    ),
    (
        "t20",
        "63/BC-UBND",
        "Báo cáo",
        "UBND tỉnh Sóc Trăng",
        "Báo cáo tình hình kinh tế - xã hội quý III năm 2025",
        "Tổng sản phẩm trên địa bàn, thu ngân sách, xuất khẩu thủy sản.",
    ),
    (
        "t21",
        "19/CĐ-UBND",
        "Công điện",
        "UBND tỉnh Sóc Trăng",
        "Công điện về việc chủ động ứng phó với bão số 3 và mưa lớn",
        "Sơ tán người dân, neo đậu tàu thuyền tránh trú bão.",
    ),
    (
        "t22",
        "07/2025/QĐ-UBND",
        "Quyết định",
        "UBND tỉnh Sóc Trăng",
        "Quy định mức hỗ trợ đóng bảo hiểm y tế cho người thuộc hộ gia đình làm nông nghiệp",
        "Bảo hiểm y tế hộ gia đình, ngân sách tỉnh hỗ trợ.",
    ),
    (
        "t23",
        "350/SXD-QLN",
        "Công văn",
        "Sở Xây dựng",
        "Hướng dẫn thực hiện chính sách phát triển nhà ở xã hội cho công nhân khu công nghiệp",
        "Nhà ở xã hội, điều kiện mua, thuê mua nhà ở xã hội.",
    ),
    (
        "t24",
        "02/2026/TT-BNV",
        "Thông tư",
        "Bộ Nội vụ",
        "Hướng dẫn tuyển dụng, sử dụng và quản lý công chức cấp xã",
        "Tuyển dụng công chức xã, thi tuyển, xét tuyển.",
    ),
    (
        "t25",
        "76/KH-SGDĐT",
        "Kế hoạch",
        "Sở Giáo dục và Đào tạo",
        "Kế hoạch tổ chức kỳ thi tuyển sinh vào lớp 10 trung học phổ thông năm học 2026-2027",
        "Tuyển sinh lớp 10, môn thi, lịch thi, chỉ tiêu tuyển sinh.",
    ),
    (
        "t26",
        "05/CT-TTg",
        "Chỉ thị",
        "Thủ tướng Chính phủ",
        "Về đẩy mạnh thanh toán không dùng tiền mặt trong dịch vụ công",
        "Thanh toán trực tuyến phí, lệ phí trên Cổng Dịch vụ công.",
    ),
    (
        "t27",
        "1590/QĐ-BYT",
        "Quyết định",
        "Bộ Y tế",
        "Ban hành hướng dẫn chẩn đoán và điều trị bệnh tay chân miệng",
        "Phác đồ điều trị tay chân miệng ở trẻ em.",
    ),
    (
        "t28",
        "41/2024/QĐ-UBND",
        "Quyết định",
        "UBND tỉnh Sóc Trăng",
        "Quy định về quản lý, vận hành và khai thác cầu, đường giao thông nông thôn",
        "Đường giao thông nông thôn, cầu dân sinh, tải trọng khai thác.",
    ),
    (
        "t29",
        "900/STC-QLGCS",
        "Công văn",
        "Sở Tài chính",
        "Về việc thẩm định giá tài sản công khi thanh lý xe ô tô",
        "Thanh lý tài sản công, thẩm định giá, đấu giá xe ô tô.",
    ),
    (
        "t30",
        "13/2025/NQ-HĐND",
        "Nghị quyết",
        "HĐND tỉnh Sóc Trăng",
        "Quy định mức chi bồi dưỡng cho người làm nhiệm vụ tiếp công dân, xử lý đơn khiếu nại, tố cáo",
        "Tiếp công dân, xử lý đơn thư khiếu nại, tố cáo, kiến nghị, phản ánh.",
    ),
    (
        "t31",
        "25/KH-BCĐ",
        "Kế hoạch",
        "Ban Chỉ đạo tỉnh",
        "Kế hoạch triển khai Đề án 06 về phát triển ứng dụng dữ liệu dân cư, định danh và xác thực điện tử",
        "Định danh điện tử VNeID, làm sạch dữ liệu dân cư.",
    ),
    (
        "t32",
        "66/UBND-NC",
        "Công văn",
        "UBND thành phố Sóc Trăng",
        "Về việc đăng ký thường trú, tạm trú cho người dân tái định cư",
        "Đăng ký cư trú, thường trú, tạm trú.",
    ),
    (
        "t33",
        "4321/QĐ-UBND",
        "Quyết định",
        "UBND tỉnh Sóc Trăng",
        "Phê duyệt quy hoạch chi tiết xây dựng tỷ lệ 1/500 khu dân cư Phường 4",
        "Quy hoạch chi tiết xây dựng, khu dân cư, hạ tầng kỹ thuật.",
    ),
    (
        "t34",
        "29/2025/TT-BLĐTBXH",
        "Thông tư",
        "Bộ Lao động - Thương binh và Xã hội",
        "Hướng dẫn chi trả trợ cấp thất nghiệp và hỗ trợ học nghề",
        "Bảo hiểm thất nghiệp, trợ cấp thất nghiệp, hỗ trợ học nghề cho người lao động.",
    ),
    (
        "t35",
        "210/SVHTTDL-QLDL",
        "Công văn",
        "Sở Văn hóa, Thể thao và Du lịch",
        "Về việc tổ chức Lễ hội Oóc Om Bóc – Đua ghe Ngo đồng bào Khmer",
        "Lễ hội Oóc Om Bóc, đua ghe Ngo, bảo đảm an ninh trật tự.",
    ),
    # Documents in force and the ones they replaced, or that expired, on the same
    # words (the older ones match the words at least as well).
    (
        "t36",
        "30/2020/NĐ-CP",
        "Nghị định",
        "Chính phủ",
        "Về công tác văn thư",
        "Soạn thảo, ký ban hành văn bản; quản lý văn bản; lập hồ sơ và nộp lưu hồ sơ, "
        "tài liệu vào Lưu trữ cơ quan; quản lý và sử dụng con dấu, thiết bị lưu khóa "
        "bí mật trong công tác văn thư.",
    ),
    (
        "t37",
        "110/2004/NĐ-CP",
        "Nghị định",
        "Chính phủ",
        "Về công tác văn thư",
        "Nghị định này quy định về công tác văn thư. Công tác văn thư bao gồm soạn "
        "thảo văn bản, quản lý văn bản và tài liệu khác, quản lý và sử dụng con dấu "
        "trong công tác văn thư.",
    ),
    (
        "t38",
        "10/2022/NĐ-CP",
        "Nghị định",
        "Chính phủ",
        "Quy định về lệ phí trước bạ",
        "Đối tượng chịu lệ phí trước bạ, người nộp lệ phí trước bạ, căn cứ tính lệ phí "
        "trước bạ.",
    ),
    (
        "t39",
        "140/2016/NĐ-CP",
        "Nghị định",
        "Chính phủ",
        "Về lệ phí trước bạ",
        "Lệ phí trước bạ nhà, đất; lệ phí trước bạ ô tô, xe máy; mức thu lệ phí trước "
        "bạ và miễn lệ phí trước bạ.",
    ),
    (
        "t40",
        "61/2018/NĐ-CP",
        "Nghị định",
        "Chính phủ",
        "Về thực hiện cơ chế một cửa, một cửa liên thông trong giải quyết thủ tục "
        "hành chính",
        "Cơ chế một cửa, một cửa liên thông trong giải quyết thủ tục hành chính.",
    ),
    (
        "t41",
        "32/2019/QĐ-UBND",
        "Quyết định",
        "UBND tỉnh Sóc Trăng",
        "Quy định bảng giá đất giai đoạn 2020-2024 trên địa bàn tỉnh Sóc Trăng",
        "Bảng giá đất ở, đất nông nghiệp; bảng giá đất tại đô thị và nông thôn.",
    ),
]

# Legal status and issue date of the targets above that are not simply in force.
LEGAL = {
    "t36": ("in-force", date(2020, 3, 5)),
    "t37": ("replaced", date(2004, 4, 8)),
    "t38": ("in-force", date(2022, 1, 15)),
    "t39": ("replaced", date(2016, 10, 10)),
    "t40": ("replaced", date(2018, 4, 23)),
    "t41": ("expired", date(2019, 12, 20)),
}

# (query, id of the relevant document)
QUERIES = [
    # number-symbols in several spellings
    ("15/2016/QĐ-UBND", "t01"),
    ("15/2016/qd-ubnd", "t01"),
    ("15 2016 QD UBND", "t01"),
    ("118/2025/NĐ-CP", "t02"),
    ("118 2025 nd cp", "t02"),
    ("05/2025/nđ-cp", "t03"),
    ("12/UBND-VX", "t04"),
    ("12 ubnd vx", "t04"),
    ("27/2024/TT-BTC", "t06"),
    ("22/2023/tt-bgddt", "t10"),
    ("1234/QĐ-UBND", "t09"),
    ("4321 qd ubnd", "t33"),
    ("29/2025/TT-BLĐTBXH", "t34"),
    ("02/2026", "t24"),
    ("quyết định 09/2024/QĐ-UBND giá đất", "t11"),
    # subjects with diacritics
    ("trao đổi văn bản điện tử", "t01"),
    ("một cửa liên thông", "t02"),
    ("hỗ trợ hộ nghèo đón Tết", "t04"),
    ("hồ chứa nước", "t05"),
    ("lệ phí cấp giấy phép xây dựng", "t06"),
    ("phòng cháy chữa cháy mùa khô", "t07"),
    ("dạy thêm học thêm", "t10"),
    ("bảng giá đất", "t11"),
    ("sốt xuất huyết", "t12"),
    ("thẻ căn cước", "t13"),
    ("xâm nhập mặn", "t14"),
    ("điện gió", "t16"),
    ("đầu tư công trung hạn", "t17"),
    ("văn phòng công chứng", "t18"),
    ("bão số 3", "t21"),
    ("bảo hiểm y tế hộ gia đình", "t22"),
    ("nhà ở xã hội cho công nhân", "t23"),
    ("tuyển sinh lớp 10", "t25"),
    ("thanh toán không dùng tiền mặt", "t26"),
    ("tay chân miệng", "t27"),
    # without diacritics
    ("trao doi van ban dien tu", "t01"),
    ("ho tro ho ngheo", "t04"),
    ("giay chung nhan quyen su dung dat", "t19"),
    ("tinh hinh kinh te xa hoi quy III", "t20"),
    ("tuyen dung cong chuc cap xa", "t24"),
    ("tham dinh gia tai san cong", "t29"),
    ("tiep cong dan khieu nai to cao", "t30"),
    ("dinh danh va xac thuc dien tu", "t31"),
    ("dang ky thuong tru tam tru", "t32"),
    ("le hoi ooc om boc dua ghe ngo", "t35"),
    ("duong giao thong nong thon", "t28"),
    # partial words (the last word typed in part)
    ("danh mục thủ tục hành chính hộ t", "t09"),
    ("quy hoạch chi tiết xây d", "t33"),
    ("trợ cấp thất ngh", "t34"),
    ("chuyen doi s", "t08"),
    ("cơ cấu tổ chức sở giao thô", "t15"),
    # multi-word subjects
    ("chức năng nhiệm vụ quyền hạn sở giao thông vận tải", "t15"),
    ("kết luận chủ tịch về chuyển đổi số đề án 06", "t08"),
    ("sửa đổi bổ sung nghị định đăng ký doanh nghiệp", "t03"),
    ("hướng dẫn chẩn đoán điều trị tay chân miệng", "t27"),
    # vocabulary shared with many distractors
    ("hồ sơ địa chính", "t19"),
    ("cap giay chung nhan quyen su dung dat", "t19"),
    ("nuoc sinh hoat mua kho", "t05"),
    ("cứu nạn cứu hộ", "t07"),
    ("hộ kinh doanh cá thể", "t03"),
    ("chi tra tro cap that nghiep", "t34"),
    # the document in force, not the one it replaced or that expired
    ("công tác văn thư", "t36"),
    ("cong tac van thu", "t36"),
    ("lệ phí trước bạ", "t38"),
    ("le phi truoc ba", "t38"),
    ("cơ chế một cửa, một cửa liên thông", "t02"),
    ("bảng giá đất Sóc Trăng", "t11"),
]

# (query, the document in force, the replaced or expired one it must outrank)
OUTRANK = [
    ("công tác văn thư", "t36", "t37"),
    ("cong tac van thu", "t36", "t37"),
    ("lệ phí trước bạ", "t38", "t39"),
    ("le phi truoc ba", "t38", "t39"),
    ("cơ chế một cửa, một cửa liên thông", "t02", "t40"),
    ("bảng giá đất", "t11", "t41"),
]

TYPES = {
    "Quyết định": "QĐ",
    "Nghị định": "NĐ",
    "Thông tư": "TT",
    "Công văn": None,
    "Kế hoạch": "KH",
    "Chỉ thị": "CT",
    "Thông báo": "TB",
    "Nghị quyết": "NQ",
    "Báo cáo": "BC",
}
ISSUERS = [
    ("UBND tỉnh Sóc Trăng", "UBND"),
    ("UBND huyện Mỹ Xuyên", "UBND"),
    ("UBND thành phố Sóc Trăng", "UBND"),
    ("Sở Y tế", "SYT"),
    ("Sở Tài chính", "STC"),
    ("Sở Xây dựng", "SXD"),
    ("Sở Giáo dục và Đào tạo", "SGDĐT"),
    ("Sở Nông nghiệp và Môi trường", "SNN"),
    ("Sở Tư pháp", "STP"),
    ("Chính phủ", "CP"),
    ("Bộ Tài chính", "BTC"),
    ("HĐND tỉnh Sóc Trăng", "HĐND"),
]
ACTIONS = [
    "Về việc triển khai",
    "Ban hành quy định về",
    "Phê duyệt kế hoạch",
    "Hướng dẫn thực hiện",
    "Sửa đổi, bổ sung quy định về",
    "Về việc tăng cường",
    "Về việc kiểm tra",
    "Tổng kết công tác",
]
TOPICS = [
    "quản lý đất đai và bồi thường giải phóng mặt bằng",
    "cải cách hành chính năm 2026",
    "phòng, chống dịch bệnh trên gia súc, gia cầm",
    "an toàn giao thông dịp lễ, Tết",
    "thu ngân sách nhà nước và quản lý thuế",
    "xây dựng nông thôn mới nâng cao",
    "chăm sóc sức khỏe ban đầu tại trạm y tế xã",
    "kiểm định chất lượng giáo dục phổ thông",
    "bảo vệ môi trường khu dân cư và xử lý rác thải",
    "đăng ký biện pháp bảo đảm bằng quyền sử dụng đất",
    "cấp phép khai thác cát lòng sông",
    "hỗ trợ doanh nghiệp nhỏ và vừa",
    "công tác dân tộc và tôn giáo",
    "quản lý chợ và trung tâm thương mại",
    "phát triển du lịch cộng đồng",
    "tiếp nhận hồ sơ trực tuyến toàn trình",
    "bảo trì hệ thống thoát nước đô thị",
    "thống kê dân số và nhà ở giữa kỳ",
    "thi đua, khen thưởng năm học",
    "quản lý vật liệu nổ công nghiệp",
    "nuôi tôm nước lợ và phòng bệnh thủy sản",
    "sắp xếp đơn vị hành chính cấp xã",
    "kiểm soát thủ tục hành chính",
    "số hóa hồ sơ, kết quả giải quyết thủ tục hành chính",
]
BODIES = [
    "Các sở, ban, ngành và UBND các huyện, thị xã, thành phố tổ chức thực hiện.",
    "Giao Văn phòng UBND tỉnh theo dõi, đôn đốc, báo cáo kết quả.",
    "Quyết định này có hiệu lực kể từ ngày ký.",
    "Trong quá trình thực hiện nếu có khó khăn, vướng mắc, báo cáo về Sở để tổng hợp.",
    "Kinh phí thực hiện từ nguồn ngân sách nhà nước theo phân cấp hiện hành.",
]


def documents(distractors: int = 220, seed: int = 20260525) -> list[dict]:
    """TARGETS plus `distractors` generated documents (deterministic)."""
    rng = random.Random(seed)
    docs = [
        {
            "id": doc_id,
            "number": number,
            "doc_type": doc_type,
            "issuer": issuer,
            "title": title,
            "body": body,
            "issued": LEGAL.get(
                doc_id, (None, date(2016 + i % 10, 1 + i % 12, 1 + i % 28))
            )[1],
            "legal_status": LEGAL.get(doc_id, ("in-force", None))[0],
        }
        for i, (doc_id, number, doc_type, issuer, title, body) in enumerate(TARGETS)
    ]
    taken = {doc["number"] for doc in docs}
    while len(docs) < len(TARGETS) + distractors:
        doc_type = rng.choice(list(TYPES))
        issuer, issuer_code = rng.choice(ISSUERS)
        year = rng.randint(2016, 2026)
        serial = rng.randint(1, 2500)
        type_code = TYPES[doc_type]
        if type_code is None:
            number = f"{serial}/{issuer_code}-{rng.choice(['VX', 'KT', 'NC', 'TH'])}"
        elif doc_type in {"Quyết định", "Nghị định", "Thông tư"} and rng.random() < 0.6:
            number = f"{serial:02d}/{year}/{type_code}-{issuer_code}"
        else:
            number = f"{serial}/{type_code}-{issuer_code}"
        if number in taken:
            continue
        taken.add(number)
        topic = rng.choice(TOPICS)
        docs.append(
            {
                "id": f"g{len(docs):03d}",
                "number": number,
                "doc_type": doc_type,
                "issuer": issuer,
                "title": f"{rng.choice(ACTIONS)} {topic}",
                "body": " ".join(rng.sample(BODIES, 2)) + f" Nội dung về {topic}.",
                "issued": date(year, rng.randint(1, 12), rng.randint(1, 28)),
                "legal_status": "in-force",
            }
        )
    return docs
