"""The preview's web server answers only requests addressed to this machine's loopback and its own port."""
from __future__ import annotations

import socket
import threading
from types import SimpleNamespace

import pytest

from fugi.preview.server import PreviewServer


@pytest.fixture
def server(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<!doctype html><html><body><p>DRAFT-TEXT</p></body></html>", encoding="utf-8")
    preview = SimpleNamespace(site=site, search=tmp_path / "pagefind", content=tmp_path, notice=lambda path: "",
                              rebuild=lambda: True, errors=[])
    served = PreviewServer(preview, "127.0.0.1", 0)
    thread = threading.Thread(target=served.serve_forever, daemon=True)
    thread.start()
    yield served
    served.shutdown()
    served.server_close()


def get(server, host: str | None) -> bytes:
    """GET / as a browser sends it, with this Host header (None: none at all)."""
    with socket.create_connection(("127.0.0.1", server.server_port), timeout=10) as conn:
        head = f"Host: {host}\r\n" if host is not None else ""
        conn.sendall(f"GET /index.html HTTP/1.1\r\n{head}Connection: close\r\n\r\n".encode("latin-1"))
        data = b""
        while chunk := conn.recv(65536):
            data += chunk
    return data


@pytest.mark.parametrize("name", ["127.0.0.1", "localhost", "[::1]", "LOCALHOST"])
def test_a_request_addressed_to_the_loopback_and_the_port_is_answered(server, name):
    answer = get(server, f"{name}:{server.server_port}")
    assert answer.startswith(b"HTTP/1.1 200") or answer.startswith(b"HTTP/1.0 200"), answer[:200]
    assert b"DRAFT-TEXT" in answer


@pytest.mark.parametrize("host", ["attacker.example:{port}", "attacker.example", "127.0.0.1", "localhost:1",
                                  "127.0.0.1.nip.io:{port}", "192.168.1.5:{port}", None])
def test_a_request_addressed_to_another_name_or_port_is_refused(server, host):
    """What a DNS-rebinding page sends: its own name, pointed at 127.0.0.1."""
    answer = get(server, host.format(port=server.server_port) if host else host)
    assert answer.split(b"\r\n", 1)[0].split(b" ", 1)[1].startswith(b"421"), answer[:200]
    assert b"DRAFT-TEXT" not in answer and "表示できません".encode() in answer
