"""Files served from directories, as Starlette's (and FastAPI's) StaticFiles, mounted on an
app with `app.mount("/static", StaticFiles(directory="static"), name="static")`.

GET and HEAD only (else 405, Allow: GET, HEAD); the path is normalised and must stay inside
the directory (symlinks resolved unless follow_symlink=True), else 404; a file answers as a
FileResponse (its media type, Last-Modified and ETag), or 304 when If-None-Match or
If-Modified-Since says the client has it; html=True serves a directory's index.html
(redirecting to the path with a trailing slash) and 404.html for what is missing.
Range requests get the whole file (RFC 9110 allows it; served ranges are to come).
"""

from __future__ import annotations

import errno
import importlib.util
import os
import stat
from email.utils import parsedate
from typing import Union

from .datastructures import Headers
from .exceptions import HTTPException
from .requests import Request
from .responses import FileResponse, RedirectResponse, Response

__all__ = ["NotModifiedResponse", "StaticFiles"]

PathLike = Union[str, "os.PathLike[str]"]


class NotModifiedResponse(Response):
    """A 304 carrying the headers RFC 9110 lets one carry (of the file's response)."""

    NOT_MODIFIED_HEADERS = ("cache-control", "content-location", "date", "etag", "expires",
                            "vary")

    def __init__(self, headers: Headers) -> None:
        super().__init__(status_code=304, headers={
            name: value for name, value in headers.items()
            if name in self.NOT_MODIFIED_HEADERS})


class StaticFiles:
    def __init__(self, *, directory: PathLike | None = None,
                 packages: list[str | tuple[str, str]] | None = None, html: bool = False,
                 check_dir: bool = True, follow_symlink: bool = False) -> None:
        self.directory = directory
        self.packages = packages
        self.all_directories = self.get_directories(directory, packages)
        self.html = html
        self.follow_symlink = follow_symlink
        if check_dir and directory is not None and not os.path.isdir(directory):
            raise RuntimeError(f"Directory '{directory}' does not exist")

    def get_directories(self, directory: PathLike | None = None,
                        packages: list[str | tuple[str, str]] | None = None) -> list[PathLike]:
        """`directory`, then each package's statics folder ("statics" unless named)."""
        directories: list[PathLike] = [] if directory is None else [directory]
        for package in packages or []:
            name, statics = package if isinstance(package, tuple) else (package, "statics")
            spec = importlib.util.find_spec(name)
            assert spec is not None and spec.origin is not None, \
                f"Package {name!r} could not be found."
            folder = os.path.normpath(os.path.join(spec.origin, "..", statics))
            assert os.path.isdir(folder), \
                f"Directory '{statics!r}' in package {name!r} could not be found."
            directories.append(folder)
        return directories

    def respond(self, request: Request, path: str) -> Response:
        """The answer for `path` (what follows the mount's path) to `request`."""
        if request.method not in ("GET", "HEAD"):
            raise HTTPException(status_code=405, headers={"Allow": "GET, HEAD"})
        path = os.path.normpath(os.path.join(*path.split("/"))) if path else "."
        try:
            full_path, stat_result = self.lookup_path(path)
        except PermissionError:
            raise HTTPException(status_code=401) from None
        except OSError as exc:
            if exc.errno == errno.ENAMETOOLONG:  # too long to be one of ours
                raise HTTPException(status_code=404) from None
            raise
        except ValueError:  # a NUL or another character no path holds
            raise HTTPException(status_code=404) from None
        if stat_result is not None and stat.S_ISREG(stat_result.st_mode):
            return self.file_response(full_path, stat_result, request)
        if stat_result is not None and stat.S_ISDIR(stat_result.st_mode) and self.html:
            full_path, stat_result = self.lookup_path(os.path.join(path, "index.html"))
            if stat_result is not None and stat.S_ISREG(stat_result.st_mode):
                if not request.url.path.endswith("/"):  # directory URLs end with "/"
                    return RedirectResponse(url=request.url.replace(path=request.url.path + "/"))
                return self.file_response(full_path, stat_result, request)
        if self.html:
            full_path, stat_result = self.lookup_path("404.html")
            if stat_result is not None and stat.S_ISREG(stat_result.st_mode):
                return FileResponse(full_path, stat_result=stat_result, status_code=404)
        raise HTTPException(status_code=404)

    def lookup_path(self, path: str) -> tuple[str, os.stat_result | None]:
        """The file `path` names in the first directory that has it, never outside one."""
        if path.startswith(("/", "\\")):
            return "", None
        for directory in self.all_directories:
            joined = os.path.join(directory, path)
            if self.follow_symlink:
                full_path, base = os.path.abspath(joined), os.path.abspath(directory)
            else:
                full_path, base = os.path.realpath(joined), os.path.realpath(directory)
            if os.path.commonpath([full_path, base]) != str(base):
                continue  # a path that climbs out of the directory
            try:
                return full_path, os.stat(full_path)
            except (FileNotFoundError, NotADirectoryError):
                continue
        return "", None

    def file_response(self, full_path: PathLike, stat_result: os.stat_result,
                      request: Request, status_code: int = 200) -> Response:
        response = FileResponse(full_path, status_code=status_code, stat_result=stat_result)
        if self.is_not_modified(response.headers, request.headers):
            return NotModifiedResponse(response.headers)
        return response

    def is_not_modified(self, response_headers: Headers, request_headers: Headers) -> bool:
        """Whether the client's copy is current: If-None-Match names the ETag (or *), else
        If-Modified-Since is not before Last-Modified."""
        if if_none_match := request_headers.get("if-none-match"):
            if if_none_match.strip() == "*":
                return True
            return response_headers["etag"] in [
                tag.strip().removeprefix("W/") for tag in if_none_match.split(",")]
        try:
            since = parsedate(request_headers["if-modified-since"])
            modified = parsedate(response_headers["last-modified"])
        except KeyError:
            return False
        return since is not None and modified is not None and since >= modified
