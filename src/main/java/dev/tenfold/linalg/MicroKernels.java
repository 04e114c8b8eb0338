package dev.tenfold.linalg;

import dev.tenfold.simd.Kernels;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Register-blocked SGEMM micro-kernels on packed heap panels (Vector API). Loaded only when
 * {@code jdk.incubator.vector} is present (through {@link GemmPanama}).
 *
 * <p>A kernel computes one MR×NR tile, NR = 2 vectors: {@code out = cIn + Σ_p A[r,p]·B[p,j]}.
 * The packed A micro-panel keeps each of its MR rows contiguous, row r at {@code a[ai + r·KA]}
 * with the fixed row pitch {@link #KA} (a constant, so the 12 broadcast addresses are one
 * register plus displacements); the packed B micro-panel holds NR values per k step,
 * {@code b[bi + NR·p + j]}. The constant pitch lets C2 hoist the bounds checks of the B loads
 * (a runtime pitch cost them back; reading B rows in place from a padded conv input, one
 * channel apart, made every row panel re-read them from L2 — see {@link WindowStream}, which
 * packs instead). Tiles are stored row-major, MR rows of NR floats; {@code cIn == null}
 * starts from zero. Every element is reduced in k order with one FMA per step, so a tile's bits
 * do not depend on where or by which thread it runs.
 *
 * <p>Register blocking follows the species: 512-bit vectors (32 registers on AVX-512) use 12×2
 * vectors (24 accumulators, 2 B loads and 12 broadcasts per step); narrower species use 4×2
 * vectors (8 accumulators: exactly the FMA latency × pipes of AVX2 cores). A 6×2 tile (12
 * accumulators) does not fit AVX2's 16 registers once C2 hoists the broadcasts: it spilled two
 * accumulators to the stack, and the store-to-load chain held it at 36 GFLOP/s per core on a
 * Zen 3 where 4×2 runs at 78 (OpenBLAS: 80). The accumulators are named locals so C2 keeps them
 * in registers; all kernels stay far below the 8000-byte HugeMethodLimit. The bodies are one
 * pattern unrolled for MR = 12, 6 (the last rows of a 12-row panel) and 4, two vectors wide or
 * (for the last column panel when at most L columns are left) one vector wide.
 */
final class MicroKernels {
    /** Species chosen from {@code -Dtenfold.simd} (128/256/512) or the preferred shape. */
    static final VectorSpecies<Float> F = pickSpecies(System.getProperty(Kernels.PROPERTY, "auto"));
    /** Lanes per vector. */
    static final int L = F.length();
    /** Tile columns (two vectors). */
    static final int NR = 2 * L;
    /** Tile rows: 12 with 512-bit vectors (32 registers), else 4 (see the class comment). */
    static final int MR = L >= 16 ? 12 : 4;
    /**
     * Largest k block of a packed panel: 512 with 512-bit vectors, else 576. A B micro-panel of
     * up to 576 × 16 floats (36 KB) streams from L2 fast enough, and fewer k blocks mean fewer
     * partial-sum passes and strip packings: a 3×3 conv over 64 channels (k = 576) runs in one
     * k block. Against 256 on a Zen 3 (AVX2, same-JVM A/B with bench/ab, medians of 30 pair
     * ratios), dense conv2d 56², C = T = 64, ran 1.05× faster, and 0.915× with the two builds
     * swapped. conv3d 16³ (k = 1728) and sgemm 1024³ were even within the harness's ±3%.
     */
    static final int KC_MAX = L >= 16 ? 512 : 576;
    /** Row pitch of a packed A micro-panel (KC_MAX plus one cache line against set conflicts). */
    static final int KA = KC_MAX + 16;

    private MicroKernels() { }

    /**
     * Gets the kernels compiled by C2 early: until then they run interpreted or in C1, where
     * vector operations are not intrinsified and a kernel call is 100-1000× slower. HotSpot
     * compiles a method after ~600 calls; real calls (k blocks of up to 512 steps) are costly
     * in that phase, so this runs cheap 4-step calls (both with and without partial sums) on a
     * daemon thread, until they run at compiled speed (or a cap), so that no caller waits for it.
     */
    static void warmUpInBackground() {
        Thread t = new Thread(MicroKernels::warmUp, "tenfold-gemm-warmup");
        t.setDaemon(true);
        t.start();
    }

    private static void warmUp() {
        int kc = 4;
        float[] a = new float[MR * KA], b = new float[kc * NR], c = new float[MR * NR];
        int fastInARow = 0;
        for (int i = 0; i < 200_000 && fastInARow < 5_000; i++) {
            float[] in = (i & 1) == 0 ? null : c;
            long t0 = System.nanoTime();
            tile(MR, kc, a, 0, b, 0, in, 0, c, 0);
            narrowTile(MR, kc, a, 0, b, 0, in, 0, c, 0);
            if ((i & 3) == 1) {
                tile(1, kc, a, 0, b, 0, in, 0, c, 0);
                narrowTile(1, kc, a, 0, b, 0, in, 0, c, 0);
            }
            fastInARow = System.nanoTime() - t0 < 2_000 ? fastInARow + 1 : 0;
        }
    }

    static VectorSpecies<Float> pickSpecies(String prop) {
        return switch (prop.trim()) {
            case "128" -> FloatVector.SPECIES_128;
            case "256" -> FloatVector.SPECIES_256;
            case "512" -> FloatVector.SPECIES_512;
            default -> FloatVector.SPECIES_PREFERRED;
        };
    }

    /**
     * One MR×NR tile over {@code kc ≤ KC_MAX} k steps (see the class comment for the layouts).
     * When only {@code rows ≤ 6} rows of a 12-row panel are valid (the last row panel), the
     * 6-row kernel runs instead: it reads the same layout and writes the first 6 tile rows.
     * With MR = 4 the 4-row kernel always runs.
     *
     * @param cIn partial sums to continue from (tile layout), or null to start at zero
     * @param out destination tile (may be {@code cIn} at the same offset)
     */
    static void tile(int rows, int kc, float[] a, int ai, float[] b, int bi,
                     float[] cIn, int cInOff, float[] out, int outOff) {
        if (MR == 4) {
            tile4(kc, a, ai, b, bi, cIn, cInOff, out, outOff);
        } else if (rows > 6) {
            tile12(kc, a, ai, b, bi, cIn, cInOff, out, outOff);
        } else {
            tile6(kc, a, ai, b, bi, cIn, cInOff, out, outOff);
        }
    }

    /**
     * Like {@link #tile} for a B micro-panel of one vector per k step ({@code b[bi + L·p + j]},
     * j < L): the last column panel when at most L columns are left. Tiles keep the row pitch
     * NR; only the first L columns are written.
     */
    static void narrowTile(int rows, int kc, float[] a, int ai, float[] b, int bi,
                           float[] cIn, int cInOff, float[] out, int outOff) {
        if (MR == 4) {
            narrow4(kc, a, ai, b, bi, cIn, cInOff, out, outOff);
        } else if (rows > 6) {
            narrow12(kc, a, ai, b, bi, cIn, cInOff, out, outOff);
        } else {
            narrow6(kc, a, ai, b, bi, cIn, cInOff, out, outOff);
        }
    }

    private static void tile12(int kc, float[] a, int ai, float[] b, int bi,
                                    float[] cIn, int cInOff, float[] out, int outOff) {
        FloatVector c0a, c0b, c1a, c1b, c2a, c2b, c3a, c3b;
        FloatVector c4a, c4b, c5a, c5b, c6a, c6b, c7a, c7b;
        FloatVector c8a, c8b, c9a, c9b, c10a, c10b, c11a, c11b;
        if (cIn == null) {
            FloatVector z = FloatVector.zero(F);
            c0a = z; c0b = z; c1a = z; c1b = z; c2a = z; c2b = z; c3a = z; c3b = z; c4a = z;
            c4b = z; c5a = z; c5b = z; c6a = z; c6b = z; c7a = z; c7b = z; c8a = z; c8b = z;
            c9a = z; c9b = z; c10a = z; c10b = z; c11a = z; c11b = z;
        } else {
            c0a = FloatVector.fromArray(F, cIn, cInOff);
            c0b = FloatVector.fromArray(F, cIn, cInOff + L);
            c1a = FloatVector.fromArray(F, cIn, cInOff + 2 * L);
            c1b = FloatVector.fromArray(F, cIn, cInOff + 3 * L);
            c2a = FloatVector.fromArray(F, cIn, cInOff + 4 * L);
            c2b = FloatVector.fromArray(F, cIn, cInOff + 5 * L);
            c3a = FloatVector.fromArray(F, cIn, cInOff + 6 * L);
            c3b = FloatVector.fromArray(F, cIn, cInOff + 7 * L);
            c4a = FloatVector.fromArray(F, cIn, cInOff + 8 * L);
            c4b = FloatVector.fromArray(F, cIn, cInOff + 9 * L);
            c5a = FloatVector.fromArray(F, cIn, cInOff + 10 * L);
            c5b = FloatVector.fromArray(F, cIn, cInOff + 11 * L);
            c6a = FloatVector.fromArray(F, cIn, cInOff + 12 * L);
            c6b = FloatVector.fromArray(F, cIn, cInOff + 13 * L);
            c7a = FloatVector.fromArray(F, cIn, cInOff + 14 * L);
            c7b = FloatVector.fromArray(F, cIn, cInOff + 15 * L);
            c8a = FloatVector.fromArray(F, cIn, cInOff + 16 * L);
            c8b = FloatVector.fromArray(F, cIn, cInOff + 17 * L);
            c9a = FloatVector.fromArray(F, cIn, cInOff + 18 * L);
            c9b = FloatVector.fromArray(F, cIn, cInOff + 19 * L);
            c10a = FloatVector.fromArray(F, cIn, cInOff + 20 * L);
            c10b = FloatVector.fromArray(F, cIn, cInOff + 21 * L);
            c11a = FloatVector.fromArray(F, cIn, cInOff + 22 * L);
            c11b = FloatVector.fromArray(F, cIn, cInOff + 23 * L);
        }
        for (int p = 0; p < kc; p++) {
            FloatVector b0 = FloatVector.fromArray(F, b, bi);
            FloatVector b1 = FloatVector.fromArray(F, b, bi + L);
            FloatVector a0 = FloatVector.broadcast(F, a[ai]);
            c0a = a0.fma(b0, c0a);
            c0b = a0.fma(b1, c0b);
            FloatVector a1 = FloatVector.broadcast(F, a[ai + KA]);
            c1a = a1.fma(b0, c1a);
            c1b = a1.fma(b1, c1b);
            FloatVector a2 = FloatVector.broadcast(F, a[ai + 2 * KA]);
            c2a = a2.fma(b0, c2a);
            c2b = a2.fma(b1, c2b);
            FloatVector a3 = FloatVector.broadcast(F, a[ai + 3 * KA]);
            c3a = a3.fma(b0, c3a);
            c3b = a3.fma(b1, c3b);
            FloatVector a4 = FloatVector.broadcast(F, a[ai + 4 * KA]);
            c4a = a4.fma(b0, c4a);
            c4b = a4.fma(b1, c4b);
            FloatVector a5 = FloatVector.broadcast(F, a[ai + 5 * KA]);
            c5a = a5.fma(b0, c5a);
            c5b = a5.fma(b1, c5b);
            FloatVector a6 = FloatVector.broadcast(F, a[ai + 6 * KA]);
            c6a = a6.fma(b0, c6a);
            c6b = a6.fma(b1, c6b);
            FloatVector a7 = FloatVector.broadcast(F, a[ai + 7 * KA]);
            c7a = a7.fma(b0, c7a);
            c7b = a7.fma(b1, c7b);
            FloatVector a8 = FloatVector.broadcast(F, a[ai + 8 * KA]);
            c8a = a8.fma(b0, c8a);
            c8b = a8.fma(b1, c8b);
            FloatVector a9 = FloatVector.broadcast(F, a[ai + 9 * KA]);
            c9a = a9.fma(b0, c9a);
            c9b = a9.fma(b1, c9b);
            FloatVector a10 = FloatVector.broadcast(F, a[ai + 10 * KA]);
            c10a = a10.fma(b0, c10a);
            c10b = a10.fma(b1, c10b);
            FloatVector a11 = FloatVector.broadcast(F, a[ai + 11 * KA]);
            c11a = a11.fma(b0, c11a);
            c11b = a11.fma(b1, c11b);
            ai += 1;
            bi += NR;
        }
        c0a.intoArray(out, outOff);
        c0b.intoArray(out, outOff + L);
        c1a.intoArray(out, outOff + 2 * L);
        c1b.intoArray(out, outOff + 3 * L);
        c2a.intoArray(out, outOff + 4 * L);
        c2b.intoArray(out, outOff + 5 * L);
        c3a.intoArray(out, outOff + 6 * L);
        c3b.intoArray(out, outOff + 7 * L);
        c4a.intoArray(out, outOff + 8 * L);
        c4b.intoArray(out, outOff + 9 * L);
        c5a.intoArray(out, outOff + 10 * L);
        c5b.intoArray(out, outOff + 11 * L);
        c6a.intoArray(out, outOff + 12 * L);
        c6b.intoArray(out, outOff + 13 * L);
        c7a.intoArray(out, outOff + 14 * L);
        c7b.intoArray(out, outOff + 15 * L);
        c8a.intoArray(out, outOff + 16 * L);
        c8b.intoArray(out, outOff + 17 * L);
        c9a.intoArray(out, outOff + 18 * L);
        c9b.intoArray(out, outOff + 19 * L);
        c10a.intoArray(out, outOff + 20 * L);
        c10b.intoArray(out, outOff + 21 * L);
        c11a.intoArray(out, outOff + 22 * L);
        c11b.intoArray(out, outOff + 23 * L);
    }

    private static void tile6(int kc, float[] a, int ai, float[] b, int bi,
                                    float[] cIn, int cInOff, float[] out, int outOff) {
        FloatVector c0a, c0b, c1a, c1b, c2a, c2b, c3a, c3b;
        FloatVector c4a, c4b, c5a, c5b;
        if (cIn == null) {
            FloatVector z = FloatVector.zero(F);
            c0a = z; c0b = z; c1a = z; c1b = z; c2a = z; c2b = z; c3a = z; c3b = z; c4a = z;
            c4b = z; c5a = z; c5b = z;
        } else {
            c0a = FloatVector.fromArray(F, cIn, cInOff);
            c0b = FloatVector.fromArray(F, cIn, cInOff + L);
            c1a = FloatVector.fromArray(F, cIn, cInOff + 2 * L);
            c1b = FloatVector.fromArray(F, cIn, cInOff + 3 * L);
            c2a = FloatVector.fromArray(F, cIn, cInOff + 4 * L);
            c2b = FloatVector.fromArray(F, cIn, cInOff + 5 * L);
            c3a = FloatVector.fromArray(F, cIn, cInOff + 6 * L);
            c3b = FloatVector.fromArray(F, cIn, cInOff + 7 * L);
            c4a = FloatVector.fromArray(F, cIn, cInOff + 8 * L);
            c4b = FloatVector.fromArray(F, cIn, cInOff + 9 * L);
            c5a = FloatVector.fromArray(F, cIn, cInOff + 10 * L);
            c5b = FloatVector.fromArray(F, cIn, cInOff + 11 * L);
        }
        for (int p = 0; p < kc; p++) {
            FloatVector b0 = FloatVector.fromArray(F, b, bi);
            FloatVector b1 = FloatVector.fromArray(F, b, bi + L);
            FloatVector a0 = FloatVector.broadcast(F, a[ai]);
            c0a = a0.fma(b0, c0a);
            c0b = a0.fma(b1, c0b);
            FloatVector a1 = FloatVector.broadcast(F, a[ai + KA]);
            c1a = a1.fma(b0, c1a);
            c1b = a1.fma(b1, c1b);
            FloatVector a2 = FloatVector.broadcast(F, a[ai + 2 * KA]);
            c2a = a2.fma(b0, c2a);
            c2b = a2.fma(b1, c2b);
            FloatVector a3 = FloatVector.broadcast(F, a[ai + 3 * KA]);
            c3a = a3.fma(b0, c3a);
            c3b = a3.fma(b1, c3b);
            FloatVector a4 = FloatVector.broadcast(F, a[ai + 4 * KA]);
            c4a = a4.fma(b0, c4a);
            c4b = a4.fma(b1, c4b);
            FloatVector a5 = FloatVector.broadcast(F, a[ai + 5 * KA]);
            c5a = a5.fma(b0, c5a);
            c5b = a5.fma(b1, c5b);
            ai += 1;
            bi += NR;
        }
        c0a.intoArray(out, outOff);
        c0b.intoArray(out, outOff + L);
        c1a.intoArray(out, outOff + 2 * L);
        c1b.intoArray(out, outOff + 3 * L);
        c2a.intoArray(out, outOff + 4 * L);
        c2b.intoArray(out, outOff + 5 * L);
        c3a.intoArray(out, outOff + 6 * L);
        c3b.intoArray(out, outOff + 7 * L);
        c4a.intoArray(out, outOff + 8 * L);
        c4b.intoArray(out, outOff + 9 * L);
        c5a.intoArray(out, outOff + 10 * L);
        c5b.intoArray(out, outOff + 11 * L);
    }

    private static void narrow12(int kc, float[] a, int ai, float[] b, int bi,
                                    float[] cIn, int cInOff, float[] out, int outOff) {
        FloatVector c0, c1, c2, c3, c4, c5, c6, c7;
        FloatVector c8, c9, c10, c11;
        if (cIn == null) {
            FloatVector z = FloatVector.zero(F);
            c0 = z; c1 = z; c2 = z; c3 = z; c4 = z; c5 = z; c6 = z; c7 = z; c8 = z; c9 = z;
            c10 = z; c11 = z;
        } else {
            c0 = FloatVector.fromArray(F, cIn, cInOff);
            c1 = FloatVector.fromArray(F, cIn, cInOff + NR);
            c2 = FloatVector.fromArray(F, cIn, cInOff + 2 * NR);
            c3 = FloatVector.fromArray(F, cIn, cInOff + 3 * NR);
            c4 = FloatVector.fromArray(F, cIn, cInOff + 4 * NR);
            c5 = FloatVector.fromArray(F, cIn, cInOff + 5 * NR);
            c6 = FloatVector.fromArray(F, cIn, cInOff + 6 * NR);
            c7 = FloatVector.fromArray(F, cIn, cInOff + 7 * NR);
            c8 = FloatVector.fromArray(F, cIn, cInOff + 8 * NR);
            c9 = FloatVector.fromArray(F, cIn, cInOff + 9 * NR);
            c10 = FloatVector.fromArray(F, cIn, cInOff + 10 * NR);
            c11 = FloatVector.fromArray(F, cIn, cInOff + 11 * NR);
        }
        for (int p = 0; p < kc; p++) {
            FloatVector b0 = FloatVector.fromArray(F, b, bi);
            c0 = FloatVector.broadcast(F, a[ai]).fma(b0, c0);
            c1 = FloatVector.broadcast(F, a[ai + KA]).fma(b0, c1);
            c2 = FloatVector.broadcast(F, a[ai + 2 * KA]).fma(b0, c2);
            c3 = FloatVector.broadcast(F, a[ai + 3 * KA]).fma(b0, c3);
            c4 = FloatVector.broadcast(F, a[ai + 4 * KA]).fma(b0, c4);
            c5 = FloatVector.broadcast(F, a[ai + 5 * KA]).fma(b0, c5);
            c6 = FloatVector.broadcast(F, a[ai + 6 * KA]).fma(b0, c6);
            c7 = FloatVector.broadcast(F, a[ai + 7 * KA]).fma(b0, c7);
            c8 = FloatVector.broadcast(F, a[ai + 8 * KA]).fma(b0, c8);
            c9 = FloatVector.broadcast(F, a[ai + 9 * KA]).fma(b0, c9);
            c10 = FloatVector.broadcast(F, a[ai + 10 * KA]).fma(b0, c10);
            c11 = FloatVector.broadcast(F, a[ai + 11 * KA]).fma(b0, c11);
            ai++;
            bi += L;
        }
        c0.intoArray(out, outOff);
        c1.intoArray(out, outOff + NR);
        c2.intoArray(out, outOff + 2 * NR);
        c3.intoArray(out, outOff + 3 * NR);
        c4.intoArray(out, outOff + 4 * NR);
        c5.intoArray(out, outOff + 5 * NR);
        c6.intoArray(out, outOff + 6 * NR);
        c7.intoArray(out, outOff + 7 * NR);
        c8.intoArray(out, outOff + 8 * NR);
        c9.intoArray(out, outOff + 9 * NR);
        c10.intoArray(out, outOff + 10 * NR);
        c11.intoArray(out, outOff + 11 * NR);
    }

    private static void narrow6(int kc, float[] a, int ai, float[] b, int bi,
                                    float[] cIn, int cInOff, float[] out, int outOff) {
        FloatVector c0, c1, c2, c3, c4, c5;
        if (cIn == null) {
            FloatVector z = FloatVector.zero(F);
            c0 = z; c1 = z; c2 = z; c3 = z; c4 = z; c5 = z;
        } else {
            c0 = FloatVector.fromArray(F, cIn, cInOff);
            c1 = FloatVector.fromArray(F, cIn, cInOff + NR);
            c2 = FloatVector.fromArray(F, cIn, cInOff + 2 * NR);
            c3 = FloatVector.fromArray(F, cIn, cInOff + 3 * NR);
            c4 = FloatVector.fromArray(F, cIn, cInOff + 4 * NR);
            c5 = FloatVector.fromArray(F, cIn, cInOff + 5 * NR);
        }
        for (int p = 0; p < kc; p++) {
            FloatVector b0 = FloatVector.fromArray(F, b, bi);
            c0 = FloatVector.broadcast(F, a[ai]).fma(b0, c0);
            c1 = FloatVector.broadcast(F, a[ai + KA]).fma(b0, c1);
            c2 = FloatVector.broadcast(F, a[ai + 2 * KA]).fma(b0, c2);
            c3 = FloatVector.broadcast(F, a[ai + 3 * KA]).fma(b0, c3);
            c4 = FloatVector.broadcast(F, a[ai + 4 * KA]).fma(b0, c4);
            c5 = FloatVector.broadcast(F, a[ai + 5 * KA]).fma(b0, c5);
            ai++;
            bi += L;
        }
        c0.intoArray(out, outOff);
        c1.intoArray(out, outOff + NR);
        c2.intoArray(out, outOff + 2 * NR);
        c3.intoArray(out, outOff + 3 * NR);
        c4.intoArray(out, outOff + 4 * NR);
        c5.intoArray(out, outOff + 5 * NR);
    }

    private static void tile4(int kc, float[] a, int ai, float[] b, int bi,
                              float[] cIn, int cInOff, float[] out, int outOff) {
        FloatVector c0a, c0b, c1a, c1b, c2a, c2b, c3a, c3b;
        if (cIn == null) {
            FloatVector z = FloatVector.zero(F);
            c0a = z; c0b = z; c1a = z; c1b = z; c2a = z; c2b = z; c3a = z; c3b = z;
        } else {
            c0a = FloatVector.fromArray(F, cIn, cInOff);
            c0b = FloatVector.fromArray(F, cIn, cInOff + L);
            c1a = FloatVector.fromArray(F, cIn, cInOff + 2 * L);
            c1b = FloatVector.fromArray(F, cIn, cInOff + 3 * L);
            c2a = FloatVector.fromArray(F, cIn, cInOff + 4 * L);
            c2b = FloatVector.fromArray(F, cIn, cInOff + 5 * L);
            c3a = FloatVector.fromArray(F, cIn, cInOff + 6 * L);
            c3b = FloatVector.fromArray(F, cIn, cInOff + 7 * L);
        }
        for (int p = 0; p < kc; p++) {
            FloatVector b0 = FloatVector.fromArray(F, b, bi);
            FloatVector b1 = FloatVector.fromArray(F, b, bi + L);
            FloatVector a0 = FloatVector.broadcast(F, a[ai]);
            c0a = a0.fma(b0, c0a);
            c0b = a0.fma(b1, c0b);
            FloatVector a1 = FloatVector.broadcast(F, a[ai + KA]);
            c1a = a1.fma(b0, c1a);
            c1b = a1.fma(b1, c1b);
            FloatVector a2 = FloatVector.broadcast(F, a[ai + 2 * KA]);
            c2a = a2.fma(b0, c2a);
            c2b = a2.fma(b1, c2b);
            FloatVector a3 = FloatVector.broadcast(F, a[ai + 3 * KA]);
            c3a = a3.fma(b0, c3a);
            c3b = a3.fma(b1, c3b);
            ai += 1;
            bi += NR;
        }
        c0a.intoArray(out, outOff);
        c0b.intoArray(out, outOff + L);
        c1a.intoArray(out, outOff + 2 * L);
        c1b.intoArray(out, outOff + 3 * L);
        c2a.intoArray(out, outOff + 4 * L);
        c2b.intoArray(out, outOff + 5 * L);
        c3a.intoArray(out, outOff + 6 * L);
        c3b.intoArray(out, outOff + 7 * L);
    }

    private static void narrow4(int kc, float[] a, int ai, float[] b, int bi,
                                float[] cIn, int cInOff, float[] out, int outOff) {
        FloatVector c0, c1, c2, c3;
        if (cIn == null) {
            FloatVector z = FloatVector.zero(F);
            c0 = z; c1 = z; c2 = z; c3 = z;
        } else {
            c0 = FloatVector.fromArray(F, cIn, cInOff);
            c1 = FloatVector.fromArray(F, cIn, cInOff + NR);
            c2 = FloatVector.fromArray(F, cIn, cInOff + 2 * NR);
            c3 = FloatVector.fromArray(F, cIn, cInOff + 3 * NR);
        }
        for (int p = 0; p < kc; p++) {
            FloatVector b0 = FloatVector.fromArray(F, b, bi);
            c0 = FloatVector.broadcast(F, a[ai]).fma(b0, c0);
            c1 = FloatVector.broadcast(F, a[ai + KA]).fma(b0, c1);
            c2 = FloatVector.broadcast(F, a[ai + 2 * KA]).fma(b0, c2);
            c3 = FloatVector.broadcast(F, a[ai + 3 * KA]).fma(b0, c3);
            ai++;
            bi += L;
        }
        c0.intoArray(out, outOff);
        c1.intoArray(out, outOff + NR);
        c2.intoArray(out, outOff + 2 * NR);
        c3.intoArray(out, outOff + 3 * NR);
    }
}
