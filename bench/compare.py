"""Driver behind bench/compare. Each workload = (label, tenfold bench args, peer args, threads)."""
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SECONDS = os.environ.get("SECONDS_PER_RUN", "1")
# REPEATS=k runs each workload k times, tenfold and its peer alternating (a host whose speed swings
# from second to second then slows both sides alike), and reports the median of each side's k
# figures; the ratio column is the ratio of those medians, followed by the k pair ratios.
REPEATS = os.environ.get("REPEATS", "1")


def workloads():
    w = {"add": [], "dot": [], "gemm": [], "einsum": [], "conv": [], "decomp": [], "decomp-shapes": []}
    w["add"].append(("add 16M floats, 1 thread", ["add", "--n", "16777216", "--no-scalar"],
                     ["add", "n=16777216"], 1))
    w["add"].append(("add 1M floats, 1 thread", ["add", "--n", "1048576", "--no-scalar"],
                     ["add", "n=1048576"], 1))
    w["dot"].append(("dot 1M floats, 1 thread", ["dot", "--n", "1048576", "--no-scalar"],
                     ["dot", "n=1048576"], 1))
    for threads in (2, 1):
        for n in (512, 1024, 2048):
            w["gemm"].append((f"sgemm n={n}, {threads} thread(s)",
                              ["gemm", "--n", str(n), "--threads", str(threads)],
                              ["gemm", f"m={n}", f"n={n}", f"k={n}"], threads))
    for (m, n, k) in ((16, 16, 4096), (4096, 4096, 16)):
        w["gemm"].append((f"sgemm m={m} n={n} k={k}, 2 threads",
                          ["gemm", "--m", str(m), "--n", str(n), "--k", str(k), "--threads", "2"],
                          ["gemm", f"m={m}", f"n={n}", f"k={k}"], 2))
    for expr, shapes, label in (
            ("abc,bcd->ad", "64x128x96,128x96x64", "tensordot 3-D x 3-D over two modes"),
            ("bij,bjk->bik", "64x128x128,64x128x128", "batched matmul"),
            ("ij,jbc->ibc", "128x128,128x128x128", "mode-1 product of 128^3"),
            ("ij,ajc->aic", "128x128,128x128x128", "middle-mode product of 128^3")):
        w["einsum"].append((label + " (" + expr + ")",
                            ["einsum", "--expr", expr, "--shapes", shapes, "--threads", "2"],
                            ["einsum", f"expr={expr}", f"shapes={shapes}"], 2))
    conv_shapes = {
        "2d": (["--dims", "2", "--batch", "8", "--in", "64", "--out", "64", "--size", "56", "--kernel", "3"],
               ["dims=2", "batch=8", "in=64", "out=64", "size=56", "kernel=3"]),
        "3d": (["--dims", "3", "--batch", "2", "--in", "64", "--out", "64", "--size", "16", "--kernel", "3"],
               ["dims=3", "batch=2", "in=64", "out=64", "size=16", "kernel=3"]),
        "3d-big": (["--dims", "3", "--batch", "4", "--in", "32", "--out", "32", "--size", "32", "--kernel", "3"],
                   ["dims=3", "batch=4", "in=32", "out=32", "size=32", "kernel=3"]),
    }
    for key, label in (("2d", "conv2d B=8 C=T=64 56^2 k3"), ("3d", "conv3d B=2 C=T=64 16^3 k3")):
        ours, theirs = conv_shapes[key]
        w["conv"].append((f"{label} dense fwd", ["conv", *ours, "--threads", "2"],
                          ["@torch_conv.py", *theirs, "threads=2"], 2))
        w["conv"].append((f"{label} CP R=32 fwd", ["conv", *ours, "--rank", "32", "--threads", "2"],
                          ["@torch_conv.py", *theirs, "factorization=cp", "rank=32", "threads=2"], 2))
    ours, theirs = conv_shapes["3d-big"]
    w["conv"].append(("conv3d B=4 C=T=32 32^3 k3 CP R=16 fwd+bwd",
                      ["conv", *ours, "--rank", "16", "--backward", "--threads", "2"],
                      ["@torch_conv.py", *theirs, "factorization=cp", "rank=16", "backward=1", "threads=2"], 2))
    for method, size, rank, iters in (("cp", 200, 20, 20), ("cp", 100, 10, 20), ("tucker", 200, 20, 20)):
        common = ["--size", str(size), "--rank", str(rank), "--iters", str(iters), "--seed", "0"]
        w["decomp"].append((f"{'CP-ALS' if method == 'cp' else 'Tucker HOOI'} {size}^3 rank {rank}, ms/iter",
                            ["!" + method, *common, "--threads", "2"],
                            ["@numpy_decomp.py", "--method", method, *common, "--dump", "target/decomp-data"], 2))
    # beyond the cubes: a matrix (2-way passes) and a 4-way tensor
    for method, shape, rank in (("cp", "4000x2000", 20), ("tucker", "4000x2000", 20), ("cp", "50x50x50x50", 10),
                                ("tucker", "50x50x50x50", 10)):
        common = ["--shape", shape, "--rank", str(rank), "--iters", "20", "--seed", "0"]
        w["decomp-shapes"].append((f"{'CP-ALS' if method == 'cp' else 'Tucker HOOI'} {shape} rank {rank}, ms/iter",
                                   ["!" + method, *common, "--threads", "2"],
                                   ["@numpy_decomp.py", "--method", method, *common, "--dump", "target/decomp-data"], 2))
    return w


def run_json(cmd, env=None):
    p = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({p.returncode}):\n{p.stderr.strip()}")
    lines = [l for l in p.stdout.splitlines() if l.startswith("{")]
    if not lines:
        raise RuntimeError(f"{' '.join(cmd)} printed no JSON:\n{p.stdout}\n{p.stderr}")
    return json.loads(lines[-1])


def median_pair(pairs, key="ms"):
    """The run of each side whose `key` is the median of that side's runs (the lower middle one for an even count)."""
    def middle(runs):
        return sorted(runs, key=lambda r: r[key])[(len(runs) - 1) // 2]
    return middle([o for o, _ in pairs]), middle([t for _, t in pairs])


# Decompositions are compared by the mean milliseconds per iteration of a fit (its iterations' total
# over their count): tenfold's iterations alternate between one and two passes over X (1.5 a
# sweep) and CP-ALS's copy of X for mode 0 is made in the second, so the median iteration is no
# "ms per iteration" of the fit; the medians' ratio is printed too.
MEAN_KEY = "mean_ms"


def main(args):
    try:
        repeats = int(REPEATS)
    except ValueError:
        sys.exit(f"bench/compare: REPEATS must be a positive integer, got '{REPEATS}'")
    if repeats < 1:
        sys.exit(f"bench/compare: REPEATS must be a positive integer, got '{REPEATS}'")
    table = workloads()
    chosen = args or list(table)
    for c in chosen:
        if c not in table:
            sys.exit(f"bench/compare: unknown workload '{c}'; known: {', '.join(table)}")
    peer_env = dict(os.environ)
    peer_env.pop("OPENBLAS_CORETYPE", None)
    peer_env.pop("OPENBLAS_L2_SIZE", None)
    dense_ms = {}
    print(f"{'workload':58s} {'tenfold ms':>11s} {'peer ms':>11s} {'ratio':>7s}  peer")
    for c in chosen:
        for label, ours_args, peer_args, threads in table[c]:
            try:
                env = dict(peer_env, OPENBLAS_NUM_THREADS=str(threads), OMP_NUM_THREADS=str(threads))
                script = "numpy_peer.py"
                if peer_args and peer_args[0].startswith("@"):
                    script, peer_args = peer_args[0][1:], peer_args[1:]
                peer_cmd = ["/usr/bin/python3", os.path.join(ROOT, "bench", "peers", script), *peer_args]
                pairs = []
                for _ in range(repeats):
                    if ours_args[0].startswith("!"):  # decompositions: the peer runs first and writes the inputs
                        theirs = run_json(peer_cmd, env)
                        ours = run_json([os.path.join(ROOT, "tenfold"), "bench", ours_args[0][1:], *ours_args[1:], "--json"])
                    else:
                        ours = run_json([os.path.join(ROOT, "tenfold"), "bench", *ours_args, "--seconds", SECONDS, "--json"])
                        theirs = run_json(peer_cmd + [f"seconds={SECONDS}"], env)
                    pairs.append((ours, theirs))
            except RuntimeError as e:
                print(f"{label:58s} error: {e}")
                continue
            key = MEAN_KEY if ours_args[0].startswith("!") and MEAN_KEY in pairs[0][0] and MEAN_KEY in pairs[0][1] else "ms"
            ours, theirs = median_pair(pairs, key)
            ratio = theirs[key] / ours[key]
            extra = ""
            if "gflops" in ours and "gflops" in theirs:
                extra = f"  ({ours['gflops']:.1f} vs {theirs['gflops']:.1f} GFLOP/s)"
            elif "gbps" in ours and "gbps" in theirs:
                extra = f"  ({ours['gbps']:.1f} vs {theirs['gbps']:.1f} GB/s)"
            if key != "ms":
                extra += f"  (mean ms/iter; median iterations {ours['ms']:.4f} vs {theirs['ms']:.4f}: {theirs['ms'] / ours['ms']:.2f}x)"
            if "rel_error" in ours and "rel_error" in theirs:
                extra += f"  (rel. error {ours['rel_error']:.6f} vs {theirs['rel_error']:.6f})"
            if " dense " in label:
                dense_ms[label.split(" dense ")[0]] = ours["ms"]
            elif " CP " in label and label.split(" CP ")[0] in dense_ms:
                d = dense_ms[label.split(" CP ")[0]]
                flop_cut = ours.get("dense_flops", 0) / (ours["gflops"] * ours["ms"] * 1e6) if ours.get("gflops") else 0
                extra += f"  [{d / ours['ms']:.1f}x faster than our dense; FLOPs cut {flop_cut:.1f}x]"
            if len(pairs) > 1:
                extra += "  [pairs: " + " ".join(f"{t[key] / o[key]:.2f}" for o, t in pairs) + "]"
            print(f"{label:58s} {ours[key]:11.4f} {theirs[key]:11.4f} {ratio:6.2f}x  {theirs['peer']}{extra}",
                  flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
