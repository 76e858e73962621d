"""A shell's job control in a few lines, for tests: it makes a pseudo-terminal its own (with `stty tostop`), starts
one command as a job in the foreground or the background, and then, one line of its stdin at a time, stops it as
Ctrl-Z does (`tstp`), continues it in the background (`bg`) or the foreground (`fg`), ends it as `kill %1` does
(`kill`), or waits for it (`wait`).
After each step it prints a JSON line: the job's process id, or how it stopped or ended. What the job writes
goes to the terminal; the caller reads it from the terminal's other side.

Usage: python job_control.py TERMINAL fg|bg COMMAND…"""

from __future__ import annotations

import json
import os
import signal
import sys
import termios


def report(**what: int) -> None:
    print(json.dumps(what), flush=True)


def wait(job: int) -> None:
    _, status = os.waitpid(job, os.WUNTRACED)
    if os.WIFSTOPPED(status):
        report(stopped=os.WSTOPSIG(status))
    elif os.WIFSIGNALED(status):
        report(signal=os.WTERMSIG(status))
    else:
        report(exit=os.WEXITSTATUS(status))


def main(terminal_path: str, where: str, argv: list[str]) -> None:
    os.setsid()
    terminal = os.open(terminal_path, os.O_RDWR)  # a session leader's first terminal becomes its own
    modes = termios.tcgetattr(terminal)
    modes[3] |= termios.TOSTOP
    termios.tcsetattr(terminal, termios.TCSANOW, modes)
    signal.signal(signal.SIGTTOU, signal.SIG_IGN)  # (this shell hands the terminal over from wherever it is)
    job = os.fork()
    if job == 0:
        os.setpgid(0, 0)
        if where == "fg":
            os.tcsetpgrp(terminal, os.getpgrp())
        signal.signal(signal.SIGTTOU, signal.SIG_DFL)
        for stream in (0, 1, 2):
            os.dup2(terminal, stream)
        os.execvp(argv[0], argv)
    os.setpgid(job, job)
    if where == "fg":
        os.tcsetpgrp(terminal, job)
    report(pid=job)
    for line in sys.stdin:
        step = line.strip()
        if step == "tstp":
            os.killpg(job, signal.SIGTSTP)
        elif step == "kill":  # as a shell's `kill %1` does: the signal, then SIGCONT should the job be stopped
            os.killpg(job, signal.SIGTERM)
            os.killpg(job, signal.SIGCONT)
        elif step in ("bg", "fg"):
            os.tcsetpgrp(terminal, job if step == "fg" else os.getpgrp())
            os.killpg(job, signal.SIGCONT)
        if step != "bg":
            wait(job)
        else:
            report(continued=job)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3:])
