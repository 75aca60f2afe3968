"""`dsr eval-seg` against cityscapesscripts' own pixel-level evaluation on the same files."""
import json
import math

import numpy as np
import pytest
from cityscapesscripts.evaluation import evalPixelLevelSemanticLabeling as cs_eval
from cityscapesscripts.helpers.labels import labels as cs_labels
from PIL import Image

from dsr import main
from image_datasets import labels


def test_matches_cityscapes_evaluation(tmp_path, rng, capsys, monkeypatch):
    table = labels.cityscapes_table()
    all_ids = [l.id for l in cs_labels if l.id >= 0]
    eval_ids = [l.id for l in cs_labels if l.id >= 0 and not l.ignoreInEval]
    gt_files, pred_files = [], []
    for i in range(3):
        name = f"city_{i:06d}_000019"
        gt = rng.choice(all_ids, (30, 40)).astype(np.uint8)
        pred = np.where(rng.random((30, 40)) < 0.5, gt, rng.choice(eval_ids, (30, 40))).astype(np.uint8)
        pred = np.where(np.isin(pred, eval_ids), pred, eval_ids[0]).astype(np.uint8)
        for kind, arr in (("gt", gt), ("pred", pred)):
            Image.fromarray(arr).save(tmp_path / f"{name}_{kind}_ids.png")
            Image.fromarray(table.to_train_ids(arr)).save(tmp_path / f"{name}_{kind}_train.png")
        gt_files.append(str(tmp_path / f"{name}_gt_ids.png"))
        pred_files.append(str(tmp_path / f"{name}_pred_ids.png"))
    args = cs_eval.args
    monkeypatch.setattr(args, "evalInstLevelScore", False)
    monkeypatch.setattr(args, "quiet", True)
    monkeypatch.setattr(args, "JSONOutput", False)
    monkeypatch.setattr(args, "evalLabels", [])
    for label in cs_labels:
        if label.id >= 0 and not label.ignoreInEval:
            args.evalLabels.append(label.id)
    reference = cs_eval.evaluateImgLists(pred_files, gt_files, args)["classScores"]
    assert main.main(["eval-seg", "--gt", str(tmp_path / "*_gt_train.png"), "--pred", str(tmp_path / "*_pred_train.png"),
                      "--num-classes", "19", "--pair", "sorted", "--json"]) == 0
    ours = json.loads(capsys.readouterr().out)
    assert ours["num_images"] == 3
    for train_id, name in enumerate(table.class_names):
        expected = reference[name]
        if math.isnan(expected):
            assert ours["iou"][str(train_id)] is None
        else:
            assert ours["iou"][str(train_id)] == pytest.approx(expected)



def test_mis_sized_prediction_is_named(tmp_path, capsys):
    Image.fromarray(np.zeros((4, 4), np.uint8)).save(tmp_path / "g.png")
    (tmp_path / "p").mkdir()
    Image.fromarray(np.zeros((5, 4), np.uint8)).save(tmp_path / "p" / "g.png")
    assert main.main(["eval-seg", "--gt", str(tmp_path / "g.png"), "--pred", str(tmp_path / "p" / "*.png"),
                      "--num-classes", "2"]) == 2
    assert "prediction is (4, 5)" in capsys.readouterr().err
