"""Ablation harness for the dataset-restoration recipe: one row per run of
(data, codec rate, restorer recipe) -> OO, CO, RO mIoU per segmentation seed, paired RO - CO,
restorer training time.

Uses the library code the pipeline runs (``keras_models.restoration.training.train``,
``keras_models.segmentation.training.train``, the JPEG codec of the registry) on in-memory
arrays, so a recipe found here is the recipe the pipeline trains. The segmenter sees the
images at the resolution they were compressed at. OO and CO results depend only on the data,
the rate and the segmentation settings, so they are cached per seed in ``--cache`` and every
recipe row pays only for its restorer and its RO models.

    .venv/bin/python -m benchmarks.restoration_recipe --size 256x128 --quality 5 \\
        --restorer finenet-tiny --steps 3000 --set gan_loss=lsgan --seeds 3 --log LOG.jsonl
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import tempfile
import time

import numpy as np
import yaml

__all__ = ["main", "load_split", "segment", "restore_all"]

ROOT = os.path.join(tempfile.gettempdir(), "dsr-recipe")


def load_split(root: str, split: str) -> tuple[np.ndarray, np.ndarray]:
    """uint8 images [N, H, W, 3] and train-id labels [N, H, W] of a Cityscapes-layout split."""
    from image_datasets.cityscapes import CityscapesReader
    reader = CityscapesReader(root)
    records = [reader.load(s)[0] for s in reader.list_samples()[split]]
    return np.stack([r.image for r in records]), np.stack([r.label for r in records])


def compress(images: np.ndarray, codec: str, quality: int) -> tuple[np.ndarray, float]:
    """Decoded images through a real bitstream of the registry's codec, and the mean bpp."""
    from image_codecs.registry import make_codec
    c = make_codec(codec, quality)
    out, bits = [], 0
    for im in images:
        stream = c.encode(im)
        bits += 8 * len(stream)
        out.append(c.decode(stream))
    return np.stack(out), bits / images[..., 0].size


def restore_all(model, config, images: np.ndarray) -> np.ndarray:
    """uint8 images [N, H, W, 3] restored in tiles by a trained restorer of ``config``."""
    import tensorflow as tf
    from keras_models.restoration import export, tiling
    multiple = config.generator.multiple if config.model == "finenet" else 1
    module = export.RestorerModule(model.generator, multiple)

    def restore(x):
        return module.restore_tensor(tf.constant(x))["restored"].numpy()

    return np.stack([tiling.restore_tiled(restore, im, tile=512, margin=32, overlap=32, multiple=multiple)
                     for im in images])


def miou(network, images: np.ndarray, labels: np.ndarray) -> float:
    from keras_models.segmentation import metrics
    logits = network.predict(images.astype(np.float32), batch_size=8, verbose=0)
    return metrics.summarize(metrics.confusion_matrix(labels, np.argmax(logits, -1), 19)).miou


def segment(train_x, train_y, tests: dict, seg: dict, seed: int, weights=None, save: str | None = None) -> dict:
    """Trains the tiny DeepLabv3+ on (train_x, train_y) and returns the mIoU on each test set
    ``{name: (images, labels)}``; ``save`` keeps the network's weights there."""
    import tensorflow as tf
    from keras_models.segmentation import metrics, training
    config = training.SegmentationTrainingConfig(
        preset="tiny", crop=tuple(seg["crop"]), base_scale=1.0, scale_range=tuple(seg["scale_range"]),
        batch_size=seg["batch_size"], learning_rate=seg["learning_rate"])
    w = np.ones(len(train_x), np.float32) if weights is None else weights
    source = tf.data.Dataset.from_tensor_slices((train_x, train_y, w))
    network = training.train(config, 19, [source], seg["steps"], seed=seed)
    if save:
        network.save_weights(save)
    out = {}
    for name, (x, y) in tests.items():
        out[name] = miou(network, x, y)
    return out


def _key(obj) -> str:
    return hashlib.sha1(json.dumps(obj, sort_keys=True).encode()).hexdigest()[:12]


def _parse_value(text: str):
    return yaml.safe_load(text)


def table(log: str) -> str:
    """The ablation log (one JSON row per run) as a Markdown table, failures included."""
    lines = ["| # | data | rate | restorer recipe | steps | privileged | OO − CO | RO − CO per seed | RO − CO mean "
             "| val PSNR C → R | naturalness O / C / R | restorer training |", "|" + "---|" * 12]
    with open(log) as f:
        for i, line in enumerate(f, 1):
            r = json.loads(line)
            recipe = r.get("restorer", "–")
            if r.get("overrides"):
                recipe += " " + ", ".join(f"{k}={v}" for k, v in r["overrides"].items())
            if r.get("tag"):
                recipe += f" ({r['tag']})"
            lines.append("| " + " | ".join(str(c) for c in (
                i, r["data"], f"{r['codec']} ({r['bpp']} bpp)", recipe, r.get("steps", "–"), r.get("privileged", "–"),
                f"{r['OO-CO mean']:+.1f}", ", ".join(f"{d:+.1f}" for d in r.get("RO-CO", [])) or "–",
                f"{r['RO-CO mean']:+.2f}" if "RO-CO mean" in r else r.get("error", "–"),
                " → ".join(str(v) for v in r.get("val psnr C/R", [])) or "–",
                " / ".join(str(v) for v in r.get("naturalness O/C/R", [])) or "–",
                f"{r['restorer_seconds']} s" if "restorer_seconds" in r else "–")) + " |")
    return "\n".join(lines)


def plot(log: str, path: str) -> str:
    """RO − CO per seed against restorer steps (one marker style per recipe), and the OR proxy
    curves of the rows that have one, from the ablation log; rows that score an earlier row's
    restorer on further seeds (first seed not 0), and rows on other data than the first row's
    (another generator seed: other baselines), are left to the table."""
    import matplotlib  # pylint: disable=g-import-not-at-top
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # pylint: disable=g-import-not-at-top
    rows = [json.loads(line) for line in open(log)]
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 6), dpi=110)
    colours: dict = {}
    for r in rows:
        if "RO-CO" not in r or r.get("seeds", [0])[0] != 0 or r.get("data") != rows[0].get("data"):
            continue  # failures, more seeds for an earlier row's restorer, other data (table only)
        label = r["restorer"] + "".join(f" {k}={v}" for k, v in r.get("overrides", {}).items())
        marker = "s" if r["restorer"].startswith("rdn") else ("o" if len(r.get("overrides", {})) <= 1 else "^")
        colour = colours.setdefault(label, f"C{len(colours)}")
        left.scatter([r["steps"]] * len(r["RO-CO"]), r["RO-CO"], marker=marker, color=colour, alpha=0.6,
                     label=f"{label}: seeds, and their mean (ring)")
        left.scatter([r["steps"]], [r["RO-CO mean"]], marker=marker, s=130, edgecolors=colour, facecolors="none")
        if r.get("curve"):
            right.plot([p["steps"] for p in r["curve"]], [p["OR"] for p in r["curve"]], marker="o", color=colour,
                       label=f"OR, restored by {label}")
            right.axhline(r["curve"][0]["OC"], ls="--", color="k", label="OC (compressed)")
    left.axhline(0, color="k", lw=0.8)
    left.axhline(3, color="g", ls=":", label="the bar: +3")
    left.set(xlabel="restorer training steps", ylabel="RO − CO (mIoU points)",
             title="Segmenter on restored vs compressed training set")
    right.set(xlabel="restorer training steps", ylabel="mIoU of the OO model (seed 0)",
              title="Proxy: the OO model on restored val images")
    for ax in (left, right):
        ax.grid(alpha=0.3)
        handles, labels = ax.get_legend_handles_labels()
        unique = dict(zip(labels, handles))
        ax.legend(unique.values(), unique.keys(), fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.14))
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path


def main(argv=None) -> int:
    if argv is None:
        argv = sys.argv[1:]
    if argv[:1] == ["--table"]:
        print(table(argv[1]))
        return 0
    if argv[:1] == ["--plot"]:
        print(plot(argv[1], argv[2]))
        return 0
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--size", default="256x128")
    p.add_argument("--train", type=int, default=200)
    p.add_argument("--val", type=int, default=50)
    p.add_argument("--data-seed", type=int, default=0)
    p.add_argument("--codec", default="jpeg")
    p.add_argument("--quality", type=int, default=5)
    p.add_argument("--privileged", type=float, default=0.5)
    p.add_argument("--restorer", default="finenet-tiny", help="restoration preset, or 'none' for baselines only")
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                   help="restoration config override (YAML value), e.g. gan_loss=lsgan or generator={filters: 32}")
    p.add_argument("--steps", type=int, default=3000, help="restorer training steps")
    p.add_argument("--seg-steps", type=int, default=600)
    p.add_argument("--seg-crop", default="128x256", help="HxW")
    p.add_argument("--seg-scale", default="0.75,1.5")
    p.add_argument("--seg-batch", type=int, default=8)
    p.add_argument("--seg-lr", type=float, default=2e-3)
    p.add_argument("--seeds", type=int, default=3)
    p.add_argument("--first-seed", type=int, default=0)
    p.add_argument("--tag", default="", help="a short description for the log row")
    p.add_argument("--checkpoints", default=None,
                   help="with --proxy-every: the restorer's checkpoint folder; a run's folder continues its training")
    p.add_argument("--resume-steps", type=int, default=0, help="steps the --checkpoints folder already holds")
    p.add_argument("--proxy-every", type=int, default=0,
                   help="every K restorer steps, score the restored val images: PSNR, naturalness and OR (the "
                        "first seed's OO model on them), a cheap screen of training length")
    p.add_argument("--log", default=os.path.join(ROOT, "ablation.jsonl"))
    p.add_argument("--cache", default=os.path.join(ROOT, "baselines.json"))
    args = p.parse_args(argv)

    import tensorflow as tf
    from image_datasets.texture_city import generator
    from keras_models.restoration import config as rc, training as rtraining
    from image_codecs import metrics as imetrics
    from image_codecs.naturalness import NaturalnessModel

    width, height = (int(v) for v in args.size.split("x"))
    data_root = os.path.join(ROOT, f"data-{args.size}-s{args.data_seed}-{args.train}-{args.val}")
    generator.write_dataset(data_root, generator.DemoSpec(train=args.train, val=args.val, width=width,
                                                          height=height, seed=args.data_seed))
    train_x, train_y = load_split(data_root, "train")
    val_x, val_y = load_split(data_root, "val")
    train_c, bpp = compress(train_x, args.codec, args.quality)
    val_c, _ = compress(val_x, args.codec, args.quality)
    seg = {"crop": [int(v) for v in args.seg_crop.split("x")], "scale_range": [float(v) for v in args.seg_scale.split(",")],
           "batch_size": args.seg_batch, "learning_rate": args.seg_lr, "steps": args.seg_steps}
    print(f"data {data_root}: train {train_x.shape}, {args.codec} q{args.quality}: {bpp:.3f} bpp", flush=True)

    cache = json.load(open(args.cache)) if os.path.exists(args.cache) else {}
    # "rng": the segmenter's dropout draws from a checkpointed generator since 2026-12-02; models
    # cached before then drew from TensorFlow's global one and are not mixed with newer rows.
    base_key = {"data": os.path.basename(data_root), "codec": args.codec, "q": args.quality, "seg": seg,
                "rng": "checkpointed"}
    seeds = list(range(args.first_seed, args.first_seed + args.seeds))
    base = {}
    for seed in seeds:
        k = _key({**base_key, "seed": seed})
        if k not in cache:
            t = time.perf_counter()
            oo = segment(train_x, train_y, {"O": (val_x, val_y), "C": (val_c, val_y)}, seg, seed)
            co = segment(train_c, train_y, {"O": (val_x, val_y), "C": (val_c, val_y)}, seg, seed)
            cache[k] = {"OO": oo["O"], "OC": oo["C"], "CO": co["O"], "CC": co["C"],
                        "seconds": round(time.perf_counter() - t)}
            os.makedirs(os.path.dirname(args.cache), exist_ok=True)
            json.dump(cache, open(args.cache, "w"), indent=1)
        base[seed] = cache[k]
        print(f"seed {seed}: OO {100 * base[seed]['OO']:.1f} CO {100 * base[seed]['CO']:.1f} "
              f"CC {100 * base[seed]['CC']:.1f} OC {100 * base[seed]['OC']:.1f}", flush=True)

    row = {"tag": args.tag, "data": os.path.basename(data_root), "codec": f"{args.codec}_q{args.quality}",
           "bpp": round(bpp, 3), "seg": seg, "seeds": seeds,
           "OO": [round(100 * base[s]["OO"], 1) for s in seeds], "CO": [round(100 * base[s]["CO"], 1) for s in seeds],
           "CC": [round(100 * base[s]["CC"], 1) for s in seeds]}
    if args.restorer != "none":
        overrides = {}
        for item in args.set:
            key, _, value = item.partition("=")
            overrides[key] = _parse_value(value)
        config = rc.preset(args.restorer, **overrides)
        rng = np.random.default_rng(1234)
        privileged = np.sort(rng.permutation(len(train_x))[:int(round(args.privileged * len(train_x)))])
        pairs = tf.data.Dataset.from_tensor_slices((train_c[privileged], train_x[privileged]))
        t = time.perf_counter()
        curve = []
        if args.proxy_every:
            from keras_models.segmentation import config as deeplab_config, deeplab
            oo_path = os.path.join(ROOT, f"oo-{_key({**base_key, 'seed': seeds[0]})}.h5")
            if not os.path.exists(oo_path):
                segment(train_x, train_y, {}, seg, seeds[0], save=oo_path)
            oo = deeplab.build_deeplab(deeplab_config.preset("tiny", num_classes=19))
            oo.load_weights(oo_path)
            ckpt = args.checkpoints or tempfile.mkdtemp(dir=ROOT, prefix="ckpt-")
            print(f"restorer checkpoints: {ckpt}", flush=True)
            oc = miou(oo, val_c, val_y)
            first = args.proxy_every * (1 + args.resume_steps // args.proxy_every)
            for done in range(first, args.steps + 1, args.proxy_every):
                model = rtraining.train(config, pairs, done, checkpoint_dir=ckpt, seed=0, verbose=0,
                                        steps_per_epoch=min(100, args.proxy_every))
                val_r = restore_all(model, config, val_c)
                point = {"steps": done, "seconds": round(time.perf_counter() - t),
                         "psnr": round(float(np.mean([imetrics.psnr(o, r) for o, r in zip(val_x, val_r)])), 2),
                         "OR": round(100 * miou(oo, val_r, val_y), 1), "OC": round(100 * oc, 1)}
                curve.append(point)
                print(f"proxy {point}", flush=True)
        else:
            model = rtraining.train(config, pairs, args.steps, seed=0, verbose=0)
        train_seconds = time.perf_counter() - t
        train_r = restore_all(model, config, train_c)
        val_r = restore_all(model, config, val_c)
        run_id = _key({"base": base_key, "restorer": args.restorer, "overrides": overrides, "steps": args.steps,
                       "privileged": args.privileged, "date": time.time()})
        strip = np.concatenate([np.concatenate([val_c[i], val_r[i], val_x[i]], 1) for i in range(4)], 0)
        from PIL import Image  # pylint: disable=g-import-not-at-top
        sample_path = os.path.join(ROOT, f"samples-{run_id}.png")
        Image.fromarray(strip).save(sample_path)
        model.generator.save_weights(os.path.join(ROOT, f"generator-{run_id}.h5"))
        nat = NaturalnessModel.fit(list(train_x[::4]))
        ro = {}
        for seed in seeds:
            ro[seed] = segment(train_r, train_y, {"O": (val_x, val_y), "R": (val_r, val_y)}, seg, seed)
            print(f"seed {seed}: RO {100 * ro[seed]['O']:.1f} (RO - CO {100 * (ro[seed]['O'] - base[seed]['CO']):+.1f})",
                  flush=True)
        diffs = [100 * (ro[s]["O"] - base[s]["CO"]) for s in seeds]
        row.update({
            "restorer": args.restorer, "overrides": overrides, "steps": args.steps, "privileged": args.privileged,
            "restorer_seconds": round(train_seconds), "samples": sample_path, "curve": curve,
            "RO": [round(100 * ro[s]["O"], 1) for s in seeds], "RR": [round(100 * ro[s]["R"], 1) for s in seeds],
            "RO-CO": [round(d, 1) for d in diffs], "RO-CO mean": round(float(np.mean(diffs)), 2),
            "val psnr C/R": [round(float(np.mean([imetrics.psnr(o, c) for o, c in zip(val_x, val_c)])), 2),
                             round(float(np.mean([imetrics.psnr(o, r) for o, r in zip(val_x, val_r)])), 2)],
            "naturalness O/C/R": [round(nat.score_set(list(val_x)), 3), round(nat.score_set(list(val_c)), 3),
                                  round(nat.score_set(list(val_r)), 3)],
        })
    row["OO-CO mean"] = round(float(np.mean([100 * (base[s]["OO"] - base[s]["CO"]) for s in seeds])), 2)
    row["date"] = time.strftime("%Y-%m-%d %H:%M")
    os.makedirs(os.path.dirname(args.log) or ".", exist_ok=True)
    with open(args.log, "a") as f:
        f.write(json.dumps(row) + "\n")
    print(json.dumps(row), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
