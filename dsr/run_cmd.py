"""``dsr run``: make the demo data if needed, run the pipeline locally, say where things are."""
from __future__ import annotations

import glob
import os
import sys
import time

__all__ = ["add_parser"]


def add_parser(sub) -> None:
    run = sub.add_parser("run", help="run an experiment pipeline locally (default: the demo)")
    run.add_argument("--config", default="demo", help="a shipped config name or a YAML file")
    run.add_argument("--run-dir", default=None, help="run directory (default runs/<name>)")
    run.add_argument("--runner", choices=("local", "beam"), default="local",
                     help="LocalDagRunner (default) or BeamDagRunner; both with SQLite metadata")
    run.set_defaults(func=_run)


def _run(args) -> int:
    import tqdm  # pylint: disable=g-import-not-at-top

    from pipelines import config as config_lib, local_runner  # pylint: disable=g-import-not-at-top

    config = config_lib.load_config(args.config)
    run_dir = args.run_dir or os.path.join("runs", config.name)
    if config.demo_data is not None:
        d = config.demo_data
        with tqdm.tqdm(total=d.train + d.val + d.test + d.auxiliary, desc="texture-city", unit="img",
                       file=sys.stderr) as bar:
            local_runner.prepare_demo_data(config, progress=bar.update)
    print(f"dsr run: pipeline {config.name!r} -> {os.path.abspath(run_dir)}", file=sys.stderr)
    start = time.time()
    paths = local_runner.run(config, run_dir, runner=args.runner, stages=sys.stderr)
    print(f"dsr run: finished in {time.time() - start:.0f} s", file=sys.stderr)
    print(f"  artifacts: {paths.pipeline_root}")
    print(f"  metadata:  {paths.metadata}")
    plots = glob.glob(os.path.join(paths.pipeline_root, "Compression", "rate_distortion", "*", "rate_distortion.png"))
    if plots:  # the newest execution: artifact folders are numbered by execution id
        print(f"  R-D plot:  {max(plots, key=lambda p: int(os.path.basename(os.path.dirname(p))))}")
    evaluations = sorted(glob.glob(os.path.join(paths.pipeline_root, "Evaluator.*")))
    if evaluations:
        from pipelines import report  # pylint: disable=g-import-not-at-top
        md, html = report.write_report([paths.run_dir], paths.report,
                                       anchor=config.compression.anchor if config.compression else None)
        print(f"  report:    {html} (and {os.path.basename(md)}, PNG plots)")
        print(f"  TFMA:      {len(evaluations)} evaluations under {paths.pipeline_root}/Evaluator.*/evaluation/ "
              f"(notebooks/inspect_evaluation.ipynb with DSR_RUN_DIR={paths.run_dir})")
        summary = os.path.join(paths.report, report.SUMMARY_FILE)
        findings = open(summary).read().splitlines() if os.path.exists(summary) else []
        if findings:
            print("  findings (the paper's orderings at this number of seeds):")
            for line in findings:
                print(f"    - {line}")
    if os.path.isdir(paths.serving_models):
        from serving import layout  # pylint: disable=g-import-not-at-top
        models = layout.list_models(paths.serving_models)
        if models:
            print(f"  served:    {', '.join(f'{n} v{v[-1]}' for n, v in models.items())} in {paths.serving_models}")
            name = config.serving.model_name if config.serving and config.serving.model_name in models \
                else next(iter(models))
            print(f"  serve:     dsr serve --models {paths.serving_models}   (then: dsr predict --model "
                  f"{name} IMAGE --out MASK.png)")
    return 0
