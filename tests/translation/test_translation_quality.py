"""The translation benchmark's driver: every variant it can run is a valid
set of its example's flags, and its tables report the sample spread."""

import numpy as np
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


def _bar(rows, cols):
    """One MNIST-like image, `(1, 28, 28, 1)`: background -1, the bar 1."""
    image = np.full((1, 28, 28, 1), -1.0, "float32")
    image[0, rows[0] : rows[1], cols[0] : cols[1]] = 1.0
    return image


def test_sklearn_form_counts_a_size_normalized_bitmap_in_4x4_blocks():
    # A bar 20 rows high and 4 columns wide. Scaled to the bitmap's full
    # height it is round(32 * 4 / 20) = 6 columns wide, centered at
    # columns 13-18: blocks 3 and 4 hold 3 of their 4 columns on, 12 of 16
    # pixels, on every row.
    bar = _bar((4, 24), (12, 16))
    counts = translation_quality.sklearn_form(bar, "height")
    assert counts.shape == (1, 8, 8, 1)
    expected = np.zeros((8, 8))
    expected[:, 3:5] = 12.0
    np.testing.assert_array_equal(counts[0, ..., 0], expected)
    # Stretched to the whole bitmap, every block is on.
    np.testing.assert_array_equal(translation_quality.sklearn_form(bar, "fill"), 16.0)
    # MNIST's fixed 20x20 box, uncropped: the bar's 4 of 20 columns become
    # 6 of 32 (6.4 before the threshold), in the middle blocks.
    box = translation_quality.sklearn_form(bar, "box")[0, ..., 0]
    assert box[:, :3].max() == 0.0 and box[:, 5:].max() == 0.0
    assert box.sum() == 32 * 6
    with pytest.raises(ValueError, match="normalize.*'width'"):
        translation_quality.sklearn_form(bar, "width")
    # A blank image has no size to normalize; "box" does not need one.
    blank = np.concatenate([bar, np.full_like(bar, -1.0)])
    with pytest.raises(ValueError, match="images.*image 1 has none"):
        translation_quality.sklearn_form(blank, "height")
    np.testing.assert_array_equal(translation_quality.sklearn_form(blank, "box")[1], 0.0)


def test_low_resolution_digits_are_placed_as_domain_a():
    example = load_example("cyclegan_digits")
    counts = translation_quality.sklearn_form(_bar((4, 24), (4, 24)), "box")
    placed = example.place_in_frame(counts / 16.0 * 2.0 - 1.0, "box")
    assert placed.shape == (1, 28, 28, 1)
    np.testing.assert_allclose(placed[0, 4:24, 4:24], 1.0, atol=1e-6)
    assert placed[0, :4].max() == -1.0 and placed[0, :, 24:].max() == -1.0


def test_pix2pix_shifted_pairs_move_source_and_target_together():
    example = load_example("pix2pix_digits")
    rng = np.random.default_rng(0)
    target = rng.uniform(-1, 1, (10, 28, 28, 1)).astype("float32")
    source = target.copy()
    source[:, 14:] = -1.0
    data = example.ShiftedPairs(source, target, batch_size=4, max_shift=2, seed=3)
    assert len(data) == 3
    batches = [data[i] for i in range(len(data))]
    assert sum(len(s) for s, _ in batches) == 10
    moved = 0
    for shifted_source, shifted_target in batches:
        # The erased half stays erased and the pair moves together: the
        # source is the shifted target with its lower half erased.
        expected = shifted_target.copy()
        expected[:, 14:] = -1.0
        np.testing.assert_array_equal(shifted_source, expected)
        for image in shifted_target:
            matches = [
                s for s in range(-2, 3)
                if np.array_equal(image, example.shift_sideways(target, [s] * 10)[
                    np.argmax([np.array_equal(image[:, 3:25], t[:, 3 - s:25 - s]) for t in target])
                ])
            ]
            assert len(matches) == 1
            moved += matches[0] != 0
    assert moved > 0
    # Repeatable within an epoch, a new draw the next epoch.
    np.testing.assert_array_equal(data[1][1], batches[1][1])
    data.on_epoch_end()
    assert not np.array_equal(data[0][1], batches[0][1])


def test_pix2pix_shift_sideways_by_hand():
    shift_sideways = load_example("pix2pix_digits").shift_sideways
    images = np.full((2, 1, 4, 1), -1.0, "float32")
    images[0, 0, 1, 0] = 1.0
    images[1, 0, 3, 0] = 0.5
    moved = shift_sideways(images, [1, -2])[..., 0]
    np.testing.assert_array_equal(moved[0, 0], [-1, -1, 1, -1])
    np.testing.assert_array_equal(moved[1, 0], [-1, 0.5, -1, -1])
    # Shifted off the frame: the background comes in.
    np.testing.assert_array_equal(shift_sideways(images, [3, 3])[0, 0, :, 0], [-1, -1, -1, -1])


def test_pix2pix_shift_refuses_a_bad_max_shift():
    example = load_example("pix2pix_digits")
    images = np.zeros((2, 28, 28, 1), "float32")
    with pytest.raises(ValueError, match="max_shift.*Received: max_shift=-1"):
        example.ShiftedPairs(images, images, 2, -1)


def test_upper_half_refuses_a_negative_shift():
    with pytest.raises(ValueError, match="Received: shift=-1, copies=4"):
        translation_quality.upper_half_classifier([0], shift=-1)


def test_pix2pix_example_refuses_a_negative_shift(capsys):
    parse_args = load_example("pix2pix_digits").parse_args
    assert parse_args(["--shift", "2"]).shift == 2
    with pytest.raises(SystemExit):
        parse_args(["--shift", "-1"])
    assert "argument --shift: expected 0 to 27 pixels. Received: -1" in capsys.readouterr().err
