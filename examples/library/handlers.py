"""examples/library: the LibraryService RPCs, served over gRPC (`--grpc-port`) and over
HTTP through their google.api.http bindings, from one implementation (handlers take and
return the protoc _pb2 messages)."""

from __future__ import annotations

import itertools
import threading
from typing import Any, AsyncIterator

from google.protobuf import empty_pb2

from data_bridge import App
from data_bridge.rpc_context import ServicerContext
from examples.library import library_api
from examples.library import library_pb2 as pb2

NOT_FOUND = 5  # grpc.StatusCode.NOT_FOUND


class Library(library_api.LibraryServiceHandlers):
    def __init__(self) -> None:
        self.books: dict[str, pb2.Book] = {}
        self.ids = itertools.count(1)
        self.lock = threading.Lock()  # with --threads N, handlers of N loops share the store

    def _sorted(self) -> list[tuple[str, pb2.Book]]:
        with self.lock:
            return sorted(self.books.items())

    def _find(self, name: str, context: ServicerContext) -> pb2.Book:
        with self.lock:
            if name.count("/") == 0:  # /v1/books/{name}: a bare id
                name = next((k for k in self.books if k.endswith("/books/" + name)), name)
            book = self.books.get(name)
        if book is None:
            context.abort(NOT_FOUND, f"no book {name}")
        return book

    async def GetBook(self, request: pb2.GetBookRequest, context: ServicerContext) -> pb2.Book:
        return self._find(request.name, context)

    async def ListBooks(self, request: pb2.ListBooksRequest,
                        context: ServicerContext) -> pb2.ListBooksResponse:
        books = [b for n, b in self._sorted() if n.startswith(request.parent + "/")]
        size = request.page_size or 50
        return pb2.ListBooksResponse(books=books[:size])

    async def CreateBook(self, request: pb2.CreateBookRequest,
                         context: ServicerContext) -> pb2.Book:
        book = pb2.Book()
        book.CopyFrom(request.book)
        book.name = f"{request.parent}/books/{next(self.ids)}"
        with self.lock:
            self.books[book.name] = book
        return book

    async def UpdateBook(self, request: pb2.UpdateBookRequest,
                         context: ServicerContext) -> pb2.Book:
        book = self._find(request.book.name, context)
        paths = request.update_mask.paths or ["title"]
        for path in paths:
            setattr(book, path, getattr(request.book, path))
        return book

    async def DeleteBook(self, request: pb2.DeleteBookRequest, context: ServicerContext) -> Any:
        self._find(request.name, context)
        with self.lock:
            self.books.pop(request.name, None)
        return empty_pb2.Empty()


    async def StreamBooks(self, request: pb2.ListBooksRequest,
                          context: ServicerContext) -> AsyncIterator[pb2.Book]:
        for name, book in self._sorted():
            if name.startswith(request.parent + "/"):
                yield book

    async def ImportBooks(self, requests: AsyncIterator[pb2.CreateBookRequest],
                          context: ServicerContext) -> pb2.ImportBooksResponse:
        names = []
        async for request in requests:
            names.append((await self.CreateBook(request, context)).name)
        return pb2.ImportBooksResponse(imported=len(names), names=names)

    async def DiscussBooks(self, requests: AsyncIterator[pb2.BookNote],
                           context: ServicerContext) -> AsyncIterator[pb2.BookNote]:
        async for note in requests:
            if note.book not in self.books:
                context.abort(NOT_FOUND, f"no book {note.book}")
            yield pb2.BookNote(book=note.book, text=f"noted: {note.text}")


app = App(title="Library", version="1.0.0")
app.include(library_api.routes(Library()))
