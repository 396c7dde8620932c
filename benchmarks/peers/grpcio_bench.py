"""The grpcio peers for //benchmarks:grpc: BenchService with the same logic as
benchmarks/grpc_app.py, on grpcio's asyncio server (--mode aio) or its thread-pool server
(--mode sync). bench_pb2 is generated for this venv's protobuf by grpcio-tools (--gen DIR).

    python grpcio_bench.py --mode aio --port 50051 --gen /tmp/gen
"""

import argparse
import asyncio
import os
import sys
from concurrent import futures

import grpc

TAGS = ["sf", "classic"]


def generate(proto_dir: str, out: str) -> None:
    from grpc_tools import protoc

    os.makedirs(out, exist_ok=True)
    if protoc.main(["protoc", f"-I{proto_dir}", f"--python_out={out}", "bench.proto"]) != 0:
        raise SystemExit("protoc failed")


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--mode", choices=["aio", "sync"], required=True)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--gen", required=True)
    p.add_argument("--proto-dir", required=True)
    args = p.parse_args()
    generate(args.proto_dir, args.gen)
    sys.path.insert(0, args.gen)
    import bench_pb2 as pb2

    def book(name):
        return pb2.Book(name=name, title="Dune", page_count=412, tags=TAGS)

    if args.mode == "aio":
        async def get_book(request, context):
            return book(request.name)

        async def stream_books(request, context):
            for i in range(request.page_size):
                yield book(f"{request.parent}/books/{i}")
    else:
        def get_book(request, context):
            return book(request.name)

        def stream_books(request, context):
            for i in range(request.page_size):
                yield book(f"{request.parent}/books/{i}")

    handlers = grpc.method_handlers_generic_handler("bench.v1.BenchService", {
        "GetBook": grpc.unary_unary_rpc_method_handler(
            get_book, request_deserializer=pb2.GetBookRequest.FromString,
            response_serializer=pb2.Book.SerializeToString),
        "StreamBooks": grpc.unary_stream_rpc_method_handler(
            stream_books, request_deserializer=pb2.ListBooksRequest.FromString,
            response_serializer=pb2.Book.SerializeToString),
    })
    address = f"127.0.0.1:{args.port}"
    if args.mode == "aio":
        async def serve():
            server = grpc.aio.server()
            server.add_generic_rpc_handlers((handlers,))
            server.add_insecure_port(address)
            await server.start()
            await server.wait_for_termination()

        asyncio.run(serve())
    else:
        server = grpc.server(futures.ThreadPoolExecutor(max_workers=16))
        server.add_generic_rpc_handlers((handlers,))
        server.add_insecure_port(address)
        server.start()
        server.wait_for_termination()


if __name__ == "__main__":
    main()
