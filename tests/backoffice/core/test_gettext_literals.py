"""No user-facing Vietnamese literal outside gettext (issue 9).

Reads the product's source with `ast`: a Vietnamese string literal passed
directly to ValidationError, PermissionDenied, CommandError, any `…Error` /
`…Rejected` / `…Denied` built, any exception raised, `messages.*`, a form's
`add_error`, or a management command's `self.stdout/stderr.write`, outside a
gettext call, is shown in Vietnamese on the English site. A gettext call whose
message is an f-string (not a constant) is refused as well: it never matches the
catalogue. Log lines (`logger.*`) are for operators and stay as they are.
"""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
PACKAGES = ("backoffice", "portal")
VIETNAMESE = re.compile(
    "[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ"
    "ÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴĐ]"
)
GETTEXT = frozenset(
    {
        "_",
        "gettext",
        "gettext_lazy",
        "ngettext",
        "ngettext_lazy",
        "pgettext",
        "pgettext_lazy",
        "gettext_noop",
    }
)


def _is_gettext(name: str) -> bool:
    # Local aliases count too (e.g. `gettext_now` in procedures/wagtail_hooks.py).
    return name in GETTEXT or "gettext" in name


EXCEPTIONS = frozenset({"ValidationError", "PermissionDenied", "CommandError"})
MESSAGES = frozenset({"error", "warning", "success", "info", "debug", "add_message"})

# Package prefixes temporarily exempt while their literals are being wrapped.
# Empty: the whole tree is checked. Nothing may be added here.
IN_FLIGHT: tuple[str, ...] = ()


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _is_sink(call: ast.Call, raised: bool) -> bool:
    name = _name(call.func)
    if name in EXCEPTIONS or name.endswith(("Error", "Rejected", "Denied")):
        return True
    if raised:  # whatever is raised reaches someone: `raise X(...)`
        return True
    func = call.func
    if isinstance(func, ast.Attribute):
        owner = func.value
        if name in MESSAGES and isinstance(owner, ast.Name) and owner.id == "messages":
            return True
        if name == "add_error":
            return True
        if (
            name == "write"
            and isinstance(owner, ast.Attribute)
            and owner.attr in ("stdout", "stderr")
        ):
            return True
    return False


def _bare_literals(node: ast.AST) -> list[ast.Constant]:
    """Vietnamese string constants under `node` that no gettext call wraps."""
    found: list[ast.Constant] = []

    def walk(current: ast.AST, wrapped: bool) -> None:
        if isinstance(current, ast.Call) and _is_gettext(_name(current.func)):
            wrapped = True
        if (
            isinstance(current, ast.Constant)
            and isinstance(current.value, str)
            and VIETNAMESE.search(current.value)
            and not wrapped
        ):
            found.append(current)
        for child in ast.iter_child_nodes(current):
            walk(child, wrapped)

    walk(node, False)
    return found


def violations(source: str, path: str = "<string>") -> list[str]:
    """Each bare Vietnamese literal reaching a user, as `path:line: text`."""
    tree = ast.parse(source)
    raised = {
        id(node.exc)
        for node in ast.walk(tree)
        if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)
    }
    out: list[str] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        if _is_gettext(_name(node.func)):
            if node.args and isinstance(node.args[0], ast.JoinedStr):
                out.append(f"{path}:{node.lineno}: gettext of an f-string")
            continue
        if not _is_sink(node, id(node) in raised):
            continue
        arguments = [*node.args, *(k.value for k in node.keywords)]
        for argument in arguments:
            for literal in _bare_literals(argument):
                out.append(f"{path}:{literal.lineno}: {literal.value[:60]!r}")
    return out


def _product_files() -> list[Path]:
    files: list[Path] = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                files.append(path)
    return files


def test_no_vietnamese_literal_reaches_a_user_outside_gettext() -> None:
    found: list[str] = []
    for path in _product_files():
        relative = path.relative_to(ROOT).as_posix()
        if relative.startswith(IN_FLIGHT):
            continue
        found.extend(violations(path.read_text(encoding="utf-8"), relative))
    assert not found, "Wrap these in gettext with named placeholders:\n" + "\n".join(
        found
    )


@pytest.mark.parametrize(
    "source",
    [
        'raise ValidationError("Không hợp lệ")',
        'raise CommandError(f"Không tìm thấy {name}")',
        'raise ImportRowError("dòng " + str(n))',
        'messages.error(request, "Sai mã")',
        'self.stdout.write(self.style.SUCCESS(f"Đã nhập {n} văn bản"))',
        'form.add_error("file", "Tệp quá lớn")',
        'errors.append(RowError(3, "Ngày không hợp lệ"))',
        'raise SignerUnavailable("Sai mã PIN")',
        'raise ValidationError(_(f"Sai {x}"))',
    ],
)
def test_the_scanner_finds_what_it_must(source: str) -> None:
    assert violations(source)


@pytest.mark.parametrize(
    "source",
    [
        'raise ValidationError(_("Không hợp lệ: %(x)s") % {"x": x})',
        'messages.success(request, gettext_lazy("Đã lưu"))',
        'logger.warning("Không gửi được thư %s", pk)',
        'raise ValueError("not a PDF")',
        'DOCUMENT_TYPE = "Quyết định"',
    ],
)
def test_the_scanner_leaves_what_it_must(source: str) -> None:
    assert not violations(source)
