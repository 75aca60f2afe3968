import json

from dsr import main


def test_data_demo_then_inspect_json(tmp_path, capsys):
    assert main.main(["data", "demo", "--out", str(tmp_path), "--train", "3", "--val", "1", "--size", "64x32"]) == 0
    capsys.readouterr()
    assert main.main(["data", "inspect", "--dataset", "cityscapes", "--root", str(tmp_path), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["dataset"] == "cityscapes"
    assert result["splits"]["train"]["images"] == 3 and result["splits"]["val"]["images"] == 1
    pixels = sum(result["splits"]["train"]["class_pixels"].values()) + result["splits"]["train"]["ignored_pixels"]
    assert pixels == 3 * 64 * 32


def test_bad_root_is_exit_code_2_with_message(tmp_path, capsys):
    assert main.main(["data", "inspect", "--dataset", "inria", "--root", str(tmp_path)]) == 2
    assert "not an INRIA root" in capsys.readouterr().err


def test_unknown_config_is_exit_code_2(capsys):
    assert main.main(["run", "--config", "nope"]) == 2
    assert "shipped configs" in capsys.readouterr().err


def test_predict_without_a_server_is_exit_code_1_saying_how_to_start_one(tmp_path, capsys, silent_url):
    from PIL import Image
    Image.new("RGB", (8, 8)).save(tmp_path / "a.png")
    assert main.main(["predict", "--url", silent_url, str(tmp_path / "a.png"),
                      "--out", str(tmp_path / "m.png")]) == 1
    err = capsys.readouterr().err
    assert "no server answers" in err and "dsr serve --models" in err and "server error" not in err


def test_kubeflow_compile_puts_trainers_on_the_trainer_image_and_says_when_it_is_missing(tmp_path, capsys):
    out = tmp_path / "p.json"
    assert main.main(["kubeflow", "compile", "--config", "demo", "--image", "reg/dsr:1",
                      "--trainer-image", "reg/dsr-gpu:1", "--out", str(out)]) == 0
    printed = capsys.readouterr()
    assert json.loads(printed.out)["trainer_image"] == "reg/dsr-gpu:1" and "GPU" not in printed.err
    executors = json.loads(out.read_text())["pipelineSpec"]["deploymentSpec"]["executors"]
    images = {name: e["container"]["image"] for name, e in executors.items()}
    assert images["ImageExampleGen_executor"] == "reg/dsr:1"
    assert {i for n, i in images.items() if "Trainer" in n} == {"reg/dsr-gpu:1"}
    assert main.main(["kubeflow", "compile", "--config", "demo", "--image", "reg/dsr:1", "--out", str(out)]) == 0
    assert "pass the GPU image as --trainer-image" in capsys.readouterr().err
