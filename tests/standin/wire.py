"""MongoDB's wire protocol, the part a driver uses: OP_MSG for every
command, OP_QUERY/OP_REPLY for the legacy first ``isMaster`` of a handshake.

Only framing lives here; what a command means is ``commands.py``'s business.
https://www.mongodb.com/docs/manual/reference/mongodb-wire-protocol/
"""

import struct

import bson
from bson.binary import UuidRepresentation
from bson.codec_options import CodecOptions

OP_REPLY = 1
OP_QUERY = 2004
OP_COMPRESSED = 2012
OP_MSG = 2013

# OP_MSG flag bits.
CHECKSUM_PRESENT = 1 << 0
MORE_TO_COME = 1 << 1

_HEADER = struct.Struct("<iiii")  # messageLength, requestID, responseTo, opCode
# What the app's client uses, so values round-trip unchanged (UUIDs, naive UTC).
CODEC = CodecOptions(tz_aware=False, uuid_representation=UuidRepresentation.STANDARD)


class Request:
    """One decoded client message: a command document and where it came from."""

    def __init__(self, request_id, op_code, command, more_to_come=False, database=None):
        self.request_id = request_id
        self.op_code = op_code
        self.command = command
        self.more_to_come = more_to_come
        # OP_QUERY names the database in the namespace; OP_MSG in "$db".
        self.database = database or command.get("$db", "admin")


class ProtocolError(Exception):
    """A message this stand-in cannot read; the connection is closed."""


def read_request(sock):
    """The next request on ``sock``, or None when the client hung up."""
    header = _read_exactly(sock, _HEADER.size)
    if header is None:
        return None
    length, request_id, _response_to, op_code = _HEADER.unpack(header)
    body = _read_exactly(sock, length - _HEADER.size)
    if body is None:
        return None
    if op_code == OP_MSG:
        return _parse_op_msg(request_id, body)
    if op_code == OP_QUERY:
        return _parse_op_query(request_id, body)
    # OP_COMPRESSED never comes: hello advertises no compressors.
    raise ProtocolError(f"unsupported opCode {op_code}")


def _read_exactly(sock, size):
    chunks = []
    while size:
        chunk = sock.recv(min(size, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def _parse_op_msg(request_id, body):
    (flags,) = struct.unpack_from("<I", body)
    end = len(body) - (4 if flags & CHECKSUM_PRESENT else 0)
    position = 4
    command = None
    sequences = {}
    while position < end:
        kind = body[position]
        position += 1
        if kind == 0:  # the command document
            (size,) = struct.unpack_from("<i", body, position)
            command = bson.decode(body[position : position + size], CODEC)
            position += size
        elif kind == 1:  # a document sequence, e.g. the "documents" of an insert
            (size,) = struct.unpack_from("<i", body, position)
            section = body[position + 4 : position + size]
            name, _, documents = section.partition(b"\x00")
            sequences[name.decode()] = bson.decode_all(documents, CODEC)
            position += size
        else:
            raise ProtocolError(f"unknown OP_MSG section kind {kind}")
    if command is None:
        raise ProtocolError("OP_MSG without a command document")
    # A sequence is the same as an array field of the command.
    command.update(sequences)
    return Request(request_id, OP_MSG, command, more_to_come=bool(flags & MORE_TO_COME))


def _parse_op_query(request_id, body):
    position = 4  # flags
    namespace_end = body.index(b"\x00", position)
    namespace = body[position:namespace_end].decode()
    position = namespace_end + 1 + 8  # numberToSkip, numberToReturn
    (size,) = struct.unpack_from("<i", body, position)
    query = bson.decode(body[position : position + size], CODEC)
    # Drivers wrap a command with read preference as {"$query": {...}}.
    command = query.get("$query", query)
    return Request(request_id, OP_QUERY, command, database=namespace.split(".", 1)[0])


def encode_reply(request, reply_id, document):
    """The bytes answering ``request`` with ``document``, in its own opCode."""
    payload = bson.encode(document, codec_options=CODEC)
    if request.op_code == OP_QUERY:
        # responseFlags, cursorID, startingFrom, numberReturned, the document.
        body = struct.pack("<iqii", 0, 0, 0, 1) + payload
        op_code = OP_REPLY
    else:
        body = struct.pack("<IB", 0, 0) + payload
        op_code = OP_MSG
    header = _HEADER.pack(_HEADER.size + len(body), reply_id, request.request_id, op_code)
    return header + body
