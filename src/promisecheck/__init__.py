"""promisecheck: can this team keep this promise? The public API, loaded lazily."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = ["__version__", "assess", "load", "simulate"]

if TYPE_CHECKING:
    from promisecheck.assess.analysis import assess
    from promisecheck.engine.simulate import simulate
    from promisecheck.inputs.loading import load


def __getattr__(name: str) -> Any:
    # `promisecheck --version` imports this package: numpy and pydantic load only on use.
    if name == "load":
        from promisecheck.inputs.loading import load

        return load
    if name == "simulate":
        from promisecheck.engine.simulate import simulate

        return simulate
    if name == "assess":
        from promisecheck.assess.analysis import assess

        return assess
    raise AttributeError(name)
