"""The model file's bytes: bounded reading and parsing, and the checksum (see docs/format.md)."""
from __future__ import annotations

import hashlib
import json
import math
import os
import stat
import struct
from typing import Any, Dict, List, Mapping, NoReturn, Tuple, Union

MAX_FILE_BYTES = 256 * 2 ** 20  # 256 MiB: several million parameters, more than a scalar model trains
MAX_DEPTH = 32                  # nesting of [ and {: a model file needs 3 or 4
MAX_DIGITS = 30                 # digits in an integer literal; sizes are bounded far below 10**30


class FormatError(ValueError):
    """A model file that is not well formed; `load` adds the file's name."""


def read_text(path: Union[str, os.PathLike[str]]) -> str:
    """The file's text: a regular file of at most MAX_FILE_BYTES, in UTF-8.

    The file is checked with stat() before it is opened: a FIFO or a device is refused
    without being opened (opening a FIFO blocks; /dev/zero never ends).
    """
    info = os.stat(path)
    if not stat.S_ISREG(info.st_mode):
        raise FormatError("not a regular file (a model file is a plain file; FIFOs and devices are refused)")
    if info.st_size > MAX_FILE_BYTES:
        raise FormatError(f"{info.st_size:,} bytes; a model file may have at most {MAX_FILE_BYTES:,}")
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):  # replaced between stat() and open()
            raise FormatError("not a regular file")
        chunks, size = [], 0
        while size <= MAX_FILE_BYTES:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    finally:
        os.close(fd)
    if size > MAX_FILE_BYTES:
        raise FormatError(f"more than {MAX_FILE_BYTES:,} bytes; a model file may have at most that many")
    data = b"".join(chunks)
    try:
        return data.decode("utf-8-sig")  # a byte order mark, as some editors write, is skipped
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        raise FormatError(f"not UTF-8 text (byte {data[e.start]:#04x} at offset {e.start}, line {line}); "
                          "not a model file, or corrupt") from None


def parse(text: str) -> Any:
    """json.loads with bounds: nesting depth, integer length, no NaN/Infinity, no duplicate keys.

    The C parser is linear in the text and stops deep nesting itself with RecursionError
    (it counts its recursion), which is turned into the same error as depth > MAX_DEPTH.
    """
    too_deep = f"arrays or objects nested deeper than {MAX_DEPTH} levels; not a model file"
    try:
        document = json.loads(text, parse_int=_integer, parse_float=_float, parse_constant=_constant,
                              object_pairs_hook=_object)
    except json.JSONDecodeError as e:
        raise FormatError(f"not a model file, or truncated/corrupt JSON ({e})") from None
    except RecursionError:
        raise FormatError(too_deep) from None
    if _depth(document) > MAX_DEPTH:
        raise FormatError(too_deep)
    return document


def _depth(document: object) -> int:
    """How deeply lists and dicts nest (0 for a number or string), walked without recursion."""
    deepest, stack = 0, [(document, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (list, dict)):
            deepest = max(deepest, depth)
            stack.extend((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))
    return deepest


def _integer(literal: str) -> int:
    if len(literal.lstrip("-")) > MAX_DIGITS:
        raise FormatError(f"an integer of {len(literal.lstrip('-'))} digits; at most {MAX_DIGITS} are allowed")
    return int(literal)


def _float(literal: str) -> float:
    x = float(literal)
    if not math.isfinite(x):
        raise FormatError(f"the number {literal[:30]} overflows a float")
    return x


def _constant(name: str) -> NoReturn:
    raise FormatError(f"{name} is not allowed in a model file (parameters are finite numbers)")


def _object(pairs: List[Tuple[str, Any]]) -> Dict[str, Any]:
    keys = [key for key, _ in pairs]
    if len(set(keys)) != len(keys):
        duplicate = next(k for k in keys if keys.count(k) > 1)
        raise FormatError(f"the key {duplicate!r} appears twice in one object")
    return dict(pairs)


def checksum(class_name: str, config: object, parameters: Mapping[str, float]) -> str:
    """'sha256:' + hex digest over the canonical encoding of a model (docs/format.md):

    the canonical JSON of [class, config] (keys sorted, no spaces, ASCII), a newline, then for
    each parameter sorted by name: its name in UTF-8, a 0 byte, its value as a big-endian
    IEEE-754 double.

    >>> checksum("nn.layers.Neuron", {"nin": 1, "activation": "relu"}, {"w.0": 0.5, "b": 0.0})[:15]
    'sha256:709c8e0e'
    """
    header = json.dumps([class_name, config], sort_keys=True, separators=(",", ":"), ensure_ascii=True,
                        allow_nan=False)
    digest = hashlib.sha256(header.encode("ascii") + b"\n")
    for name in sorted(parameters):
        digest.update(name.encode("utf-8") + b"\0" + struct.pack(">d", float(parameters[name])))
    return "sha256:" + digest.hexdigest()
