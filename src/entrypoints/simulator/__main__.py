"""Run the simulator from the command line; see `entrypoints.simulator.cli`."""

import sys

from entrypoints.simulator.cli import main

if __name__ == "__main__":
    sys.exit(main())
