"""The data-bridge side of //benchmarks:grpc: BenchService's two RPCs, in Python."""

from __future__ import annotations

from typing import AsyncIterator

from benchmarks.proto import bench_api
from benchmarks.proto import bench_pb2 as pb2
from data_bridge import App
from data_bridge.generated import ServicerContext

TAGS = ["sf", "classic"]


class Bench(bench_api.BenchServiceHandlers):
    async def GetBook(self, request: pb2.GetBookRequest, context: ServicerContext) -> pb2.Book:
        return pb2.Book(name=request.name, title="Dune", page_count=412, tags=TAGS)

    async def StreamBooks(self, request: pb2.ListBooksRequest,
                          context: ServicerContext) -> AsyncIterator[pb2.Book]:
        for i in range(request.page_size):
            yield pb2.Book(name=f"{request.parent}/books/{i}", title="Dune", page_count=412,
                           tags=TAGS)


app = App(title="Bench")
app.include(bench_api.routes(Bench()))
