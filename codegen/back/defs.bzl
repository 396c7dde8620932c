"""back_end: the two targets every codegen back end has.

    back_end(name = "cpp")   # :cpp (py_library: __init__.py, emit.py) and :cpp_back, the
                             # tool //codegen:defs.bzl's data_bridge_service runs
"""

def back_end(name, srcs = []):
    """srcs: the back end's modules besides __init__.py and emit.py."""
    native.py_library(
        name = name,
        srcs = [
            "__init__.py",
            "emit.py",
        ] + srcs,
        deps = [
            "//codegen/back:back_pkg",
            "//codegen/ir:ir_py",
        ],
    )
    native.py_binary(
        name = name + "_back",
        srcs = ["emit.py"],
        main = "emit.py",
        python_version = "PY3",
        deps = [":" + name],
    )
