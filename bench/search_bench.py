"""Benchmark: search indexing throughput and query latency (prints one JSON object).

Run: .venv/bin/python bench/search_bench.py [--docs 100000] [--queries 600]
        [--backends embedded,opensearch]
Generates realistic Vietnamese official documents (number-symbols, subjects, issuers,
dates, legal status, ~100 words of text), rebuilds a private index with them (bulk
path), times incremental upserts, then runs a mixed query set (number-symbols in
several spellings, subjects with and without diacritics, partial words, filters +
facets, date-sorted lists) — the same documents and queries on each backend, one after
the other, in one run. Backends: `embedded` (a temporary directory), `opensearch`
(OPENSEARCH_URL, or a node started by scripts/search-node with SEARCH_NODE_HEAP,
default 2g, and stopped afterwards), `elasticsearch` (ELASTICSEARCH_URL). Cluster
indexes use a private prefix and are deleted afterwards.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

import django

django.setup()

from django.conf import settings  # noqa: E402

import search  # noqa: E402
from search import Field, FieldKind, SearchQuery  # noqa: E402
from search.ranking import Ranking  # noqa: E402

TYPES = [
    ("Quyết định", "QĐ"),
    ("Nghị định", "NĐ"),
    ("Thông tư", "TT"),
    ("Công văn", ""),
    ("Kế hoạch", "KH"),
    ("Chỉ thị", "CT"),
    ("Thông báo", "TB"),
    ("Nghị quyết", "NQ"),
    ("Báo cáo", "BC"),
]
ISSUERS = [
    ("UBND tỉnh Sóc Trăng", "UBND"),
    ("UBND huyện Mỹ Xuyên", "UBND"),
    ("Sở Y tế", "SYT"),
    ("Sở Tài chính", "STC"),
    ("Sở Xây dựng", "SXD"),
    ("Sở Giáo dục và Đào tạo", "SGDĐT"),
    ("Sở Nông nghiệp và Môi trường", "SNN"),
    ("Sở Tư pháp", "STP"),
    ("Chính phủ", "CP"),
    ("Bộ Tài chính", "BTC"),
    ("HĐND tỉnh Sóc Trăng", "HĐND"),
    ("Văn phòng UBND tỉnh", "VP"),
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
    "Công bố danh mục thủ tục hành chính về",
]
TOPICS = [
    "quản lý đất đai và bồi thường giải phóng mặt bằng",
    "cải cách hành chính",
    "phòng, chống dịch bệnh trên gia súc, gia cầm",
    "an toàn giao thông dịp lễ, Tết",
    "thu ngân sách nhà nước và quản lý thuế",
    "xây dựng nông thôn mới nâng cao",
    "chăm sóc sức khỏe ban đầu tại trạm y tế xã",
    "kiểm định chất lượng giáo dục phổ thông",
    "bảo vệ môi trường và xử lý rác thải sinh hoạt",
    "đăng ký biện pháp bảo đảm bằng quyền sử dụng đất",
    "cấp giấy phép xây dựng nhà ở riêng lẻ",
    "hỗ trợ hộ nghèo, hộ cận nghèo",
    "trao đổi, lưu trữ, xử lý văn bản điện tử",
    "phát triển du lịch cộng đồng",
    "tiếp nhận hồ sơ trực tuyến toàn trình",
    "đăng ký hộ kinh doanh",
    "phòng cháy, chữa cháy và cứu nạn, cứu hộ",
    "nuôi tôm nước lợ và phòng bệnh thủy sản",
    "chuyển đổi số và định danh điện tử",
    "bảo hiểm y tế hộ gia đình",
    "tuyển dụng công chức cấp xã",
    "nhà ở xã hội cho công nhân",
    "phòng, chống xâm nhập mặn",
    "đầu tư công trung hạn",
]
SENTENCES = [
    "Các sở, ban, ngành và UBND các huyện, thị xã, thành phố tổ chức thực hiện.",
    "Giao Văn phòng UBND tỉnh theo dõi, đôn đốc, báo cáo kết quả thực hiện.",
    "Quyết định này có hiệu lực kể từ ngày ký ban hành.",
    "Trong quá trình thực hiện nếu có khó khăn, vướng mắc, báo cáo về Sở để tổng hợp.",
    "Kinh phí thực hiện từ nguồn ngân sách nhà nước theo phân cấp hiện hành.",
    "Thủ trưởng các cơ quan, đơn vị chịu trách nhiệm thi hành quyết định này.",
    "Người dân, doanh nghiệp được hướng dẫn nộp hồ sơ tại Bộ phận Một cửa.",
    "Kết quả giải quyết thủ tục hành chính được trả qua dịch vụ bưu chính công ích.",
    "Ủy ban nhân dân cấp xã rà soát, cập nhật dữ liệu vào cơ sở dữ liệu quốc gia.",
    "Sở Tài chính chủ trì, phối hợp thẩm định dự toán kinh phí.",
]
AGENCIES = [f"agency-{n}" for n in range(40)]


def generate(n: int, seed: int = 7) -> list[dict]:
    rng = random.Random(seed)
    docs = []
    for i in range(n):
        doc_type, type_code = rng.choice(TYPES)
        issuer, issuer_code = rng.choice(ISSUERS)
        year = rng.randint(2010, 2026)
        if not type_code:
            number = f"{i + 1}/{issuer_code}-{rng.choice(['VX', 'KT', 'NC', 'TH'])}"
        elif rng.random() < 0.5:
            number = f"{i + 1:02d}/{year}/{type_code}-{issuer_code}"
        else:
            number = f"{i + 1}/{type_code}-{issuer_code}"
        topic = rng.choice(TOPICS)
        body = " ".join(rng.choices(SENTENCES, k=5)) + f" Nội dung: {topic}."
        docs.append(
            {
                "id": str(i),
                "number": number,
                "title": f"{rng.choice(ACTIONS)} {topic}",
                "body": body,
                "doc_type": doc_type,
                "issuer": issuer,
                "agency_ids": rng.sample(AGENCIES, 2),
                "issued": date(year, rng.randint(1, 12), rng.randint(1, 28)),
                "legal_status": "in-force" if rng.random() < 0.8 else "replaced",
                "url": f"/van-ban/{i}/",
            }
        )
    return docs


class BenchIndex(search.SearchIndex):
    name = "bench-documents"
    fields = [
        Field("number", FieldKind.IDENTIFIER, boost=3.0),
        Field("title", FieldKind.TEXT, boost=2.0),
        Field("body", FieldKind.TEXT),
        Field("doc_type", FieldKind.KEYWORD, facet=True),
        Field("issuer", FieldKind.KEYWORD, facet=True),
        Field("agency_ids", FieldKind.KEYWORD),
        Field("legal_status", FieldKind.KEYWORD),
        Field("issued", FieldKind.DATE),
        Field("url", FieldKind.STORED),
    ]
    # The library's ranking (settings.SEARCH_RANKING["documents"]): measured too.
    ranking = Ranking(
        status_field="legal_status",
        status_weights={"replaced": 0.3, "expired": 0.3},
        recency_field="issued",
    )
    docs: list[dict] = []

    def get_queryset(self) -> list[dict]:
        return self.docs

    def document_id(self, obj: dict) -> str:
        return obj["id"]

    def to_document(self, obj: dict) -> dict:
        return {key: value for key, value in obj.items() if key != "id"}


def spellings(number: str, rng: random.Random) -> str:
    choice = rng.randrange(3)
    if choice == 0:
        return number
    if choice == 1:
        return number.lower().replace("đ", "d").replace("Đ", "d")
    return number.replace("/", " ").replace("-", " ").replace("Đ", "D")


def queries(docs: list[dict], n: int, seed: int = 11) -> list[tuple[str, SearchQuery]]:
    from search.text import fold

    rng = random.Random(seed)
    mixed = []
    for i in range(n):
        doc = rng.choice(docs)
        kind = i % 6
        if kind == 0:
            q = SearchQuery(text=spellings(doc["number"], rng))
        elif kind == 1:
            q = SearchQuery(text=rng.choice(TOPICS), highlight_fields=["title", "body"])
        elif kind == 2:
            q = SearchQuery(text=fold(rng.choice(TOPICS)))
        elif kind == 3:
            words = rng.choice(TOPICS).split()
            cut = max(2, len(words) // 2)
            partial = " ".join(words[:cut])
            q = SearchQuery(text=partial[: max(3, len(partial) - 2)])
        elif kind == 4:
            q = SearchQuery(
                text=rng.choice(TOPICS).split(",")[0],
                filters={"agency_ids": rng.sample(AGENCIES, 5)},
                facets=["doc_type", "issuer"],
            )
        else:
            q = SearchQuery(
                filters={"doc_type": doc["doc_type"]},
                date_field="issued",
                date_from=date(2018, 1, 1),
                sort="date_desc",
            )
        mixed.append(
            (
                ["number", "subject", "unaccented", "partial", "filtered", "list"][
                    kind
                ],
                q,
            )
        )
    return mixed


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


ROOT = Path(__file__).resolve().parent.parent


def start_node() -> tuple[str, float, dict[str, str]]:
    """A node from scripts/search-node; (url, seconds to start, its environment)."""
    env = {
        **os.environ,
        "SEARCH_NODE_DIR": tempfile.mkdtemp(prefix="search-bench-node-"),
        "SEARCH_NODE_HEAP": os.environ.get("SEARCH_NODE_HEAP", "2g"),
        "SEARCH_NODE_PARENT_PID": str(os.getpid()),
    }
    started = time.perf_counter()
    done = subprocess.run(  # noqa: S603 — our script, fixed arguments
        [str(ROOT / "scripts" / "search-node"), "start"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=900,
    )
    return done.stdout.strip().splitlines()[-1], time.perf_counter() - started, env


def backend_settings(kind: str, path: str, prefix: str, url: str) -> dict:
    if kind == "embedded":
        return {
            "BACKEND": "search.backends.embedded.EmbeddedBackend",
            "OPTIONS": {"PATH": path, "PREFIX": prefix},
        }
    module = "opensearch.OpenSearchBackend"
    if kind == "elasticsearch":
        module = "elasticsearch.ElasticsearchBackend"
    return {
        "BACKEND": f"search.backends.{module}",
        "OPTIONS": {"URL": url, "PREFIX": prefix, "REFRESH": "false", "TIMEOUT": 300},
    }


def measure(kind: str, docs: list[dict], args: argparse.Namespace, url: str) -> dict:
    tmp = tempfile.TemporaryDirectory(prefix="search-bench-")
    prefix = f"bench-{uuid.uuid4().hex[:8]}-"
    settings.SEARCH_BACKENDS = {
        "default": backend_settings(kind, tmp.name, prefix, url)
    }
    search.reset()
    backend = search.get_backend()
    BenchIndex.docs = docs
    try:
        started = time.perf_counter()
        indexed = search.rebuild(BenchIndex.name)
        rebuild_seconds = time.perf_counter() - started

        extra = [dict(doc, id=f"u{doc['id']}") for doc in docs[: args.upserts]]
        started = time.perf_counter()
        search.index_objects(BenchIndex.name, extra)
        upsert_seconds = time.perf_counter() - started

        mixed = queries(docs, args.queries)
        for _kind, q in mixed[:30]:  # warm caches
            search.query(BenchIndex.name, q)
        latencies: dict[str, list[float]] = {}
        every = []
        zero = 0
        for query_kind, q in mixed:
            started = time.perf_counter()
            result = search.query(BenchIndex.name, q)
            elapsed = (time.perf_counter() - started) * 1000
            zero += result.count == 0
            every.append(elapsed)
            latencies.setdefault(query_kind, []).append(elapsed)
        disk = sum(f.stat().st_size for f in Path(tmp.name).rglob("*") if f.is_file())
        return {
            "backend": backend.__class__.__name__,
            "documents": indexed,
            "rebuild_seconds": round(rebuild_seconds, 2),
            "index_docs_per_second": round(len(docs) / rebuild_seconds),
            "upsert_docs": len(extra),
            "upsert_docs_per_second": round(len(extra) / upsert_seconds),
            "queries": len(every),
            "queries_without_hits": zero,
            "query_ms_p50": round(statistics.median(every), 2),
            "query_ms_p95": round(percentile(every, 95), 2),
            "query_ms_max": round(max(every), 2),
            "query_ms_p95_by_kind": {
                name: round(percentile(values, 95), 2)
                for name, values in sorted(latencies.items())
            },
            "index_bytes_on_disk": disk if kind == "embedded" else None,
        }
    finally:
        backend.clear(BenchIndex())
        search.reset()
        tmp.cleanup()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=600)
    parser.add_argument("--upserts", type=int, default=5_000)
    parser.add_argument(
        "--backends",
        default="embedded,opensearch",
        help="comma-separated: embedded, opensearch, elasticsearch",
    )
    args = parser.parse_args()
    kinds = [k.strip() for k in args.backends.split(",") if k.strip()]
    # The clients log every request at INFO: not part of what is measured.
    for name in ("opensearch", "elastic_transport.transport"):
        logging.getLogger(name).setLevel(logging.WARNING)

    search.register(BenchIndex)
    started = time.perf_counter()
    docs = generate(args.docs)
    generate_seconds = time.perf_counter() - started
    report: dict = {
        "documents": args.docs,
        "generate_seconds": round(generate_seconds, 2),
        "backends": {},
        "targets": {"index_docs_per_second": 500, "query_ms_p95": 100},
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
    }
    node_env = None
    try:
        for kind in kinds:
            url = ""
            if kind == "opensearch":
                url = os.environ.get("OPENSEARCH_URL", "")
                if not url:
                    url, seconds, node_env = start_node()
                    report["opensearch_node_start_seconds"] = round(seconds, 1)
                    report["opensearch_heap"] = node_env["SEARCH_NODE_HEAP"]
            elif kind == "elasticsearch":
                url = os.environ["ELASTICSEARCH_URL"]
            report["backends"][kind] = measure(kind, docs, args, url)
            print(json.dumps({kind: report["backends"][kind]}), file=sys.stderr)
    finally:
        if node_env is not None:
            subprocess.run(  # noqa: S603 — our script, fixed arguments
                [str(ROOT / "scripts" / "search-node"), "stop"],
                env=node_env,
                capture_output=True,
                check=False,
                timeout=120,
            )
    print(json.dumps(report, ensure_ascii=False))


if __name__ == "__main__":
    main()
