package dev.tenfold.io;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Converts stored numpy elements into native float32, chunk by chunk. Same-width float32 data is
 * one bulk {@link MemorySegment#copy} (byte-swapped by the copy when the order differs); every
 * other dtype is bulk-copied into a heap array of its own type (byte-swapping on the way), then
 * widened or narrowed to {@code float} in a plain array loop that C2 auto-vectorizes, then bulk
 * copied into the destination. Scratch arrays are heap arrays reused across chunks.
 */
final class NpyDecoder {
    /** Elements converted per chunk: bounds the heap scratch to 512 KiB of source + 256 KiB of floats. */
    static final int CHUNK_ELEMENTS = 1 << 16;

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT;

    private final NpyDtype dtype;
    private final float[] floats;
    private final Object scratch;

    NpyDecoder(NpyDtype dtype) {
        this.dtype = dtype;
        boolean direct = dtype.kind() == NpyDtype.Kind.FLOAT && dtype.itemSize() == 4;
        this.floats = direct ? null : new float[CHUNK_ELEMENTS];
        this.scratch = direct ? null : switch (dtype.itemSize()) {
            case 1 -> new byte[CHUNK_ELEMENTS];
            case 2 -> dtype.kind() == NpyDtype.Kind.UNSIGNED ? new char[CHUNK_ELEMENTS] : new short[CHUNK_ELEMENTS];
            case 4 -> new int[CHUNK_ELEMENTS];
            case 8 -> dtype.kind() == NpyDtype.Kind.FLOAT ? new double[CHUNK_ELEMENTS] : new long[CHUNK_ELEMENTS];
            default -> throw new IllegalStateException("item size " + dtype.itemSize());
        };
    }

    /**
     * Converts {@code count} elements starting at byte {@code srcOffset} of {@code src} into floats
     * at byte {@code dstOffset} of {@code dst}.
     */
    void decode(MemorySegment src, long srcOffset, MemorySegment dst, long dstOffset, long count) {
        if (floats == null) {
            MemorySegment.copy(src, ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(dtype.order()), srcOffset,
                    dst, F32, dstOffset, count);
            return;
        }
        long done = 0;
        while (done < count) {
            int n = (int) Math.min(CHUNK_ELEMENTS, count - done);
            convertChunk(src, srcOffset + done * dtype.itemSize(), n);
            MemorySegment.copy(floats, 0, dst, F32, dstOffset + done * Float.BYTES, n);
            done += n;
        }
    }

    private void convertChunk(MemorySegment src, long off, int n) {
        float[] f = floats;
        switch (scratch) {
            case byte[] b -> {
                MemorySegment.copy(src, ValueLayout.JAVA_BYTE, off, b, 0, n);
                switch (dtype.kind()) {
                    case SIGNED -> { for (int i = 0; i < n; i++) f[i] = b[i]; }
                    case UNSIGNED -> { for (int i = 0; i < n; i++) f[i] = b[i] & 0xFF; }
                    default -> { for (int i = 0; i < n; i++) f[i] = b[i] != 0 ? 1f : 0f; } // bool
                }
            }
            case short[] s -> {
                MemorySegment.copy(src, ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(dtype.order()), off, s, 0, n);
                for (int i = 0; i < n; i++) f[i] = s[i];
            }
            case char[] c -> {
                MemorySegment.copy(src, ValueLayout.JAVA_CHAR_UNALIGNED.withOrder(dtype.order()), off, c, 0, n);
                for (int i = 0; i < n; i++) f[i] = c[i];
            }
            case int[] a -> {
                MemorySegment.copy(src, ValueLayout.JAVA_INT_UNALIGNED.withOrder(dtype.order()), off, a, 0, n);
                if (dtype.kind() == NpyDtype.Kind.UNSIGNED) {
                    for (int i = 0; i < n; i++) f[i] = a[i] & 0xFFFFFFFFL;
                } else {
                    for (int i = 0; i < n; i++) f[i] = a[i];
                }
            }
            case double[] d -> {
                MemorySegment.copy(src, ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(dtype.order()), off, d, 0, n);
                for (int i = 0; i < n; i++) f[i] = (float) d[i];
            }
            case long[] l -> {
                MemorySegment.copy(src, ValueLayout.JAVA_LONG_UNALIGNED.withOrder(dtype.order()), off, l, 0, n);
                if (dtype.kind() == NpyDtype.Kind.UNSIGNED) {
                    for (int i = 0; i < n; i++) f[i] = unsignedToFloat(l[i]);
                } else {
                    for (int i = 0; i < n; i++) f[i] = l[i];
                }
            }
            default -> throw new IllegalStateException("scratch " + scratch);
        }
    }

    /**
     * The float nearest to {@code v} read as an unsigned 64-bit integer (ties to even). Values
     * ≥ 2^63 are halved keeping the lost bit as a sticky bit, converted, then doubled: exact
     * because the halved value has more than 24 significant bits, so the sticky bit only breaks
     * ties the way the full value would.
     */
    static float unsignedToFloat(long v) {
        if (v >= 0) return v;
        return ((v >>> 1) | (v & 1)) * 2f;
    }
}
