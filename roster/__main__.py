"""`python -m roster`: the `roster` command (through a running `roster serve` when there is one)."""

from roster.server import main

main()
