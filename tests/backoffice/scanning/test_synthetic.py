"""The batch generator: deterministic, consistent with its ground truth."""

import random

import pytest
from pypdf import PdfReader

from tests.support.synthetic import (
    character_accuracy,
    edit_distance,
    generate_batch,
    normalise_text,
)


def _reference_distance(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            )
        previous = current
    return previous[-1]


@pytest.mark.parametrize(
    "a, b",
    [
        ("", ""),
        ("abc", ""),
        ("", "xy"),
        ("kitten", "sitting"),
        ("Việt Nam", "Viet Nam"),
    ],
)
def test_edit_distance_known_values(a, b):
    assert edit_distance(a, b) == _reference_distance(a, b)


def test_edit_distance_matches_reference_on_random_strings():
    rng = random.Random(1)
    for _ in range(50):
        a = "".join(rng.choice("aăâbcdđ ") for _ in range(rng.randint(0, 30)))
        b = "".join(rng.choice("aăâbcdđ ") for _ in range(rng.randint(0, 30)))
        assert edit_distance(a, b) == _reference_distance(a, b)


def test_character_accuracy_ignores_layout_whitespace():
    assert character_accuracy("Hồ  sơ\nhợp lệ", "Hồ sơ hợp lệ") == 1.0
    assert character_accuracy("Ho so hop le", "Hồ sơ hợp lệ") == pytest.approx(
        1 - 4 / 12
    )
    assert normalise_text("a\u0301") == "á"


def test_same_seed_same_batch_and_truth_matches_the_file(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = generate_batch(seed=3, workdir=tmp_path / "a", dpi=150)
    second = generate_batch(seed=3, workdir=tmp_path / "b", dpi=150)
    assert first.truth == second.truth
    # The PDF's creation date differs; the scanned images must not.
    images = [
        [page.images[0].data for page in PdfReader(batch.path).pages]
        for batch in (first, second)
    ]
    assert images[0] == images[1]
    truth = first.truth
    assert len(PdfReader(first.path).pages) == len(truth.pages)
    kinds = [p.kind for p in truth.pages]
    assert kinds.count("cover") >= 2  # several dossiers per batch
    assert kinds[0] in ("cover", "stray")
    for page in truth.pages:
        assert page.rotation in (0, 90, 180, 270)
        assert abs(page.skew) <= 5.0
        if page.kind == "content":
            assert page.text and page.position is not None


def test_generated_batches_vary_as_a_scanner_would(tmp_path):
    pages = []
    dpis = set()
    for seed in range(12):
        batch = generate_batch(
            seed=seed, workdir=tmp_path, dossiers=(1, 1), components=(1, 1)
        )
        pages += batch.truth.pages
        dpis.add(batch.truth.dpi)
    assert {p.rotation for p in pages} >= {0, 180}
    assert any(p.rotation in (90, 270) for p in pages)
    assert any(p.kind == "blank" for p in pages)
    assert len(dpis) >= 2 and min(dpis) >= 150 and max(dpis) <= 300
    assert max(abs(p.skew) for p in pages) > 2.0
