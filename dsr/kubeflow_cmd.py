"""``dsr kubeflow compile``: the experiment as a Kubeflow Pipelines (v2) JSON."""
from __future__ import annotations

import json
import sys

__all__ = ["add_parser"]


def add_parser(sub) -> None:
    kf = sub.add_parser("kubeflow", help="compile an experiment for Kubeflow Pipelines")
    ksub = kf.add_subparsers(dest="kubeflow_command", required=True)
    comp = ksub.add_parser("compile", help="write pipeline.json (KubeflowV2DagRunner)")
    comp.add_argument("--config", required=True, help="a shipped config name (e.g. demo) or a YAML file")
    comp.add_argument("--image", required=True, help="container image built from the repository's Dockerfile")
    comp.add_argument("--trainer-image", default=None,
                      help="image of the trainer steps (default --image): the GPU image, built with "
                           "docker build --build-arg LOCK=requirements-gpu.lock")
    comp.add_argument("--out", default="pipeline.json")
    comp.add_argument("--pipeline-root", default=None, help="artifact root on the cluster (default gs://CHANGE-ME/runs/<name>)")
    comp.add_argument("--gpus", type=int, default=1, help="GPUs per trainer step (0 for none)")
    comp.add_argument("--trainer-memory-gb", type=float, default=32.0)
    comp.set_defaults(func=_compile)


def _compile(args) -> int:
    from pipelines import config as config_lib, kubeflow_runner  # pylint: disable=g-import-not-at-top

    config = config_lib.load_config(args.config)
    root = args.pipeline_root or f"gs://CHANGE-ME/runs/{config.name}"
    resources = kubeflow_runner.ClusterResources(gpus=args.gpus, trainer_memory_gb=args.trainer_memory_gb)
    trainer_image = args.trainer_image or args.image
    if args.gpus and not args.trainer_image:
        print(f"dsr kubeflow: trainers request {args.gpus} GPU(s) but run --image; unless it was built with "
              "--build-arg LOCK=requirements-gpu.lock, TensorFlow there has no CUDA libraries and trains on the "
              "CPU: pass the GPU image as --trainer-image", file=sys.stderr)
    path = kubeflow_runner.compile_pipeline(config, args.image, args.out, root, resources, trainer_image)
    print(json.dumps({"pipeline": path, "image": args.image, "trainer_image": trainer_image, "pipeline_root": root}))
    return 0
