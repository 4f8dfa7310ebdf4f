"""PyTorch reference for `npm run bench`: the same models, batch size and optimizer on the same CPU.

Usage: torch_bench.py <examples> <threads,...> <model,...>  (several threads: a quarter of the examples)
Prints one JSON object: {"torch", "defaultThreads", "results": [{model, threads, samplesPerSec,
samplesPerCpuSec, latencyMs}]} (CPU time: this process's, all threads).
`defaultThreads` is what PyTorch chose by itself (it counts physical cores with its cpuinfo library,
which can see fewer cores than the OS lists, e.g. 1 of the 2 vCPUs of a KVM guest); each
measurement then runs at the thread count asked for (torch.set_num_threads).
Data: random tensors shaped like MNIST (throughput does not depend on the pixel values).
"""
import json
import sys
import time

import torch
from torch import nn

BATCH = 64


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


MODELS = {"mlp-784-256-10": mlp, "lenet5": lenet5}


def bench(name, n, threads):
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    model = MODELS[name]()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    x = torch.rand(n, 1, 28, 28)
    y = torch.randint(0, 10, (n,))
    for i in range(3):  # warm-up
        opt.zero_grad()
        loss_fn(model(x[:BATCH]), y[:BATCH]).backward()
        opt.step()
    start = time.perf_counter()
    cpu_start = time.process_time()
    for i in range(0, n, BATCH):
        opt.zero_grad()
        loss = loss_fn(model(x[i:i + BATCH]), y[i:i + BATCH])
        loss.backward()
        opt.step()
    seconds = time.perf_counter() - start
    cpu_seconds = time.process_time() - cpu_start
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
    return {
        "model": name,
        "threads": threads,
        "samplesPerSec": n / seconds,
        "samplesPerCpuSec": n / cpu_seconds,
        "latencyMs": times[len(times) // 2],
    }


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 8000
    threads = [int(t) for t in (sys.argv[2] if len(sys.argv) > 2 else "1").split(",")]
    models = (sys.argv[3] if len(sys.argv) > 3 else ",".join(MODELS)).split(",")
    default_threads = torch.get_num_threads()
    # Several threads on a loaded machine can be many times slower (spinning OpenMP threads): a
    # quarter of the examples keeps the bench short; the rate is per example either way.
    results = [bench(m, n if t == 1 else max(BATCH, n // 4), t) for m in models for t in threads]
    print(json.dumps({"torch": torch.__version__, "defaultThreads": default_threads, "results": results}))


if __name__ == "__main__":
    main()
