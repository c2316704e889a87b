"""The listening socket: one thread per client connection, each reading
requests and writing replies in order, all sharing one ``State``.

A plain socket loop rather than MockupDB: MockupDB is built for scripting
one expected request at a time from a test, with its own queue and
autoresponders between the driver and the answer; here every command must
be answered at once from a real data store by several pooled connections,
and the framing is a hundred lines (``wire.py``) with ``bson`` doing the
encoding.
"""

import itertools
import signal
import socket
import socketserver
import sys

from site_app.embedded_index import partial_unique_indexes_as_mongodb

from . import wire
from .commands import State

# A unique index with a partial filter is built over the documents it
# selects, as MongoDB does (mongomock checks every document).
partial_unique_indexes_as_mongodb()


class _Connection(socketserver.BaseRequestHandler):
    def handle(self):
        server = self.server
        connection_id = next(server.connection_ids)
        sock = self.request
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        while True:
            try:
                request = wire.read_request(sock)
            except (OSError, wire.ProtocolError):
                return
            if request is None:
                return
            reply = server.state.handle(request.command, request.database, connection_id)
            if request.more_to_come:  # an unacknowledged write: no answer
                continue
            try:
                sock.sendall(wire.encode_reply(request, next(server.reply_ids), reply))
            except OSError:
                return


class StandInServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True  # a restart on the same port must not wait for TIME_WAIT

    def __init__(self, host, port, delay_ms=0):
        super().__init__((host, port), _Connection)
        bound_host, bound_port = self.server_address[:2]
        self.state = State(delay_ms=delay_ms, address=f"{bound_host}:{bound_port}")
        self.connection_ids = itertools.count(1)
        self.reply_ids = itertools.count(1)

    @property
    def uri(self):
        host, port = self.server_address[:2]
        return f"mongodb://{host}:{port}"


def serve(host, port, delay_ms=0):
    """Listen, say ``ready <uri>`` on stdout, serve until SIGTERM/SIGINT."""
    server = StandInServer(host, port, delay_ms)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(f"ready {server.uri}", flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    except (SystemExit, KeyboardInterrupt):
        pass
    finally:
        server.server_close()
