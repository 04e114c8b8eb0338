/**
 * tenfold: a pure-Java tensor engine.
 *
 * <p>Packages, from the bottom up (a package never depends on one above it):
 * {@code simd} (Vector API kernels with a scalar fallback) ← {@code tensor} (off-heap float32
 * tensors) ← {@code io} (.npy/.npz) ← {@code linalg}/{@code contract} ← {@code cli}.
 *
 * <p>The library needs {@code --add-modules jdk.incubator.vector} at run time for SIMD kernels;
 * without it the scalar kernels run and one warning is logged.
 */
module dev.tenfold {
    requires static jdk.incubator.vector;

    exports dev.tenfold.cli;
    exports dev.tenfold.contract;
    exports dev.tenfold.conv;
    exports dev.tenfold.decomp;
    exports dev.tenfold.io;
    exports dev.tenfold.linalg;
    exports dev.tenfold.simd;
    exports dev.tenfold.tensor;
}
