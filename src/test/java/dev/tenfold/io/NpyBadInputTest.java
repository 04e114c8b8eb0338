package dev.tenfold.io;

import static dev.tenfold.io.NpyTestSupport.npy;
import static dev.tenfold.io.NpyTestSupport.resource;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tenfold.tensor.Tensor;
import dev.tenfold.tensor.TensorScope;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Malformed .npy input: each case must throw {@link NpyFormatException} with a message naming the
 * file and the problem, allocate nothing in the scope (the header and, for files, the data length
 * are checked first) and leave {@link TensorScope#liveBytes()} where it was once the scope closes.
 */
class NpyBadInputTest {
    @TempDir
    Path dir;

    private static final String F4_2x3 = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";

    private static byte[] golden() throws IOException {
        return Files.readAllBytes(resource("f4_c_2x3.npy"));
    }

    /**
     * Reads {@code bytes} from a file and from a stream; both must fail with every fragment in the
     * message (the file's name too), without a leak once the scope closes. The file path must not
     * allocate at all; the stream path neither, unless the header was valid and only the data is
     * short (a stream has no length to check up front).
     */
    private void assertRejected(byte[] bytes, String... fragments) throws IOException {
        Path file = dir.resolve("bad.npy");
        Files.write(file, bytes);
        long live = TensorScope.liveBytes();
        try (TensorScope scope = TensorScope.open()) {
            NpyFormatException e = assertThrows(NpyFormatException.class, () -> Npy.read(scope, file));
            assertMessage(e, fragments);
            assertTrue(e.getMessage().startsWith(file.toString()), "message names the file: " + e.getMessage());
            assertEquals(file.toString(), e.source());
            assertEquals(0, scope.allocatedBytes(), "nothing allocated before header and file length were checked");
        }
        try (TensorScope scope = TensorScope.open()) {
            NpyFormatException s = assertThrows(NpyFormatException.class, () -> Npy.read(scope, new ByteArrayInputStream(bytes)));
            assertMessage(s, fragments);
            assertTrue(s.getMessage().startsWith("<stream>: "), s.getMessage());
            if (!s.getMessage().contains("truncated data")) {
                assertEquals(0, scope.allocatedBytes(), "nothing allocated before the header was valid");
            }
        }
        assertEquals(live, TensorScope.liveBytes());
    }

    private static void assertMessage(Exception e, String... fragments) {
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "message '" + e.getMessage() + "' should contain '" + f + "'");
        }
    }

    private void assertHeaderRejected(String dict, String... fragments) throws IOException {
        assertRejected(npy(dict, new byte[64]), fragments);
    }

    @Test
    void aDirectoryIsRefusedByName() {
        long live = TensorScope.liveBytes();
        try (TensorScope scope = TensorScope.open()) {
            IOException e = assertThrows(IOException.class, () -> Npy.read(scope, dir));
            assertEquals(dir + ": is a directory, not a .npy file", e.getMessage());
        }
        assertEquals(live, TensorScope.liveBytes());
    }

    @Test
    void wrongMagic() throws IOException {
        assertRejected("hello, world, this is text".getBytes(), "wrong magic", "68 65 6c 6c 6f 2c");
        byte[] g = golden();
        g[1] = 'n';
        assertRejected(g, "wrong magic");
        assertRejected(Files.readAllBytes(resource("savez.npz")), "zip archive", "Npz.read");
        assertRejected(new byte[0], "empty");
    }

    @Test
    void unsupportedVersion() throws IOException {
        byte[] g = golden();
        g[6] = 4;
        assertRejected(g, "unsupported .npy format version 4.0");
        g[6] = 1;
        g[7] = 1;
        assertRejected(g, "version 1.1");
    }

    @Test
    void truncatedPreambleAndHeader() throws IOException {
        byte[] g = golden();
        assertRejected(Arrays.copyOf(g, 7), "truncated preamble");
        assertRejected(Arrays.copyOf(g, 9), "truncated header", "length field");
        assertRejected(Arrays.copyOf(g, 60), "truncated header", "118 bytes", "only 50");
        byte[] huge = Arrays.copyOf(g, 12); // version 2.0 with a 4-byte length of ~4 GB
        huge[6] = 2;
        huge[8] = huge[9] = huge[10] = huge[11] = (byte) 0xF0;
        assertRejected(huge, "header length", "implausible");
    }

    @Test
    void truncatedDataFromFileIsCaughtBeforeAllocation() throws IOException {
        byte[] g = golden();
        assertRejected(Arrays.copyOf(g, g.length - 3), "truncated data", "(2, 3)", "'<f4'", "needs 24 bytes", "only 21");
        assertRejected(Arrays.copyOf(g, 128), "truncated data", "only 0");
    }

    @Test
    void truncatedDataFromStreamLeaksNothingOnceTheScopeCloses() throws IOException {
        long live = TensorScope.liveBytes();
        byte[] g = golden();
        try (TensorScope scope = TensorScope.open()) {
            NpyFormatException e = assertThrows(NpyFormatException.class,
                    () -> Npy.read(scope, new ByteArrayInputStream(Arrays.copyOf(g, g.length - 5))));
            assertMessage(e, "<stream>", "truncated data", "only 19");
        }
        assertEquals(live, TensorScope.liveBytes());
        // Fortran order decodes into a temporary scope: a truncated stream leaves nothing in the caller's.
        byte[] f = Files.readAllBytes(resource("f4_fortran_3x4.npy"));
        try (TensorScope scope = TensorScope.open()) {
            assertThrows(NpyFormatException.class, () -> Npy.read(scope, new ByteArrayInputStream(Arrays.copyOf(f, f.length - 1))));
            assertEquals(0, scope.allocatedBytes());
        }
        assertEquals(live, TensorScope.liveBytes());
    }

    @Test
    void unsupportedDtypes() throws IOException {
        assertRejected(Files.readAllBytes(resource("c8_2.npy")), "unsupported dtype '<c8'", "complex");
        assertRejected(Files.readAllBytes(resource("U3_2.npy")), "unsupported dtype '<U3'", "unicode");
        assertRejected(Files.readAllBytes(resource("f2_2.npy")), "unsupported dtype '<f2'", "floating point of 2 bytes");
        assertHeaderRejected("{'descr': '|O', 'fortran_order': False, 'shape': (2,), }", "unsupported dtype '|O'", "Python objects");
        assertHeaderRejected("{'descr': '<M8[ns]', 'fortran_order': False, 'shape': (2,), }", "'<M8[ns]'", "datetime64");
        assertHeaderRejected("{'descr': '<f16', 'fortran_order': False, 'shape': (2,), }", "'<f16'");
        assertHeaderRejected("{'descr': '<i3', 'fortran_order': False, 'shape': (2,), }", "'<i3'");
        assertHeaderRejected("{'descr': [('x', '<f4'), ('y', '<i4')], 'fortran_order': False, 'shape': (2,), }",
                "structured dtype");
        assertHeaderRejected("{'descr': 5, 'fortran_order': False, 'shape': (2,), }", "not a dtype string");
        assertHeaderRejected("{'descr': '|f4', 'fortran_order': False, 'shape': (2,), }", "no byte order");
    }

    @Test
    void malformedHeaders() throws IOException {
        assertHeaderRejected("[1, 2, 3]", "header is not a dict");
        assertHeaderRejected("'descr'", "header is not a dict");
        assertHeaderRejected("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3", "cannot parse header");
        assertHeaderRejected("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), } junk", "cannot parse header", "unexpected text");
        assertHeaderRejected("{'descr': '<f4', 'fortran_order': False, 'shape': (2.5, 3), }", "cannot parse header", "float");
        assertHeaderRejected("{'descr': '<f4', 'fortran_order': False}", "lacks key 'shape'");
        assertHeaderRejected("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'x': 1}", "unexpected keys [x]");
        assertHeaderRejected("{'descr': '<f4', 'fortran_order': 0, 'shape': (2,)}", "fortran_order must be True or False");
        assertHeaderRejected("{'descr': '<f4', 'fortran_order': False, 'shape': (3)}", "shape must be a tuple of ints, got 3");
        assertHeaderRejected("{'descr': '<f4', 'fortran_order': False, 'shape': ('a',)}", "shape must be a tuple of ints");
        assertHeaderRejected("{'descr': '<f4', 'fortran_order': False, 'shape': (2, -3)}", "negative");
    }

    @Test
    void shapesTenfoldCannotHold() throws IOException {
        assertRejected(Files.readAllBytes(resource("f4_empty_0x3.npy")), "shape (0, 3)", "zero-length dimension", ">= 1");
        assertHeaderRejected("{'descr': '<f4', 'fortran_order': False, 'shape': (2147483648,), }", "exceeds", "2147483647");
        assertHeaderRejected("{'descr': '<f8', 'fortran_order': False, 'shape': (2147483647, 2147483647, 2147483647), }",
                "too many elements", "overflows");
        // A short file whose header promises exabytes: the file's length gives it away before allocation.
        byte[] exabytes = npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2147483647, 1000000000), }", new byte[64]);
        Path file = dir.resolve("huge.npy");
        Files.write(file, exabytes);
        long live = TensorScope.liveBytes();
        try (TensorScope scope = TensorScope.open()) {
            assertMessage(assertThrows(NpyFormatException.class, () -> Npy.read(scope, file)),
                    "truncated data", "needs 8589934588000000000 bytes", "only 64");
            // A stream has no length: the allocation itself fails, reported as a clear error, not an OutOfMemoryError.
            assertMessage(assertThrows(NpyFormatException.class, () -> Npy.read(scope, new ByteArrayInputStream(exabytes))),
                    "<stream>", "(2147483647, 1000000000)", "cannot be allocated");
            assertEquals(0, scope.allocatedBytes());
        }
        assertEquals(live, TensorScope.liveBytes());
    }

    @Test
    void lenientHeaderSyntaxIsAccepted() throws IOException {
        String[] dicts = {
            "{\"descr\":\"<f4\",\"fortran_order\":False,\"shape\":(2,3)}",
            "{ 'shape' : ( 2 , 3 , ) ,\n\t'fortran_order' : False , 'descr' : '<f4' , }",
            "{'descr': '<f4', 'fortran_order': False, 'shape': (2L, 3L), }",
            "{'descr': '<f4', 'fortran_order': False, 'shape': [2, 3]}",
        };
        byte[] data = Arrays.copyOfRange(golden(), 128, 152);
        for (String d : dicts) {
            try (TensorScope scope = TensorScope.open()) {
                Tensor t = Npy.read(scope, new ByteArrayInputStream(npy(d, data)));
                assertArrayEquals(new int[] {2, 3}, t.dims(), d);
                assertArrayEquals(new float[] {-1f, -0.5f, 0f, 0.5f, 1f, 1.5f}, t.toArray(), d);
            }
        }
    }

    @Test
    void argumentAndLifecycleErrors() throws IOException {
        Path f = resource("f4_c_2x3.npy");
        TensorScope closed = TensorScope.open();
        Tensor dead = closed.ones(2);
        closed.close();
        assertThrows(IllegalStateException.class, () -> Npy.read(closed, f));
        assertThrows(IllegalStateException.class, () -> Npy.write(dead, new ByteArrayOutputStream()));
        try (TensorScope scope = TensorScope.open()) {
            assertMessage(assertThrows(IllegalArgumentException.class, () -> Npy.read(null, f)), "scope");
            assertMessage(assertThrows(IllegalArgumentException.class, () -> Npy.read(scope, (Path) null)), "file");
            assertMessage(assertThrows(IllegalArgumentException.class, () -> Npy.write(null, dir.resolve("x.npy"))), "t must not be null");
            assertThrows(java.nio.file.NoSuchFileException.class, () -> Npy.read(scope, dir.resolve("missing.npy")));
        }
    }

    @Test
    void longHeadersUseVersion2() throws IOException {
        int[] dims = new int[25_000];
        Arrays.fill(dims, 1);
        try (TensorScope scope = TensorScope.open()) {
            Tensor t = scope.full(2.5f, dims);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Npy.write(t, out);
            byte[] b = out.toByteArray();
            assertEquals(2, b[6]);
            long headerLength = (b[8] & 0xFF) | (b[9] & 0xFF) << 8 | (b[10] & 0xFF) << 16 | (long) (b[11] & 0xFF) << 24;
            assertEquals(0, (12 + headerLength) % 64);
            assertEquals('\n', b[(int) (12 + headerLength - 1)]);
            Tensor back = Npy.read(scope, new ByteArrayInputStream(b));
            assertEquals(25_000, back.rank());
            assertEquals(2.5f, back.item());
        }
    }
}
