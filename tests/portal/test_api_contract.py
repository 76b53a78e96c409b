"""The API answers what its OpenAPI schema declares, whatever the input (issue 18).

Regression tests for what `scripts/fuzz-api` (schemathesis) found: every status an
operation answers is declared with its body schema, every error has the one body
`{"detail", "code"}` with `detail` in the language of `Accept-Language`, and inputs
the schema accepts never end in a server error. Each request goes through the
WSGI application and the same schemathesis checks the fuzzer runs.
"""

import pytest

from tests.fixtures.api import DOSSIER, PROCEDURE, PROCEDURES, SEARCH, call

pytestmark = pytest.mark.django_db

NOT_FOUND_PROCEDURE = {
    "vi": "Không có thủ tục với mã này.",
    "en": "No procedure has this code.",
}
NOT_FOUND_DOSSIER = {
    "vi": "Không tìm thấy hồ sơ. Kiểm tra lại mã hồ sơ và mã tra cứu in trên giấy "
    "tiếp nhận.",
    "en": "No dossier found. Check the dossier code and the lookup secret printed "
    "on your receipt.",
}
THROTTLED = {
    "vi": "Tra cứu quá nhiều lần. Vui lòng thử lại sau một phút.",
    "en": "Too many lookups. Please try again in a minute.",
}
INVALID_PAGE_SIZE = {
    "vi": "Tham số không hợp lệ: page_size.",
    "en": "Invalid parameter: page_size.",
}


def test_every_operation_declares_each_status_with_the_error_body(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    declared = {
        path: {
            int(status): answer["content"]["application/json"]["schema"]["$ref"]
            for status, answer in schema["paths"][path]["get"]["responses"].items()
        }
        for path in (PROCEDURES, PROCEDURE, DOSSIER, SEARCH)
    }
    error = "#/components/schemas/ErrorOut"
    invalid = "#/components/schemas/ValidationErrorOut"
    assert declared == {
        PROCEDURES: {200: "#/components/schemas/ProcedureList", 422: invalid},
        PROCEDURE: {200: "#/components/schemas/ProcedureOut", 404: error, 422: invalid},
        DOSSIER: {
            200: "#/components/schemas/DossierStatusOut",
            404: error,
            422: invalid,
            429: error,
        },
        SEARCH: {
            200: "#/components/schemas/DocumentSearchOut",
            400: error,
            422: invalid,
        },
    }
    components = schema["components"]["schemas"]
    assert components["ErrorOut"]["required"] == ["detail", "code"]
    assert components["ValidationErrorOut"]["required"] == ["detail", "code", "errors"]


def test_procedure_list_statuses(api, catalogue) -> None:
    # `page_size=null` twice: a 422 the schema did not declare.
    body = call(api, PROCEDURES, 422, query={"page_size": ["null", "null"]}).json()
    assert body["code"] == "invalid"
    assert body["detail"] == INVALID_PAGE_SIZE["vi"]
    assert body["errors"] == [
        {
            "loc": ["query", "page_size"],
            "msg": "Input should be a valid integer, unable to parse string as an "
            "integer",
            "type": "int_parsing",
        }
    ]
    # Any integer is a valid page: far past the end is an empty page, not an
    # offset the database refuses.
    far = call(api, PROCEDURES, 200, query={"page": str(10**30)}).json()
    assert far == {"count": 3, "results": []}
    assert call(api, PROCEDURES, 422, query={"q": "khai\x00sinh"}).json()["code"] == (
        "invalid"
    )


def test_procedure_detail_statuses(api, catalogue) -> None:
    assert call(api, PROCEDURE, 200, path_parameters={"code": "1.001193"})
    missing = call(api, PROCEDURE, 404, path_parameters={"code": "9.999999"}).json()
    assert missing == {"detail": NOT_FOUND_PROCEDURE["vi"], "code": "not_found"}
    # PostgreSQL refuses a NUL in a query: the schema excludes it, so 422.
    nul = call(api, PROCEDURE, 422, path_parameters={"code": "1.001193\x00"}).json()
    assert nul["code"] == "invalid" and nul["errors"][0]["loc"] == ["path", "code"]


def test_dossier_status_statuses(api, alice_dossier, settings) -> None:
    _, dossier = alice_dossier
    code = {"code": dossier.code}
    assert call(
        api, DOSSIER, 200, path_parameters=code, query={"secret": dossier.lookup_secret}
    )
    wrong = call(api, DOSSIER, 404, path_parameters=code, query={"secret": "WRONG"})
    unknown = call(
        api,
        DOSSIER,
        404,
        path_parameters={"code": "NOPE-20260101-0000001"},
        query={"secret": dossier.lookup_secret},
    )
    assert (
        wrong.json()
        == unknown.json()
        == {
            "detail": NOT_FOUND_DOSSIER["vi"],
            "code": "not_found",
        }
    )
    # hmac.compare_digest refused a non-ASCII secret with a TypeError (500).
    non_ascii = call(api, DOSSIER, 404, path_parameters=code, query={"secret": "Đ"})
    assert non_ascii.json() == wrong.json()
    assert call(api, DOSSIER, 422, path_parameters=code, query={"secret": "A\x00"})
    settings.DOSSIER_LOOKUP_RATE = "1/m"
    call(
        api, DOSSIER, 200, path_parameters=code, query={"secret": dossier.lookup_secret}
    )
    throttled = call(
        api, DOSSIER, 429, path_parameters=code, query={"secret": dossier.lookup_secret}
    ).json()
    assert throttled == {"detail": THROTTLED["vi"], "code": "throttled"}


@pytest.mark.parametrize("language", ["vi", "en"])
def test_error_detail_follows_accept_language(
    api,
    catalogue,
    alice_dossier,
    settings,
    language,
) -> None:
    _, dossier = alice_dossier
    settings.DOSSIER_LOOKUP_RATE = "1/m"  # the 404 lookup uses it up: then 429
    answers = [
        call(api, PROCEDURES, 422, language=language, query={"page_size": "x"}),
        call(api, PROCEDURE, 404, language=language, path_parameters={"code": "x"}),
        call(
            api,
            DOSSIER,
            404,
            language=language,
            path_parameters={"code": dossier.code},
            query={"secret": "WRONG"},
        ),
    ]
    answers.append(
        call(
            api,
            DOSSIER,
            429,
            language=language,
            path_parameters={"code": dossier.code},
            query={"secret": "WRONG"},
        )
    )
    bodies = [answer.json() for answer in answers]
    assert [body["detail"] for body in bodies] == [
        INVALID_PAGE_SIZE[language],
        NOT_FOUND_PROCEDURE[language],
        NOT_FOUND_DOSSIER[language],
        THROTTLED[language],
    ]
    assert [body["code"] for body in bodies] == [
        "invalid",
        "not_found",
        "not_found",
        "throttled",
    ]
    assert {answer.headers["content-language"][0] for answer in answers} == {language}


def test_results_follow_accept_language_too(client, alice_dossier) -> None:
    _, dossier = alice_dossier
    url = f"/api/v1/dossiers/{dossier.code}/status"
    params = {"secret": dossier.lookup_secret}
    vi = client.get(url, params).json()
    en = client.get(url, params, HTTP_ACCEPT_LANGUAGE="en").json()
    assert vi["status"] == {"code": 1, "label": "Mới tiếp nhận"}
    assert en["status"]["code"] == 1 and en["status"]["label"] != "Mới tiếp nhận"
    assert set(en) == set(vi)
