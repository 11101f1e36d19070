"""The argument checks every module uses, with Keras' wording.

Every error reads "Invalid value for argument `name`. Received:
name=value. Expected ...", as Keras' own argument errors do.
"""

import numbers

import numpy as np


def is_integer(value):
    """Whether `value` is a Python or NumPy integer (booleans excluded)."""
    return isinstance(value, (numbers.Integral, np.integer)) and not isinstance(
        value, (bool, np.bool_)
    )


def invalid_argument(name, value, expected):
    """The `ValueError` for argument `name` with value `value`.

    Args:
        name: Name of the argument.
        value: Value received.
        expected: What was expected, e.g. `"a positive integer"`.

    Returns:
        A `ValueError` to raise.
    """
    return ValueError(
        f"Invalid value for argument `{name}`. "
        f"Received: {name}={value!r}. Expected {expected}."
    )


def check_positive_int(name, value):
    """Raises unless `value` is an integer >= 1.

    Args:
        name: Name of the argument, used in the error message.
        value: Value of the argument.

    Raises:
        ValueError: If `value` is not a (non-boolean) integer >= 1.
    """
    if not is_integer(value) or value < 1:
        raise invalid_argument(name, value, "a positive integer")


def check_one_of(name, value, choices):
    """Raises unless `value` is one of `choices`; returns `value`."""
    if value not in choices:
        raise invalid_argument(name, value, f"one of {list(choices)}")
    return value


def check_rate(name, value):
    """Raises unless `value` is a number in `[0, 1)` (a dropout rate)."""
    if (
        not isinstance(value, (numbers.Real, np.floating))
        or isinstance(value, bool)
        or not 0.0 <= value < 1.0
    ):
        raise invalid_argument(name, value, "a float in [0, 1)")


def check_num_classes(num_classes):
    """Raises unless `num_classes` is `None` or an integer >= 2."""
    if num_classes is not None and (
        not is_integer(num_classes) or num_classes < 2
    ):
        raise invalid_argument(
            "num_classes", num_classes, "`None` or an integer >= 2"
        )


def check_image_shape(image_shape, name="image_shape", divisor=1):
    """Checks a `(height, width, channels)` shape and returns it as ints.

    Args:
        image_shape: The shape to check.
        name: Name of the argument, used in the error message.
        divisor: Height and width must be divisible by it.

    Returns:
        The tuple of three Python ints.
    """
    try:
        shape = tuple(image_shape)
    except TypeError:
        shape = None
    if (
        shape is None
        or len(shape) != 3
        or not all(is_integer(dim) and dim > 0 for dim in shape)
    ):
        raise invalid_argument(
            name,
            image_shape,
            "a tuple of 3 positive integers `(height, width, channels)`",
        )
    shape = tuple(int(dim) for dim in shape)
    if shape[0] % divisor or shape[1] % divisor:
        raise invalid_argument(
            name, shape, f"height and width divisible by {divisor}"
        )
    return shape


def check_units(name, units):
    """Checks a sequence of positive layer sizes; returns it as a tuple."""
    try:
        values = tuple(units)
    except TypeError:
        values = None
    if values is None or not all(is_integer(u) and u > 0 for u in values):
        raise invalid_argument(name, units, "a sequence of positive integers")
    return tuple(int(u) for u in values)


def check_value_range(value_range, expected="a pair `(low, high)`"):
    """Checks a `(low, high)` value range and returns it as floats.

    Args:
        value_range: The pair `(low, high)` to check.
        expected: What the error message says was expected.

    Returns:
        The tuple `(low, high)` of Python floats.

    Raises:
        ValueError: If `value_range` is not a pair of numbers with
            `low < high`.
    """
    try:
        low, high = (float(v) for v in value_range)
    except (TypeError, ValueError):
        raise invalid_argument("value_range", value_range, expected) from None
    if not high > low:
        raise invalid_argument("value_range", value_range, "`low < high`")
    return low, high
