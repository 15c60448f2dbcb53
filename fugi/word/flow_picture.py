"""資料N-1 drawn by Graphviz `dot`: an escaped DOT text of the flow graph, rendered in batches to SVG or PNG, cached."""
from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from fugi.views.flow import WARD, FlowGraph

FONTS_CONF = Path(__file__).with_name("fonts.conf")  # IPAex fonts, as in the PDFs
FONT = "IPAexGothic"
DPI = 150  # the PNG placed in the Word file (scaled to the text width there)
WRAP = 16  # characters per line of a label in the drawing (the table beside it gives every word)
ITEM_LINES, MEANS_LINES = 3, 2
PNG = b"\x89PNG\r\n\x1a\n"
CHUNK = 32  # graphs per `dot` run: a PNG takes ~20 ms of CPU, so a run stays well inside TIMEOUT on a busy machine
TIMEOUT = 600


def engine() -> str | None:
    """The `dot` program, or None when Graphviz is not installed."""
    return shutil.which("dot")


@functools.lru_cache(maxsize=None)
def engine_id() -> str:
    """What the pictures' bytes depend on besides the graph: Graphviz's version and the font map ('' without dot)."""
    path = engine()
    if path is None:
        return ""
    try:
        done = subprocess.run([path, "-V"], capture_output=True, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return ""
    return f"{path} {done.stderr.decode('utf-8', 'replace').strip()} {FONTS_CONF.read_bytes().hex()}"


def missing_notice() -> str:
    """The line check and build print when `dot` is missing (everything else is still made)."""
    return ("Graphviz（dot）が見つからないため、区分の欄から作る流れの図は作っていません（サイトに載せる矢印の表と、ほかの出力は作りました）。"
            "図も作るには Graphviz を入れてください（Debian: sudo apt-get install graphviz fonts-ipaexfont）")


def quoted(text: str) -> str:
    """A DOT string: backslashes and quotes escaped, each line break a centred \\n (nothing of content is DOT syntax)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + "\\n".join(escaped.splitlines() or [""]) + '"'


def wrapped(lines, width: int, most: int) -> list:
    """Lines cut to `width` characters, at most `most` of them (the last ends with … when text is left out)."""
    out = []
    for line in lines:
        line = " ".join(str(line).split())
        out += [line[i:i + width] for i in range(0, len(line), width)] or [""]
    if len(out) > most:
        out = out[:most]
        out[-1] = out[-1][:width - 1] + "…"
    return out


def node_label(node) -> str:
    if node.kind == WARD:
        first, *rest = node.name.split(" ")
        return "\n".join([first, *rest])
    lines = wrapped([node.name], WRAP, 3)
    return "\n".join(([node.role] if node.role else []) + lines)


def edge_label(edge) -> str:
    lines = wrapped(edge.items, WRAP, ITEM_LINES) if edge.items else []
    if edge.means:
        lines += ["〈" + line + "〉" for line in wrapped(edge.means, WRAP - 2, MEANS_LINES)]
    return "\n".join(lines)


STYLE = {WARD: 'style="rounded,filled,bold", fillcolor="#e8f0fe"', "system": 'style="filled", fillcolor="#eef7ee"',
         "partner": 'style="rounded"', "declared": 'style="rounded,dashed"'}


def dot_text(graph: FlowGraph) -> str:
    """The DOT source of a flow graph; every name and label goes through quoted()."""
    out = ["digraph flow {",
           f'  graph [rankdir=TB, charset="UTF-8", fontname={quoted(FONT)}, nodesep=0.35, ranksep=0.9, pad=0.15];',
           f"  node [shape=box, fontname={quoted(FONT)}, fontsize=11, margin=\"0.15,0.08\"];",
           f"  edge [fontname={quoted(FONT)}, fontsize=9, arrowsize=0.8];"]
    inside = [n for n in graph.nodes if n.kind in (WARD, "system")]
    out.append("  subgraph cluster_ward {")
    out.append('    graph [style="dashed,rounded", color="#7f8fa6", label=""];')
    out += [f"    {n.id} [label={quoted(node_label(n))}, {STYLE[n.kind]}];" for n in inside]
    out.append("  }")
    out += [f"  {n.id} [label={quoted(node_label(n))}, {STYLE[n.kind]}];" for n in graph.nodes if n not in inside]
    out += [f"  {e.source} -> {e.target} [label={quoted(edge_label(e))}];" for e in graph.edges]
    out.append("}")
    return "\n".join(out) + "\n"


COMMENT = re.compile(rb"<!--.*?-->\s*", re.S)
PAGE_ID = re.compile(rb' id="page\d+,\d+_')  # the id dot gives the second and later graphs of one run


def split_output(data: bytes, fmt: str) -> list:
    """The pictures of one `dot` run over several graphs, in order (comments, which name the version, taken out)."""
    if fmt == "png":
        return [PNG + part for part in data.split(PNG)[1:]]
    return [PAGE_ID.sub(b' id="', COMMENT.sub(b"", b"<?xml" + part)) for part in data.split(b"<?xml")[1:]]


def run_dot(texts: list, fmt: str) -> list:
    """The pictures of `texts`, in order: CHUNK graphs per `dot` process (starting one costs more than drawing a small
    graph), as many processes at once as this process may use cores."""
    chunks = [texts[i:i + CHUNK] for i in range(0, len(texts), CHUNK)]
    workers = max(1, min(len(chunks), len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1))
    if workers == 1:
        return [part for chunk in chunks for part in _run_chunk(chunk, fmt)]
    with ThreadPoolExecutor(workers) as pool:
        return [part for parts in pool.map(lambda chunk: _run_chunk(chunk, fmt), chunks) for part in parts]


def _run_chunk(texts: list, fmt: str) -> list:
    args = [engine(), f"-T{fmt}"] + ([f"-Gdpi={DPI}"] if fmt == "png" else [])
    env = dict(os.environ, FONTCONFIG_FILE=str(FONTS_CONF))
    done = subprocess.run(args, input="".join(texts).encode("utf-8"), capture_output=True, env=env,
                          timeout=TIMEOUT, check=False)
    parts = split_output(done.stdout, fmt)
    if done.returncode != 0 or len(parts) != len(texts):
        raise RuntimeError(done.stderr.decode("utf-8", "replace").strip() or "dot failed")
    return parts


_MEMORY: dict = {}  # key -> bytes, for this process (forked Word workers inherit what the build rendered first)


@functools.lru_cache(maxsize=8)
def _disk(content_root: str):
    from fugi.build.cache import open_cache

    return open_cache(Path(content_root))


def pictures(graphs: list, fmt: str, content_root=None) -> list:
    """The SVG or PNG bytes of each graph (None for an empty graph or without `dot`); from memory, then the build
    cache of `content_root`, the rest rendered by one `dot` run and kept in both."""
    from fugi.build.cache import digest

    if engine() is None:
        return [None] * len(graphs)
    cache = _disk(str(Path(content_root).resolve())) if content_root is not None else None
    texts = [dot_text(g) if g is not None and not g.empty else None for g in graphs]
    keys = [digest(engine_id(), fmt, text) if text is not None else None for text in texts]
    found = {}
    for key in keys:
        if key is None or key in found:
            continue
        data = _MEMORY.get(key)
        if data is None and cache is not None:
            data = cache.get(f"flow-{fmt}", key)
        if data is not None:
            found[key] = _MEMORY[key] = data
    todo = list(dict.fromkeys(k for k in keys if k is not None and k not in found))
    if todo:
        text_of = dict(zip(keys, texts))
        for key, data in zip(todo, run_dot([text_of[k] for k in todo], fmt)):
            found[key] = _MEMORY[key] = data
            if cache is not None:
                cache.put(f"flow-{fmt}", key, data)
    return [found.get(k) if k is not None else None for k in keys]


def picture(graph: FlowGraph, fmt: str, content_root=None) -> bytes | None:
    """One graph's picture (see pictures())."""
    return pictures([graph], fmt, content_root)[0]
