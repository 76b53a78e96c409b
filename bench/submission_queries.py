"""SQL queries of one online submission, step by step (prints one JSON object).

Run: DATABASE_URL=... .venv/bin/python bench/submission_queries.py [--procedure CODE]

On the database DATABASE_URL names (with the demo data loaded; bench/load_portal.py
runs it against its own PostgreSQL database), a new verified citizen goes through
the wizard in-process with Django's test client — fill and upload two PDFs, review,
submit — and every SQL statement Django sends is counted (savepoints included).
"Whole submission" is upload + review + submit, the three requests that make a
dossier out of a filled form.
"""

import argparse
import json
import os
import sys
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--procedure", default="")
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment
    from django.utils import timezone

    from backoffice.accounts.models import User
    from backoffice.demo.documents import demo_pdf
    from backoffice.procedures.models import Procedure

    setup_test_environment()  # the test client's host and CSRF handling
    procedure = (
        Procedure.objects.get(code=args.procedure)
        if args.procedure
        else next(
            p
            for p in Procedure.objects.filter(is_active=True).order_by("code")
            if p.components.filter(required=True).exists()
        )
    )

    def run_once() -> dict[str, int]:
        email = f"bench-{uuid.uuid4().hex[:8]}@example.vn"
        citizen = User.objects.create_user(
            username=email,
            email=email,
            password=uuid.uuid4().hex,
            full_name="Nguyễn Văn Đo",
            email_verified_at=timezone.now(),
        )
        client = Client()
        client.force_login(citizen)
        url = f"/nop-ho-so/{procedure.code}/"
        pdf = demo_pdf(title="Tờ khai", lines=["Họ và tên: Nguyễn Văn Đo"])
        data = {
            "agency": procedure.agencies.first().code,
            "applicant_name": "Nguyễn Văn Đo",
            "applicant_id_number": "094095001234",
            "applicant_email": email,
            "result_delivery": "online",
            "declaration": "on",
            "action": "review",
        }
        for n, component in enumerate(procedure.components.filter(required=True)):
            data[f"component_{component.pk}"] = SimpleUploadedFile(
                f"giay-to-{n}.pdf", pdf
            )
        steps: dict[str, int] = {}

        def counted(name: str, call) -> object:
            with CaptureQueriesContext(connection) as queries:
                response = call()
            steps[name] = len(queries)
            return response

        counted("fill_get", lambda: client.get(url))
        reply = counted("upload_post", lambda: client.post(url, data))
        if reply.status_code != 302:
            raise RuntimeError(f"upload: HTTP {reply.status_code}")
        counted("review_get", lambda: client.get(url + "xem-lai/"))
        reply = counted("submit_post", lambda: client.post(url + "nop/"))
        if reply.status_code != 302 or "/ho-so-cua-toi/" not in reply["Location"]:
            raise RuntimeError(f"submit: HTTP {reply.status_code}")
        counted("dossier_get", lambda: client.get(reply["Location"]))
        return steps

    # The second run is what a running server sees: caches (working calendar,
    # header links) are warm; the first run's counts are reported beside it.
    cold = run_once()
    steps = run_once()
    whole = steps["upload_post"] + steps["review_get"] + steps["submit_post"]
    print(
        json.dumps(
            {
                "procedure": procedure.code,
                "database": connection.vendor,
                "queries_per_step": steps,
                "queries_per_step_cold_caches": cold,
                "queries_whole_submission": whole,
                "goal_at_most": 30,
                "goal_met": whole <= 30,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
