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
 * {@code b[bi + NR·p + j]}. Tiles are stored row-major, MR rows of NR floats; {@code cIn == null}
 * starts from zero. Every element is reduced in k order with one FMA per step, so a tile's bits
 * do not depend on where or by which thread it runs.
 *
 * <p>Register blocking follows the species: 512-bit vectors (32 registers on AVX-512) use 12×2
 * vectors (24 accumulators, 2 B loads and 12 broadcasts per step); narrower species use 6×2
 * vectors (12 accumulators, fits the 16 registers of AVX2). The accumulators are named locals
 * so C2 keeps them in registers; both kernels stay far below the 8000-byte HugeMethodLimit.
 * The two bodies are the same pattern unrolled for MR = 12 and MR = 6.
 */
final class MicroKernels {
    /** Species chosen from {@code -Dtenfold.simd} (128/256/512) or the preferred shape. */
    static final VectorSpecies<Float> F = pickSpecies(System.getProperty(Kernels.PROPERTY, "auto"));
    /** Lanes per vector. */
    static final int L = F.length();
    /** Tile columns (two vectors). */
    static final int NR = 2 * L;
    /** Tile rows. */
    static final int MR = L >= 16 ? 12 : 6;
    /** Largest k block a packed panel holds. */
    static final int KC_MAX = 256;
    /** Row pitch of a packed A micro-panel (KC_MAX plus one cache line against set conflicts). */
    static final int KA = KC_MAX + 16;

    private MicroKernels() { }

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
     *
     * @param cIn partial sums to continue from (tile layout), or null to start at zero
     * @param out destination tile (may be {@code cIn} at the same offset)
     */
    static void tile(int kc, float[] a, int ai, float[] b, int bi,
                     float[] cIn, int cInOff, float[] out, int outOff) {
        if (MR == 12) {
            tile12(kc, a, ai, b, bi, cIn, cInOff, out, outOff);
        } else {
            tile6(kc, a, ai, b, bi, cIn, cInOff, out, outOff);
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
}
