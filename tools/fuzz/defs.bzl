"""cc_fuzz_test: a libFuzzer target whose committed corpus is replayed by `bazel test`.

    cc_fuzz_test(name = "http1_session_fuzz", srcs = ["http1_session_fuzz.cc"], deps = [...])

The source defines LLVMFuzzerTestOneInput; the corpus is the folder `<name>_corpus` beside
it (seeds, and every crash ever found, kept forever). Normally the target links
//tools/fuzz:replay_main and its test runs every corpus file once (under --config=asan
that replay is sanitized); with --config=fuzz (clang, ASan+UBSan) it links libFuzzer and
the binary fuzzes: tests/fuzz/run.sh drives them all.
"""

def cc_fuzz_test(name, srcs, deps = [], corpus = None, **kwargs):
    corpus = corpus or name + "_corpus"
    native.cc_test(
        name = name,
        srcs = srcs,
        deps = deps + ["//tools/fuzz:fuzz_input"] + select({
            "//tools/fuzz:libfuzzer": [],
            "//conditions:default": ["//tools/fuzz:replay_main"],
        }),
        linkopts = select({
            "//tools/fuzz:libfuzzer": ["-fsanitize=fuzzer"],
            "//conditions:default": [],
        }),
        data = kwargs.pop("data", []) + native.glob([corpus + "/**"]),
        args = [native.package_name() + "/" + corpus],
        size = kwargs.pop("size", "small"),
        tags = kwargs.pop("tags", []) + ["fuzz"],
        **kwargs
    )

def py_fuzz_test(name, srcs, deps = [], corpus = None, **kwargs):
    """A Python fuzz target: `name`.py defines the check and, like openapi_fuzz.py, fuzzes
    with atheris under DATA_BRIDGE_FUZZ=1 (tests/fuzz/run.sh) and otherwise replays the
    corpus folders it is given; its test replays `<name>_corpus`."""
    corpus = corpus or name + "_corpus"
    native.py_test(
        name = name,
        srcs = srcs,
        main = name + ".py",
        deps = deps,
        python_version = "PY3",
        data = kwargs.pop("data", []) + native.glob([corpus + "/**"]),
        args = [native.package_name() + "/" + corpus],
        size = kwargs.pop("size", "small"),
        tags = kwargs.pop("tags", []) + ["fuzz", "py_fuzz"],
        **kwargs
    )
