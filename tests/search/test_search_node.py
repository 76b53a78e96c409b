"""`scripts/search-node`: the wrapper's answers without a node, and the live node
the session started (its URL, its plugins, its engine version)."""

from __future__ import annotations

import json
import os
import subprocess
import urllib.request

import pytest

from .conftest import ROOT

SCRIPT = str(ROOT / "scripts" / "search-node")


def run(*args: str, state) -> subprocess.CompletedProcess:
    env = {**os.environ, "SEARCH_NODE_DIR": str(state)}
    return subprocess.run(  # noqa: S603 — our script, fixed arguments
        [SCRIPT, *args], env=env, capture_output=True, text=True, timeout=60
    )


def test_status_and_stop_without_a_node(tmp_path):
    status = run("status", state=tmp_path)
    assert status.returncode == 3 and "not running" in status.stderr
    assert run("stop", state=tmp_path).returncode == 0
    usage = run("restart", state=tmp_path)
    assert usage.returncode == 2 and "start|stop|status" in usage.stderr


@pytest.mark.opensearch
def test_the_node_is_opensearch_2_19_with_the_plugins_search_needs(opensearch_url):
    assert opensearch_url.startswith("http://127.0.0.1:")
    with urllib.request.urlopen(opensearch_url, timeout=10) as response:  # noqa: S310
        info = json.load(response)
    assert info["version"]["distribution"] == "opensearch"
    assert info["version"]["number"].startswith("2.19.")
    request = urllib.request.Request(  # noqa: S310 — the node's http:// URL
        opensearch_url + "/_analyze",
        data=json.dumps(
            {
                "tokenizer": "standard",
                "filter": ["lowercase", "asciifolding"],
                "text": "Đăng ký 15/2016/QĐ-UBND",
            }
        ).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        tokens = [t["token"] for t in json.load(response)["tokens"]]
    assert tokens == ["dang", "ky", "15", "2016", "qd", "ubnd"]
    with urllib.request.urlopen(  # noqa: S310
        opensearch_url + "/_nodes/plugins", timeout=10
    ) as response:
        nodes = json.load(response)["nodes"]
    (node,) = nodes.values()
    loaded = {plugin["classname"] for plugin in node["plugins"]}
    assert {
        "org.opensearch.transport.Netty4Plugin",
        "org.opensearch.analysis.common.CommonAnalysisPlugin",
        "org.opensearch.painless.PainlessPlugin",
    } <= loaded
