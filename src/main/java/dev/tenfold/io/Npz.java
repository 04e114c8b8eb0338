package dev.tenfold.io;

import dev.tenfold.tensor.Tensor;
import dev.tenfold.tensor.TensorScope;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Reads and writes NumPy {@code .npz} archives: zip files holding one {@code <name>.npy} entry
 * per array, as {@code numpy.savez} (stored) and {@code numpy.savez_compressed} (deflated) make
 * them, and as {@code numpy.load} reads them. Each array is written and read as by {@link Npy}
 * (float32 out; float32/float64/integer/bool in, converted to float32).
 *
 * <p>Order is kept: arrays are written in the map's iteration order (pass a
 * {@link java.util.LinkedHashMap} or another {@link SequencedMap} to choose it) and read back
 * in archive order. Entries carry a fixed timestamp (1980-01-01, as numpy writes) so the same
 * arrays always give the same archive bytes.
 */
public final class Npz {
    private static final LocalDateTime ENTRY_TIME = LocalDateTime.of(1980, 1, 1, 0, 0);
    private static final String SUFFIX = ".npy";

    private Npz() { }

    /**
     * Writes {@code arrays} to {@code file} as an uncompressed archive (like {@code numpy.savez}):
     * entry {@code <name>.npy} per map entry, in iteration order.
     *
     * @throws IllegalArgumentException when a name is null or empty or a tensor is null
     */
    public static void write(Map<String, Tensor> arrays, Path file) throws IOException {
        write(arrays, file, false);
    }

    /** Like {@link #write} but deflate-compressed (like {@code numpy.savez_compressed}). */
    public static void writeCompressed(Map<String, Tensor> arrays, Path file) throws IOException {
        write(arrays, file, true);
    }

    private static void write(Map<String, Tensor> arrays, Path file, boolean compress) throws IOException {
        Npy.requireNonNull(arrays, "arrays");
        Npy.requireNonNull(file, "file");
        for (Map.Entry<String, Tensor> e : arrays.entrySet()) {
            if (e.getKey() == null || e.getKey().isEmpty()) throw new IllegalArgumentException("arrays: array names must be non-empty, got '" + e.getKey() + "'");
            if (e.getValue() == null) throw new IllegalArgumentException("arrays: tensor '" + e.getKey() + "' is null");
            e.getValue().segment(); // IllegalStateException now, not halfway through the archive
        }
        try (ZipOutputStream zip = new ZipOutputStream(new BufferedOutputStream(Files.newOutputStream(file), 1 << 16))) {
            for (Map.Entry<String, Tensor> e : arrays.entrySet()) {
                Tensor t = e.getValue();
                try (TensorScope tmp = t.isContiguous() ? null : TensorScope.open()) {
                    Tensor c = tmp == null ? t : t.copyTo(tmp);
                    ZipEntry entry = new ZipEntry(e.getKey() + SUFFIX);
                    entry.setTimeLocal(ENTRY_TIME);
                    if (compress) {
                        entry.setMethod(ZipEntry.DEFLATED);
                    } else { // a stored entry needs its size and CRC before its data
                        CRC32 crc = new CRC32();
                        CountingOutputStream counter = new CountingOutputStream();
                        Npy.writeContiguous(c, new CheckedOutputStream(counter, crc));
                        entry.setMethod(ZipEntry.STORED);
                        entry.setSize(counter.count);
                        entry.setCompressedSize(counter.count);
                        entry.setCrc(crc.getValue());
                    }
                    zip.putNextEntry(entry);
                    Npy.writeContiguous(c, zip);
                    zip.closeEntry();
                }
            }
        }
    }

    /**
     * Reads every array of the archive {@code file} into {@code scope}, keyed by entry name
     * without {@code .npy}, in archive order. All entry names and headers are validated before
     * any tensor is allocated; an entry whose data turns out truncated or corrupt (CRC mismatch)
     * throws, and tensors already read stay with {@code scope} until it closes.
     *
     * @return an unmodifiable map in archive order
     * @throws NpyFormatException naming the file (and entry) for a corrupt archive, an entry that
     *                            is not a {@code .npy} array, or a bad array
     */
    public static SequencedMap<String, Tensor> read(TensorScope scope, Path file) throws IOException {
        Npy.requireOpen(scope);
        Npy.requireNonNull(file, "file");
        String source = file.toString();
        ZipFile zip;
        try {
            zip = new ZipFile(file.toFile());
        } catch (ZipException e) {
            throw new NpyFormatException(source, "not a valid .npz (zip) archive: " + e.getMessage(), e);
        }
        try (zip) {
            List<ZipEntry> entries = new ArrayList<>();
            List<String> names = new ArrayList<>();
            List<NpyHeader> headers = new ArrayList<>();
            for (ZipEntry entry : Collections.list(zip.entries())) {
                String entrySource = entrySource(source, entry);
                String name = arrayName(entry, entrySource);
                if (names.contains(name)) throw new NpyFormatException(entrySource, "duplicate array name '" + name + "'");
                NpyHeader h = guarded(entrySource, () -> {
                    try (InputStream in = zip.getInputStream(entry)) {
                        return NpyHeaders.read(in, entrySource);
                    }
                });
                long expected = h.dataOffset() + h.dataBytes();
                if (entry.getSize() >= 0 && entry.getSize() < expected) {
                    throw new NpyFormatException(entrySource, "truncated data: shape " + h.shape() + " of dtype '" + h.descr()
                            + "' needs " + expected + " bytes, the entry has " + entry.getSize());
                }
                entries.add(entry);
                names.add(name);
                headers.add(h);
            }
            SequencedMap<String, Tensor> out = new LinkedHashMap<>();
            for (int i = 0; i < entries.size(); i++) {
                ZipEntry entry = entries.get(i);
                String entrySource = entrySource(source, entry);
                out.put(names.get(i), guarded(entrySource, () -> readEntry(scope, zip, entry, entrySource)));
            }
            return Collections.unmodifiableSequencedMap(out);
        }
    }

    private static Tensor readEntry(TensorScope scope, ZipFile zip, ZipEntry entry, String entrySource) throws IOException {
        CRC32 crc = new CRC32();
        try (InputStream in = new CheckedInputStream(zip.getInputStream(entry), crc)) {
            NpyHeader h = NpyHeaders.read(in, entrySource);
            Tensor t = Npy.readData(scope, h, in, entrySource);
            in.transferTo(OutputStream.nullOutputStream()); // trailing bytes count in the CRC
            if (entry.getCrc() != -1 && crc.getValue() != entry.getCrc()) {
                throw new NpyFormatException(entrySource, String.format(
                        "CRC mismatch (stored %08x, computed %08x): the archive is corrupt", entry.getCrc(), crc.getValue()));
            }
            return t;
        }
    }

    private static String arrayName(ZipEntry entry, String entrySource) {
        String n = entry.getName();
        if (entry.isDirectory() || !n.endsWith(SUFFIX) || n.length() == SUFFIX.length()) {
            throw new NpyFormatException(entrySource, "not an array: .npz entries must be named <name>.npy");
        }
        return n.substring(0, n.length() - SUFFIX.length());
    }

    private static String entrySource(String source, ZipEntry entry) {
        return source + " entry '" + entry.getName() + "'";
    }

    private interface IoSupplier<T> {
        T get() throws IOException;
    }

    /** Runs {@code body}, turning zip-level failures (bad deflate data, early end) into format errors. */
    private static <T> T guarded(String entrySource, IoSupplier<T> body) throws IOException {
        try {
            return body.get();
        } catch (ZipException | EOFException e) {
            throw new NpyFormatException(entrySource, "corrupt .npz entry: " + e.getMessage(), e);
        }
    }

    /** Discards bytes, counting them. */
    private static final class CountingOutputStream extends OutputStream {
        long count;

        @Override
        public void write(int b) {
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            count += len;
        }
    }
}
