"""Synthetic scanned batches with their ground truth, for tests and benchmarks.

Test support, not product code: it lives under tests/support/ and is imported by
the tests and by the bench/ scripts (which put the repository root on sys.path).

A batch is what a counter scanner produces: for each dossier the project's own
cover sheet (sheets_pdf), then per component its separator sheet and a few
Vietnamese text pages, with blank backs here and there. Every page is then
"scanned": tilted up to ±5°, sometimes fed upside down or sideways, at 150–300
dpi, with dark scanner borders, speckle, blur and JPEG artefacts. The result is a
PDF of JPEG images (or a multi-page TIFF), like a scanner writes.

Everything is drawn from a seeded random generator: the same seed gives the same
batch, so a failing benchmark batch can be reproduced.

    batch = generate_batch(seed=7, workdir=tmp_path)
    batch.path, batch.truth.pages[3].kind
"""

# The Vietnamese sample sentences below read best one to a line (tests/** allow
# long lines).

import io
import random
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import cv2
import numpy as np
from pdf2image import convert_from_bytes
from PIL import Image, ImageDraw, ImageFont

from backoffice.scanning.sheets import sheets_pdf

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONTS = ["DejaVuSerif.ttf", "DejaVuSans.ttf"]
A4_MM = (210.0, 297.0)

# Administrative Vietnamese, as found in the documents citizens hand in.
SENTENCES = [
    "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015.",
    "Tôi xin cam đoan những lời khai trên là đúng sự thật và chịu trách nhiệm trước pháp luật.",
    "Đề nghị cơ quan có thẩm quyền xem xét, giải quyết hồ sơ theo quy định.",
    "Giấy chứng nhận quyền sử dụng đất, quyền sở hữu nhà ở và tài sản khác gắn liền với đất.",
    "Họ và tên người yêu cầu: Nguyễn Thị Hồng Nhung, sinh ngày 12 tháng 3 năm 1988.",
    "Nơi cư trú: số 45, đường Lê Lợi, phường 6, thành phố Sóc Trăng, tỉnh Sóc Trăng.",
    "Số định danh cá nhân: 094188001234, cấp ngày 05 tháng 8 năm 2021 tại Cục Cảnh sát.",
    "Quan hệ với người được khai sinh: mẹ đẻ; lý do đăng ký muộn: đi làm ăn xa.",
    "Ủy ban nhân dân phường đã kiểm tra, xác minh và thấy hồ sơ đầy đủ, hợp lệ.",
    "Thời hạn giải quyết là mười lăm ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ.",
    "Bản sao giấy tờ tùy thân có chứng thực hoặc bản chụp kèm bản chính để đối chiếu.",
    "Hợp đồng chuyển nhượng quyền sử dụng đất đã được công chứng tại Văn phòng công chứng Mỹ Xuyên.",
    "Diện tích thửa đất: 152,4 mét vuông; mục đích sử dụng: đất ở tại đô thị.",
    "Người nộp hồ sơ phải xuất trình bản chính để cán bộ tiếp nhận đối chiếu.",
    "Trường hợp hồ sơ chưa đầy đủ, cơ quan tiếp nhận hướng dẫn bổ sung một lần.",
    "Phí, lệ phí được nộp trực tiếp tại bộ phận một cửa hoặc qua dịch vụ thanh toán trực tuyến.",
    "Kết quả giải quyết được trả tại bộ phận tiếp nhận hoặc gửi qua dịch vụ bưu chính công ích.",
    "Đơn đề nghị cấp giấy phép xây dựng nhà ở riêng lẻ tại khu vực nông thôn.",
    "Sổ hộ khẩu, giấy xác nhận thông tin về cư trú do công an cấp xã cung cấp.",
    "Biên bản họp gia đình về việc thỏa thuận phân chia di sản thừa kế.",
    "Tờ khai đăng ký kết hôn có xác nhận tình trạng hôn nhân của hai bên nam, nữ.",
    "Quyết định số 1234/QĐ-UBND ngày 20 tháng 10 năm 2025 của Chủ tịch Ủy ban nhân dân tỉnh.",
    "Giấy ủy quyền được lập thành ba bản, mỗi bên giữ một bản có giá trị pháp lý như nhau.",
    "Đất không có tranh chấp, không bị kê biên để bảo đảm thi hành án.",
    "Nhà ở gồm một trệt, một lầu, kết cấu bê tông cốt thép, mái lợp ngói.",
    "Người khai ký và ghi rõ họ tên; trường hợp không biết chữ thì điểm chỉ.",
    "Chữ ký của cán bộ tiếp nhận, đóng dấu của cơ quan và ngày tháng năm ghi sổ.",
    "Bản đồ địa chính tờ số 15, thửa số 278, do Văn phòng đăng ký đất đai lập.",
    "Trích lục hộ tịch được cấp theo yêu cầu của cá nhân có quyền và lợi ích liên quan.",
    "Các khoản thuế, phí liên quan đến chuyển nhượng do bên nhận chuyển nhượng chịu.",
    "Hồ sơ gồm năm loại giấy tờ được đánh số thứ tự và xếp theo danh mục kèm theo.",
    "Xác nhận của trưởng ấp về việc gia đình đang sinh sống ổn định tại địa phương.",
]
TITLES = [
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "ĐƠN ĐỀ NGHỊ",
    "TỜ KHAI",
    "GIẤY ỦY QUYỀN",
    "HỢP ĐỒNG CHUYỂN NHƯỢNG",
    "BIÊN BẢN XÁC MINH",
    "GIẤY XÁC NHẬN",
]
PROCEDURES = [
    ("1.000656", "Đăng ký khai sinh", ["Tờ khai đăng ký khai sinh", "Giấy chứng sinh"]),
    (
        "1.004227",
        "Đăng ký kết hôn",
        [
            "Tờ khai đăng ký kết hôn",
            "Giấy xác nhận tình trạng hôn nhân",
            "Giấy tờ tùy thân",
        ],
    ),
    (
        "2.000635",
        "Chứng thực hợp đồng, giao dịch liên quan đến bất động sản",
        [
            "Dự thảo hợp đồng, giao dịch",
            "Bản sao giấy chứng nhận quyền sử dụng đất, quyền sở hữu nhà ở",
            "Bản sao giấy tờ tùy thân của người yêu cầu chứng thực",
            "Giấy ủy quyền (nếu có)",
        ],
    ),
    (
        "1.001612",
        "Cấp giấy phép xây dựng nhà ở riêng lẻ",
        [
            "Đơn đề nghị cấp giấy phép xây dựng",
            "Bản vẽ thiết kế xây dựng",
            "Giấy tờ về đất",
        ],
    ),
]
NAMES = [
    "Nguyễn Văn An",
    "Trần Thị Bích",
    "Lê Hoàng Phúc",
    "Thạch Thị Sa Rươl",
    "Phạm Quốc Việt",
]


@dataclass
class PageTruth:
    kind: str  # "cover", "separator", "content", "blank", "stray"
    dossier_code: str = ""
    procedure_code: str = ""
    position: int | None = None  # component position for separator and content pages
    rotation: int = 0  # clockwise correction that makes the scanned page upright
    skew: float = 0.0  # counter-clockwise correction (degrees) that levels it
    text: str = ""  # the text drawn on a content page


@dataclass
class BatchTruth:
    pages: list[PageTruth]
    dpi: int

    def dossiers(self) -> list[dict]:
        """Expected dossiers in the shape of ScanResult.as_contract_dict()."""
        out: dict[str, dict] = {}
        for index, page in enumerate(self.pages):
            if page.kind in ("cover", "separator"):
                out.setdefault(
                    page.dossier_code,
                    {
                        "code": page.dossier_code,
                        "procedure_code": page.procedure_code,
                        "c": {},
                    },
                )
            if page.kind == "content" and page.position is not None:
                out[page.dossier_code]["c"].setdefault(page.position, []).append(index)
        return [
            {
                "code": d["code"],
                "procedure_code": d["procedure_code"],
                "components": [
                    {"position": p, "pages": d["c"][p]} for p in sorted(d["c"])
                ],
            }
            for d in out.values()
        ]

    @property
    def blank_pages(self) -> list[int]:
        return [i for i, p in enumerate(self.pages) if p.kind == "blank"]

    @property
    def unmatched_pages(self) -> list[int]:
        return [i for i, p in enumerate(self.pages) if p.kind == "stray"]


@dataclass
class GeneratedBatch:
    path: Path
    truth: BatchTruth
    extra: dict = field(default_factory=dict)


@dataclass
class ScanStyle:
    """How rough the scanner is. `clean()` is a flat, straight, noiseless scan."""

    max_skew: float = 5.0
    turn_probability: float = 0.2  # upside down or sideways
    speckle: tuple[int, int] = (20, 400)
    jpeg_quality: tuple[int, int] = (35, 85)
    border_probability: float = 0.5
    blur_probability: float = 0.3
    noise: float = 4.0

    @classmethod
    def clean(cls) -> "ScanStyle":
        return cls(
            max_skew=0.0,
            turn_probability=0.0,
            speckle=(0, 0),
            jpeg_quality=(95, 95),
            border_probability=0.0,
            blur_probability=0.0,
            noise=0.0,
        )


@cache
def _font(name: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT_DIR / name), size)


def _canvas(dpi: int) -> np.ndarray:
    width = round(A4_MM[0] / 25.4 * dpi)
    height = round(A4_MM[1] / 25.4 * dpi)
    return np.full((height, width), 255, np.uint8)


def _wrap(draw: ImageDraw.ImageDraw, text: str, font, width: int) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if draw.textlength(candidate, font=font) <= width or not line:
            line = candidate
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    return lines


def text_page(
    rng: random.Random, dpi: int, *, lines_min: int = 8, lines_max: int = 34
) -> tuple[np.ndarray, str]:
    """An upright A4 page of Vietnamese text at `dpi`, and the text drawn on it."""
    image = Image.fromarray(_canvas(dpi))
    draw = ImageDraw.Draw(image)
    px = dpi / 25.4
    margin_x = round(rng.uniform(20, 30) * px)
    y = round(rng.uniform(18, 30) * px)
    face = rng.choice(FONTS)
    points = rng.choice([11, 12, 13])
    size = round(points / 72 * dpi)
    bold = face.replace(".ttf", "-Bold.ttf")
    width = image.width - 2 * margin_x
    drawn: list[str] = []
    title = rng.choice(TITLES)
    title_font = _font(bold, round(size * 1.15))
    draw.text(
        ((image.width - draw.textlength(title, font=title_font)) / 2, y),
        title,
        font=title_font,
        fill=0,
    )
    drawn.append(title)
    y += round(size * 2.6)
    font = _font(face, size)
    leading = round(size * rng.uniform(1.4, 1.7))
    bottom = image.height - round(25 * px)
    target = rng.randint(lines_min, max(lines_min, lines_max))
    count = 0
    while count < target and y + leading < bottom:
        paragraph = " ".join(rng.sample(SENTENCES, rng.randint(1, 3)))
        for line in _wrap(draw, paragraph, font, width):
            if count >= target or y + leading >= bottom:
                break
            draw.text((margin_x, y), line, font=font, fill=0)
            drawn.append(line)
            y += leading
            count += 1
        y += round(leading * 0.5)
    return np.asarray(image), unicodedata.normalize("NFC", "\n".join(drawn))


def _sheet_pages(
    rng: random.Random, dpi: int, code: str, procedure
) -> list[np.ndarray]:
    procedure_code, procedure_name, components = procedure
    pdf = sheets_pdf(
        dossier_code=code,
        procedure_code=procedure_code,
        procedure_name=procedure_name,
        applicant_name=rng.choice(NAMES),
        agency_name="UBND phường 6, TP Sóc Trăng",
        components=list(enumerate(components, start=1)),
    )
    return [
        np.asarray(p.convert("L"))
        for p in convert_from_bytes(pdf, dpi=dpi, grayscale=True)
    ]


def _blank_page(rng: random.Random, dpi: int) -> np.ndarray:
    page = _canvas(dpi)
    if rng.random() < 0.4:
        # Bleed-through of the other side: faint mirrored text.
        text, _ = text_page(rng, dpi)
        ghost = cv2.flip(text, 1)
        level = rng.randint(215, 235)
        page = np.where(ghost < 128, level, 255).astype(np.uint8)
    return page


def scan(
    page: np.ndarray, rng: random.Random, style: ScanStyle, dpi: int
) -> tuple[np.ndarray, int, float]:
    """Degrade an upright page as a scanner would. Returns the scan, the clockwise
    correction and the counter-clockwise skew correction that undo it."""
    image = page.astype(np.float32)
    # Paper is not white, toner is not black.
    paper = rng.uniform(228, 250) if style.noise else 255.0
    ink = rng.uniform(10, 60) if style.noise else 0.0
    image = ink + (paper - ink) * image / 255.0
    skew = rng.uniform(-style.max_skew, style.max_skew) if style.max_skew else 0.0
    background = (
        rng.choice([rng.uniform(20, 70), paper]) if style.border_probability else paper
    )
    if skew:
        height, width = image.shape
        matrix = cv2.getRotationMatrix2D((width / 2, height / 2), skew, 1.0)
        image = cv2.warpAffine(
            image,
            matrix,
            (width, height),
            flags=cv2.INTER_LINEAR,
            borderMode=cv2.BORDER_CONSTANT,
            borderValue=background,
        )
    turn = 0
    if rng.random() < style.turn_probability:
        turn = rng.choice([90, 180, 270, 180])
        rotate = {
            90: cv2.ROTATE_90_CLOCKWISE,
            180: cv2.ROTATE_180,
            270: cv2.ROTATE_90_COUNTERCLOCKWISE,
        }
        image = cv2.rotate(image, rotate[turn])
    height, width = image.shape
    if rng.random() < style.border_probability:
        # Dark bands of the scanner lid along one or two edges.
        for side in rng.sample(["top", "bottom", "left", "right"], rng.randint(1, 2)):
            band = round(
                rng.uniform(0.004, 0.03)
                * (height if side in ("top", "bottom") else width)
            )
            value = rng.uniform(10, 60)
            if side == "top":
                image[:band] = value
            elif side == "bottom":
                image[height - band :] = value
            elif side == "left":
                image[:, :band] = value
            else:
                image[:, width - band :] = value
    if style.noise:
        # OpenCV's generator is several times faster than numpy's on a full page;
        # seeding it from rng keeps the batch reproducible.
        cv2.setRNGSeed(rng.getrandbits(31))
        noise = np.empty(image.shape, np.float32)
        cv2.randn(noise, 0.0, style.noise)
        image += noise
    specks = rng.randint(*style.speckle) if style.speckle[1] else 0
    scale = dpi / 300
    for _ in range(specks):
        centre = (rng.randrange(width), rng.randrange(height))
        radius = max(1, round(rng.choice([1, 1, 1, 2, 2, 3]) * scale))
        cv2.circle(image, centre, radius, rng.uniform(0, 90), -1)
    if rng.random() < style.blur_probability:
        image = cv2.GaussianBlur(image, (0, 0), rng.uniform(0.4, 0.9) * scale)
    image = np.clip(image, 0, 255).astype(np.uint8)
    quality = rng.randint(*style.jpeg_quality)
    ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
    image = cv2.imdecode(data, cv2.IMREAD_GRAYSCALE)
    return image, (360 - turn) % 360, -skew


def _pdf_of_jpegs(pages, path: Path, dpi: int, quality: int = 85) -> int:
    """A PDF with one JPEG image per page, as scanners write them, streamed to
    disk page by page (a 300-page 300-dpi batch never sits in memory)."""
    offsets: list[int] = []
    count = 0
    with Path(path).open("wb") as out:

        def obj(number: int, body: bytes, stream: bytes | None = None) -> None:
            while len(offsets) < number:
                offsets.append(0)
            offsets[number - 1] = out.tell()
            out.write(b"%d 0 obj\n" % number + body)
            if stream is not None:
                out.write(b"\nstream\n" + stream + b"\nendstream")
            out.write(b"\nendobj\n")

        out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
        kids = []
        for page in pages:
            number = 3 + 3 * count
            ok, data = cv2.imencode(".jpg", page, [cv2.IMWRITE_JPEG_QUALITY, quality])
            height, width = page.shape[:2]
            w_pt, h_pt = width * 72 / dpi, height * 72 / dpi
            obj(
                number + 1,
                b"<</Type/XObject/Subtype/Image/Width %d/Height %d"
                b"/ColorSpace/DeviceGray/BitsPerComponent 8/Filter/DCTDecode/Length %d>>"
                % (width, height, len(data)),
                data.tobytes(),
            )
            content = b"q %.3f 0 0 %.3f 0 0 cm /Im0 Do Q" % (w_pt, h_pt)
            obj(number + 2, b"<</Length %d>>" % len(content), content)
            obj(
                number,
                b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 %.3f %.3f]"
                b"/Resources<</XObject<</Im0 %d 0 R>>>>/Contents %d 0 R>>"
                % (w_pt, h_pt, number + 1, number + 2),
            )
            kids.append(b"%d 0 R" % number)
            count += 1
        obj(1, b"<</Type/Catalog/Pages 2 0 R>>")
        obj(2, b"<</Type/Pages/Kids[%s]/Count %d>>" % (b" ".join(kids), count))
        xref = out.tell()
        out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(offsets) + 1))
        for offset in offsets:
            out.write(b"%010d 00000 n \n" % offset)
        out.write(
            b"trailer\n<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n"
            % (len(offsets) + 1, xref)
        )
    return count


def write_pages(pages, path: Path, dpi: int, fmt: str = "pdf") -> Path:
    """Write scanned pages (an iterable of grayscale arrays) as PDF or TIFF."""
    if fmt == "pdf":
        _pdf_of_jpegs(pages, path, dpi)
    elif fmt == "tiff":
        images = [Image.fromarray(p) for p in pages]
        images[0].save(
            path,
            "TIFF",
            save_all=True,
            append_images=images[1:],
            dpi=(dpi, dpi),
            compression="tiff_deflate",
        )
    else:
        raise ValueError(fmt)
    return path


def generate_batch(
    *,
    seed: int,
    workdir: Path,
    dpi: int | None = None,
    dossiers: tuple[int, int] = (2, 3),
    components: tuple[int, int] = (1, 3),
    pages_per_component: tuple[int, int] = (1, 2),
    blank_probability: float = 0.15,
    stray_pages: int | None = None,
    style: ScanStyle | None = None,
    fmt: str = "pdf",
) -> GeneratedBatch:
    """One scanned batch of several dossiers with its ground truth."""
    rng = random.Random(seed)
    dpi = dpi or rng.choice([150, 200, 240, 300])
    style = style or ScanStyle()
    pages: list[np.ndarray] = []
    truth: list[PageTruth] = []

    def add(image: np.ndarray, page: PageTruth) -> None:
        scanned, rotation, skew = scan(image, rng, style, dpi)
        page.rotation, page.skew = rotation, skew
        pages.append(scanned)
        truth.append(page)

    def maybe_blank() -> None:
        if rng.random() < blank_probability:
            add(_blank_page(rng, dpi), PageTruth("blank"))

    strays = (
        stray_pages if stray_pages is not None else (1 if rng.random() < 0.1 else 0)
    )
    for _ in range(strays):
        image, text = text_page(rng, dpi)
        add(image, PageTruth("stray", text=text))
    for number in range(rng.randint(*dossiers)):
        procedure = rng.choice(PROCEDURES)
        day = f"2026{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
        code = f"000.00.31.H53-{day}-{seed % 10**6:06d}{number}"
        sheets = _sheet_pages(rng, dpi, code, procedure)
        add(sheets[0], PageTruth("cover", code, procedure[0]))
        maybe_blank()
        count = min(rng.randint(*components), len(procedure[2]))
        chosen = sorted(rng.sample(range(1, len(procedure[2]) + 1), count))
        for position in chosen:
            add(sheets[position], PageTruth("separator", code, procedure[0], position))
            maybe_blank()
            for _ in range(rng.randint(*pages_per_component)):
                image, text = text_page(rng, dpi)
                add(
                    image, PageTruth("content", code, procedure[0], position, text=text)
                )
                maybe_blank()
    path = Path(workdir) / f"batch-{seed}.{'pdf' if fmt == 'pdf' else 'tif'}"
    write_pages(pages, path, dpi, fmt)
    return GeneratedBatch(path=path, truth=BatchTruth(truth, dpi))


def normalise_text(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance, one numpy row at a time (a 2 000-character page in ms)."""
    if not a:
        return len(b)
    if not b:
        return len(a)
    codes_b = np.frombuffer(b.encode("utf-32-le"), dtype=np.uint32)
    steps = np.arange(len(b) + 1)
    row = steps.copy()
    for i, char in enumerate(a, start=1):
        cost = (codes_b != ord(char)).astype(np.int64)
        candidate = np.empty_like(row)
        candidate[0] = i
        candidate[1:] = np.minimum(row[1:] + 1, row[:-1] + cost)
        row = np.minimum.accumulate(candidate - steps) + steps
    return int(row[-1])


def character_accuracy(ocr: str, truth: str) -> float:
    ocr, truth = normalise_text(ocr), normalise_text(truth)
    if not truth:
        return 1.0 if not ocr else 0.0
    return max(0.0, 1.0 - edit_distance(ocr, truth) / len(truth))


# --- Colour pages, phone photos, fax-like pages (issue 17) ---------------------

SEAL_BGR = (38, 32, 206)  # the red of an agency seal (hue ≈ 358°)
SIGNATURE_BGR = (160, 62, 24)  # ballpoint blue (hue ≈ 214°)


def hue_degrees(bgr) -> float:
    """The hue of one BGR colour in degrees (0–360), as people compare colours."""
    pixel = np.uint8([[list(bgr)]])
    hsv = cv2.cvtColor(pixel, cv2.COLOR_BGR2HSV_FULL)
    return float(hsv[0, 0, 0]) * 360.0 / 256.0


def hue_difference(a: float, b: float) -> float:
    d = abs(a - b) % 360.0
    return min(d, 360.0 - d)


def region_hue(bgr: np.ndarray, *, min_chroma: int = 60) -> float | None:
    """The circular mean hue (degrees) of the strongly coloured pixels of a region."""
    pixels = bgr.reshape(-1, 3).astype(np.int16)
    chroma = pixels.max(axis=1) - pixels.min(axis=1)
    coloured = pixels[chroma >= min_chroma].astype(np.uint8)
    if len(coloured) < 20:
        return None
    hsv = cv2.cvtColor(coloured.reshape(-1, 1, 3), cv2.COLOR_BGR2HSV_FULL)
    angles = hsv[:, 0, 0].astype(np.float64) * 2 * np.pi / 256.0
    mean = np.arctan2(np.sin(angles).mean(), np.cos(angles).mean())
    return float(np.degrees(mean) % 360.0)


@dataclass
class ColourPage:
    image: np.ndarray  # BGR, upright, A4 at dpi
    text: str
    seal_box: tuple[int, int, int, int]  # x, y, w, h of the seal in image pixels
    seal_hue: float


def colour_page(rng: random.Random, dpi: int) -> ColourPage:
    """A text page carrying a red round seal over the signature block and a blue
    handwritten signature, as a signed Vietnamese document looks."""
    gray, text = text_page(rng, dpi, lines_min=8, lines_max=20)
    image = cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR)
    height, width = gray.shape
    px = dpi / 25.4
    radius = round(rng.uniform(18, 21) * px)  # a 36–42 mm seal
    cx = round(width - rng.uniform(45, 60) * px)
    # The signature block sits below the text: nothing drawn is covered.
    last_ink = int(np.nonzero((gray < 128).any(axis=1))[0].max())
    cy = min(height - radius - round(12 * px), last_ink + radius + round(8 * px))
    seal = image.copy()
    cv2.circle(seal, (cx, cy), radius, SEAL_BGR, max(2, round(1.2 * px)))
    cv2.circle(seal, (cx, cy), round(radius * 0.72), SEAL_BGR, max(1, round(0.5 * px)))
    star = [
        (
            cx + round(radius * 0.3 * np.cos(np.pi / 2 + k * 4 * np.pi / 5)),
            cy - round(radius * 0.3 * np.sin(np.pi / 2 + k * 4 * np.pi / 5)),
        )
        for k in range(5)
    ]
    cv2.fillPoly(seal, [np.array(star, np.int32)], SEAL_BGR)
    # Blue signature: a few strokes of a smooth random curve, left of the seal.
    points = []
    x0, y0 = cx - round(1.6 * radius), cy + round(0.2 * radius)
    for k in range(140):
        t = k / 139
        points.append(
            (
                x0 + round(t * 1.3 * radius),
                y0
                + round(
                    0.35 * radius * np.sin(t * rng.uniform(9, 14)) - 0.3 * radius * t
                ),
            )
        )
    cv2.polylines(
        seal,
        [np.array(points, np.int32)],
        False,
        SIGNATURE_BGR,
        max(2, round(0.45 * px)),
    )
    # Ink is translucent: the seal multiplies over the text below it.
    image = (image.astype(np.float32) * seal.astype(np.float32) / 255.0).astype(
        np.uint8
    )
    box = (cx - radius, cy - radius, 2 * radius, 2 * radius)
    return ColourPage(image, text, box, hue_degrees(SEAL_BGR))


def scan_colour(page: np.ndarray, rng: random.Random, quality: int = 85) -> np.ndarray:
    """A flatbed colour scan: off-white paper, slight noise, JPEG artefacts."""
    image = page.astype(np.float32)
    paper = np.array(
        [rng.uniform(236, 248), rng.uniform(238, 250), rng.uniform(240, 252)]
    )
    image = 12 + (paper - 12) * image / 255.0
    cv2.setRNGSeed(rng.getrandbits(31))
    noise = np.empty(image.shape, np.float32)
    cv2.randn(noise, 0.0, 2.5)
    image = np.clip(image + noise, 0, 255).astype(np.uint8)
    ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
    return cv2.imdecode(data, cv2.IMREAD_COLOR)


def write_colour_pdf(pages, path: Path, dpi: int, quality: int = 85) -> Path:
    """A PDF of colour JPEG pages (BGR arrays), as a colour scanner writes it."""
    images = [Image.fromarray(np.ascontiguousarray(p[:, :, ::-1])) for p in pages]
    images[0].save(
        path,
        "PDF",
        save_all=True,
        append_images=images[1:],
        resolution=float(dpi),
        quality=quality,
    )
    return path


def _desk(rng: random.Random, width: int, height: int) -> np.ndarray:
    """A wood-like desk: streaks along one direction and blotches, mid-dark."""
    base = np.array([rng.uniform(40, 90), rng.uniform(60, 110), rng.uniform(90, 140)])
    streaks = np.random.default_rng(rng.getrandbits(32)).normal(
        0, 1, (1, width // 4 + 1)
    )
    streaks = cv2.resize(
        cv2.GaussianBlur(streaks.astype(np.float32), (0, 0), 3), (width, height)
    )
    blotch = np.random.default_rng(rng.getrandbits(32)).normal(
        0, 1, (height // 64 + 1, width // 64 + 1)
    )
    blotch = cv2.resize(
        blotch.astype(np.float32), (width, height), interpolation=cv2.INTER_CUBIC
    )
    texture = 14 * streaks + 10 * blotch
    return np.clip(base[None, None, :] + texture[:, :, None], 0, 255).astype(np.uint8)


@dataclass
class PhonePhoto:
    jpeg: bytes  # as the phone wrote it: pixels stored turned, EXIF says how
    corners: np.ndarray  # the page's corners in the upright photo (tl, tr, br, bl)
    keystone: float  # degrees of camera tilt simulated
    exif_orientation: int


def phone_photo(
    page: np.ndarray,
    rng: random.Random,
    *,
    megapixels: float = 12.0,
    keystone: float | None = None,
    orientation: int | None = None,
    quality: int = 88,
) -> PhonePhoto:
    """A phone photo of an upright page (gray or BGR) lying on a desk: perspective
    (camera tilted up to ±25°), a little in-plane turn, a shadow and light
    fall-off, sensor noise, JPEG; pixels stored turned with an EXIF orientation."""
    if page.ndim == 2:
        page = cv2.cvtColor(page, cv2.COLOR_GRAY2BGR)
    height = round((megapixels * 1e6 * 4 / 3) ** 0.5)
    width = round(height * 3 / 4)  # portrait photo, 3:4
    photo = _desk(rng, width, height).astype(np.float32)
    keystone = rng.uniform(-25, 25) if keystone is None else keystone
    squeeze = 1 - 0.55 * np.sin(np.radians(abs(keystone)))
    page_h = height * rng.uniform(0.72, 0.82)
    page_w = page_h * 210 / 297
    cx, cy = (
        width / 2 + rng.uniform(-0.04, 0.04) * width,
        height / 2 + rng.uniform(-0.03, 0.03) * height,
    )
    near, far = page_w / 2, page_w / 2 * squeeze
    top, bottom = (far, near) if keystone >= 0 else (near, far)
    depth = page_h / 2 * (1 - 0.15 * np.sin(np.radians(abs(keystone))))
    corners = np.array(
        [
            [cx - top, cy - depth],
            [cx + top, cy - depth],
            [cx + bottom, cy + depth],
            [cx - bottom, cy + depth],
        ],
        dtype=np.float32,
    )
    turn = np.radians(rng.uniform(-6, 6))
    rot = np.array(
        [[np.cos(turn), -np.sin(turn)], [np.sin(turn), np.cos(turn)]], np.float32
    )
    corners = (corners - [cx, cy]) @ rot.T + [cx, cy]
    src = np.array(
        [
            [0, 0],
            [page.shape[1] - 1, 0],
            [page.shape[1] - 1, page.shape[0] - 1],
            [0, page.shape[0] - 1],
        ],
        dtype=np.float32,
    )
    matrix = cv2.getPerspectiveTransform(src, corners.astype(np.float32))
    warped = cv2.warpPerspective(page, matrix, (width, height), flags=cv2.INTER_AREA)
    mask = (
        cv2.warpPerspective(
            np.full(page.shape[:2], 255, np.uint8),
            matrix,
            (width, height),
            flags=cv2.INTER_LINEAR,
        ).astype(np.float32)[:, :, None]
        / 255.0
    )
    photo = photo * (1 - mask) + warped.astype(np.float32) * mask
    # Light: a gradient across the frame and a soft shadow from one side.
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    angle = rng.uniform(0, 2 * np.pi)
    ramp = np.cos(angle) * xx / width + np.sin(angle) * yy / height
    light = 0.95 - 0.25 * (ramp - ramp.min()) / (np.ptp(ramp) + 1e-6)
    edge = rng.uniform(0.15, 0.4) * width
    shadow = 1 - 0.32 / (1 + np.exp((xx - edge) / (0.05 * width)))
    photo *= (light * shadow)[:, :, None]
    photo *= np.array([0.97, 1.0, 1.03])  # warm indoor light
    cv2.setRNGSeed(rng.getrandbits(31))
    noise = np.empty(photo.shape, np.float32)
    cv2.randn(noise, 0.0, 3.0)
    photo = np.clip(photo + noise, 0, 255).astype(np.uint8)
    orientation = rng.choice([1, 6, 8, 3]) if orientation is None else orientation
    # EXIF orientation says how to turn the stored pixels to show them upright.
    store = {
        1: photo,
        6: cv2.rotate(photo, cv2.ROTATE_90_COUNTERCLOCKWISE),
        8: cv2.rotate(photo, cv2.ROTATE_90_CLOCKWISE),
        3: cv2.rotate(photo, cv2.ROTATE_180),
    }[orientation]
    image = Image.fromarray(np.ascontiguousarray(store[:, :, ::-1]))
    exif = Image.Exif()
    exif[0x010F] = "SynthPhone"
    exif[0x0110] = "SP-12"
    exif[0x0112] = orientation
    exif.get_ifd(0x8769)[0x829A] = 1 / 60  # exposure time: only cameras write it
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality, exif=exif.tobytes())
    return PhonePhoto(out.getvalue(), corners, keystone, orientation)


def fax_page(rng: random.Random, dpi: int = 150) -> tuple[np.ndarray, str]:
    """A bitonal (black/white) text page at a fax's or an old scanner's resolution."""
    gray, text = text_page(rng, dpi)
    noise = np.random.default_rng(rng.getrandbits(32)).normal(0, 18, gray.shape)
    bitonal = np.where(gray.astype(np.float32) + noise < 150, 0, 255).astype(np.uint8)
    return bitonal, text


def write_bitonal(pages, path: Path, dpi: int) -> Path:
    """Bitonal pages as a G4 TIFF, or as a PDF of 1-bit images (by the suffix)."""
    images = [Image.fromarray(p).convert("1") for p in pages]
    if Path(path).suffix.lower() == ".pdf":
        images[0].save(
            path, "PDF", save_all=True, append_images=images[1:], resolution=float(dpi)
        )
    else:
        images[0].save(
            path,
            "TIFF",
            save_all=True,
            append_images=images[1:],
            dpi=(dpi, dpi),
            compression="group4",
        )
    return path
