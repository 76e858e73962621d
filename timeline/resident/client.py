"""The installed `timeline` command's first step: if a resident server listens for this installation, hand it
this command (arguments, directory, environment, and the standard streams themselves) and wait for its exit status,
passing on the signals this process receives. Without a server, or with one whose code is out of date, it returns
and the command runs here, as it always did. It imports no more than Python's core, so it costs almost nothing."""

from __future__ import annotations

# The C modules under `socket` and `signal`: those import enum, which would cost every command ~5 ms more.
import _signal as signal
import _socket as socket
import os
import struct
import sys
from types import FrameType

from timeline.resident.address import is_private, socket_path, switched_off
from timeline.resident.protocol import STALE, Request, encode_request

FORWARDED: tuple[int, ...] = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT)
MEMORY_LIMITS = ("RLIMIT_AS", "RLIMIT_DATA")
STREAMS = struct.pack("3i", 0, 1, 2)  # stdin, stdout, stderr, as SCM_RIGHTS carries them
LOST = "error: the timeline server stopped before the command finished; see the server's own output"


def run_served() -> None:
    """Exit with the status of this command as a resident server ran it; return if no server will run it."""
    if switched_off() or _memory_limited() or _in_the_background():
        return
    path = socket_path()
    if not is_private(os.path.dirname(path)):
        return
    relay = _SignalRelay()
    connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        try:
            connection.connect(path)
            umask = os.umask(0o022)
            os.umask(umask)
            request = encode_request(Request(os.getcwd(), umask, sys.argv, dict(os.environ)))
            sent = connection.sendmsg([request], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, STREAMS)])
            connection.sendall(request[sent:])
        except OSError:  # no server, a stale socket, a closed stream: run here
            relay.give_back()
            return
        lines = _Lines(connection)
        first = lines.next()
        if first is None or first == STALE or not first.startswith(b"pid "):
            relay.give_back()
            return
        relay.forward_to(int(first.split()[1]))
        status = lines.next()
    finally:
        connection.close()
    _exit_as(status)


def _memory_limited() -> bool:
    """Whether this process may use only so much memory: a served process has the server's (every module loaded),
    so the command would have less room than alone, and runs alone."""
    import resource

    return any(resource.getrlimit(getattr(resource, name))[0] != resource.RLIM_INFINITY for name in MEMORY_LIMITS)


def _in_the_background() -> bool:
    """Whether this is a background job of its terminal (on stdin, stdout or stderr). A served process is in a
    session of its own, where the terminal would not stop it for reading or (with `stty tostop`) for writing; alone,
    it stops as a background job should."""
    return any(_background_terminals((0, 1, 2)))


def _output_held() -> bool:
    """Whether this is a background job of a terminal on stdout or stderr that stops such a job's output (`stty
    tostop`): every command writes, so the served one is kept stopped rather than let write past the terminal."""
    import termios  # (a C module; only after Ctrl-Z)

    return any(termios.tcgetattr(stream)[3] & termios.TOSTOP for stream in _background_terminals((1, 2)))


def _background_terminals(streams: tuple[int, ...]) -> list[int]:
    """The streams on this process's terminal while another process group is in its foreground."""
    found = []
    for stream in streams:
        try:
            if os.tcgetpgrp(stream) != os.getpgrp():
                found.append(stream)
        except OSError:  # not a terminal, or not this process's own
            continue
    return found


def _exit_as(status: bytes | None) -> None:
    word, _, number = (status or b"").partition(b" ")
    if word == b"exit" and number.isdigit():
        raise SystemExit(int(number))
    if word == b"signal" and number.isdigit():  # die of the same signal, as the shell expects
        signal.signal(int(number), signal.SIG_DFL)
        os.kill(os.getpid(), int(number))
        raise SystemExit(128 + int(number))
    print(LOST, file=sys.stderr)
    raise SystemExit(1)


class _SignalRelay:
    """Signals to this process go to the process running the command: Ctrl-C interrupts it as it would here, and
    Ctrl-Z stops it with this process (and `fg` or `bg` lets both go on)."""

    def __init__(self) -> None:
        self.target: int | None = None
        self.pending: list[int] = []
        self.received = 0  # signals passed on so far
        self.previous = {number: signal.signal(number, self._receive) for number in FORWARDED}
        self.previous[signal.SIGTSTP] = signal.signal(signal.SIGTSTP, self._stop)

    def _receive(self, number: int, frame: FrameType | None) -> None:
        self.received += 1
        if self.target is None:
            self.pending.append(number)
        else:
            self._send(number)

    def _stop(self, number: int, frame: FrameType | None) -> None:
        """The served process is in a session of its own, where the terminal's stop signal would be ignored (an
        orphaned process group): it gets SIGSTOP, this process stops as the terminal asked, and once the shell
        continues this process (`fg`, `bg`), the served one continues too."""
        self._send(signal.SIGSTOP)
        signal.signal(signal.SIGTSTP, signal.SIG_DFL)
        received = self.received
        os.kill(os.getpid(), signal.SIGTSTP)  # stops here until SIGCONT
        # Continued with `bg` where the terminal holds a background job's output: stop again, as the terminal would
        # stop the command's next write, until `fg`; unless a signal came meanwhile (`kill %1`): the command takes it.
        while self.received == received and _output_held():
            os.kill(os.getpid(), signal.SIGTTOU)
        signal.signal(signal.SIGTSTP, self._stop)
        self._send(signal.SIGCONT)

    def _send(self, number: int) -> None:
        if self.target is not None:
            try:
                os.kill(self.target, number)
            except ProcessLookupError:  # it has just ended: its status is on its way
                pass

    def forward_to(self, pid: int) -> None:
        self.target = pid
        for number in self.pending:
            self._send(number)

    def give_back(self) -> None:
        """Nothing was served: the command runs here, with the usual handlers (a signal meanwhile is re-sent)."""
        for number, handler in self.previous.items():
            signal.signal(number, handler)
        for number in self.pending:
            os.kill(os.getpid(), number)


class _Lines:
    def __init__(self, connection: socket.socket) -> None:
        self.connection = connection
        self.buffer = b""

    def next(self) -> bytes | None:
        """The next line from the server, or None if it closed the connection first."""
        while b"\n" not in self.buffer:
            try:
                chunk = self.connection.recv(256)
            except OSError:
                return None
            if not chunk:
                return None
            self.buffer += chunk
        line, _, self.buffer = self.buffer.partition(b"\n")
        return line
