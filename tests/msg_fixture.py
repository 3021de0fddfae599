"""A tiny Outlook .msg writer for the tests (extract-msg only reads, olefile cannot create files).

Writes a version 3 compound file (512-byte sectors, streams under 4096 bytes in the mini stream)
holding the MSG layout of [MS-OXMSG]: string properties as __substg1.0_XXXX001F streams (UTF-16LE),
binary ones as ...0102, fixed-size ones (PT_LONG) in __properties_version1.0, one storage per
recipient and per attachment. Enough for extract-msg and olefile to read it back.
"""
from __future__ import annotations

import struct
from datetime import datetime, timezone

FREE, END, FATSECT = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
SECTOR, MINI, CUTOFF = 512, 64, 4096
PT_LONG, PT_UNICODE, PT_BINARY, PT_SYSTIME = 0x0003, 0x001F, 0x0102, 0x0040


class Node:
    def __init__(self, name: str, data: bytes | None = None):
        self.name, self.data, self.children = name, data, []  # data None: a storage
        self.start, self.size, self.sid = END, 0, 0

    def add(self, node: "Node") -> "Node":
        self.children.append(node)
        return node


def _props_stream(props: dict[int, tuple[int, object]], header: bytes) -> bytes:
    out = header
    for tag, (ptype, value) in props.items():
        if ptype == PT_LONG:
            out += struct.pack("<IIi4x", (tag << 16) | ptype, 6, int(value))
        elif ptype == PT_SYSTIME:  # a datetime as a FILETIME (100 ns since 1601)
            ticks = int((value - datetime(1601, 1, 1, tzinfo=timezone.utc)).total_seconds() * 10**7)
            out += struct.pack("<IIQ", (tag << 16) | ptype, 6, ticks)
        else:
            size = len(value) + (2 if ptype == PT_UNICODE else 0)
            out += struct.pack("<IIII", (tag << 16) | ptype, 6, size, 0)
    return out


def _fill(storage: Node, props: dict[int, tuple[int, object]], header: bytes) -> None:
    encoded = {}
    for tag, (ptype, value) in props.items():
        if ptype == PT_UNICODE:
            encoded[tag] = (ptype, str(value).encode("utf-16-le"))
        elif ptype == PT_BINARY:
            encoded[tag] = (ptype, bytes(value))
        else:
            encoded[tag] = (ptype, value)
    storage.add(Node("__properties_version1.0", _props_stream(encoded, header)))
    for tag, (ptype, value) in encoded.items():
        if ptype not in (PT_LONG, PT_SYSTIME):
            storage.add(Node(f"__substg1.0_{tag:04X}{ptype:04X}", value))


def build_msg(subject: str, body: str, sender: tuple[str, str], to: list[tuple[str, str]],
              headers: str = "", html: str = "", attachments: list[tuple[str, str, bytes]] = (),
              sent: datetime | None = None) -> bytes:
    """A .msg: sender (name, address), recipients, bodies, attachments (name, mime type, bytes)."""
    root = Node("Root Entry")
    props = {0x001A: (PT_UNICODE, "IPM.Note"), 0x0037: (PT_UNICODE, subject), 0x1000: (PT_UNICODE, body),
             0x0C1A: (PT_UNICODE, sender[0]), 0x0C1F: (PT_UNICODE, sender[1]), 0x0C1E: (PT_UNICODE, "SMTP"),
             0x5D01: (PT_UNICODE, sender[1]), 0x0042: (PT_UNICODE, sender[0]),
             0x0E04: (PT_UNICODE, "; ".join(n for n, _ in to))}
    if sent:
        props[0x0039] = (PT_SYSTIME, sent)
        props[0x0E06] = (PT_SYSTIME, sent)
    if headers:
        props[0x007D] = (PT_UNICODE, headers)
    if html:
        props[0x1013] = (PT_BINARY, html.encode("utf-8"))
    header = struct.pack("<8xIIII8x", len(to), len(attachments), len(to), len(attachments))
    _fill(root, props, header)
    named = root.add(Node("__nameid_version1.0"))
    for stream in ("__substg1.0_00020102", "__substg1.0_00030102", "__substg1.0_00040102"):
        named.add(Node(stream, b""))
    for i, (name, address) in enumerate(to):
        recip = root.add(Node(f"__recip_version1.0_#{i:08X}"))
        _fill(recip, {0x3001: (PT_UNICODE, name), 0x3003: (PT_UNICODE, address), 0x39FE: (PT_UNICODE, address),
                      0x3002: (PT_UNICODE, "SMTP"), 0x0C15: (PT_LONG, 1), 0x3000: (PT_LONG, i)}, b"\0" * 8)
    for i, (name, mime, data) in enumerate(attachments):
        att = root.add(Node(f"__attach_version1.0_#{i:08X}"))
        _fill(att, {0x3707: (PT_UNICODE, name), 0x3704: (PT_UNICODE, name[:12]), 0x3001: (PT_UNICODE, name),
                    0x370E: (PT_UNICODE, mime), 0x3703: (PT_UNICODE, name[name.rfind("."):]),
                    0x3701: (PT_BINARY, data), 0x3705: (PT_LONG, 1), 0x0E21: (PT_LONG, i)}, b"\0" * 8)
    return write_cfb(root)


def _walk(node: Node) -> list[Node]:
    out = [node]
    for child in node.children:
        out.extend(_walk(child))
    return out


def _key(node: Node) -> tuple[int, str]:
    return len(node.name), node.name.upper()


def write_cfb(root: Node) -> bytes:
    nodes = _walk(root)
    for sid, node in enumerate(nodes):
        node.sid = sid
    mini, big = b"", []
    for node in nodes[1:]:
        if node.data is None:
            continue
        node.size = len(node.data)
        if node.size and node.size < CUTOFF:
            node.start = len(mini) // MINI
            mini += node.data + b"\0" * (-len(node.data) % MINI)
        elif node.size:
            big.append(node)
    n_dir = -(-len(nodes) * 128 // SECTOR)
    n_minifat = -(-(len(mini) // MINI) * 4 // SECTOR) if mini else 0
    n_ministream = -(-len(mini) // SECTOR)
    n_big = [-(-len(n.data) // SECTOR) for n in big]
    rest = n_dir + n_minifat + n_ministream + sum(n_big)
    n_fat = 1
    while n_fat * (SECTOR // 4) < n_fat + rest:
        n_fat += 1
    fat, chains = [FATSECT] * n_fat, []

    def chain(count: int) -> int:
        start = len(fat)
        fat.extend(list(range(start + 1, start + count)) + [END] if count else [])
        return start if count else END

    dir_start, minifat_start, ministream_start = chain(n_dir), chain(n_minifat), chain(n_ministream)
    for node, count in zip(big, n_big):
        node.start = chain(count)
    fat += [FREE] * (n_fat * (SECTOR // 4) - len(fat))
    root.start, root.size = (ministream_start, len(mini)) if mini else (END, 0)
    minifat = []
    for node in nodes[1:]:
        if node.data is not None and 0 < node.size < CUTOFF:
            count = -(-node.size // MINI)
            minifat.extend(list(range(node.start + 1, node.start + count)) + [END])
    minifat += [FREE] * (n_minifat * (SECTOR // 4) - len(minifat))
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16
              + struct.pack("<HHHHH6xIIIIIIIII", 0x3E, 3, 0xFFFE, 9, 6, 0, n_fat, dir_start, 0, CUTOFF,
                            minifat_start if n_minifat else END, n_minifat, END, 0))
    header += struct.pack(f"<{109}I", *(list(range(n_fat)) + [FREE] * (109 - n_fat)))
    body = struct.pack(f"<{len(fat)}I", *fat)
    body += _directory(nodes).ljust(n_dir * SECTOR, b"\0")
    body += struct.pack(f"<{len(minifat)}I", *minifat) if minifat else b""
    body += mini.ljust(n_ministream * SECTOR, b"\0")
    for node, count in zip(big, n_big):
        body += node.data.ljust(count * SECTOR, b"\0")
    return header + body


def _directory(nodes: list[Node]) -> bytes:
    links = {n.sid: [FREE, FREE, FREE] for n in nodes}  # left, right, child
    for node in nodes:
        kids = sorted(node.children, key=_key)
        if kids:  # a right-leaning chain is a valid (if unbalanced) search tree
            links[node.sid][2] = kids[0].sid
            for a, b in zip(kids, kids[1:]):
                links[a.sid][1] = b.sid
    out = b""
    for node in nodes:
        name = node.name.encode("utf-16-le") + b"\0\0"
        kind = 5 if node is nodes[0] else (1 if node.data is None else 2)
        left, right, child = links[node.sid]
        start = node.start if (kind != 1) else 0
        out += (name.ljust(64, b"\0") + struct.pack("<HBB", len(name), kind, 1)
                + struct.pack("<III", left, right, child) + b"\0" * 16 + b"\0" * 4 + b"\0" * 16
                + struct.pack("<IQ", start if start != END or kind != 2 else END, node.size))
    return out
