"""The one build step pyproject.toml cannot declare without an experimental table: the
event loop in C (src/promisecheck/engine/_native.c).

It is optional: where no C compiler is at hand the install goes on without it, and the
engine uses numba, then numpy (engine/compiled.py), which give the same schedules.
-ffp-contract=off keeps a*b+c two roundings, as numba and numpy compute it.
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "promisecheck.engine._native",
            sources=["src/promisecheck/engine/_native.c"],
            optional=True,
            extra_compile_args=["-O2", "-ffp-contract=off"],
        )
    ]
)
