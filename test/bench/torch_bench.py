"""PyTorch reference for `npm run bench`: the same models, batch and optimizer on the same CPU.

Prints one JSON object: {"torch": version, "threads": n, "results": [{model, samplesPerSec, latencyMs}]}.
Data: random tensors shaped like MNIST (throughput does not depend on the pixel values).
"""
import json
import sys
import time

import torch
from torch import nn

torch.manual_seed(0)
BATCH = 64
N = int(sys.argv[1]) if len(sys.argv) > 1 else 8000


def mlp():
    return nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10))


def lenet5():
    # The lab's LeNet-5 (src-main/engine/models/model-plan.ts): conv 6@5x5 'same', pool, conv 16@5x5, pool,
    # dense 120, dense 84, logits 10; ReLU.
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(16 * 5 * 5, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10),
    )


def bench(name, make, n):
    model = make()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    x = torch.rand(n, 1, 28, 28)
    y = torch.randint(0, 10, (n,))
    # Warm-up: a few steps.
    for i in range(3):
        opt.zero_grad()
        loss_fn(model(x[:BATCH]), y[:BATCH]).backward()
        opt.step()
    start = time.perf_counter()
    for i in range(0, n, BATCH):
        opt.zero_grad()
        loss = loss_fn(model(x[i:i + BATCH]), y[i:i + BATCH])
        loss.backward()
        opt.step()
    seconds = time.perf_counter() - start
    model.eval()
    times = []
    with torch.no_grad():
        for _ in range(3):
            model(x[:BATCH])
        for _ in range(20):
            t = time.perf_counter()
            model(x[:BATCH])
            times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return {"model": name, "samplesPerSec": n / seconds, "latencyMs": times[len(times) // 2]}


results = [bench("mlp-784-256-10", mlp, N), bench("lenet5", lenet5, N)]
print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "results": results}))
