"""The ``gpucast`` command installed with the package: the CLI itself, run in this process."""

import sys

from . import _gpucast


def main() -> None:
    sys.exit(_gpucast.cli(["gpucast", *sys.argv[1:]]))


if __name__ == "__main__":
    main()
