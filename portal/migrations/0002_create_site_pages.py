"""Replace Wagtail's welcome page with the portal home and procedure catalogue."""

from django.db import migrations


def create_pages(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Page = apps.get_model("wagtailcore.Page")
    Site = apps.get_model("wagtailcore.Site")
    Locale = apps.get_model("wagtailcore.Locale")
    HomePage = apps.get_model("portal.HomePage")
    ProcedureIndexPage = apps.get_model("portal.ProcedureIndexPage")

    if HomePage.objects.exists():
        return
    locale, _ = Locale.objects.get_or_create(language_code="vi")
    Page.objects.filter(depth=2, url_path="/home/").delete()
    root = Page.objects.get(depth=1)
    home_ct, _ = ContentType.objects.get_or_create(model="homepage", app_label="portal")
    index_ct, _ = ContentType.objects.get_or_create(
        model="procedureindexpage", app_label="portal"
    )
    siblings = Page.objects.filter(depth=2).count()
    home = HomePage.objects.create(
        title="Cổng dịch vụ công tỉnh Sóc Trăng",
        draft_title="Cổng dịch vụ công tỉnh Sóc Trăng",
        intro=(
            "Tra cứu thủ tục hành chính, nộp hồ sơ trực tuyến và theo dõi kết quả "
            "giải quyết tại Bộ phận Một cửa."
        ),
        slug="trang-chu",
        content_type=home_ct,
        path=f"{root.path}{siblings + 1:04d}",
        depth=2,
        numchild=1,
        url_path="/trang-chu/",
        locale=locale,
        live=True,
    )
    ProcedureIndexPage.objects.create(
        title="Thủ tục hành chính",
        draft_title="Thủ tục hành chính",
        intro="Danh mục thủ tục hành chính tiếp nhận tại Bộ phận Một cửa.",
        slug="thu-tuc",
        content_type=index_ct,
        path=f"{home.path}0001",
        depth=3,
        numchild=0,
        url_path="/trang-chu/thu-tuc/",
        locale=locale,
        live=True,
    )
    root.numchild = Page.objects.filter(depth=2).count()
    root.save(update_fields=["numchild"])
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "port": 80, "root_page_id": home.id,
                  "site_name": "Cổng dịch vụ công"},
    )


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0001_initial"),
        ("wagtailcore", "0094_alter_page_locale"),
    ]
    operations = [migrations.RunPython(create_pages, migrations.RunPython.noop)]
