"""data_bridge_service: a spec in, its generated code out.

    load("//codegen:defs.bzl", "data_bridge_service")
    data_bridge_service(name = "petstore_api", openapi = "petstore.yaml")
    data_bridge_service(name = "library_api", proto = ":library_proto")

yields
    :petstore_api            py_library: petstore_api.py (models, handler base class,
                             routes(handlers) for App.include)
    :petstore_api_ir         petstore_api.ir.pb, the service in codegen's IR
    :petstore_api_openapi    petstore_api.openapi.json, the OpenAPI 3.1 document
    :petstore_api_cc         cc_library: petstore_api.h, typed structs and compiled
                             validators (namespace petstore_api, Service())
    :petstore_api_native.so  the Python extension the py_library loads them through
An invalid spec fails the build with `file:line: what is wrong`.
"""

load("//third_party/proto:defs.bzl", "protoc_plugin_output", "py_proto_library")

def data_bridge_service(name, openapi = None, proto = None, visibility = None, **kwargs):
    """`openapi`: an OpenAPI document; `proto`: a proto_library in this package whose
    services carry google.api.http rules (handlers then take and return its _pb2 messages)."""
    if (openapi == None) == (proto == None):
        fail("data_bridge_service: give exactly one of openapi = ... or proto = ...")
    deps = ["//python/data_bridge"]
    if openapi:
        native.genrule(
            name = name + "_ir",
            srcs = [openapi],
            outs = [name + ".ir.pb"],
            cmd = "$(location //codegen/front/openapi:openapi_front) $(location %s) --out $@ --name $(location %s)" % (openapi, openapi),
            tools = ["//codegen/front/openapi:openapi_front"],
            visibility = visibility,
        )
        ir = name + ".ir.pb"
        spec_name = openapi
    else:
        protoc_plugin_output(
            name = name + "_ir",
            proto = proto,
            plugin = "//codegen/front/proto:protoc-gen-ir",
            plugin_name = "ir",
            suffix = ".ir.txtpb",
            visibility = visibility,
        )
        py_proto_library(name = name + "_pb2", proto = proto)

        # Linked into the extension: the messages' descriptors in protobuf's generated pool,
        # where gRPC server reflection finds them.
        native.cc_proto_library(name = name + "_cc_proto", deps = [proto])
        ir = ":" + name + "_ir"
        spec_name = proto
        deps += [
            ":" + name + "_pb2",
            "//proto/databridge:rules_py_pb2",
            "@googleapis//:annotations_py_pb2",
        ]
    native.genrule(
        name = name + "_py",
        srcs = [ir],
        outs = [name + ".py"],
        cmd = "$(location //codegen/back/python:python_back) $< --out $@ --spec-name %s" % spec_name,
        tools = ["//codegen/back/python:python_back"],
    )
    native.genrule(
        name = name + "_cpp",
        srcs = [ir],
        outs = [name + ".h", name + ".cc", name + "_module.cc"],
        cmd = ("$(location //codegen/back/cpp:cpp_back) $< --name %s --header %s " +
               "--out-h $(location %s.h) --out-cc $(location %s.cc) " +
               "--out-module $(location %s_module.cc)") % (
            name,
            (native.package_name() + "/" if native.package_name() else "") + name + ".h",
            name,
            name,
            name,
        ),
        tools = ["//codegen/back/cpp:cpp_back"],
    )
    native.cc_library(
        name = name + "_cc",
        srcs = [name + ".cc"],
        hdrs = [name + ".h"],
        deps = [
            "//framework/validate:compiled",
            "//framework/validate:scalars",
            "@system//:absl_strings",
            "@system//:re2",
            "@system//:simdjson",
        ],
        visibility = visibility,
    )
    native.cc_binary(
        name = name + "_native.so",
        srcs = [name + "_module.cc"],
        copts = ["-fvisibility=hidden"],
        linkshared = True,
        deps = [
            ":" + name + "_cc",
            "//framework/python:compiled_module",
        ] + ([":" + name + "_cc_proto"] if proto else []),
    )
    native.genrule(
        name = name + "_openapi",
        srcs = [ir],
        outs = [name + ".openapi.json"],
        cmd = "$(location //codegen/back/openapi:openapi_back) $< --out $@",
        tools = ["//codegen/back/openapi:openapi_back"],
        visibility = visibility,
    )
    native.py_library(
        name = name,
        srcs = [name + ".py"],
        data = [
            name + ".openapi.json",
            name + "_native.so",
        ],
        deps = deps,
        visibility = visibility,
        **kwargs
    )
