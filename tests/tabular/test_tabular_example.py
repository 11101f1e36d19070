"""Smoke test of `examples/tabular_augmentation.py` (offline, tiny)."""

import pytest

from tests.images.test_examples import load_example


@pytest.mark.slow
def test_tabular_augmentation_balances_with_the_rare_class():
    example = load_example("tabular_augmentation")
    results = example.main(
        [
            "--repeats", "1",
            "--epochs", "1",
            "--hidden", "16",
            "--train-size", "200",
        ]
    )
    (run,) = results["runs"]
    counts = run["class counts"]
    # 32% of 200 rows have the label: 136 against 64, so 72 rows asked.
    assert counts == {False: 136, True: 64}
    assert run["synthetic rows"] == 72
    assert run["synthetic rare-class share"] == 1.0
    for name in ("real", "real + synthetic", "real + duplicates"):
        assert 0.0 <= run[name] <= 1.0
    # Logistic regression on 200 real rows is better than a constant
    # guess (macro F1 of about 0.41).
    assert run["real"] > 0.5
    assert results["real + synthetic"]["gain"] == (
        run["real + synthetic"] - run["real"]
    )
