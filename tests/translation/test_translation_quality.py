"""The translation benchmark's driver: every variant it can run is a valid
set of its example's flags, and its tables report the sample spread."""

import pytest

from benchmarks import translation_quality
from tests.images.test_examples import load_example


@pytest.mark.parametrize("example", ["cyclegan_digits", "pix2pix_digits"])
def test_every_variant_parses_with_its_example(example):
    parse_args = load_example(example).parse_args
    variants = {n: a for n, (e, a) in translation_quality.VARIANTS.items() if e == example}
    assert variants
    for name, args in variants.items():
        parsed = parse_args(list(args))
        # Each flag of the variant reaches the parsed arguments (a flag
        # given twice keeps its last value, as argparse does).
        expected = {}
        for i, flag in enumerate(args):
            if not flag.startswith("--"):
                continue
            value = args[i + 1] if i + 1 < len(args) else None
            if value is None or value.startswith("--"):
                switch = flag[5:] if flag.startswith("--no-") else flag[2:]
                expected[switch] = not flag.startswith("--no-")
            else:
                expected[flag[2:]] = value
        for key, value in expected.items():
            got = getattr(parsed, key.replace("-", "_"))
            if isinstance(value, bool):
                assert got is value, (name, key, got)
            elif isinstance(got, (int, float)):
                assert float(got) == float(value), (name, key, got)
            else:
                assert got == value, (name, key, got)


def test_summaries_use_the_sample_standard_deviation():
    summary = translation_quality.summarize([1.0, 2.0, 3.0])
    assert summary["mean"] == 2.0 and summary["std"] == 1.0
    assert (summary["min"], summary["max"]) == (1.0, 3.0)
    assert translation_quality.summarize([4.0])["std"] == 0.0


def test_grid_table_shows_mean_and_spread_per_variant():
    summaries = {
        "pix2pix_batch16": {
            "args": translation_quality.VARIANTS["pix2pix_batch16"][1],
            "seeds_done": 3,
            "figures": {
                "l1_ratio": translation_quality.summarize([0.70, 0.71, 0.69]),
                "agreement": translation_quality.summarize([0.88, 0.90, 0.86]),
            },
        }
    }
    table = translation_quality.grid_table(summaries)
    assert "| pix2pix_batch16 | 3 | 0.7 ± 0.01 | 88 ± 2 | - | - |" in table
