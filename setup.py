"""The compiled ranking loops (index/search/_kernels.c); everything else is in pyproject.toml.

The extension is optional: without a C compiler the install still succeeds and ranking runs
its numpy path (the same floats, slower)."""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "index.search._kernels",
            ["index/search/_kernels.c"],
            # the same floats as numpy: no contraction into fused multiply-adds, no fast-math
            extra_compile_args=["-O3", "-ffp-contract=off", "-fno-fast-math"],
            optional=True,
        )
    ]
)
