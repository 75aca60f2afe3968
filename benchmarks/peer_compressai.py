"""Times CompressAI's MeanScaleHyperprior (N=192, M=320) compress/decompress on one image.
Run with the peer environment's python: ``.venv-peer/bin/python benchmarks/peer_compressai.py IMG REPEATS``.
Prints one JSON line."""
import json
import os
import sys
import tempfile
import time
import types

# CompressAI imports torchvision at import time; the MSH model never uses it.
if "torchvision" not in sys.modules:
    stub = types.ModuleType("torchvision")
    stub.transforms = types.ModuleType("torchvision.transforms")
    sys.modules["torchvision"] = stub
    sys.modules["torchvision.transforms"] = stub.transforms

import numpy as np  # noqa: E402
import torch  # noqa: E402
from PIL import Image  # noqa: E402
from compressai.models import MeanScaleHyperprior  # noqa: E402


def main():
    path, repeats = sys.argv[1], int(sys.argv[2])
    torch.set_num_threads(os.cpu_count())
    x = torch.from_numpy(np.array(Image.open(path).convert("RGB"))).permute(2, 0, 1)[None].float() / 255
    model = MeanScaleHyperprior(192, 320).eval()
    model.update(force=True)
    with torch.no_grad():
        out = model.compress(x)
        model.decompress(out["strings"], out["shape"])
        c, d = [], []
        for _ in range(repeats):
            t = time.perf_counter()
            out = model.compress(x)
            c.append(time.perf_counter() - t)
            t = time.perf_counter()
            model.decompress(out["strings"], out["shape"])
            d.append(time.perf_counter() - t)
    print(json.dumps({"compress_s": float(np.median(c)), "decompress_s": float(np.median(d)),
                      "torch": torch.__version__, "threads": torch.get_num_threads()}))


if __name__ == "__main__":
    main()
