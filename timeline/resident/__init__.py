"""A resident server: `timeline serve` keeps the program loaded in one process and forks it for each command, so
that a command starts as fast as Python does. `client` is what the installed `timeline` command tries first;
`server` is the process it talks to; `address` is where they meet."""
