"""Legacy Vietnamese encodings → Unicode NFC, detection that leaves real text alone.

The encoders here are written independently of the module's tables: TCVN3 and
VISCII through glibc iconv, Windows-1258 through Python's codec, VNI from its
composition rules (base letter + mark character).
"""

import shutil
import subprocess
import unicodedata

import pytest

from backoffice.documents import legacy_text
from backoffice.documents.legacy_text import (
    legacy_decode,
    legacy_detect,
    legacy_to_unicode,
)

TONES = ("", "\u0301", "\u0300", "\u0309", "\u0303", "\u0323")
VOWELS = "aăâeêioôơuưy"
LOWER = [unicodedata.normalize("NFC", v + t) for v in VOWELS for t in TONES] + ["đ"]
# The whole Vietnamese alphabet: every vowel with every tone, upper and lower case,
# the plain consonants and đ/Đ.
ALPHABET = " ".join(
    LOWER
    + [c.upper() for c in LOWER]
    + list("bcdghklmnpqrstvx")
    + list("BCDGHKLMNPQRSTVX")
)

SENTENCES = [
    "Quyết định số 15/QĐ-UBND về việc ban hành quy chế làm việc",
    "Ủy ban nhân dân tỉnh Sóc Trăng",
    "Cộng hòa xã hội chủ nghĩa Việt Nam",
    "Độc lập - Tự do - Hạnh phúc",
    "Thông báo kết luận của Chủ tịch Ủy ban nhân dân tỉnh tại cuộc họp",
    "Kế hoạch thực hiện cải cách thủ tục hành chính năm 2024",
    "Hướng dẫn tiếp nhận và trả kết quả giải quyết hồ sơ theo cơ chế một cửa",
    "Báo cáo tình hình kinh tế xã hội sáu tháng đầu năm",
    "Tờ trình đề nghị phê duyệt dự án đầu tư xây dựng trường học",
    "Giấy mời dự hội nghị tổng kết công tác năm",
    "Sở Nông nghiệp và Phát triển nông thôn",
    "Trường đại học Cần Thơ tuyển sinh ngành luật",
    "Người dân được hướng dẫn nộp hồ sơ trực tuyến qua cổng dịch vụ công",
    "Phường Nguyễn Văn Cừ, quận Ninh Kiều, thành phố Cần Thơ",
    "Chỉ thị về tăng cường kỷ luật, kỷ cương hành chính",
    "Quy định về phân cấp quản lý viên chức",
    "Nghị quyết của Hội đồng nhân dân về dự toán ngân sách",
    "QUYẾT ĐỊNH",
    "ỦY BAN NHÂN DÂN TỈNH SÓC TRĂNG",
    "Đề án vị trí việc làm và cơ cấu ngạch công chức",
    "Biên bản họp hội đồng thẩm định giá đất",
    "Khẩn: phòng chống lụt bão, giảm nhẹ thiên tai",
    "Huyện Mỹ Xuyên, xã Ngọc Tố, ấp Hòa Lời",
    "Công điện hỏa tốc về ứng phó với áp thấp nhiệt đới",
    "Đăng ký khai sinh",
    "Hà Nội",
    "Cấp giấy phép xây dựng nhà ở riêng lẻ",
    "Thư ký, Phó Chủ tịch thường trực",
]
ASCII = [
    "Hello world",
    "15/QD-UBND ngay 12/03/2024",
    "Bao cao so 12, ke hoach 2024",
    "UBND tinh Soc Trang",
    "a",
    "",
]
# Real Unicode whose characters all exist in Windows-1252: looks like a misread
# legacy text to a naive detector, and must survive untouched.
LATIN1_UNICODE = [
    "Tôi là Hà",
    "Cà Mau",
    "Bà Rịa",
    "Café São Paulo, Müller, Zürich, naïve résumé",
    "Ô Môn",
    "Châu Thành",
    "Tân Châu, An Giang",
    "Mã số: 123-ABC",
    "Điều 5",
]


# --- independent encoders -----------------------------------------------------------


def iconv_encode(text: str, encoding: str) -> bytes:
    return subprocess.run(  # noqa: S603 - fixed arguments, test helper
        ["iconv", "-f", "UTF-8", "-t", encoding],  # noqa: S607
        input=text.encode(),
        capture_output=True,
        check=True,
    ).stdout


def iconv_decode(data: bytes, encoding: str) -> str:
    return subprocess.run(  # noqa: S603 - fixed arguments, test helper
        ["iconv", "-f", encoding, "-t", "UTF-8"],  # noqa: S607
        input=data,
        capture_output=True,
        check=True,
    ).stdout.decode()


def cp1258_encode(text: str) -> bytes:
    out = b""
    for char in unicodedata.normalize("NFC", text):
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            decomposed = unicodedata.normalize("NFD", char)
            tone = [c for c in decomposed if c in TONES[1:]]
            base = unicodedata.normalize(
                "NFC", "".join(c for c in decomposed if c not in TONES[1:])
            )
            out += (base + "".join(tone)).encode("cp1258")
    return out


_PLAIN = dict(zip(TONES[1:], "ùøûõï", strict=True))
_HAT = dict(zip(TONES, "âáàåãä", strict=True))
_BREVE = dict(zip(TONES, "êéèúüë", strict=True))
_I = dict(zip(TONES, "iíìæóò", strict=True))


def vni_encode(text: str) -> str:
    """Unicode → VNI as seen through Windows-1252, from the VNI composition rules."""
    out = []
    for char in unicodedata.normalize("NFC", text):
        lower = char.lower()
        decomposed = unicodedata.normalize("NFD", lower)
        base, marks = decomposed[0], decomposed[1:]
        tone = next((m for m in marks if m in TONES[1:]), "")
        if lower == "đ":
            spelled = "ñ"
        elif base not in "aeiouy" or not marks:
            spelled = lower
        elif base == "i":
            spelled = _I[tone]
        elif "\u031b" in marks:  # horn: ơ ư are single characters
            spelled = {"o": "ô", "u": "ö"}[base] + _PLAIN.get(tone, "")
        elif "\u0302" in marks:
            spelled = base + _HAT[tone]
        elif "\u0306" in marks:
            spelled = base + _BREVE[tone]
        elif base == "y" and tone == "\u0323":
            spelled = "î"
        else:
            spelled = base + _PLAIN[tone]
        out.append(spelled.upper() if char.isupper() else spelled)
    return "".join(out)


def as_cp1252(data: bytes) -> str:
    """Bytes read the way a legacy file was read: Windows-1252, else Latin-1."""
    return "".join(
        bytes([b]).decode("cp1252")
        if b not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)
        else chr(b)
        for b in data
    )


def misread(text: str, encoding: str) -> str:
    if encoding == "vni":
        return vni_encode(text)
    return as_cp1252(legacy_bytes(text, encoding))


def legacy_bytes(text: str, encoding: str) -> bytes:
    if encoding == "tcvn3":
        return iconv_encode(text, "TCVN5712-1")
    if encoding == "viscii":
        return iconv_encode(text, "VISCII")
    if encoding == "cp1258":
        return cp1258_encode(text)
    return vni_encode(text).encode("cp1252")


LEGACY = ["tcvn3", "vni", "cp1258", "viscii"]

needs_iconv = pytest.mark.skipif(
    shutil.which("iconv") is None, reason="glibc iconv is the TCVN3/VISCII reference"
)


# --- the tables -----------------------------------------------------------------------


@needs_iconv
@pytest.mark.parametrize(
    ("name", "table"),
    [("TCVN5712-1", legacy_text._TCVN3_TABLE), ("VISCII", legacy_text._VISCII_TABLE)],
)
def test_byte_tables_equal_glibc_iconv(name, table) -> None:
    expected = [iconv_decode(bytes([byte]), name) for byte in range(256)]
    assert table == expected


def test_vni_examples_of_the_standard() -> None:
    assert legacy_to_unicode("Quyeát ñònh", encoding="vni") == "Quyết định"
    assert legacy_to_unicode("aù eâ ñ Ñ ô ö", encoding="vni") == "á ê đ Đ ơ ư"
    assert legacy_to_unicode("ÑEÀ AÙN", encoding="vni") == "ĐỀ ÁN"
    assert legacy_to_unicode("Tröôøng", encoding="vni") == "Trường"


def test_tcvn3_example_of_the_brief() -> None:
    assert legacy_to_unicode("QuyÕt ®Þnh") == "Quyết định"
    assert legacy_detect("QuyÕt ®Þnh") == "tcvn3"


# --- round trips ------------------------------------------------------------------------


@needs_iconv
@pytest.mark.parametrize("encoding", LEGACY)
def test_full_alphabet_round_trips(encoding) -> None:
    assert len(ALPHABET.split()) == 146 + 32
    legacy = misread(ALPHABET, encoding)
    assert legacy != ALPHABET
    assert legacy_to_unicode(legacy, encoding=encoding) == ALPHABET


@needs_iconv
@pytest.mark.parametrize("encoding", LEGACY)
@pytest.mark.parametrize("sentence", SENTENCES)
def test_real_sentences_are_detected_and_converted(encoding, sentence) -> None:
    legacy = misread(sentence, encoding)
    assert legacy_detect(legacy) == encoding
    converted = legacy_to_unicode(legacy)
    assert converted == unicodedata.normalize("NFC", sentence)
    assert unicodedata.is_normalized("NFC", converted)


@needs_iconv
@pytest.mark.parametrize("encoding", LEGACY)
def test_upper_and_lower_case_sentences_round_trip(encoding) -> None:
    for sentence in SENTENCES:
        for variant in (sentence.upper(), sentence.lower()):
            legacy = misread(variant, encoding)
            assert legacy_to_unicode(legacy) == variant, (encoding, variant)


@needs_iconv
@pytest.mark.parametrize("encoding", LEGACY)
def test_files_in_legacy_bytes_decode(encoding) -> None:
    text = "\n".join(SENTENCES)
    assert legacy_decode(legacy_bytes(text, encoding)) == text


def test_tcvn3_capitals_typed_in_a_capitals_font() -> None:
    # .VnTimeH shows the lower-case codes as capitals: "QUYÕT §ÞNH" is QUYẾT ĐỊNH.
    assert legacy_to_unicode("QUYÕT §ÞNH") == "QUYẾT ĐỊNH"
    assert legacy_to_unicode("ñy ban nh©n d©n", encoding="tcvn3") == "ủy ban nhân dân"
    assert legacy_to_unicode("Tr\u00adêng ®¹i häc") == "Trường đại học"


# --- real text is left alone -------------------------------------------------------------


@pytest.mark.parametrize("text", SENTENCES + ASCII + LATIN1_UNICODE)
def test_unicode_and_ascii_are_not_touched(text) -> None:
    assert legacy_detect(text) == "unicode"
    assert legacy_to_unicode(text) == text
    assert legacy_decode(text.encode()) == text
    assert legacy_decode(b"\xef\xbb\xbf" + text.encode()) == text


@pytest.mark.parametrize("text", SENTENCES)
def test_unicode_case_variants_and_nfd_are_not_mangled(text) -> None:
    for variant in (text.upper(), text.lower(), text.title()):
        assert legacy_to_unicode(variant) == variant
    decomposed = unicodedata.normalize("NFD", text)
    assert legacy_detect(decomposed) == "unicode"
    assert legacy_to_unicode(decomposed) == unicodedata.normalize("NFC", text)


def test_explicit_unicode_encoding_only_normalises() -> None:
    text = unicodedata.normalize("NFD", "Quyết định")
    assert legacy_to_unicode(text, encoding="unicode") == "Quyết định"


def test_legacy_text_saved_again_as_utf8_is_converted() -> None:
    legacy = misread("Ủy ban nhân dân tỉnh", "vni")
    assert legacy_decode(legacy.encode()) == "Ủy ban nhân dân tỉnh"


def test_latin1_file_that_is_not_vietnamese_reads_as_windows_1252() -> None:
    assert legacy_decode("Café Müller – 5 €".encode("cp1252")) == "Café Müller – 5 €"


# --- bad input ----------------------------------------------------------------------------


def test_unknown_encoding_is_refused_in_vietnamese() -> None:
    with pytest.raises(ValueError, match="Bảng mã 'koi8-r' không được hỗ trợ"):
        legacy_to_unicode("abc", encoding="koi8-r")


@pytest.mark.parametrize("encoding", ["tcvn3", "vni", "viscii", "cp1258"])
def test_real_unicode_cannot_be_forced_through_a_legacy_table(encoding) -> None:
    with pytest.raises(ValueError, match="Văn bản không phải bảng mã"):
        legacy_to_unicode("Quyết định", encoding=encoding)


def test_aliases_are_accepted() -> None:
    tcvn3 = misread("Quyết định", "tcvn3")
    assert legacy_to_unicode(tcvn3, encoding="ABC") == "Quyết định"
    assert legacy_to_unicode(tcvn3, encoding="TCVN5712-1") == "Quyết định"
    windows = misread("Quyết định", "cp1258")
    assert legacy_to_unicode(windows, encoding="windows-1258") == "Quyết định"


# --- detection edge cases --------------------------------------------------------------

# Vietnamese words spelled only with Windows-1252 letters: every pair of them is
# real Unicode a naive detector could mistake for a misread legacy text.
LATIN1_WORDS = [
    "Bà",
    "Bàn",
    "Báo",
    "Bình",
    "Bích",
    "Công",
    "Châu",
    "Chính",
    "Cà",
    "Các",
    "Còn",
    "Có",
    "Dân",
    "Giá",
    "Giáo",
    "Hà",
    "Hành",
    "Hình",
    "Hòa",
    "Hôm",
    "Không",
    "Kính",
    "Ký",
    "Liên",
    "Làm",
    "Lâm",
    "Lê",
    "Lý",
    "Mét",
    "Mình",
    "Nhân",
    "Nông",
    "Phòng",
    "Quán",
    "Quý",
    "Sóc",
    "Sông",
    "Sáu",
    "Tân",
    "Tây",
    "Tên",
    "Thành",
    "Thân",
    "Tìm",
    "Tòa",
    "Tôi",
    "Vàng",
    "Văn",
    "Xã",
    "Xây",
    "Yên",
    "Ông",
    "Ý",
    "anh",
    "bán",
    "cá",
    "cán",
    "cáo",
    "công",
    "dân",
    "giáo",
    "hàng",
    "hành",
    "hình",
    "mét",
    "mét",
    "kèm",
    "làm",
    "màu",
    "nhà",
    "nhân",
    "nhóm",
    "nhãn",
    "phòng",
    "quán",
    "sáng",
    "sóc",
    "tân",
    "tên",
    "thành",
    "thông",
    "tháng",
    "tình",
    "tìm",
    "trên",
    "tài",
    "viên",
    "vào",
    "vàng",
    "xét",
    "ý",
]


def test_no_pair_of_latin1_only_vietnamese_words_is_converted() -> None:
    words = LATIN1_WORDS + ["UBND", "so", "van", "the", "and"]
    mangled = []
    for first in words:
        for second in words:
            for phrase in (f"{first} {second}", f"{first} {second}".upper()):
                if legacy_to_unicode(phrase) != phrase:
                    mangled.append(phrase)
    assert mangled == []


@pytest.mark.parametrize(
    "text",
    [
        "Ông/Bà",
        "mét vuông",  # also TCVN3 "một vuông": a real word wins
        "Le café est très bon à Paris, où l'été est chaud.",
        "Señor José Núñez",
        "Crème brûlée à la carte",
        "São Paulo é a maior cidade do Brasil",
        "Zürich, Genève, Neuchâtel",
        "Price: 5 € – “quoted” — done…",
    ],
)
def test_foreign_and_ambiguous_text_stays(text) -> None:
    assert legacy_detect(text) == "unicode"
    assert legacy_to_unicode(text) == text


@needs_iconv
@pytest.mark.parametrize("encoding", LEGACY)
@pytest.mark.parametrize(
    "symbol", ["15/QĐ-UBND", "15/2016/QĐ-UBND", "05/HĐND-VP", "07/QyĐ-UBND"]
)
def test_number_symbols_alone_are_detected_by_their_d(encoding, symbol) -> None:
    legacy = misread(symbol, encoding)
    assert legacy_to_unicode(legacy) == symbol


def test_short_phrases_read_in_two_tables_prefer_the_real_words() -> None:
    # "Hà Nội" in VISCII also reads as valid TCVN3 syllables ("HỔ Nài").
    assert legacy_to_unicode(misread("Hà Nội", "viscii")) == "Hà Nội"
    # "Thành phần hồ sơ" in TCVN3 also reads as VISCII syllables.
    phrase = "Thành phần hồ sơ nộp gồm"
    assert legacy_to_unicode(misread(phrase, "tcvn3")) == phrase
