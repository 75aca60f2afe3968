"""The ``dsr`` command. Argument parsing and exit codes only; the work is in libraries.

Exit codes: 0 success, 1 the work failed, 2 bad arguments or configuration, 130 interrupted.
"""
from __future__ import annotations

import argparse
import gc
import logging
import sys

__all__ = ["main", "console"]


def _parser() -> argparse.ArgumentParser:
    from dsr import (codec_cmd, data_cmd, eval_seg_cmd, kubeflow_cmd, report_cmd, restore_cmd, run_cmd,  # noqa
                     serve_cmd)  # pylint: disable=g-import-not-at-top

    parser = argparse.ArgumentParser(prog="dsr", description="Learning and inference with compressed images.")
    parser.add_argument("-v", "--verbose", action="store_true", help="log at INFO level")
    sub = parser.add_subparsers(dest="command", required=True)
    run_cmd.add_parser(sub)
    data_cmd.add_parser(sub)
    codec_cmd.add_parser(sub)
    kubeflow_cmd.add_parser(sub)
    eval_seg_cmd.add_parser(sub)
    restore_cmd.add_parser(sub)
    restore_cmd.add_train_parser(sub)
    serve_cmd.add_parser(sub)
    report_cmd.add_parser(sub)
    return parser


def main(argv: list[str] | None = None, own_process: bool = False) -> int:
    """Runs one ``dsr`` command. ``own_process``: the call owns its Python process (the installed
    command), so a command may change what the process imports: the ``codec`` commands then hide
    TensorFlow's optional probes (``dsr/tensorflow_probes.py``); an in-process caller's imports
    stay as they are."""
    parser = _parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:2] == ["restore", "train"]:  # "dsr restore IN OUT" keeps its positional form
        argv = ["restore-train", *argv[2:]]
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    from dsr import quiet  # pylint: disable=g-import-not-at-top
    quiet.apply(args.verbose)
    if own_process and getattr(args, "hide_tensorflow_probes", False):
        from dsr import tensorflow_probes  # pylint: disable=g-import-not-at-top
        tensorflow_probes.hide_optional_probes()
    import dataconf  # pylint: disable=g-import-not-at-top
    from image_codecs.base import BitstreamError  # pylint: disable=g-import-not-at-top
    from serving.client import ServingError  # pylint: disable=g-import-not-at-top

    try:
        return int(args.func(args) or 0)
    except ServingError as e:
        print(f"dsr {args.command}: {'server error: ' if e.status is not None else ''}{e}", file=sys.stderr)
        return 1
    except BitstreamError as e:
        print(f"dsr {args.command}: bad bitstream: {e}", file=sys.stderr)
        return 1
    except (dataconf.ConfigError, FileNotFoundError, ValueError) as e:
        print(f"dsr {args.command}: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("dsr: interrupted", file=sys.stderr)
        return 130
    except Exception as e:  # pylint: disable=broad-except
        print(f"dsr {args.command}: failed: {type(e).__name__}: {e}", file=sys.stderr)
        if args.verbose:
            raise
        return 1


def console() -> None:
    """The installed ``dsr`` command: ``main`` owning the process, then an exit that skips the
    interpreter's last garbage collections over TensorFlow's objects (0.7 s of every command that
    imported it; the memory goes back to the system with the process)."""
    code = main(own_process=True)
    sys.stdout.flush()
    gc.freeze()
    sys.exit(code)


if __name__ == "__main__":
    console()
