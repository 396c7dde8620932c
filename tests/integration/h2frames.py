"""A raw HTTP/2 client for tests that must send what well-behaved clients never do
(floods, bombs, resets): frames built by hand, HPACK through the `hpack` library."""

from __future__ import annotations

import socket
import struct
import time

import hpack

PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
DATA, HEADERS, RST_STREAM, SETTINGS, PING, GOAWAY, WINDOW_UPDATE, CONTINUATION = (
    0x0, 0x1, 0x3, 0x4, 0x6, 0x7, 0x8, 0x9)
END_STREAM, END_HEADERS, ACK = 0x1, 0x4, 0x1
NO_ERROR, PROTOCOL_ERROR, REFUSED_STREAM, CANCEL, ENHANCE_YOUR_CALM = 0x0, 0x1, 0x7, 0x8, 0xB


def frame(ftype: int, flags: int, stream: int, payload: bytes = b"") -> bytes:
    return struct.pack(">I", len(payload))[1:] + bytes([ftype, flags]) + struct.pack(
        ">I", stream & 0x7FFFFFFF) + payload


def settings(**values: int) -> bytes:
    ids = {"header_table_size": 1, "max_concurrent_streams": 3, "initial_window_size": 4,
           "max_frame_size": 5}
    return frame(SETTINGS, 0, 0, b"".join(struct.pack(">HI", ids[k], v) for k, v in values.items()))


def request_headers(path: str, method: str = "GET", extra=()) -> list[tuple[str, str]]:
    return [(":method", method), (":scheme", "http"), (":authority", "t"), (":path", path),
            *extra]


class RawH2:
    def __init__(self, port: int, **initial_settings: int) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        self.encoder = hpack.Encoder()
        self.decoder = hpack.Decoder()
        self.sock.sendall(PREFACE + settings(**initial_settings))
        self.buffer = b""
        self.closed = False
        self.responses: dict[int, dict[str, str]] = {}  # stream -> response header fields
        self.bodies: dict[int, bytes] = {}

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def headers(self, stream: int, fields, end_stream: bool = True) -> bytes:
        flags = END_HEADERS | (END_STREAM if end_stream else 0)
        return frame(HEADERS, flags, stream, self.encoder.encode(fields))

    def read_frames(self, timeout: float = 5.0, until=None) -> list[tuple[int, int, int, bytes]]:
        """Frames until the server closes, `until(frames)` is true, or the timeout."""
        frames: list[tuple[int, int, int, bytes]] = []
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            while len(self.buffer) >= 9:
                length = int.from_bytes(self.buffer[:3], "big")
                if len(self.buffer) < 9 + length:
                    break
                ftype, flags = self.buffer[3], self.buffer[4]
                stream = int.from_bytes(self.buffer[5:9], "big") & 0x7FFFFFFF
                payload = self.buffer[9 : 9 + length]
                self.buffer = self.buffer[9 + length :]
                frames.append((ftype, flags, stream, payload))
                if ftype == HEADERS:  # decode in arrival order: HPACK state is shared
                    fields = dict(self.decoder.decode(payload))
                    self.responses.setdefault(stream, fields)
                elif ftype == DATA:
                    self.bodies[stream] = self.bodies.get(stream, b"") + payload
                if ftype == SETTINGS and not flags & ACK:
                    try:
                        self.send(frame(SETTINGS, ACK, 0))
                    except (BrokenPipeError, ConnectionResetError):
                        pass  # the server has closed: what it sent before is still read
            if until is not None and until(frames):
                return frames
            self.sock.settimeout(max(0.01, deadline - time.monotonic()))
            try:
                chunk = self.sock.recv(65536)
            except (socket.timeout, TimeoutError):
                break
            except ConnectionResetError:
                self.closed = True
                break
            if not chunk:
                self.closed = True
                break
            self.buffer += chunk
        return frames

    def close(self) -> None:
        self.sock.close()


def goaway_code(frames) -> int | None:
    for ftype, _, _, payload in frames:
        if ftype == GOAWAY:
            return int.from_bytes(payload[4:8], "big")
    return None


def status_of(conn: RawH2, stream: int) -> int | None:
    fields = conn.responses.get(stream)
    return int(fields[":status"]) if fields else None
