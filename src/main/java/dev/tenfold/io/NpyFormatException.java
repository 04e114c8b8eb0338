package dev.tenfold.io;

/**
 * A {@code .npy} file or {@code .npz} archive that cannot be read: wrong magic, unsupported
 * version or dtype, malformed or truncated header, truncated data, a shape tenfold cannot hold,
 * or a corrupt archive. The message starts with the source (file path, archive entry or
 * {@code <stream>}) and says what was wrong.
 */
public final class NpyFormatException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String source;

    /** A problem with {@code source} described by {@code problem}. */
    public NpyFormatException(String source, String problem) {
        super(source + ": " + problem);
        this.source = source;
    }

    /** Same, with the low-level cause (e.g. a {@link java.util.zip.ZipException}). */
    public NpyFormatException(String source, String problem, Throwable cause) {
        super(source + ": " + problem, cause);
        this.source = source;
    }

    /** The file, archive entry or {@code <stream>} that was being read. */
    public String source() {
        return source;
    }
}
