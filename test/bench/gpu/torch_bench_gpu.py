"""PyTorch CUDA reference for `npm run bench:gpu`: the same three networks, batch 128, Adam, random
inputs, on the GPU, for at most SECONDS after two warm-up steps (cuDNN autotuning off: the default).

Usage: torch_bench_gpu.py <seconds> <maxSteps> <model,...>
Prints one JSON object: {"torch", "device", "results": [{model, steps, samplesPerSec, peakBytes}]}
(peakBytes: torch.cuda.max_memory_allocated during the timed steps). Exits 3 without CUDA.
"""
import json
import os
import sys
import time

import torch
from torch import nn

# The MLP and LeNet-5 of `npm run bench` (test/bench/torch_bench.py: beside this file when packed).
sys.path.append(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from torch_bench import lenet5, mlp  # noqa: E402

BATCH = 128


class Block(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.a = nn.Sequential(nn.Conv2d(cin, cout, 3, stride, 1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(),
                               nn.Conv2d(cout, cout, 3, 1, 1, bias=False), nn.BatchNorm2d(cout))
        self.short = (nn.Identity() if stride == 1 and cin == cout
                      else nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout)))

    def forward(self, x):
        return torch.relu(self.a(x) + self.short(x))


def resnet20():
    layers = [nn.Conv2d(3, 16, 3, 1, 1, bias=False), nn.BatchNorm2d(16), nn.ReLU()]
    cin = 16
    for stage, cout in enumerate([16, 32, 64]):
        for block in range(3):
            layers.append(Block(cin, cout, 2 if stage > 0 and block == 0 else 1))
            cin = cout
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(64, 10)]
    return nn.Sequential(*layers)


MODELS = {"mlp": (mlp, (1, 28, 28)), "lenet5": (lenet5, (1, 28, 28)), "resnet20": (resnet20, (3, 32, 32))}


def bench(name, seconds, max_steps):
    build, shape = MODELS[name]
    dev = torch.device("cuda")
    torch.manual_seed(0)
    model = build().to(dev)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    x = torch.rand(BATCH, *shape, device=dev)
    y = torch.randint(0, 10, (BATCH,), device=dev)

    def step():
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        return loss.item()  # waits for the step, as the lab's bench reads each step back

    step()
    step()
    torch.cuda.reset_peak_memory_stats()
    steps = 0
    start = time.perf_counter()
    while steps < max_steps and time.perf_counter() - start < seconds:
        step()
        steps += 1
    elapsed = time.perf_counter() - start
    return {"model": name, "steps": steps, "samplesPerSec": steps * BATCH / elapsed,
            "peakBytes": torch.cuda.max_memory_allocated()}


def main():
    if not torch.cuda.is_available():
        print(json.dumps({"torch": torch.__version__, "device": None, "results": []}))
        sys.exit(3)
    seconds, max_steps = float(sys.argv[1]), int(sys.argv[2])
    names = sys.argv[3].split(",")
    results = [bench(n, seconds, max_steps) for n in names]
    print(json.dumps({"torch": torch.__version__, "device": torch.cuda.get_device_name(0), "results": results}))


if __name__ == "__main__":
    main()
