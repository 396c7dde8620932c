"""framework_proto: the three targets every .proto of the framework has."""

load("//third_party/proto:defs.bzl", "py_proto_library")

def framework_proto(name, deps = []):
    """<name>.proto -> :<name>_proto, :<name>_cc_proto and :<name>_py_pb2."""
    native.proto_library(
        name = name + "_proto",
        srcs = [name + ".proto"],
        deps = deps,
    )
    native.cc_proto_library(
        name = name + "_cc_proto",
        deps = [":" + name + "_proto"],
    )
    py_proto_library(
        name = name + "_py_pb2",
        proto = ":" + name + "_proto",
    )
