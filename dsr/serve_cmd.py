"""``dsr serve --models DIR`` and ``dsr predict --url URL --model NAME IMAGE --out MASK.png``."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys

__all__ = ["add_parser"]


def add_parser(sub) -> None:
    serve = sub.add_parser("serve", help="serve pushed models over TF Serving's REST API")
    serve.add_argument("--models", required=True, help="TF Serving model directory (<name>/<version>/), e.g. "
                                                       "runs/demo/serving_models")
    serve.add_argument("--host", default="127.0.0.1", help="bind address (loopback by default)")
    serve.add_argument("--port", type=int, default=8501, help="REST port (TF Serving's default 8501)")
    serve.add_argument("--builtin", action="store_true",
                       help="use the built-in server even when tensorflow_model_server is installed")
    serve.add_argument("--max-body-mb", type=float, default=64, help="request size limit (built-in server)")
    serve.add_argument("--max-connections", type=int, default=64,
                       help="requests handled at once; connections waiting for a request hold no thread "
                            "(built-in server)")
    serve.add_argument("--timeout", type=float, default=30,
                       help="seconds a connection may stay silent mid-request or idle before it closes "
                            "(built-in server)")
    serve.add_argument("--large-pixels", type=int, default=2_000_000,
                       help="requests with more image pixels than this never take the last inference slot, "
                            "so small requests do not wait behind them (built-in server)")
    serve.set_defaults(func=_serve)

    predict = sub.add_parser("predict", help="segment an image with a served model")
    predict.add_argument("--url", default="http://127.0.0.1:8501")
    predict.add_argument("--model", default="segmenter", help="served model name")
    predict.add_argument("image", help="image file (PNG/JPEG)")
    predict.add_argument("--out", required=True, help="class-map PNG to write")
    predict.add_argument("--color", action="store_true", help="also write <out>_color.png with Cityscapes colours")
    predict.set_defaults(func=_predict)


def _serve(args) -> int:
    from serving import layout  # pylint: disable=g-import-not-at-top

    config = layout.write_models_config(args.models)
    server_binary = shutil.which("tensorflow_model_server")
    if server_binary and not args.builtin:
        command = [server_binary, f"--rest_api_port={args.port}", "--port=8500",
                   f"--model_config_file={os.path.abspath(config)}"]
        print(f"dsr serve: {' '.join(command)}", file=sys.stderr)
        return subprocess.call(command)
    from serving.server import ModelRepository, make_server  # pylint: disable=g-import-not-at-top

    repository = ModelRepository(args.models)
    server = make_server(repository, args.host, args.port, int(args.max_body_mb * (1 << 20)),
                         max_connections=args.max_connections, timeout=args.timeout, large_pixels=args.large_pixels)
    print(f"dsr serve: built-in server on http://{args.host}:{server.server_address[1]} serving "
          f"{', '.join(f'{n} (v{m.version})' for n, m in repository.models.items())}; Ctrl-C stops",
          file=sys.stderr)
    try:
        server.serve_forever()
    finally:
        server.server_close()
    return 0


def _predict(args) -> int:
    from image_datasets import image_files, labels  # pylint: disable=g-import-not-at-top
    from serving.client import ServingClient  # pylint: disable=g-import-not-at-top

    image_files.read_image(args.image)  # a clear error naming the file if it is not an image
    with open(args.image, "rb") as f:
        data = f.read()
    mask = ServingClient(args.url).segment(args.model, data)
    with open(args.out, "wb") as f:
        f.write(image_files.encode_png(mask))
    if args.color:
        root, _ = os.path.splitext(args.out)
        with open(f"{root}_color.png", "wb") as f:
            f.write(image_files.encode_png(labels.cityscapes_table().colorize(mask)))
    print(f"dsr predict: {args.out} ({mask.shape[1]}x{mask.shape[0]}, classes {sorted(set(mask.ravel().tolist()))})",
          file=sys.stderr)
    return 0
