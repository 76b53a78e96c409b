"""Put the public document library ("Thư viện văn bản") under the home page."""

from django.db import migrations


def create_library(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Page = apps.get_model("wagtailcore.Page")
    HomePage = apps.get_model("portal.HomePage")
    DocumentIndexPage = apps.get_model("portal.DocumentIndexPage")

    home = HomePage.objects.order_by("path").first()
    if home is None or DocumentIndexPage.objects.exists():
        return
    content_type, _ = ContentType.objects.get_or_create(
        model="documentindexpage", app_label="portal"
    )
    last = Page.objects.filter(path__startswith=home.path, depth=home.depth + 1)
    last = last.order_by("-path").values_list("path", flat=True).first()
    position = int(last[-4:], 36) + 1 if last else 1
    step = _base36(position).rjust(4, "0")
    slug = "van-ban"
    while Page.objects.filter(
        path__startswith=home.path, depth=home.depth + 1, slug=slug
    ).exists():
        slug += "-1"
    DocumentIndexPage.objects.create(
        title="Thư viện văn bản",
        draft_title="Thư viện văn bản",
        intro=(
            "Văn bản quy phạm pháp luật và văn bản hành chính được công bố: tra cứu "
            "theo số, ký hiệu, trích yếu hoặc toàn văn; kèm kết quả kiểm tra chữ ký số."
        ),
        slug=slug,
        content_type=content_type,
        path=f"{home.path}{step}",
        depth=home.depth + 1,
        numchild=0,
        url_path=f"{home.url_path}{slug}/",
        locale_id=home.locale_id,
        live=True,
    )
    Page.objects.filter(pk=home.pk).update(
        numchild=Page.objects.filter(
            path__startswith=home.path, depth=home.depth + 1
        ).count()
    )


def _base36(number: int) -> str:
    # treebeard's MP_Node alphabet: 0-9 then A-Z.
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    digits = ""
    while True:
        number, remainder = divmod(number, 36)
        digits = alphabet[remainder] + digits
        if number == 0:
            return digits


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0003_documentindexpage_officialdocumentpage"),
    ]
    operations = [migrations.RunPython(create_library, migrations.RunPython.noop)]
