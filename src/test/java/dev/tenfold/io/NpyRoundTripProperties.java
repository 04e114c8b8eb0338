package dev.tenfold.io;

import static dev.tenfold.io.NpyTestSupport.assertBits;
import static dev.tenfold.io.NpyTestSupport.elementsByIndex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.tenfold.tensor.Tensor;
import dev.tenfold.tensor.TensorScope;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Property tests: random shapes and values round-trip bit-exactly through write/read (also for
 * non-contiguous views), and every readable dtype, byte order and memory order decodes to the
 * value an independent oracle gives.
 */
class NpyRoundTripProperties {
    @TempDir
    Path dir;

    private static int[] randomDims(SplittableRandom r, int rank) {
        int[] dims = new int[rank];
        for (int i = 0; i < rank; i++) dims[i] = 1 + r.nextInt(7);
        return dims;
    }

    private static float[] randomFloatBits(SplittableRandom r, long n) {
        float[] v = new float[(int) n];
        for (int i = 0; i < v.length; i++) v[i] = Float.intBitsToFloat(r.nextInt()); // every pattern: NaN payloads, -0, subnormals
        return v;
    }

    /** Writes then reads {@code t} through a byte stream or (alternately) a file. */
    private Tensor roundTrip(TensorScope readScope, Tensor t, boolean viaFile) {
        try {
            if (viaFile) {
                Path f = dir.resolve("x.npy");
                Npy.write(t, f);
                return Npy.read(readScope, f);
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Npy.write(t, out);
            ByteArrayInputStream in = new ByteArrayInputStream(out.toByteArray());
            Tensor back = Npy.read(readScope, in);
            assertEquals(0, in.available(), "reader must consume exactly header + data");
            return back;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void randomTensorsRoundTripBitExactly() {
        qt().withExamples(300).forAll(integers().between(0, 5), longs().all()).checkAssert((rank, seed) -> {
            SplittableRandom r = new SplittableRandom(seed);
            int[] dims = randomDims(r, rank);
            try (TensorScope scope = TensorScope.open()) {
                long size = 1;
                for (int d : dims) size *= d;
                float[] values = randomFloatBits(r, size);
                Tensor t = scope.fromArray(values, dims);
                assertBits(values, dims, roundTrip(scope, t, r.nextBoolean()));
            }
        });
    }

    @Test
    void viewsRoundTripAsTheirLogicalContent() {
        qt().withExamples(300).forAll(integers().between(1, 5), longs().all()).checkAssert((rank, seed) -> {
            SplittableRandom r = new SplittableRandom(seed);
            int[] dims = randomDims(r, rank);
            try (TensorScope scope = TensorScope.open()) {
                long size = 1;
                for (int d : dims) size *= d;
                Tensor base = scope.fromArray(randomFloatBits(r, size), dims);
                Tensor view = randomView(r, base);
                float[] expected = elementsByIndex(view);
                long before = scope.allocatedBytes();
                Tensor back = roundTrip(scope, view, r.nextBoolean());
                assertEquals(before + 4 * view.size(), scope.allocatedBytes(),
                        "writing a view must not allocate in the view's scope");
                assertBits(expected, view.dims(), back);
            }
        });
    }

    /** A permuted, strided, narrowed or broadcast view of {@code t} (often not contiguous). */
    private static Tensor randomView(SplittableRandom r, Tensor t) {
        int rank = t.rank();
        switch (r.nextInt(4)) {
            case 0 -> {
                int[] perm = new int[rank];
                for (int i = 0; i < rank; i++) perm[i] = i;
                for (int i = rank - 1; i > 0; i--) {
                    int j = r.nextInt(i + 1);
                    int tmp = perm[i];
                    perm[i] = perm[j];
                    perm[j] = tmp;
                }
                return t.permute(perm);
            }
            case 1 -> {
                int axis = r.nextInt(rank);
                int start = r.nextInt(t.dim(axis));
                return t.slice(axis, start, t.dim(axis), 1 + r.nextInt(3));
            }
            case 2 -> {
                int axis = r.nextInt(rank);
                int start = r.nextInt(t.dim(axis));
                return t.narrow(axis, start, t.dim(axis) - start).transpose(0, rank - 1);
            }
            default -> {
                int[] dims = new int[rank + 1];
                dims[0] = 1 + r.nextInt(3);
                System.arraycopy(t.dims(), 0, dims, 1, rank);
                return t.broadcastTo(dims);
            }
        }
    }

    // ------------------------------------------------------------------ dtype conversions

    private record Dtype(char code, int size) { }

    private static final Dtype[] DTYPES = {
        new Dtype('f', 4), new Dtype('f', 8), new Dtype('b', 1),
        new Dtype('i', 1), new Dtype('i', 2), new Dtype('i', 4), new Dtype('i', 8),
        new Dtype('u', 1), new Dtype('u', 2), new Dtype('u', 4), new Dtype('u', 8),
    };

    /** A raw stored value of {@code dt} (bits for floats), spread over many magnitudes. */
    private static long randomRaw(SplittableRandom r, Dtype dt) {
        if (dt.code == 'b') return r.nextInt(2);
        long v = r.nextLong() >> r.nextInt(64);
        return dt.size == 8 ? v : v & ((1L << (8 * dt.size)) - 1);
    }

    /** The float32 an independent route gives for a raw stored value. */
    private static float oracle(long raw, Dtype dt) {
        int bits = 8 * dt.size;
        return switch (dt.code) {
            case 'f' -> dt.size == 4 ? Float.intBitsToFloat((int) raw) : (float) Double.longBitsToDouble(raw);
            case 'b' -> raw != 0 ? 1f : 0f;
            case 'i' -> Float.parseFloat(Long.toString(bits == 64 ? raw : (raw << (64 - bits)) >> (64 - bits)));
            default -> Float.parseFloat(Long.toUnsignedString(raw));
        };
    }

    /** Stores raw values (given in logical C order) in C or Fortran order with the given byte order. */
    private static byte[] store(long[] raw, int[] dims, Dtype dt, ByteOrder order, boolean fortran) {
        ByteBuffer b = ByteBuffer.allocate(raw.length * dt.size).order(order);
        int[] idx = new int[dims.length];
        for (int c = 0; c < raw.length; c++) {
            int pos = c;
            if (fortran) {
                pos = 0;
                for (int a = dims.length - 1; a >= 0; a--) pos = pos * dims[a] + idx[a];
            }
            int at = pos * dt.size;
            switch (dt.size) {
                case 1 -> b.put(at, (byte) raw[c]);
                case 2 -> b.putShort(at, (short) raw[c]);
                case 4 -> b.putInt(at, (int) raw[c]);
                default -> b.putLong(at, raw[c]);
            }
            for (int a = dims.length - 1; a >= 0; a--) {
                if (++idx[a] < dims[a]) break;
                idx[a] = 0;
            }
        }
        return b.array();
    }

    private static String descr(Dtype dt, ByteOrder order) {
        char o = dt.size == 1 ? '|' : order == ByteOrder.LITTLE_ENDIAN ? '<' : '>';
        return "" + o + dt.code + dt.size;
    }

    private static String tuple(int[] dims) {
        if (dims.length == 1) return "(" + dims[0] + ",)";
        return Arrays.toString(dims).replace('[', '(').replace(']', ')');
    }

    private static void assertSameFloats(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            boolean same = Float.floatToRawIntBits(expected[i]) == Float.floatToRawIntBits(actual[i])
                    || (Float.isNaN(expected[i]) && Float.isNaN(actual[i]));
            if (!same) fail(what + ": element " + i + " expected " + expected[i] + " got " + actual[i]);
        }
    }

    /** Reads a hand-made .npy image both as a stream and as a file and checks against the oracle. */
    private void checkDecode(int[] dims, Dtype dt, ByteOrder order, boolean fortran, long[] raw) throws IOException {
        String dict = "{'descr': '" + descr(dt, order) + "', 'fortran_order': " + (fortran ? "True" : "False")
                + ", 'shape': " + tuple(dims) + ", }";
        byte[] file = NpyTestSupport.npy(dict, store(raw, dims, dt, order, fortran));
        float[] expected = new float[raw.length];
        for (int i = 0; i < raw.length; i++) expected[i] = oracle(raw[i], dt);
        String what = dict;
        try (TensorScope scope = TensorScope.open()) {
            Tensor a = Npy.read(scope, new ByteArrayInputStream(file));
            assertArrayEquals(dims, a.dims(), what);
            assertSameFloats(expected, a.toArray(), what + " (stream)");
            Path f = dir.resolve("conv.npy");
            Files.write(f, file);
            assertSameFloats(expected, Npy.read(scope, f).toArray(), what + " (file)");
        }
    }

    @Test
    void everyDtypeOrderAndLayoutDecodesLikeTheOracle() {
        qt().withExamples(400).forAll(integers().between(0, 4), longs().all()).checkAssert((rank, seed) -> {
            SplittableRandom r = new SplittableRandom(seed);
            int[] dims = randomDims(r, rank);
            Dtype dt = DTYPES[r.nextInt(DTYPES.length)];
            ByteOrder order = r.nextBoolean() ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
            long[] raw = new long[(int) Arrays.stream(dims).asLongStream().reduce(1, (x, y) -> x * y)];
            for (int i = 0; i < raw.length; i++) raw[i] = randomRaw(r, dt);
            try {
                checkDecode(dims, dt, order, r.nextBoolean(), raw);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** Arrays bigger than one conversion chunk (64 Ki elements) and one stream chunk (1 MiB). */
    @Test
    void largeArraysCrossChunkBoundaries() throws IOException {
        SplittableRandom r = new SplittableRandom(7);
        int[] dims = {3, 66_667, 1};
        for (Dtype dt : new Dtype[] {new Dtype('f', 4), new Dtype('f', 8), new Dtype('u', 2), new Dtype('i', 8)}) {
            for (ByteOrder order : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
                long[] raw = new long[3 * 66_667];
                for (int i = 0; i < raw.length; i++) raw[i] = randomRaw(r, dt);
                checkDecode(dims, dt, order, dt.size == 8, raw);
            }
        }
        try (TensorScope scope = TensorScope.open()) { // write side: several 1 MiB chunks
            float[] values = randomFloatBits(r, 700_001);
            assertBits(values, new int[] {700_001}, roundTrip(scope, scope.fromArray(values, 700_001), false));
            assertBits(values, new int[] {700_001}, roundTrip(scope, scope.fromArray(values, 700_001), true));
        }
    }

    @Test
    void unsignedLongConversionRoundsToNearestEven() {
        long[] cases = {-1L, Long.MIN_VALUE, Long.MIN_VALUE + 1, 0xFFFF_FF80_0000_0000L, 0xFFFF_FF7F_FFFF_FFFFL,
            0xFFFF_FF80_0000_0001L, 0x8000_0080_0000_0000L, 0x8000_0180_0000_0000L, 0x8000_0080_0000_0001L};
        for (long v : cases) {
            assertEquals(Float.parseFloat(Long.toUnsignedString(v)), NpyDecoder.unsignedToFloat(v), Long.toUnsignedString(v));
        }
        SplittableRandom r = new SplittableRandom(11);
        for (int i = 0; i < 100_000; i++) {
            long v = r.nextLong() | Long.MIN_VALUE;
            v &= ~((1L << r.nextInt(40)) - 1); // many trailing zeros → many exact ties
            assertEquals(Float.parseFloat(Long.toUnsignedString(v)), NpyDecoder.unsignedToFloat(v), Long.toUnsignedString(v));
        }
    }
}
