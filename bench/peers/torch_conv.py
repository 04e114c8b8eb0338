"""PyTorch CPU peer for bench/compare: dense N-D conv (torch.nn.functional.convNd) and the CP conv
composed of generic torch ops (1x1 conv C->R, one depthwise conv per spatial mode with groups=R
and a kernel of size K along that mode and 1 elsewhere, 1x1 conv R->T with bias), as tensorly-torch
and the paper's reference code compose it. Prints one JSON object: name, ms (best), median_ms.

Usage: torch_conv.py dims=2 batch=8 in=64 out=64 size=56 kernel=3 [rank=32] [factorization=dense|cp]
       [backward=1] [threads=2] [seconds=1]
"""
import json
import sys
import time

import torch
import torch.nn.functional as F


def timeit(fn, seconds, min_runs=3):
    end = time.perf_counter() + seconds / 2
    while time.perf_counter() < end:
        fn()
    samples = []
    end = time.perf_counter() + seconds
    while len(samples) < min_runs or time.perf_counter() < end:
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1e3)
    samples.sort()
    return samples[0], samples[len(samples) // 2]


def main(argv):
    o = dict(a.split("=", 1) for a in argv)
    n = int(o.get("dims", 2)); b = int(o.get("batch", 8)); c = int(o.get("in", 64)); t = int(o.get("out", 64))
    s = int(o.get("size", 56)); k = int(o.get("kernel", 3)); r = int(o.get("rank", 32))
    fact = o.get("factorization", "dense"); backward = o.get("backward", "0") == "1"
    seconds = float(o.get("seconds", 1)); pad = int(o.get("padding", k // 2)); stride = int(o.get("stride", 1))
    torch.set_num_threads(int(o.get("threads", 2)))
    conv = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}[n]
    g = torch.Generator().manual_seed(0)
    x = torch.randn((b, c) + (s,) * n, generator=g, requires_grad=backward)
    if fact == "dense":
        w = (torch.randn((t, c) + (k,) * n, generator=g) * 0.05).requires_grad_(backward)
        bias = torch.zeros(t, requires_grad=backward)
        params = [w, bias]

        def forward():
            return conv(x, w, bias, stride=stride, padding=pad)
    else:
        u_c = (torch.randn((r, c) + (1,) * n, generator=g) * 0.1).requires_grad_(backward)
        u_t = (torch.randn((t, r) + (1,) * n, generator=g) * 0.1).requires_grad_(backward)
        u_k = []
        for m in range(n):
            shape = [r, 1] + [1] * n
            shape[2 + m] = k
            u_k.append(torch.randn(shape, generator=g).requires_grad_(backward))
        bias = torch.zeros(t, requires_grad=backward)
        params = [u_c, u_t, bias] + u_k

        def forward():
            h = conv(x, u_c)
            for m in range(n):
                st = [1] * n; st[m] = stride
                pd = [0] * n; pd[m] = pad
                h = conv(h, u_k[m], stride=tuple(st), padding=tuple(pd), groups=r)
            return conv(h, u_t, bias)
    if backward:
        def fn():
            y = forward()
            gy = torch.ones_like(y)
            y.backward(gy)
            for p in params + [x]:
                p.grad = None
    else:
        def fn():
            with torch.no_grad():
                forward()
    best, med = timeit(fn, seconds)
    print(json.dumps({"name": f"conv{n}d-{fact}", "ms": best, "median_ms": med,
                      "peer": "torch " + torch.__version__}))


if __name__ == "__main__":
    main(sys.argv[1:])
