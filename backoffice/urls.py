from django.urls import include, path

from backoffice.accounts.views import backup_codes_view
from backoffice.core import views as core_views

urlpatterns = [
    path("", core_views.dashboard, name="backoffice-home"),
    path("account/", include("backoffice.accounts.urls")),
    path("security/backup-codes/", backup_codes_view, name="backup-codes"),
    path("ho-so/", include("backoffice.dossiers.urls")),
    path("van-ban-den/", include("backoffice.incoming.urls")),
    path("van-ban-di/", include("backoffice.outgoing.urls")),
    path("lien-thong/", include("backoffice.exchange.urls")),
    path("luu-tru/", include("backoffice.records.urls")),
    path("tiep-nhan/", include("backoffice.intake.urls")),
    path("tiep-nhan/", include("backoffice.scanning.urls")),
    path("bao-cao/", include("backoffice.reports.urls")),
    path("le-phi/", include("backoffice.payments.urls")),
]
