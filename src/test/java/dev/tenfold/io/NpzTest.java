package dev.tenfold.io;

import static dev.tenfold.io.NpyTestSupport.assertBits;
import static dev.tenfold.io.NpyTestSupport.elementsByIndex;
import static dev.tenfold.io.NpyTestSupport.resource;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tenfold.tensor.Tensor;
import dev.tenfold.tensor.TensorScope;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpzTest {
    @TempDir
    Path dir;

    /** Arrays in a deliberately unsorted order, with a scalar, a view and a broadcast. */
    private static SequencedMap<String, Tensor> sample(TensorScope scope) {
        SequencedMap<String, Tensor> m = new LinkedHashMap<>();
        m.put("zeta", scope.normal(1, 0f, 1f, 3, 5, 2));
        m.put("alpha", scope.scalar(-0.0f));
        m.put("mid/name with space", scope.arange(20).reshape(4, 5).t());
        m.put("b", scope.arange(3).broadcastTo(2, 3));
        return m;
    }

    private void checkRoundTrip(boolean compressed) throws IOException {
        Path file = dir.resolve(compressed ? "c.npz" : "s.npz");
        long live = TensorScope.liveBytes();
        try (TensorScope scope = TensorScope.open()) {
            SequencedMap<String, Tensor> in = sample(scope);
            if (compressed) Npz.writeCompressed(in, file); else Npz.write(in, file);
            try (TensorScope readScope = TensorScope.open()) {
                Map<String, Tensor> out = Npz.read(readScope, file);
                assertEquals(List.copyOf(in.keySet()), List.copyOf(out.keySet()), "order kept");
                for (String k : in.keySet()) assertBits(elementsByIndex(in.get(k)), in.get(k).dims(), out.get(k));
                assertThrows(UnsupportedOperationException.class, () -> out.remove("zeta"));
            }
        }
        assertEquals(live, TensorScope.liveBytes());
        try (ZipFile zip = new ZipFile(file.toFile())) {
            List<String> names = new ArrayList<>();
            for (ZipEntry e : Collections.list(zip.entries())) {
                names.add(e.getName());
                assertEquals(compressed ? ZipEntry.DEFLATED : ZipEntry.STORED, e.getMethod(), e.getName());
            }
            assertEquals(List.of("zeta.npy", "alpha.npy", "mid/name with space.npy", "b.npy"), names);
        }
    }

    @Test
    void storedArchiveRoundTrips() throws IOException {
        checkRoundTrip(false);
    }

    @Test
    void compressedArchiveRoundTrips() throws IOException {
        checkRoundTrip(true);
    }

    @Test
    void sameArraysGiveSameBytes() throws IOException {
        try (TensorScope scope = TensorScope.open()) {
            Npz.write(sample(scope), dir.resolve("1.npz"));
            Npz.write(sample(scope), dir.resolve("2.npz"));
            assertArrayEquals(Files.readAllBytes(dir.resolve("1.npz")), Files.readAllBytes(dir.resolve("2.npz")));
        }
    }

    @Test
    void emptyArchive() throws IOException {
        try (TensorScope scope = TensorScope.open()) {
            Npz.write(Map.of(), dir.resolve("e.npz"));
            assertTrue(Npz.read(scope, dir.resolve("e.npz")).isEmpty());
        }
    }

    @Test
    void badArguments() throws IOException {
        Path file = dir.resolve("x.npz");
        try (TensorScope scope = TensorScope.open()) {
            Map<String, Tensor> emptyName = new LinkedHashMap<>();
            emptyName.put("", scope.ones(1));
            assertTrue(assertThrows(IllegalArgumentException.class, () -> Npz.write(emptyName, file)).getMessage().contains("non-empty"));
            Map<String, Tensor> nullTensor = new LinkedHashMap<>();
            nullTensor.put("a", null);
            assertTrue(assertThrows(IllegalArgumentException.class, () -> Npz.write(nullTensor, file)).getMessage().contains("'a' is null"));
            assertThrows(IllegalArgumentException.class, () -> Npz.write(null, file));
        }
        TensorScope closed = TensorScope.open();
        Map<String, Tensor> dead = Map.of("a", closed.ones(1));
        closed.close();
        assertThrows(IllegalStateException.class, () -> Npz.write(dead, file));
        assertTrue(Files.notExists(file), "arguments are checked before the archive is created");
        assertThrows(IllegalStateException.class, () -> Npz.read(closed, resource("savez.npz")));
    }

    // ------------------------------------------------------------------ corrupt archives

    private static byte[] zip(Object... nameAndBytes) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(bytes)) {
            for (int i = 0; i < nameAndBytes.length; i += 2) {
                z.putNextEntry(new ZipEntry((String) nameAndBytes[i]));
                z.write((byte[]) nameAndBytes[i + 1]);
                z.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    /** Reading {@code archive} fails with every fragment; the file is named; nothing leaks. */
    private NpyFormatException assertRejected(byte[] archive, boolean allocatesNothing, String... fragments) throws IOException {
        Path file = dir.resolve("bad.npz");
        Files.write(file, archive);
        long live = TensorScope.liveBytes();
        NpyFormatException e;
        try (TensorScope scope = TensorScope.open()) {
            e = assertThrows(NpyFormatException.class, () -> Npz.read(scope, file));
            assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
            for (String f : fragments) assertTrue(e.getMessage().contains(f), "'" + e.getMessage() + "' should contain '" + f + "'");
            if (allocatesNothing) assertEquals(0, scope.allocatedBytes());
        }
        assertEquals(live, TensorScope.liveBytes());
        return e;
    }

    @Test
    void notAZipAtAll() throws IOException {
        assertRejected("definitely not a zip archive, just text".getBytes(), true, "not a valid .npz (zip) archive");
        assertRejected(Files.readAllBytes(resource("f4_c_2x3.npy")), true, "not a valid .npz (zip) archive");
        byte[] npz = Files.readAllBytes(resource("savez.npz"));
        assertRejected(Arrays.copyOf(npz, npz.length / 2), true, "not a valid .npz (zip) archive");
        assertRejected(new byte[0], true, "not a valid .npz");
    }

    @Test
    void badEntries() throws IOException {
        byte[] good = Files.readAllBytes(resource("f4_c_2x3.npy"));
        assertRejected(zip("a.npy", good, "readme.txt", "hello".getBytes()), true,
                "entry 'readme.txt'", "not an array", "<name>.npy");
        assertRejected(zip("a.npy", good, "b.npy", "not numpy at all".getBytes()), true,
                "entry 'b.npy'", "wrong magic");
        assertRejected(zip("a.npy", good, ".npy", good), true, "entry '.npy'", "not an array");
        assertRejected(zip("dir/", new byte[0]), true, "entry 'dir/'", "not an array");
        assertRejected(zip("a.npy", good, "b.npy", Arrays.copyOf(good, good.length - 4)), true,
                "entry 'b.npy'", "truncated data", "needs 152 bytes, the entry has 148");
        assertRejected(zip("c.npy", Files.readAllBytes(resource("c8_2.npy"))), true, "entry 'c.npy'", "'<c8'");
    }

    @Test
    void corruptDataIsCaughtByTheCrc() throws IOException {
        byte[] npz = Files.readAllBytes(resource("savez.npz"));
        int magic = indexOf(npz, new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'}, 0);
        npz[magic + 128 + 5] ^= 0x40; // a data byte of the first entry (z.npy), past its 128-byte header
        assertRejected(npz, false, "entry 'z.npy'", "CRC mismatch", "corrupt");
    }

    @Test
    void corruptDeflateStreamIsAFormatError() throws IOException {
        byte[] npz = Files.readAllBytes(resource("savez_compressed.npz"));
        // Overwrite the middle of the first entry's compressed data (local header 30 bytes + "z.npy" + extra).
        int nameLength = npz[26] & 0xFF;
        int extraLength = npz[28] & 0xFF;
        int start = 30 + nameLength + extraLength;
        for (int i = start + 10; i < start + 40; i++) npz[i] = (byte) 0xFF;
        assertRejected(npz, false, "entry 'z.npy'");
    }

    private static int indexOf(byte[] hay, byte[] needle, int from) {
        outer:
        for (int i = from; i <= hay.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
            return i;
        }
        throw new IllegalStateException("pattern not found");
    }
}
