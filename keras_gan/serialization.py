"""Configuration helpers for the package's plain (non-layer) classes."""


class ConfigMixin:
    """`from_config` and `__repr__` for plain classes with `get_config`.

    The class's constructor must accept its `get_config()` dict as keyword
    arguments.
    """

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{self.__class__.__name__}({args})"
