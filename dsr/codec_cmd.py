"""``dsr codec encode | decode | train | eval``."""
from __future__ import annotations

import argparse
import glob
import json
import sys

from keras_models import codec_training

__all__ = ["add_parser"]


def _options(args) -> dict:
    options = {}
    for item in args.option or []:
        key, sep, value = item.partition("=")
        if not sep:
            raise ValueError(f"--option must look like key=value, got {item!r}")
        options[key] = int(value) if value.lstrip("-").isdigit() else (
            {"true": True, "false": False}.get(value.lower(), value))
    if getattr(args, "model", None):
        options["model"] = args.model
    return options


def _quality(text: str) -> float:
    value = float(text)
    return int(value) if value == int(value) else value


def add_parser(sub) -> None:
    codec = sub.add_parser("codec", help="encode, decode or evaluate images with a codec")
    codec.set_defaults(hide_tensorflow_probes=True)  # none uses what they serve (dsr/tensorflow_probes.py)
    csub = codec.add_subparsers(dest="codec_command", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--codec", required=True, help="a codec of the registry (image_codecs/registry.py), e.g. jpeg, bpg, vvc, avif, webp, jp2k, msh, ir2i")
    common.add_argument("--model", help="msh: a SavedModel or a folder of q<k> SavedModels; ir2i: an exported model")
    common.add_argument("--option", action="append", metavar="KEY=VALUE",
                        help="codec option, e.g. chroma=444 or level=5 for bpg (repeatable)")

    enc = csub.add_parser("encode", parents=[common], help="write the bitstream of one image")
    enc.add_argument("--quality", type=_quality, help="codec quality (bpg: QP 0-51, jpeg: 1-95, msh: rate point, ir2i: stages)")
    enc.add_argument("--target-bpp", type=float, help="instead of --quality: the quality closest to this bpp")
    enc.add_argument("input")
    enc.add_argument("output")
    enc.set_defaults(func=_encode)

    dec = csub.add_parser("decode", parents=[common], help="decode a bitstream to an 8-bit RGB PNG")
    dec.add_argument("--quality", type=_quality, default=None)
    dec.add_argument("--deadline", type=float, default=None,
                     help="decode in a child process stopped after this many seconds (default: 600 for codecs whose "
                          "decoder can loop on a hostile stream, msh; none for the others)")
    dec.add_argument("input")
    dec.add_argument("output")
    dec.set_defaults(func=_decode)

    tr = csub.add_parser("train", help="train a learned codec (ir2i, msh) on image files and export it")
    tr.add_argument("--codec", required=True, choices=codec_training.CODECS)
    tr.add_argument("--preset", required=True, help="e.g. ir2i-tiny, ir2i-paper, r2i-decoding-tiny; msh: tiny, paper")
    tr.add_argument("--images", required=True, help="glob of training image files")
    tr.add_argument("--steps", type=int, required=True, help="training steps")
    tr.add_argument("--checkpoints", help="folder for checkpoints; a rerun resumes from the newest")
    tr.add_argument("--lmbda", type=float, help="msh: rate-distortion trade-off")
    tr.add_argument("output", help="folder to export the model to (give it as --model / options.model)")
    tr.set_defaults(func=_train)

    ev = csub.add_parser("eval", parents=[common], help="mean bpp / PSNR / MS-SSIM / time per quality")
    ev.add_argument("--qualities", required=True, help="comma-separated, e.g. 30,35,40")
    ev.add_argument("--images", required=True, help="glob of image files")
    ev.add_argument("--json", action="store_true", help="print one JSON object")
    ev.add_argument("--progressive", action="store_true",
                    help="encode each image once at the highest quality and decode prefixes of the stream "
                         "(progressive codecs: ir2i); 'enc ms' is then that one encoding's time")
    ev.set_defaults(func=_eval)


def _encode(args) -> int:
    from image_codecs import metrics, rate_control, registry  # pylint: disable=g-import-not-at-top
    from image_datasets import image_files  # pylint: disable=g-import-not-at-top

    if (args.quality is None) == (args.target_bpp is None):
        raise ValueError("give exactly one of --quality and --target-bpp")
    image = image_files.read_image(args.input)
    options = _options(args)
    if args.target_bpp is not None:
        quality, data = rate_control.encode_at_bpp(args.codec, image, args.target_bpp, **options)
    else:
        quality, data = args.quality, registry.make_codec(args.codec, args.quality, **options).encode(image)
    with open(args.output, "wb") as f:
        f.write(data)
    print(json.dumps({"codec": args.codec, "quality": quality, "bytes": len(data),
                      "bpp": metrics.bpp(len(data), *image.shape[:2])}))
    return 0


def _decode(args) -> int:
    from PIL import Image  # pylint: disable=g-import-not-at-top

    from image_codecs import guarded, registry  # pylint: disable=g-import-not-at-top

    cls = registry.codec_class(args.codec)
    quality = args.quality if args.quality is not None else getattr(cls, "default_quality", cls.quality_range.low)
    with open(args.input, "rb") as f:
        data = f.read()
    codec = registry.make_codec(args.codec, quality, **_options(args))
    image = guarded.decode_untrusted(codec, data, args.deadline)
    Image.fromarray(image).save(args.output, format="PNG")
    return 0


def _train(args) -> int:
    paths = sorted(glob.glob(args.images))
    if not paths:
        raise FileNotFoundError(f"no image matches {args.images!r}")
    codec_training.train_codec(args.codec, args.preset, paths, args.steps, args.output, lmbda=args.lmbda,
                               checkpoint_dir=args.checkpoints)
    print(json.dumps({"codec": args.codec, "preset": args.preset, "steps": args.steps, "images": len(paths),
                      "model": args.output}))
    return 0


def _eval(args) -> int:
    import tqdm  # pylint: disable=g-import-not-at-top

    from image_codecs import evaluation  # pylint: disable=g-import-not-at-top
    from image_datasets import image_files  # pylint: disable=g-import-not-at-top

    paths = sorted(glob.glob(args.images))
    if not paths:
        raise FileNotFoundError(f"no image matches {args.images!r}")
    qualities = [_quality(q) for q in args.qualities.split(",") if q.strip()]
    images = [image_files.read_image(p) for p in paths]
    evaluate = evaluation.evaluate_progressive if args.progressive else evaluation.evaluate
    total = len(images) * (1 if args.progressive else len(qualities))
    with tqdm.tqdm(total=total, desc=f"{args.codec} eval", unit="img", file=sys.stderr) as bar:
        results = evaluate(args.codec, qualities, images, _options(args), progress=bar.update)
    if args.json:
        print(json.dumps({"codec": args.codec, "results": results}))
    else:
        print(f"{'quality':>8} {'images':>6} {'bpp':>7} {'PSNR':>6} {'MS-SSIM':>8} {'dB':>6} {'enc ms':>8} {'dec ms':>8}")
        for r in results:
            print(f"{r['quality']:>8} {r['images']:>6} {r['bpp']:7.4f} {r['psnr']:6.2f} {r['ms_ssim']:8.5f} "
                  f"{r['ms_ssim_db']:6.2f} {r.get('encode_ms', r.get('encode_ms_top')):8.1f} {r['decode_ms']:8.1f}")
    return 0
