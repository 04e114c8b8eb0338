package dev.tenfold.io;

import static dev.tenfold.io.NpyTestSupport.arange;
import static dev.tenfold.io.NpyTestSupport.assertBits;
import static dev.tenfold.io.NpyTestSupport.resource;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tenfold.tensor.Tensor;
import dev.tenfold.tensor.TensorScope;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reads the numpy-made files under src/test/resources/dev/tenfold/io/ (made once by
 * make_golden.py with numpy 1.24) and compares with hard-coded values; checks that the writer
 * reproduces numpy's bytes exactly.
 */
class NpyGoldenTest {

    /** Reads {@code name} through the mapped-file path and the stream path; both must agree. */
    private static void check(String name, float[] expected, int... dims) throws IOException {
        try (TensorScope scope = TensorScope.open()) {
            assertBits(expected, dims, Npy.read(scope, resource(name)));
            try (InputStream in = Files.newInputStream(resource(name))) {
                assertBits(expected, dims, Npy.read(scope, in));
                assertEquals(-1, in.read(), "stream left after the array's last byte");
            }
        }
    }

    @Test
    void float32COrder() throws IOException {
        check("f4_c_2x3.npy", new float[] {-1f, -0.5f, 0f, 0.5f, 1f, 1.5f}, 2, 3);
    }

    @Test
    void float64RoundsToNearestFloat() throws IOException {
        check("f8_2x3.npy", new float[] {(float) 0.1, (float) (1.0 / 3), -2.5f, Float.POSITIVE_INFINITY, -0.0f, 16777216f}, 2, 3);
    }

    @Test
    void signedIntegers() throws IOException {
        check("i1_4.npy", new float[] {-128, -1, 0, 127}, 4);
        check("i2_be_4.npy", new float[] {-32768, -2, 3, 32767}, 4);
        check("i4_6.npy", new float[] {-0x1p31f, -1, 0, 1, 16777216f, 0x1p31f}, 6);
        check("i8_5.npy", new float[] {-0x1p63f, -1, 0, 0x1p53f, 0x1p63f}, 5);
    }

    @Test
    void unsignedIntegers() throws IOException {
        check("u1_5.npy", new float[] {0, 1, 127, 128, 255}, 5);
        check("u2_3.npy", new float[] {0, 40000, 65535}, 3);
        check("u4_be_3.npy", new float[] {0, 3.0e9f, 0x1p32f}, 3);
        check("u8_3.npy", new float[] {0, 0x1p63f, 0x1p64f}, 3);
    }

    @Test
    void boolBecomesZeroOrOne() throws IOException {
        check("b1_2x2.npy", new float[] {1, 0, 1, 1}, 2, 2);
    }

    @Test
    void bigEndianFloat32() throws IOException {
        check("f4_be_3x2.npy", new float[] {0f, 1.25f, 2.5f, 3.75f, 5f, 6.25f}, 3, 2);
    }

    @Test
    void fortranOrderGivesTheLogicalArray() throws IOException {
        check("f4_fortran_3x4.npy", arange(12), 3, 4);
        float[] minus5 = arange(12);
        for (int i = 0; i < 12; i++) minus5[i] -= 5;
        check("f8_be_fortran_2x3x2.npy", minus5, 2, 3, 2);
        try (TensorScope scope = TensorScope.open()) {
            Tensor t = Npy.read(scope, resource("f4_fortran_3x4.npy"));
            assertTrue(t.isContiguous());
            assertEquals(6f, t.get(1, 2)); // element [1][2] of arange(12).reshape(3, 4)
        }
    }

    @Test
    void ranksZeroOneAndFour() throws IOException {
        check("f4_rank0.npy", new float[] {3.5f});
        check("f4_rank1.npy", arange(5), 5);
        check("f4_4d.npy", arange(24), 2, 3, 1, 4);
        try (TensorScope scope = TensorScope.open()) {
            Tensor scalar = Npy.read(scope, resource("f4_rank0.npy"));
            assertEquals(0, scalar.rank());
            assertEquals(3.5f, scalar.item());
        }
    }

    @Test
    void headerOfFortranFile() throws IOException {
        NpyHeader h = Npy.readHeader(resource("f4_fortran_3x4.npy"));
        assertEquals("<f4", h.descr());
        assertTrue(h.fortranOrder());
        assertArrayEquals(new int[] {3, 4}, h.shape().dims());
        assertEquals(1, h.version());
        assertEquals(128, h.dataOffset());
        assertEquals(48, h.dataBytes());
        assertFalse(Npy.readHeader(resource("i8_5.npy")).fortranOrder());
    }

    @Test
    void writerIsByteIdenticalToNumpy(@TempDir Path dir) throws IOException {
        try (TensorScope scope = TensorScope.open()) {
            Map<String, Tensor> cases = Map.of(
                    "f4_c_2x3.npy", scope.fromArray(new float[] {-1f, -0.5f, 0f, 0.5f, 1f, 1.5f}, 2, 3),
                    "f4_rank0.npy", scope.scalar(3.5f),
                    "f4_rank1.npy", scope.arange(5),
                    "f4_4d.npy", scope.arange(24).reshape(2, 3, 1, 4));
            for (var e : cases.entrySet()) {
                byte[] golden = Files.readAllBytes(resource(e.getKey()));
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                Npy.write(e.getValue(), out);
                assertArrayEquals(golden, out.toByteArray(), e.getKey() + " (stream)");
                Path file = dir.resolve(e.getKey());
                Npy.write(e.getValue(), file);
                assertArrayEquals(golden, Files.readAllBytes(file), e.getKey() + " (file)");
            }
            // A transposed view is written as its logical (C-order) content: numpy's bytes for arange(12).reshape(3, 4).
            Tensor fortranLike = scope.arange(12).reshape(4, 3).t();
            assertFalse(fortranLike.isContiguous());
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Npy.write(fortranLike, out);
            try (TensorScope s2 = TensorScope.open()) {
                Tensor back = Npy.read(s2, new java.io.ByteArrayInputStream(out.toByteArray()));
                assertBits(NpyTestSupport.elementsByIndex(fortranLike), new int[] {3, 4}, back);
            }
        }
    }

    @Test
    void numpyArchivesStoredAndCompressed() throws IOException {
        for (String name : List.of("savez.npz", "savez_compressed.npz")) {
            try (TensorScope scope = TensorScope.open()) {
                Map<String, Tensor> m = Npz.read(scope, resource(name));
                assertEquals(List.of("z", "a", "m"), List.copyOf(m.keySet()), name + " keeps archive order");
                assertBits(arange(6), new int[] {2, 3}, m.get("z"));
                assertBits(new float[] {0.5f, -1.5f, 2.25f}, new int[] {3}, m.get("a"));
                assertBits(new float[] {7f}, new int[] {}, m.get("m"));
            }
        }
    }
}
